from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "continuum.casework"
    label = "casework"
    verbose_name = "Working with a family: episodes, TAF, plans, visits, chronology"
