from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "continuum.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from django.db.models.signals import post_migrate

        from continuum.core import signals  # noqa: F401  (connects the audit receivers)

        # Not `sender=self`: post_migrate is sent only for apps with models, and core has none.
        post_migrate.connect(_create_cache_table, dispatch_uid="continuum-create-cache-table")


def _create_cache_table(sender, using="default", **kwargs):
    """`migrate` (so `continuum migrate`, `continuum demo` and the test database) also creates
    the database cache's table, which holds the rate limits; it does nothing once it exists
    (it runs once for each app migrate reports on: a cheap check of the table names)."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
