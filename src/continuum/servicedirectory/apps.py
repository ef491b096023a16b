from django.apps import AppConfig


class ServiceDirectoryConfig(AppConfig):
    name = "continuum.servicedirectory"
    label = "servicedirectory"
    verbose_name = "The local service directory (Open Referral UK)"
