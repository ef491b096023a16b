from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "continuum.casework"
    label = "casework"
    verbose_name = "Working with a family: episodes, TAF, plans, visits, chronology"

    def ready(self):
        from continuum.casework.demo import seed_on_northbrook
        from continuum.demo.seed import northbrook_seeded

        northbrook_seeded.connect(seed_on_northbrook, dispatch_uid="casework-demo")

        # The banner and quick actions at the top of a child's page.
        from continuum.casework.selectors import child_banner
        from continuum.people.panels import register_person_panel

        register_person_panel(child_banner)
