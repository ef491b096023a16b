"""The receiving team's first steps: acknowledging receipt with a RAG rating, internal notes."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.directory.models import User
from continuum.referrals import timescales
from continuum.referrals.models import (
    ContactNote,
    Destination,
    Rag,
    Referral,
    Status,
)
from continuum.referrals.services._common import _lock, _move
from continuum.referrals.services.notifications import notify


@transaction.atomic
def referral_receive(*, actor: User, referral: Referral, rag: str) -> Referral:
    """Acknowledge receipt as a named person and rate the contact, which sets its deadlines."""
    if rag not in Rag.values:
        raise ValidationError({"rag": "Select a RAG rating"})
    current = _lock(referral, "receive")
    now = timezone.now()
    decision_due = (
        timescales.decision_due(now) if current.destination == Destination.FRONT_DOOR else None
    )
    current = _move(
        current,
        to=Status.RECEIVED,
        actor=actor,
        action="receive",
        received_at=now,
        received_by=actor,
        rag=rag,
        rag_due_at=timescales.rag_due(rag, now),
        decision_due_at=decision_due,
    )
    notify(
        recipient=current.referrer,
        referral=current,
        subject=f"Your referral {current.reference} has been received",
        body=f"Acknowledged by {actor.get_full_name()}"
        f"{' (' + actor.agency.name + ')' if actor.agency else ''}.",
        url=reverse("referrals:detail", args=[current.pk]),
    )
    return current


@transaction.atomic
def contact_add_note(*, actor: User, referral: Referral, text: str) -> ContactNote:
    if not text.strip():
        raise ValidationError({"text": "Enter the note"})
    note = ContactNote(referral=referral, author=actor, text=text.strip())
    note.full_clean()
    note.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="contact_note",
        object_id=note.pk,
        details={"referral_id": referral.pk},
    )
    return note
