from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "continuum.directory"
    label = "directory"
    verbose_name = "Directory: agencies, teams, staff and catchments"
