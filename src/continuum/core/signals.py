"""Sign-in and sign-out go in the audit log: each sign-in with the factors it used, each
failure (wrong password, wrong second-factor code, a locked-out username, a refused single
sign-on) and each second factor set up or removed."""

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.core.auth import note_sign_in_time


def _methods(request, user) -> list[str]:
    """How this sign-in was made, e.g. ["password", "mfa:totp"] or ["socialaccount:sso"]."""
    if request is None or not hasattr(request, "session"):
        return []
    methods = []
    for record in get_authentication_records(request, user):
        method = str(record.get("method", ""))
        detail = record.get("type") or record.get("provider")
        methods.append(f"{method}:{detail}" if detail else method)
    return methods


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    note_sign_in_time(request)  # the idle timeout counts from here
    methods = _methods(request, user)
    audit_record(
        actor=user,
        action=AuditAction.SIGN_IN,
        object_type="session",
        details={"methods": methods} if methods else {},
    )


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


@receiver(user_locked_out)
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    audit_record(
        actor=None,
        action=AuditAction.SIGN_IN_FAILED,
        object_type="session",
        details={"username": str(username or "")[:150], "reason": "locked out"},
    )


@receiver(mfa_signals.authentication_failed)
def _second_factor_failed(sender, request, user, authenticator, reauthentication=False, **kw):
    audit_record(
        actor=None,
        action=AuditAction.SIGN_IN_FAILED,
        object_type="session",
        details={
            "username": user.get_username()[:150],
            "reason": "wrong second-factor code",
            "factor": str(authenticator.type),
            "reauthentication": bool(reauthentication),
        },
    )


# Saved and deleted in allauth's own transaction: the audit event goes in with it (allauth's
# authenticator_added signal waits for the commit, after which a failure could lose it).
@receiver(post_save, sender=Authenticator)
def _second_factor_added(sender, instance, created, **kwargs):
    if created:
        audit_record(
            actor=instance.user,
            action=AuditAction.CREATE,
            object_type="authenticator",
            object_id=str(instance.pk),
            details={"factor": str(instance.type)},
        )


@receiver(post_delete, sender=Authenticator)
def _second_factor_removed(sender, instance, **kwargs):
    audit_record(
        actor=instance.user,
        action=AuditAction.DELETE,
        object_type="authenticator",
        object_id=str(instance.pk),
        details={"factor": str(instance.type)},
    )
