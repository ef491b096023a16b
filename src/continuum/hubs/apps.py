from django.apps import AppConfig


class HubsConfig(AppConfig):
    name = "continuum.hubs"
    label = "hubs"
    verbose_name = "Family hub life: registration, sessions, reach, outreach, volunteers"

    def ready(self):
        from continuum.demo.seed import northbrook_seeded
        from continuum.hubs.demo import seed_family_hub_life

        northbrook_seeded.connect(seed_family_hub_life, dispatch_uid="hubs-demo")
