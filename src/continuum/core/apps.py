from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "continuum.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from continuum.core import signals  # noqa: F401  (connects the audit receivers)
