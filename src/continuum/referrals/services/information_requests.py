"""Information requests from the receiving team to partner agencies: sent, acknowledged by a
named person, answered inside Continuum."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.directory.models import Agency, User
from continuum.referrals import timescales
from continuum.referrals.errors import InvalidTransition
from continuum.referrals.models import (
    InformationRequest,
    Referral,
    Status,
)
from continuum.referrals.services._common import _lock, _move
from continuum.referrals.services.notifications import notify, notify_receiving


@transaction.atomic
def referral_request_information(
    *, actor: User, referral: Referral, to_agency: Agency, question: str, due_at: dt.datetime
) -> InformationRequest:
    if not question.strip():
        raise ValidationError({"question": "Enter what you need to know"})
    now = timezone.now()
    if due_at <= now:
        raise ValidationError({"due_at": "The due time must be in the future"})
    current = _lock(referral, "request_information")
    if current.status != Status.INFORMATION_GATHERING:
        current = _move(
            current,
            to=Status.INFORMATION_GATHERING,
            actor=actor,
            action="request_information",
            note=f"Asked {to_agency.name}",
        )
    request = InformationRequest(
        referral=current,
        to_agency=to_agency,
        question=question.strip(),
        due_at=due_at,
        requested_by=actor,
        requested_at=now,
        acknowledgement_due_at=timescales.acknowledgement_due(now, cap=due_at),
    )
    request.full_clean()
    request.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="information_request",
        object_id=request.pk,
        details={"referral_id": current.pk, "to_agency_id": to_agency.pk},
    )
    notify_receiving(
        agency=to_agency,
        referral=current,
        subject=f"Information request about contact {current.reference}",
        body=f"Please acknowledge and answer by {timezone.localtime(due_at):%-d %B %Y %H:%M}.",
        url=reverse("referrals:request", args=[request.pk]),
    )
    return request


@transaction.atomic
def information_request_acknowledge(
    *, actor: User, request: InformationRequest
) -> InformationRequest:
    current = InformationRequest.objects.select_for_update().get(pk=request.pk)
    if current.acknowledged_at:
        return current  # already acknowledged: the first named person stands
    current.acknowledged_by, current.acknowledged_at = actor, timezone.now()
    current.save(update_fields=["acknowledged_by", "acknowledged_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="information_request",
        object_id=current.pk,
        changed_fields=["acknowledged_by", "acknowledged_at"],
    )
    notify(
        recipient=current.requested_by,
        referral=current.referral,
        subject=f"Information request acknowledged by {actor.get_full_name()}",
        url=reverse("referrals:contact", args=[current.referral_id]),
    )
    return current


@transaction.atomic
def information_request_answer(
    *, actor: User, request: InformationRequest, answer: str
) -> InformationRequest:
    if not answer.strip():
        raise ValidationError({"answer": "Enter your answer"})
    current = InformationRequest.objects.select_for_update().get(pk=request.pk)
    if current.answered_at:
        raise InvalidTransition("This request has already been answered")
    if current.referral.status not in (
        Status.RECEIVED,
        Status.INFORMATION_GATHERING,
        Status.DECIDED,
    ):
        raise InvalidTransition("The contact this request was about is no longer open")
    now = timezone.now()
    if not current.acknowledged_at:
        current.acknowledged_by, current.acknowledged_at = actor, now
    current.answer, current.answered_by, current.answered_at = answer.strip(), actor, now
    current.save(
        update_fields=["acknowledged_by", "acknowledged_at", "answer", "answered_by", "answered_at"]
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="information_request",
        object_id=current.pk,
        changed_fields=["answer"],
    )
    notify(
        recipient=current.requested_by,
        referral=current.referral,
        subject=f"{current.to_agency.name} answered your information request",
        url=reverse("referrals:contact", args=[current.referral_id]),
    )
    return current
