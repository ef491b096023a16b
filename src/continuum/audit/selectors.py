"""Reads of the audit log, for the data protection officer."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from continuum.audit.models import AuditAction, AuditEvent
from continuum.audit.services import audit_record
from continuum.directory.models import Agency
from continuum.governance.access import require_dpo
from continuum.people.models import HouseholdMembership, Person


@dataclass
class AccessLog:
    person: Person
    events: list[AuditEvent]
    agencies: dict[int, str]


def person_access_log(user, person_id: int, *, limit: int = 500) -> AccessLog:
    """Who has seen or changed this person's record (and their households'), newest first."""
    require_dpo(user)
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404("No person found")
    household_ids = [
        str(h)
        for h in HouseholdMembership.objects.filter(person=person).values_list(
            "household_id", flat=True
        )
    ]
    events = list(
        AuditEvent.objects.filter(
            Q(object_type="person", object_id=str(person.pk))
            | Q(object_type="household", object_id__in=household_ids)
        ).order_by("-seq")[:limit]
    )
    agencies = dict(Agency.objects.values_list("pk", "name"))
    audit_record(
        actor=user, action=AuditAction.VIEW, object_type="person_access_log", object_id=person.pk
    )
    return AccessLog(person=person, events=events, agencies=agencies)
