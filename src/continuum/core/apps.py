from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "continuum.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from django.db.models.signals import post_migrate

        from continuum.core import signals  # noqa: F401  (connects the audit receivers)

        post_migrate.connect(_create_cache_table, sender=self)


def _create_cache_table(sender, using="default", **kwargs):
    """`migrate` (so `continuum migrate`, `continuum demo` and the test database) also creates
    the database cache's table, which holds the rate limits; it does nothing once it exists."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
