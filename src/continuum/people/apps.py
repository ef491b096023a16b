from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "continuum.people"
    label = "people"
    verbose_name = "People, households and relationships"
