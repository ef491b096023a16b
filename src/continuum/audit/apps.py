from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class AuditConfig(AppConfig):
    name = "continuum.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self):
        # Each app says, in its own audit_subjects.py, who the records its URLs name are about.
        autodiscover_modules("audit_subjects")
