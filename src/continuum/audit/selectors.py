"""Reads of the audit log, for the data protection officer only (404 for everyone else).

- `person_trail`: every event about a person: the events that name them as a subject (views
  of their record, their family's episodes, visits, assessments, chronology, outcomes, risk
  flags, lists they appeared on …) and, for events written before events named their people,
  those whose object is the person or one of their households.
- `staff_trail`: everything one member of staff did and looked at.

Both filter by date, action, agency and member of staff, and export to CSV. Looking, and
exporting, are audited in turn. Who a person is (their name and households) comes from the
people app through `person_lookup`, registered in people/audit_subjects.py, so this lower layer
never imports it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from continuum.audit.models import AuditAction, AuditEvent, AuditSubject
from continuum.audit.services import audit_record
from continuum.directory.models import Agency, User
from continuum.governance.access import require_dpo

PAGE_SIZE = 500


@dataclass(frozen=True)
class PersonSubject:
    """What the audit pages need to know about a person (from the people app)."""

    pk: int
    display_name: str
    household_ids: list[int]


_lookups: dict[str, Callable] = {}


def person_lookup(fn: Callable[[int], PersonSubject | None]):
    """Register how to find a person for the audit pages (a decorator, used by `people`)."""
    _lookups["person"] = fn
    return fn


def person_names_lookup(fn: Callable[[list[int]], dict[int, str]]):
    """Register how to name people for the audit pages (a decorator, used by `people`)."""
    _lookups["names"] = fn
    return fn


@dataclass
class TrailFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    action: str = ""
    agency_id: int | None = None
    staff: str = ""  # a username, or part of one

    def apply(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        tz = timezone.get_current_timezone()
        if self.date_from:
            start = dt.datetime.combine(self.date_from, dt.time.min, tzinfo=tz)
            events = events.filter(occurred_at__gte=start)
        if self.date_to:
            end = dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
            events = events.filter(occurred_at__lt=end)
        if self.action:
            events = events.filter(action=self.action)
        if self.agency_id:
            events = events.filter(agency_id=self.agency_id)
        if self.staff:
            events = events.filter(actor_username__icontains=self.staff)
        return events

    def described(self) -> dict:
        """The filters as the DPO's own audit event records them."""
        return {
            k: str(v)
            for k, v in (
                ("date_from", self.date_from),
                ("date_to", self.date_to),
                ("action", self.action),
                ("agency_id", self.agency_id),
                ("staff", self.staff),
            )
            if v
        }


@dataclass
class Trail:
    events: list[AuditEvent]
    agencies: dict[int, str]
    names: dict[int, str] = field(default_factory=dict)
    truncated: bool = False
    person: PersonSubject | None = None
    staff: User | None = None


def agency_names() -> dict[int, str]:
    return dict(Agency.objects.values_list("pk", "name"))


def _events_about(subject: PersonSubject) -> QuerySet[AuditEvent]:
    about = Q(seq__in=AuditSubject.objects.filter(person_id=subject.pk).values("seq"))
    # events from before they named their people (scheme 1): the person's or a household's
    about |= Q(object_type="person", object_id=str(subject.pk))
    about |= Q(object_type="household", object_id__in=[str(h) for h in subject.household_ids])
    return AuditEvent.objects.filter(about)


def _person(person_id: int) -> PersonSubject:
    lookup = _lookups.get("person")
    subject = lookup(person_id) if lookup else None
    if subject is None:
        raise Http404("No person found")
    return subject


def _trail(events: QuerySet[AuditEvent], limit: int) -> tuple[list[AuditEvent], bool]:
    rows = list(events.order_by("-seq")[: limit + 1])
    return rows[:limit], len(rows) > limit


def _label(events: list[AuditEvent], agencies: dict[int, str], names: dict[int, str]):
    """Give each event its agency's name and its people's names, for the page."""
    for event in events:
        event.agency_name = agencies.get(event.agency_id, "")
        event.people = [(pk, names.get(pk, "")) for pk in event.subject_person_ids or []]
    return agencies


