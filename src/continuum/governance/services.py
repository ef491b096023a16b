"""Starting and ending involvements: the only way a legitimate relationship begins or ends.

An involvement opens a person's (or household's) record to an agency, or to one worker. It is
always professional work that a named person started, with a reason (registration, a service,
a referral, Team Around the Family, hub outreach, a volunteer match), and each start and end is
audited against the person or household, so it shows on the data protection officer's "who has
seen this record" page. Holding an agency record about someone (an import) is not one of them
(docs/adr/0007-access-only-by-a-recorded-decision.md).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from continuum.audit.models import AuditAction
from continuum.audit.services import AuditEntry, audit_record_many
from continuum.governance.models import (
    NON_GRANTING_SOURCES,
    AccessLevel,
    Involvement,
    InvolvementSource,
)


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
