"""Receipts ("the relay race"): escalating hand-overs nobody acknowledged by their deadline."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.directory.models import Role, User
from continuum.referrals.models import (
    InformationRequest,
    Referral,
    Status,
)
from continuum.referrals.services.notifications import notify

# --- receipts: escalation -----------------------------------------------------------------------


def _managers(agency_id: int | None) -> list[User]:
    if not agency_id:
        return []
    return list(User.objects.filter(agency_id=agency_id, role=Role.TEAM_MANAGER, is_active=True))


@transaction.atomic
def escalate_unacknowledged(*, now: dt.datetime | None = None) -> int:
    """Tell the receiving team's managers about every hand-over not acknowledged by its deadline.
    Each item is escalated once (escalated_at). Run by `continuum escalate` (e.g. every 15 min)."""
    now = now or timezone.now()
    count = 0
    overdue = Referral.objects.select_for_update().filter(
        status=Status.SUBMITTED, acknowledgement_due_at__lt=now, escalated_at__isnull=True
    )
    for referral in overdue:
        for manager in _managers(referral.destination_agency_id):
            notify(
                recipient=manager,
                referral=referral,
                subject=f"Escalation: referral {referral.reference} has not been acknowledged",
                url=reverse("referrals:contact", args=[referral.pk]),
                email_to=[manager.email],
            )
        Referral.objects.filter(pk=referral.pk).update(escalated_at=now)
        count += 1
    requests = InformationRequest.objects.select_for_update().filter(
        acknowledged_at__isnull=True, acknowledgement_due_at__lt=now, escalated_at__isnull=True
    )
    for request in requests:
        for manager in _managers(request.to_agency_id):
            notify(
                recipient=manager,
                referral=request.referral,
                subject=f"Escalation: an information request to {request.to_agency.name} "
                "has not been acknowledged",
                url=reverse("referrals:request", args=[request.pk]),
                email_to=[manager.email],
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
