"""Governance writes: involvements, emergency (break-glass) access and restricted records.

Starting and ending involvements is the only way a legitimate relationship begins or ends. An
involvement opens a person's (or household's) record to an agency, or to one worker. It is
always professional work that a named person started, with a reason (registration, a service,
a referral, Team Around the Family, hub outreach, a volunteer match), and each start and end is
audited against the person or household, so it shows on the data protection officer's "who has
seen this record" page. Holding an agency record about someone (an import) is not one of them
(docs/adr/0006-access-only-by-a-recorded-decision.md).

Break-glass access and restrictions are audited in the same transaction; notifications go
through hooks other apps register (governance sits below them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from continuum.audit.models import AuditAction
from continuum.audit.services import AuditEntry, audit_record, audit_record_many
from continuum.directory.models import Role, User
from continuum.governance import rules as perms
from continuum.governance.models import (
    NON_GRANTING_SOURCES,
    AccessLevel,
    BreakGlassAccess,
    Involvement,
    InvolvementSource,
    Restriction,
    RestrictionScope,
    ReviewOutcome,
)
from continuum.people.models import Person

# --- involvements ---------------------------------------------------------------------------


def _subject(involvement: Involvement) -> tuple[str, int]:
    if involvement.person_id:
        return "person", involvement.person_id
    return "household", involvement.household_id


def _details(involvement: Involvement) -> dict:
    return {
        "involvement_id": involvement.pk,
        "agency_id": involvement.agency_id,
        "worker_id": involvement.worker_id,
        "source": involvement.source,
        "access": involvement.access,
    }


def _entry(involvement: Involvement, *, started: bool, reason: str) -> AuditEntry:
    object_type, object_id = _subject(involvement)
    return AuditEntry(
        action=AuditAction.CREATE if started else AuditAction.UPDATE,
        object_type=object_type,
        object_id=object_id,
        changed_fields=["involvement"] if started else ["involvement_ended"],
        reason=reason[:300],
        details=_details(involvement),
    )


def _checked(involvement: Involvement) -> Involvement:
    if involvement.source in NON_GRANTING_SOURCES or involvement.source not in (
        InvolvementSource.values
    ):
        raise ValidationError(
            {"source": "Choose the work that gives the agency a relationship with the family"}
        )
    if not (involvement.reason or "").strip():
        raise ValidationError({"reason": "Enter why the agency is working with the family"})
    if involvement.started_by_id is None:
        raise ValidationError("An involvement is started by a named member of staff")
    involvement.full_clean()
    return involvement


@transaction.atomic
def involvements_start(*, actor, involvements: list[Involvement]) -> list[Involvement]:
    """Start several involvements (unsaved instances) at once: each is checked, saved and
    audited against its person or household, by `actor`, who is recorded as having started
    it unless `started_by` names someone else (e.g. the midwife who made the referral)."""
    if not involvements:
        return []
    for involvement in involvements:
        if involvement.started_by_id is None and getattr(actor, "pk", None):
            involvement.started_by = actor
        _checked(involvement)
    Involvement.objects.bulk_create(involvements)
    if any(involvement.pk is None for involvement in involvements):  # a backend without RETURNING
        raise RuntimeError("Involvements must be saved one by one on this database")
    audit_record_many(
        actor=actor,
        events=[_entry(i, started=True, reason=i.reason) for i in involvements],
    )
    return involvements


def involvement_start(
    *,
    actor,
    agency,
    source: str,
    reason: str,
    person=None,
    household=None,
    worker=None,
    access: str = AccessLevel.EDIT,
    started_by=None,
    started_at: dt.datetime | None = None,
) -> Involvement:
    """Start one involvement of `agency` (or of `worker` alone) with a person or a household."""
    involvement = Involvement(
        agency=agency,
        person=person,
        household=household,
        worker=worker,
        access=access,
        source=source,
        reason=(reason or "").strip(),
        started_by=started_by,
        started_at=started_at or timezone.now(),
    )
    [involvement] = involvements_start(actor=actor, involvements=[involvement])
    return involvement


@transaction.atomic
def involvements_end(
    *, actor, involvements, reason: str, ended_at: dt.datetime | None = None
) -> int:
    """End open involvements (a queryset or list) when the work ends; each end is audited
    against the person or household. Involvements already ended are left as they are."""
    ended_at = ended_at or timezone.now()
    ids = [i.pk for i in involvements]
    open_ones = list(
        Involvement.objects.select_for_update()
        .filter(pk__in=ids, ended_at__isnull=True)
        .order_by("pk")
    )
    if not open_ones:
        return 0
    Involvement.objects.filter(pk__in=[i.pk for i in open_ones]).update(ended_at=ended_at)
    audit_record_many(
        actor=actor,
        events=[_entry(i, started=False, reason=reason) for i in open_ones],
    )
    return len(open_ones)


# --- notifications --------------------------------------------------------------------------------


@dataclass(frozen=True)
class GovernanceNotice:
    """Something a member of staff must be told: to whom, what, and where to look."""

    recipient: User
    subject: str
    body: str
    url: str = ""


_notifiers: list[Callable[[GovernanceNotice], None]] = []


def register_notifier(notifier: Callable[[GovernanceNotice], None]) -> None:
    """Called once by the app that owns the inbox (referrals), so governance can tell people
    without importing an app above it."""
    if notifier not in _notifiers:
        _notifiers.append(notifier)


def _tell(notice: GovernanceNotice) -> None:
    for notifier in _notifiers:
        notifier(notice)


def break_glass_recipients(worker: User) -> list[User]:
    """Who is told of a worker's emergency access: every data protection officer, and the team
    managers of the worker's team (or of their agency, when the worker has no team)."""
    dpos = User.objects.filter(role=Role.DPO, is_active=True)
    managers = User.objects.filter(role=Role.TEAM_MANAGER, is_active=True).exclude(pk=worker.pk)
    if worker.team_id:
        managers = managers.filter(team_id=worker.team_id)
    else:
        managers = managers.filter(agency_id=worker.agency_id)
    return list(dpos.order_by("pk")) + list(managers.order_by("pk"))


