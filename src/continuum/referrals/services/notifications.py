"""The in-app inbox and email: an inbox item now, an email only after the transaction commits.

An inbox item is for one person, a team or an agency. Hand-overs to an agency (a new referral,
an information request, an escalation, a withdrawal) go to the agency's receiving team when one
is configured (`ReceivingTeam`), and otherwise to the agency-wide inbox."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from continuum.directory.models import Agency, Team, User
from continuum.referrals.models import Notification, ReceivingTeam, Referral


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


def receiving_team(agency: Agency | None) -> Team | None:
    """The team that receives the agency's hand-overs, if the agency has named one."""
    if agency is None:
        return None
    chosen = ReceivingTeam.objects.filter(agency=agency).select_related("team").first()
    return chosen.team if chosen else None


def notify_receiving(
    *,
    agency: Agency,
    subject: str,
    referral: Referral | None = None,
    url: str = "",
    body: str = "",
    email: bool = True,
) -> Notification:
    """An inbox item for the agency's receiving team (or the agency, without one); the email goes
    to the team's address, or the agency's."""
    team = receiving_team(agency)
    address = (team.email if team else "") or agency.email
    return notify(
        team=team,
        agency=None if team else agency,
        referral=referral,
        subject=subject,
        body=body,
        url=url,
        email_to=[address] if email and address else [],
    )


def hand_over_done(*, referral: Referral, actor: User) -> int:
    """The referral has been acknowledged (or withdrawn before anyone did): the items that asked
    the receiving side to acknowledge it ("a referral is waiting to be acknowledged", and the
    escalations when nobody did) are done, read by `actor`. Until a referral is acknowledged every
    item about it is one of those; the referrer's own items are never touched."""
    return (
        Notification.objects.filter(referral=referral, read_at__isnull=True)
        .exclude(recipient_id=referral.referrer_id)
        .update(read_at=timezone.now(), read_by=actor)
    )


@transaction.atomic
def notification_mark_read(*, actor: User, notification: Notification) -> None:
    """Read for everyone it was for (a team's or an agency's item is shared), by `actor`.
    The caller found it through the user's inbox (selectors.notification_for)."""
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now(), read_by=actor
    )
