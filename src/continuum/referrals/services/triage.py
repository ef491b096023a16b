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
from continuum.referrals.services.notifications import hand_over_done, notify

LOW_RATINGS = (Rag.GREEN, Rag.BLUE)


def needs_low_rating_confirmation(referral: Referral, rag: str) -> bool:
    """A contact the referrer judged level 4, or sent as urgent, rated Green or Blue: the rating
    runs a much longer clock than the referrer asked for, so the worker must confirm it."""
    high = referral.referrer_level == 4 or timescales.is_urgent(referral.urgency)
    return rag in LOW_RATINGS and high


@transaction.atomic
def referral_receive(
    *, actor: User, referral: Referral, rag: str, confirm_low_rating: bool = False
) -> Referral:
    """Acknowledge receipt as a named person and rate the contact, which sets its RAG deadline.

    The clocks run from the referral's arrival (the MASH's receipt), not from the acknowledgement:
    a contact acknowledged late does not gain time. A level 4 or urgent contact rated Green or
    Blue is refused unless `confirm_low_rating` says the worker meant it."""
    if rag not in Rag.values:
        raise ValidationError({"rag": "Select a RAG rating"})
    current = _lock(referral, "receive")
    if needs_low_rating_confirmation(current, rag) and not confirm_low_rating:
        why = "level 4" if current.referrer_level == 4 else "urgent"
        raise ValidationError(
            {
                "confirm_low_rating": f"The referrer judged this contact {why}. Confirm that you "
                f"mean to rate it {Rag(rag).label}, or choose another rating"
            }
        )
    now = timezone.now()
    arrived = current.submitted_at or now
    decision_due = current.decision_due_at
    if decision_due is None and current.destination == Destination.FRONT_DOOR:
        decision_due = timescales.decision_due(
            arrived, urgent=timescales.is_urgent(current.urgency)
        )
    hand_over_done(referral=current, actor=actor)
    current = _move(
        current,
        to=Status.RECEIVED,
        actor=actor,
        action="receive",
        received_at=now,
        received_by=actor,
        rag=rag,
        rag_due_at=timescales.rag_due(rag, arrived),
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
