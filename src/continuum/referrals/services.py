"""Writes for referrals: every status change is a named service that checks the allowed
from-states, records a ReferralTransition, writes the audit event in the same transaction and
sends notifications only after the transaction commits."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.directory.models import Agency, AgencyKind, Role, User
from continuum.governance.models import AccessLevel, Involvement, InvolvementSource
from continuum.people.models import HouseholdMembership, Person
from continuum.referrals import timescales
from continuum.referrals.errors import AlreadyDecided, InvalidTransition
from continuum.referrals.models import (
    FRONT_DOOR_OUTCOMES,
    PANEL_OUTCOMES,
    Consent,
    ContactNote,
    Destination,
    InformationRequest,
    NeedLevel,
    Notification,
    Outcome,
    Rag,
    Referral,
    ReferralSource,
    ReferralTransition,
    Status,
    ThresholdFramework,
)

# The states each action may start from. Anything else is refused with InvalidTransition.
ALLOWED_FROM: dict[str, tuple[str, ...]] = {
    "submit": (Status.DRAFT,),
    "receive": (Status.SUBMITTED,),
    "request_information": (Status.RECEIVED, Status.INFORMATION_GATHERING),
    "decide": (Status.RECEIVED, Status.INFORMATION_GATHERING),
    "close": (Status.DECIDED,),
    "withdraw": (Status.DRAFT, Status.SUBMITTED, Status.RECEIVED, Status.INFORMATION_GATHERING),
}
_ACTION_WORDS = {
    "submit": "submitted",
    "receive": "received",
    "request_information": "sent an information request",
    "decide": "decided",
    "close": "closed",
    "withdraw": "withdrawn",
}

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

SOURCE_FOR_AGENCY = {
    AgencyKind.SCHOOL: ReferralSource.SCHOOLS,
    AgencyKind.GP: ReferralSource.GP,
    AgencyKind.HEALTH_VISITING: ReferralSource.HEALTH_VISITOR,
    AgencyKind.MIDWIFERY: ReferralSource.PRIMARY_HEALTH,
    AgencyKind.POLICE: ReferralSource.POLICE,
    AgencyKind.HOUSING: ReferralSource.HOUSING,
    AgencyKind.FAMILY_HUB: ReferralSource.LA_EARLY_HELP,
    AgencyKind.SOCIAL_WORK: ReferralSource.LA_SOCIAL_CARE,
    AgencyKind.FRONT_DOOR: ReferralSource.LA_SOCIAL_CARE,
    AgencyKind.ADULT_SERVICES: ReferralSource.LA_SOCIAL_CARE,
    AgencyKind.VOLUNTARY: ReferralSource.OTHER,
}


def _refuse(referral: Referral, action: str) -> InvalidTransition:
    allowed = ", ".join(Status(s).label.lower() for s in ALLOWED_FROM[action])
    return InvalidTransition(
        f"Referral {referral.reference} cannot be {_ACTION_WORDS[action]}: it is "
        f"{Status(referral.status).label.lower()}. Only a referral that is {allowed} can be."
    )


def _lock(referral: Referral, action: str) -> Referral:
    """Re-read the referral under a row lock and check the action may start from its state."""
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if current.status not in ALLOWED_FROM[action]:
        if action == "decide" and current.status in (Status.DECIDED, Status.CLOSED):
            raise AlreadyDecided(Referral.objects.select_related("decided_by").get(pk=current.pk))
        raise _refuse(current, action)
    return current


def _move(referral: Referral, *, to: str, actor, action: str, note: str = "", **fields) -> Referral:
    """Conditional update: only succeeds if nobody moved the referral since it was locked."""
    now = timezone.now()
    from_status = referral.status
    for name, value in fields.items():
        setattr(referral, name, value)
    referral.status = to
    referral.updated_at = now
    referral.full_clean()
    changed = ["status", "updated_at", *fields]
    updated = Referral.objects.filter(pk=referral.pk, status=from_status).update(
        **{name: getattr(referral, name) for name in changed}
    )
    if updated != 1:
        fresh = Referral.objects.select_related("decided_by").get(pk=referral.pk)
        if action == "decide" and fresh.status in (Status.DECIDED, Status.CLOSED):
            raise AlreadyDecided(fresh)
        raise _refuse(fresh, action)
    ReferralTransition.objects.create(
        referral=referral, from_status=from_status, to_status=to, actor=actor, at=now, note=note
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="referral",
        object_id=referral.pk,
        changed_fields=changed,
        reason=note[:200],
        details={"transition": [from_status, to], "child_id": referral.child_id},
    )
    return referral


# --- notifications ---------------------------------------------------------------------------


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


# --- drafts and submission ---------------------------------------------------------------------


def front_door_agency() -> Agency | None:
    return Agency.objects.filter(kind=AgencyKind.FRONT_DOOR).order_by("pk").first()


def _current_household(child: Person):
    membership = (
        HouseholdMembership.objects.filter(person=child, end_date__isnull=True)
        .select_related("household")
        .order_by("-start_date")
        .first()
    )
    return membership.household if membership else None


def _new_reference() -> str:
    return f"R-{timezone.localdate():%y%m}-{secrets.token_hex(3).upper()}"


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


def _open_involvement(*, agency_id: int, child: Person, actor, reason: str) -> None:
    exists = Involvement.objects.filter(
        agency_id=agency_id, person=child, ended_at__isnull=True
    ).exists()
    if not exists:
        involvement = Involvement(
            agency_id=agency_id,
            person=child,
            access=AccessLevel.EDIT,
            source=InvolvementSource.REFERRAL,
            reason=reason,
            started_by=actor,
        )
        involvement.full_clean()
        involvement.save()


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
        acknowledgement_due_at=timescales.acknowledgement_due(now),
        destination_agency=current.destination_agency,
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
    notify(
        agency=current.destination_agency,
        referral=current,
        subject=f"New referral {current.reference} to the {where}",
        body=f"A referral from {current.referrer_agency.name} is waiting to be acknowledged.",
        url=reverse("referrals:contact", args=[current.pk]),
        email_to=_receiving_agency_email(current),
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


# --- the receiving team -------------------------------------------------------------------------


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
    notify(
        agency=to_agency,
        referral=current,
        subject=f"Information request about contact {current.reference}",
        body=f"Please acknowledge and answer by {timezone.localtime(due_at):%-d %B %Y %H:%M}.",
        url=reverse("referrals:request", args=[request.pk]),
        email_to=[to_agency.email] if to_agency.email else [],
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


def current_framework() -> ThresholdFramework:
    framework = ThresholdFramework.objects.filter(is_current=True).first()
    if framework is None:
        raise ValidationError("No continuum of need is configured")
    return framework


@transaction.atomic
def referral_decide(
    *,
    actor: User,
    referral: Referral,
    outcome: str,
    level: int | None,
    rationale: str,
    signposting: str = "",
    onward_agency: Agency | None = None,
    lead_professional: User | None = None,
    service: str = "",
) -> Referral:
    """Record the decision. Exactly one decision per contact: the row is locked and the update
    is conditional on the status, so a second worker gets AlreadyDecided naming the first."""
    current = _lock(referral, "decide")
    allowed = (
        FRONT_DOOR_OUTCOMES if current.destination == Destination.FRONT_DOOR else PANEL_OUTCOMES
    )
    errors: dict[str, str] = {}
    if outcome not in allowed:
        errors["outcome"] = "Select the decision"
    framework = current_framework()
    need = NeedLevel.objects.filter(framework=framework, number=level).first() if level else None
    if need is None and outcome != Outcome.STEP_UP:
        errors["level"] = "Select the level of need"
    if not rationale.strip():
        errors["rationale"] = "Enter the reasons for the decision"
    if outcome == Outcome.NFA and not signposting.strip():
        errors["signposting"] = "Enter the signposting or advice given to the family"
    if outcome == Outcome.EARLY_HELP and (
        onward_agency is None or onward_agency.kind != AgencyKind.FAMILY_HUB
    ):
        errors["onward_agency"] = "Select the family hub whose panel should receive the child"
    if outcome == Outcome.PANEL_ALLOCATED:
        if lead_professional is None:
            errors["lead_professional"] = "Select the lead professional"
        if not service.strip():
            errors["service"] = "Enter the service allocated"
    if errors:
        raise ValidationError(errors)
    current = _move(
        current,
        to=Status.DECIDED,
        actor=actor,
        action="decide",
        note=rationale.strip()[:500],
        decided_at=timezone.now(),
        decided_by=actor,
        outcome=outcome,
        level_of_need=need,
        framework=framework,
        rationale=rationale.strip(),
        signposting=signposting.strip(),
        onward_agency=onward_agency if outcome == Outcome.EARLY_HELP else None,
        lead_professional=lead_professional if outcome == Outcome.PANEL_ALLOCATED else None,
        service=service.strip() if outcome == Outcome.PANEL_ALLOCATED else "",
    )
    if outcome == Outcome.EARLY_HELP:
        _follow_on(
            actor=actor,
            previous=current,
            destination=Destination.EARLY_HELP_PANEL,
            agency=onward_agency,
            reason="Stepped down from the front door to early help",
        )
    elif outcome == Outcome.STEP_UP:
        _follow_on(
            actor=actor,
            previous=current,
            destination=Destination.FRONT_DOOR,
            agency=front_door_agency(),
            reason="Stepped up from early help to the front door",
        )
    if outcome == Outcome.PANEL_ALLOCATED:
        notify(
            recipient=lead_professional,
            referral=current,
            subject=f"You are the lead professional for referral {current.reference}",
            url=reverse("referrals:contact", args=[current.pk]),
            email_to=[lead_professional.email],
        )
    _tell_referrer_the_outcome(current)
    return current


def _tell_referrer_the_outcome(referral: Referral) -> None:
    notify(
        recipient=referral.referrer,
        referral=referral,
        subject=f"Outcome of your referral {referral.reference}: {referral.get_outcome_display()}",
        body="The decision and the reasons for it are on the referral.",
        url=reverse("referrals:detail", args=[referral.pk]),
        email_to=[referral.referrer.email],
    )


def _follow_on(
    *, actor: User, previous: Referral, destination: str, agency: Agency | None, reason: str
) -> Referral:
    """A step-down or step-up: a new, already submitted referral that links back to the
    previous one, so the receiving team sees the whole history."""
    if agency is None:
        raise ValidationError("There is no receiving team in the directory for this step")
    now = timezone.now()
    follow_on = Referral(
        reference=_new_reference(),
        child=previous.child,
        household=previous.household,
        referrer=actor,
        referrer_agency_id=actor.agency_id,
        source=SOURCE_FOR_AGENCY.get(actor.agency.kind, ReferralSource.OTHER),
        destination=destination,
        destination_agency=agency,
        previous=previous,
        concerns=f"{reason}.\n\n{previous.concerns}",
        what_has_been_tried=previous.what_has_been_tried,
        child_views=previous.child_views,
        parents_views=previous.parents_views,
        referrer_level=previous.level_of_need.number
        if previous.level_of_need
        else previous.referrer_level,
        consent=previous.consent,
        consent_reason=previous.consent_reason,
        without_consent_justification=previous.without_consent_justification,
        urgency=previous.urgency,
        status=Status.SUBMITTED,
        submitted_at=now,
        acknowledgement_due_at=timescales.acknowledgement_due(now),
    )
    follow_on.full_clean()
    follow_on.save()
    ReferralTransition.objects.create(
        referral=follow_on, to_status=Status.SUBMITTED, actor=actor, note=reason
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="referral",
        object_id=follow_on.pk,
        reason=reason,
        details={"previous_id": previous.pk, "child_id": previous.child_id},
    )
    if destination == Destination.EARLY_HELP_PANEL:
        _open_involvement(
            agency_id=agency.pk,
            child=previous.child,
            actor=actor,
            reason=f"Referral {follow_on.reference} to the early help panel",
        )
    notify(
        agency=agency,
        referral=follow_on,
        subject=f"New referral {follow_on.reference}: {reason.lower()}",
        url=reverse("referrals:contact", args=[follow_on.pk]),
        email_to=[agency.email] if agency.email else [],
    )
    return follow_on


@transaction.atomic
def referral_step_up(*, actor: User, referral: Referral, reason: str) -> Referral:
    """From early help to the front door, carrying the history. A panel referral still open is
    decided as a step-up; one already allocated stays decided and gains a follow-on."""
    if referral.destination != Destination.EARLY_HELP_PANEL:
        raise InvalidTransition("Only early help can be stepped up to the front door")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why this needs the front door"})
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if current.status in ALLOWED_FROM["decide"]:
        referral_decide(
            actor=actor, referral=current, outcome=Outcome.STEP_UP, level=None, rationale=reason
        )
        return current.follow_ons.get(destination=Destination.FRONT_DOOR)
    if current.status != Status.DECIDED or current.outcome != Outcome.PANEL_ALLOCATED:
        raise InvalidTransition(
            f"Referral {current.reference} is {Status(current.status).label.lower()}: only an open "
            "or allocated early help referral can be stepped up"
        )
    return _follow_on(
        actor=actor,
        previous=current,
        destination=Destination.FRONT_DOOR,
        agency=front_door_agency(),
        reason=f"Stepped up from early help: {reason.strip()}",
    )


@transaction.atomic
def referral_close(*, actor: User, referral: Referral, note: str = "") -> Referral:
    current = _lock(referral, "close")
    return _move(
        current, to=Status.CLOSED, actor=actor, action="close", note=note, closed_at=timezone.now()
    )


@transaction.atomic
def referral_withdraw(*, actor: User, referral: Referral, reason: str) -> Referral:
    """Nothing is deleted: a referral that should not go ahead is withdrawn with a reason."""
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the referral is being withdrawn"})
    current = _lock(referral, "withdraw")
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
        notify(
            agency=current.destination_agency,
            referral=current,
            subject=f"Referral {current.reference} has been withdrawn",
            body=reason.strip(),
        )
    return current


@transaction.atomic
def notification_mark_read(*, actor: User, notification: Notification) -> None:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())


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