def _names(events: list[AuditEvent]) -> dict[int, str]:
    ids = sorted({pk for e in events for pk in e.subject_person_ids or []})
    lookup = _lookups.get("names")
    return lookup(ids) if lookup and ids else {}


def person_trail(user, person_id: int, filters: TrailFilters, *, limit: int = PAGE_SIZE) -> Trail:
    """Who has seen or changed anything about this person, newest first."""
    require_dpo(user)
    subject = _person(person_id)
    events, truncated = _trail(filters.apply(_events_about(subject)), limit)
    agencies = _label(events, agency_names(), {})
    audit_record(
        actor=user, action=AuditAction.VIEW, object_type="person_access_log",
        object_id=subject.pk, details=filters.described(), person_ids=[subject.pk],
    )  # fmt: skip
    return Trail(events, agencies, truncated=truncated, person=subject)


def person_access_log(user, person_id: int, *, limit: int = PAGE_SIZE) -> Trail:
    """The person's whole trail, unfiltered (the name callers used before the filters)."""
    return person_trail(user, person_id, TrailFilters(), limit=limit)


def staff_trail(user, staff_id: int, filters: TrailFilters, *, limit: int = PAGE_SIZE) -> Trail:
    """Everything this member of staff did and looked at, newest first."""
    require_dpo(user)
    staff = User.objects.filter(pk=staff_id).select_related("agency").first()
    if staff is None:
        raise Http404("No member of staff found")
    events, truncated = _trail(filters.apply(AuditEvent.objects.filter(actor_id=staff.pk)), limit)
    names = _names(events)
    agencies = _label(events, agency_names(), names)
    audit_record(
        actor=user, action=AuditAction.VIEW, object_type="staff_access_log",
        object_id=staff.pk, details=filters.described(),
    )  # fmt: skip
    return Trail(events, agencies, names, truncated=truncated, staff=staff)


def staff_search(user, query: str) -> list[User]:
    """Members of staff whose username or name contains the query (directory data)."""
    require_dpo(user)
    staff = User.objects.select_related("agency").order_by("username")
    if query:
        staff = staff.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
        )
    return list(staff[:100])


CSV_HEADER = [
    "Sequence", "When", "Username", "Agency", "Role", "Action", "Object type", "Object id",
    "People", "Changed fields", "Reason", "Request id",
]  # fmt: skip


def _csv_rows(events: QuerySet[AuditEvent], agencies: dict[int, str]) -> Iterator[list]:
    yield CSV_HEADER
    for e in events.order_by("-seq").iterator(chunk_size=2000):
        yield [
            e.seq, e.occurred_at.isoformat(), e.actor_username, agencies.get(e.agency_id, ""),
            e.role_label if e.role else "", e.get_action_display(), e.object_type, e.object_id,
            " ".join(str(pk) for pk in e.subject_person_ids or []),
            " ".join(e.changed_fields or []), e.reason, e.request_id,
        ]  # fmt: skip


def person_trail_export(user, person_id: int, filters: TrailFilters) -> Iterator[list]:
    """The person's trail as CSV rows (header first); the export is audited before a row."""
    require_dpo(user)
    subject = _person(person_id)
    audit_record(
        actor=user, action=AuditAction.EXPORT, object_type="person_access_log",
        object_id=subject.pk, details=filters.described(), person_ids=[subject.pk],
    )  # fmt: skip
    return _csv_rows(filters.apply(_events_about(subject)), agency_names())


def staff_trail_export(user, staff_id: int, filters: TrailFilters) -> Iterator[list]:
    require_dpo(user)
    staff = User.objects.filter(pk=staff_id).first()
    if staff is None:
        raise Http404("No member of staff found")
    audit_record(
        actor=user, action=AuditAction.EXPORT, object_type="staff_access_log",
        object_id=staff.pk, details=filters.described(),
    )  # fmt: skip
    return _csv_rows(filters.apply(AuditEvent.objects.filter(actor_id=staff.pk)), agency_names())
