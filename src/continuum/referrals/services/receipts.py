"""Receipts ("the relay race"): escalating hand-overs nobody acknowledged by their deadline."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.directory.models import Agency, Role, User
from continuum.referrals.models import InformationRequest, Referral, Status
from continuum.referrals.services.notifications import notify, receiving_team

# --- receipts: escalation -----------------------------------------------------------------------


def _managers(agency: Agency | None, team) -> list[User]:
    """The receiving team's managers; without a receiving team (or a manager in it), the
    agency's."""
    if agency is None:
        return []
    managers = User.objects.filter(agency=agency, role=Role.TEAM_MANAGER, is_active=True)
    in_team = list(managers.filter(team=team)) if team else []
    return in_team or list(managers)


def _escalate(*, agency: Agency | None, referral: Referral, subject: str, url: str) -> None:
    team = receiving_team(agency)
    for manager in _managers(agency, team):
        notify(
            recipient=manager, referral=referral, subject=subject, url=url,
            email_to=[manager.email],
        )  # fmt: skip
    if team is not None:  # the whole receiving team sees what is overdue in its inbox
        notify(team=team, referral=referral, subject=subject, url=url)


@transaction.atomic
def escalate_unacknowledged(*, now: dt.datetime | None = None) -> int:
    """Tell the receiving team (its inbox, and its managers by email) about every hand-over not
    acknowledged by its deadline. Each item is escalated once (escalated_at). Run by
    `continuum escalate` (e.g. every 15 minutes)."""
    now = now or timezone.now()
    count = 0
    overdue = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("destination_agency")
        .filter(status=Status.SUBMITTED, acknowledgement_due_at__lt=now, escalated_at__isnull=True)
    )
    for referral in overdue:
        _escalate(
            agency=referral.destination_agency,
            referral=referral,
            subject=f"Escalation: referral {referral.reference} has not been acknowledged",
            url=reverse("referrals:contact", args=[referral.pk]),
        )
        Referral.objects.filter(pk=referral.pk).update(escalated_at=now)
        count += 1
    requests = (
        InformationRequest.objects.select_for_update(of=("self",))
        .select_related("to_agency", "referral")
        .filter(
            acknowledged_at__isnull=True, acknowledgement_due_at__lt=now, escalated_at__isnull=True
        )
    )
    for request in requests:
        _escalate(
            agency=request.to_agency,
            referral=request.referral,
            subject=f"Escalation: an information request to {request.to_agency.name} "
            "has not been acknowledged",
            url=reverse("referrals:request", args=[request.pk]),
        )
        InformationRequest.objects.filter(pk=request.pk).update(escalated_at=now)
        count += 1
    if count:
        audit_record(
            actor=None,
            action=AuditAction.UPDATE,
            object_type="escalation",
            details={"escalated": count},
        )
    return count
