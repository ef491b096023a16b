from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "continuum.linkage"
    label = "linkage"
    verbose_name = "Linkage: agency records, identity resolution, merge and unmerge"
