"""Sign-in and sign-out go in the audit log."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    audit_record(actor=user, action=AuditAction.SIGN_IN, object_type="session")


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action=AuditAction.SIGN_OUT, object_type="session")


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # The username tried is kept so the DPO can see attacks on an account; never the password.
    audit_record(
        actor=None,
        action=AuditAction.SIGN_IN_FAILED,
        object_type="session",
        details={"username": str(credentials.get("username", ""))[:150]},
    )