# --- break-glass ----------------------------------------------------------------------------------


def break_glass_duration() -> dt.timedelta:
    return dt.timedelta(hours=settings.CONTINUUM_BREAK_GLASS_HOURS)


@transaction.atomic
def break_glass_open(*, actor: User, person: Person, reason: str) -> BreakGlassAccess:
    """Give `actor` emergency READ access to `person` (and their household) for the configured
    hours. The caller has found the person by exact details (`selectors.break_glass_find`)."""
    if not perms.can_break_glass(actor):
        raise PermissionDenied("Your role cannot use emergency access")
    now = timezone.now()
    access = BreakGlassAccess(
        user=actor,
        person=person,
        reason=(reason or "").strip(),
        started_at=now,
        expires_at=now + break_glass_duration(),
    )
    access.full_clean()
    access.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="break_glass",
        object_id=access.pk,
        reason=access.reason[:300],
        details={"person_id": person.pk, "expires_at": access.expires_at.isoformat()},
    )
    review_url = reverse("governance:break_glass_review", args=[access.pk])
    until = timezone.localtime(access.expires_at).strftime("%H:%M on %d %B %Y")
    worker = actor.get_full_name() or actor.get_username()
    agency = actor.agency.name if actor.agency_id else "no agency"
    for recipient in break_glass_recipients(actor):
        is_dpo = recipient.role == Role.DPO
        _tell(
            GovernanceNotice(
                recipient=recipient,
                subject=f"Emergency access used by {worker}",
                body=(
                    f"{worker} ({agency}) used emergency (break-glass) access to the record with "
                    f"Continuum id {person.pk} until {until}. Their reason: {access.reason}"
                ),
                url=review_url if is_dpo else "",
            )
        )
    return access


