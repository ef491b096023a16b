from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "continuum.referrals"
    verbose_name = "Referrals and the front door"

    def ready(self):
        from continuum.governance.services import register_notifier
        from continuum.referrals.services.notifications import governance_notice

        # emergency access is reported in the inbox (governance sits below referrals)
        register_notifier(governance_notice)
        from continuum.demo.seed import northbrook_seeded
        from continuum.referrals.demo import seed_on_northbrook

        northbrook_seeded.connect(seed_on_northbrook, dispatch_uid="referrals-demo")
