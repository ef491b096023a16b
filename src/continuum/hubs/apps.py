from django.apps import AppConfig


class HubsConfig(AppConfig):
    name = "continuum.hubs"
    label = "hubs"
    verbose_name = (
        "Family hub life: registration, sessions, attendance, reach, outreach, volunteers"
    )