@transaction.atomic
def break_glass_end(*, actor: User, access: BreakGlassAccess) -> BreakGlassAccess:
    """The worker ends their own emergency access before it expires."""
    if access.user_id != actor.pk:
        raise PermissionDenied("Only the worker who opened emergency access can end it")
    if not access.is_active:
        raise ValidationError("This emergency access has already ended")
    access.ended_at = timezone.now()
    access.save(update_fields=["ended_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="break_glass",
        object_id=access.pk,
        changed_fields=["ended_at"],
        details={"person_id": access.person_id},
    )
    return access


@transaction.atomic
def break_glass_review(
    *, actor: User, access: BreakGlassAccess, outcome: str, note: str
) -> BreakGlassAccess:
    """The DPO closes an emergency access for review with an outcome and a note."""
    if not perms.is_dpo(actor):
        raise PermissionDenied("Only the data protection officer reviews emergency access")
    access = BreakGlassAccess.objects.select_for_update().get(pk=access.pk)
    if access.reviewed_at is not None:
        raise ValidationError("This emergency access has already been reviewed")
    errors = {}
    if outcome not in ReviewOutcome.values:
        errors["outcome"] = "Select whether the emergency access was justified"
    if not (note or "").strip():
        errors["note"] = "Enter a note saying why you reached this outcome"
    if errors:
        raise ValidationError(errors)
    access.reviewed_by = actor
    access.reviewed_at = timezone.now()
    access.review_outcome = outcome
    access.review_note = note.strip()
    access.full_clean()
    access.save(update_fields=["reviewed_by", "reviewed_at", "review_outcome", "review_note"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="break_glass",
        object_id=access.pk,
        changed_fields=["review_outcome", "review_note", "reviewed_at", "reviewed_by"],
        details={"person_id": access.person_id, "outcome": outcome},
    )
    return access


# --- restrictions ---------------------------------------------------------------------------------


@transaction.atomic
def restriction_create(
    *, actor: User, person: Person, scope: str, reason: str, allowed: list[User]
) -> Restriction:
    """Restrict a person (or their address) to named people. The caller has checked the actor
    may see the person; the actor must be the DPO or a front door team manager."""
    if not perms.can_restrict(actor):
        raise PermissionDenied("Only the data protection officer or a front door manager can")
    errors = {}
    if scope not in RestrictionScope.values:
        errors["scope"] = "Select what to restrict"
    if not (reason or "").strip():
        errors["reason"] = "Enter the reason for the restriction"
    if not allowed:
        errors["allowed"] = "Name at least one member of staff who may still see it"
    if scope in RestrictionScope.values and Restriction.objects.filter(
        person=person, scope=scope, lifted_at__isnull=True
    ).exists():
        errors["scope"] = "This is already restricted: lift that restriction first to change it"
    if errors:
        raise ValidationError(errors)
    restriction = Restriction(person=person, scope=scope, reason=reason.strip(), created_by=actor)
    restriction.full_clean()
    restriction.save()
    restriction.allowed_users.set(allowed)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="restriction",
        object_id=restriction.pk,
        reason=restriction.reason[:300],
        details={
            "person_id": person.pk,
            "scope": scope,
            "allowed_user_ids": sorted(u.pk for u in allowed),
        },
    )
    return restriction


@transaction.atomic
def restriction_lift(*, actor: User, restriction: Restriction, reason: str) -> Restriction:
    if not perms.can_restrict(actor):
        raise PermissionDenied("Only the data protection officer or a front door manager can")
    restriction = Restriction.objects.select_for_update().get(pk=restriction.pk)
    if restriction.lifted_at is not None:
        raise ValidationError("This restriction has already been lifted")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter the reason for lifting the restriction"})
    restriction.lifted_at = timezone.now()
    restriction.lifted_by = actor
    restriction.lift_reason = reason.strip()
    restriction.full_clean()
    restriction.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="restriction",
        object_id=restriction.pk,
        changed_fields=["lifted_at", "lifted_by", "lift_reason"],
        reason=restriction.lift_reason[:300],
        details={"person_id": restriction.person_id, "scope": restriction.scope},
    )
    return restriction
