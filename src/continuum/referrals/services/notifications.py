"""The in-app inbox and email: an inbox item now, an email only after the transaction commits."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from continuum.directory.models import Agency, User
from continuum.referrals.models import Notification, Referral


def notify(
    *,
    subject: str,
    referral: Referral | None = None,
    url: str = "",
    body: str = "",
    recipient: User | None = None,
    team=None,
    agency: Agency | None = None,
    email_to: list[str] | None = None,
) -> Notification:
    """An inbox item now; an email only after the transaction commits (never for a rollback).

    Emails say what happened and where to look; they carry no names or dates of birth.
    """
    note = Notification(
        recipient=recipient,
        team=team,
        agency=agency,
        referral=referral,
        subject=subject,
        body=body,
        url=url,
    )
    note.full_clean()
    note.save()
    addresses = [a for a in (email_to or []) if a]
    if addresses:
        link = url and f"\n\nSign in to Continuum to see it: {url}"
        # robust: a mail server failure is logged and never breaks the committed request
        transaction.on_commit(
            lambda: send_mail(subject, f"{body}{link}", settings.DEFAULT_FROM_EMAIL, addresses),
            robust=True,
        )
    return note


def _receiving_agency_email(referral: Referral) -> list[str]:
    agency = referral.destination_agency
    return [agency.email] if agency and agency.email else []


@transaction.atomic
def notification_mark_read(*, actor: User, notification: Notification) -> None:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
