from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "continuum.outcomes"
    label = "outcomes"
    verbose_name = "Outcome measures, family journeys and OBA report cards"
