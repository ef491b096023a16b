"""Decisions on a contact or a panel referral, step-down and step-up follow-ons, closing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.directory.models import Agency, AgencyKind, User
from continuum.referrals.errors import InvalidTransition
from continuum.referrals.models import (
    FRONT_DOOR_OUTCOMES,
    PANEL_OUTCOMES,
    Destination,
    NeedLevel,
    Outcome,
    Referral,
    ReferralSource,
    ReferralTransition,
    Status,
    Urgency,
)
from continuum.referrals.services._common import (
    ALLOWED_FROM,
    SOURCE_FOR_AGENCY,
    _lock,
    _move,
    _new_reference,
    _open_involvement,
    arrival_deadlines,
    current_framework,
    front_door_agency,
)
from continuum.referrals.services.notifications import notify, notify_receiving


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
        # a step-down is routine (the front door judged it early help); a step-up keeps it
        urgency=Urgency.ROUTINE if destination == Destination.EARLY_HELP_PANEL
        else previous.urgency,
        status=Status.SUBMITTED,
        submitted_at=now,
    )
    for name, value in arrival_deadlines(follow_on, now).items():
        setattr(follow_on, name, value)
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
    notify_receiving(
        agency=agency,
        referral=follow_on,
        subject=f"New referral {follow_on.reference}: {reason.lower()}",
        url=reverse("referrals:contact", args=[follow_on.pk]),
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
