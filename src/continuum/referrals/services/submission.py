"""The referrer's side: drafts, submission (also idempotent, for agency systems) and withdrawal."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.directory.models import User
from continuum.people.models import HouseholdMembership, Person
from continuum.referrals.errors import InvalidTransition
from continuum.referrals.models import (
    Consent,
    Destination,
    Referral,
    ReferralSource,
    ReferralTransition,
    Status,
)
from continuum.referrals.services._common import (
    SOURCE_FOR_AGENCY,
    _lock,
    _move,
    _new_reference,
    _open_involvement,
    arrival_deadlines,
    front_door_agency,
)
from continuum.referrals.services.notifications import hand_over_done, notify_receiving

DRAFT_FIELDS = [
    "source",
    "destination",
    "destination_agency",
    "concerns",
    "what_has_been_tried",
    "child_views",
    "parents_views",
    "referrer_level",
    "consent",
    "consent_reason",
    "without_consent_justification",
    "urgency",
]


def _current_household(child: Person):
    membership = (
        HouseholdMembership.objects.filter(person=child, end_date__isnull=True)
        .select_related("household")
        .order_by("-start_date")
        .first()
    )
    return membership.household if membership else None


def _unsaved_draft(*, actor: User, child: Person, data: dict, idempotency_key="", episode=None):
    referral = Referral(
        reference=_new_reference(),
        child=child,
        household=_current_household(child) or (episode.household if episode else None),
        referrer=actor,
        referrer_agency_id=actor.agency_id,
        source=SOURCE_FOR_AGENCY.get(actor.agency.kind, ReferralSource.OTHER),
        idempotency_key=idempotency_key,
        episode=episode,
    )
    for name in DRAFT_FIELDS:
        if name in data and data[name] is not None:
            setattr(referral, name, data[name])
    if referral.destination == Destination.FRONT_DOOR:
        referral.destination_agency = front_door_agency()
    return referral


def missing_for_new(*, actor: User, child: Person, data: dict, episode=None) -> dict[str, str]:
    """What `missing_for_submit` would say about a referral made from `data`, without saving
    anything: a new referral sent with answers missing is refused, not kept as a draft (a draft
    is saved only when the referrer asks for one)."""
    return missing_for_submit(_unsaved_draft(actor=actor, child=child, data=data, episode=episode))


@transaction.atomic
def referral_create(
    *,
    actor: User,
    child: Person,
    data: dict | None = None,
    idempotency_key: str = "",
    episode=None,
) -> Referral:
    """A draft referral about a child the actor may see (the caller used the gatekeeper).

    `episode`: the casework episode this referral steps up from (the caller checked the actor
    may see it); the child must be in it."""
    if not actor.agency_id:
        raise ValidationError("Only staff of an agency can make a referral")
    if episode is not None and not episode.children.filter(person_id=child.pk).exists():
        raise ValidationError("This child is not in the episode the referral steps up from")
    data = dict(data or {})
    referral = _unsaved_draft(
        actor=actor, child=child, data=data, idempotency_key=idempotency_key, episode=episode
    )
    referral.full_clean()
    referral.save()
    ReferralTransition.objects.create(referral=referral, to_status=Status.DRAFT, actor=actor)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="referral",
        object_id=referral.pk,
        changed_fields=[n for n in DRAFT_FIELDS if data.get(n) not in (None, "")],
        details={"child_id": child.pk, **({"episode_id": episode.pk} if episode else {})},
    )
    return referral


@transaction.atomic
def referral_update_draft(*, actor: User, referral: Referral, data: dict) -> Referral:
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if current.status != Status.DRAFT:
        raise InvalidTransition(
            f"Referral {current.reference} has been {Status(current.status).label.lower()} "
            "and can no longer be changed"
        )
    changed = []
    for name in DRAFT_FIELDS:
        if name in data and getattr(current, name) != data[name]:
            setattr(current, name, data[name])
            changed.append(name)
    if current.destination == Destination.FRONT_DOOR:
        current.destination_agency = front_door_agency()
    current.updated_at = timezone.now()
    current.full_clean()
    current.save(update_fields=[*DRAFT_FIELDS, "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="referral",
        object_id=current.pk,
        changed_fields=changed,
        details={"child_id": current.child_id},
    )
    return current


def missing_for_submit(referral: Referral) -> dict[str, str]:
    """Each required field that is missing, with the message that names it."""
    errors: dict[str, str] = {}
    if not referral.source:
        errors["source"] = "Select the referral source"
    if referral.destination == Destination.EARLY_HELP_PANEL and not referral.destination_agency_id:
        errors["destination_agency"] = (
            "Select the family hub whose early help panel should receive it"
        )
    if referral.destination == Destination.FRONT_DOOR and not referral.destination_agency_id:
        errors["destination"] = "There is no front door in the directory to send the referral to"
    if not referral.concerns.strip():
        errors["concerns"] = "Enter what you are worried about"
    if not referral.what_has_been_tried.strip():
        errors["what_has_been_tried"] = "Enter what has been tried so far"
    if not referral.child_views.strip():
        errors["child_views"] = "Enter the child's views, or why they could not be sought"
    if not referral.parents_views.strip():
        errors["parents_views"] = "Enter the parents' or carers' views"
    if not referral.referrer_level:
        errors["referrer_level"] = "Select your view of the level of need"
    if not referral.consent:
        errors["consent"] = "Select whether the family consented to this referral"
    elif referral.consent != Consent.GIVEN:
        if not referral.consent_reason.strip():
            errors["consent_reason"] = "Enter why consent was refused or not sought"
        if not referral.without_consent_justification.strip():
            errors["without_consent_justification"] = (
                "Enter the risk of significant harm that justifies sharing without consent"
            )
    if not referral.urgency:
        errors["urgency"] = "Select how urgent this is"
    return errors


@transaction.atomic
def referral_submit(*, actor: User, referral: Referral) -> Referral:
    """Send the referral. Refused, naming each missing field, if anything required is missing."""
    current = _lock(referral, "submit")
    if current.referrer_id != actor.pk:
        raise InvalidTransition("Only the person who wrote the referral can submit it")
    if current.destination == Destination.FRONT_DOOR and not current.destination_agency_id:
        current.destination_agency = front_door_agency()
    errors = missing_for_submit(current)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    current = _move(
        current,
        to=Status.SUBMITTED,
        actor=actor,
        action="submit",
        submitted_at=now,
        destination_agency=current.destination_agency,
        **arrival_deadlines(current, now),
    )
    if current.destination == Destination.EARLY_HELP_PANEL:
        # The hub's panel needs to see the child to consider the referral.
        _open_involvement(
            agency_id=current.destination_agency_id,
            child=current.child,
            actor=actor,
            reason=f"Referral {current.reference} to the early help panel",
        )
    where = "front door" if current.destination == Destination.FRONT_DOOR else "early help panel"
    notify_receiving(
        agency=current.destination_agency,
        referral=current,
        subject=f"New referral {current.reference} to the {where}",
        body=f"A referral from {current.referrer_agency.name} is waiting to be acknowledged.",
        url=reverse("referrals:contact", args=[current.pk]),
    )
    return current


@transaction.atomic
def referral_submit_idempotent(
    *, actor: User, child: Person, data: dict, idempotency_key: str
) -> tuple[Referral, bool]:
    """For agency systems: create and submit; a retry with the same key returns the first
    referral (and False) instead of making a second one."""
    if not idempotency_key or len(idempotency_key) > 100:
        raise ValidationError(
            {"idempotency_key": "Send an Idempotency-Key header of 1 to 100 characters"}
        )
    existing = Referral.objects.filter(referrer=actor, idempotency_key=idempotency_key).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            referral = referral_create(
                actor=actor, child=child, data=data, idempotency_key=idempotency_key
            )
    except IntegrityError:
        # A concurrent retry won the race: return what it created.
        return Referral.objects.get(referrer=actor, idempotency_key=idempotency_key), False
    return referral_submit(actor=actor, referral=referral), True


@transaction.atomic
def referral_withdraw(*, actor: User, referral: Referral, reason: str) -> Referral:
    """Nothing is deleted: a referral that should not go ahead is withdrawn with a reason."""
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the referral is being withdrawn"})
    current = _lock(referral, "withdraw")
    if current.status == Status.SUBMITTED:
        # nobody needs to acknowledge it any more
        hand_over_done(referral=current, actor=actor)
    current = _move(
        current,
        to=Status.WITHDRAWN,
        actor=actor,
        action="withdraw",
        note=reason.strip(),
        withdrawn_at=timezone.now(),
        withdrawn_reason=reason.strip(),
    )
    if current.submitted_at and current.destination_agency_id:
        notify_receiving(
            agency=current.destination_agency,
            referral=current,
            subject=f"Referral {current.reference} has been withdrawn",
            body=reason.strip(),
            email=False,
        )
    return current
