from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "continuum.referrals"
    verbose_name = "Referrals and the front door"

    def ready(self):
        from continuum.demo.seed import northbrook_seeded
        from continuum.referrals.demo import seed_on_northbrook

        northbrook_seeded.connect(seed_on_northbrook, dispatch_uid="referrals-demo")
