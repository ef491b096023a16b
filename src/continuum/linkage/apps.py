from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "continuum.linkage"
    label = "linkage"
    verbose_name = "Linkage: agency records, identity resolution, merge and unmerge"

    def ready(self):
        from continuum.demo.seed import northbrook_seeded
        from continuum.linkage.demo import seed_on_northbrook
        from continuum.linkage.services.features import features_refresh
        from continuum.people.services import register_identity_hook

        northbrook_seeded.connect(seed_on_northbrook, dispatch_uid="linkage-demo")
        # The real-time matcher's stored versions follow every change to who a person is.
        register_identity_hook(features_refresh)
