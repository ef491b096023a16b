"""The state machine's shared steps: the allowed from-states, the row lock, the conditional
move that records a transition and audits it, and small look-ups every writer needs."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.utils import timezone

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.directory.models import Agency, AgencyKind
from continuum.governance.models import (
    NON_GRANTING_SOURCES,
    AccessLevel,
    Involvement,
    InvolvementSource,
)
from continuum.governance.services import involvements_start
from continuum.people.models import Person
from continuum.referrals import timescales
from continuum.referrals.errors import AlreadyDecided, InvalidTransition
from continuum.referrals.models import (
    Destination,
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


def arrival_deadlines(referral: Referral, arrived_at) -> dict:
    """The clocks that start when a referral arrives: acknowledge by (4 working hours, 1 if
    urgent) and, at the front door, decide by (1 working day, 4 working hours if urgent; Working
    Together counts the decision from the referral's receipt, not from its acknowledgement)."""
    urgent = timescales.is_urgent(referral.urgency)
    return {
        "acknowledgement_due_at": timescales.acknowledgement_due(arrived_at, urgent=urgent),
        "decision_due_at": timescales.decision_due(arrived_at, urgent=urgent)
        if referral.destination == Destination.FRONT_DOOR
        else None,
    }


def front_door_agency() -> Agency | None:
    return Agency.objects.filter(kind=AgencyKind.FRONT_DOOR).order_by("pk").first()


def _new_reference() -> str:
    return f"R-{timezone.localdate():%y%m}-{secrets.token_hex(3).upper()}"


def _open_involvement(*, agency_id: int, child: Person, actor, reason: str) -> None:
    exists = (
        Involvement.objects.filter(agency_id=agency_id, person=child, ended_at__isnull=True)
        .exclude(source__in=NON_GRANTING_SOURCES)
        .exists()
    )
    if not exists:
        involvements_start(
            actor=actor,
            involvements=[
                Involvement(
                    agency_id=agency_id,
                    person=child,
                    access=AccessLevel.EDIT,
                    source=InvolvementSource.REFERRAL,
                    reason=reason,
                    started_by=actor,
                )
            ],
        )


def current_framework() -> ThresholdFramework:
    framework = ThresholdFramework.objects.filter(is_current=True).first()
    if framework is None:
        raise ValidationError("No continuum of need is configured")
    return framework
