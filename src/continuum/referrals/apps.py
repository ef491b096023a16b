from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "continuum.referrals"
    verbose_name = "Referrals and the front door"
