"""Reads for family hub life. Named people only through the governance gatekeepers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.directory.models import Agency
from continuum.governance.access import Access, household_for_user, persons_visible_to
from continuum.hubs.models import (
    Attendance,
    EngagementEvent,
    Enrolment,
    HubRegistration,
    OutreachEntry,
    RiskFlag,
    RiskFlagKind,
    Session,
    VolunteerMatch,
    VolunteerProfile,
)
from continuum.people.codes import RelationshipKind
from continuum.people.models import (
    HouseholdMembership,
    Person,
    PersonAddress,
    PersonKind,
    Relationship,
)

# --- Timetable and registers -------------------------------------------------------------------


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def timetable(hub: Agency, monday: dt.date) -> list[Session]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(monday, dt.time.min, tzinfo=tz)
    return list(
        Session.objects.filter(
            activity__hub=hub, starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=7)
        )
        .select_related("activity")
        .annotate(attended=Count("attendances"))
        .order_by("starts_at")
    )


@dataclass
class RegisterLine:
    person: Person
    attended: bool
    walk_in: bool
    enrolled: bool


def register_lines(user, session: Session) -> list[RegisterLine]:
    """Who is expected (enrolled) and who has been marked, among people the user may see."""
    visible = persons_visible_to(user)
    enrolled = set(
        Enrolment.objects.filter(activity=session.activity, ended_at__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    marks = {a.person_id: a for a in Attendance.objects.filter(session=session)}
    people = visible.filter(pk__in=enrolled | set(marks)).order_by("family_name", "given_name")
    lines = [
        RegisterLine(
            p, p.pk in marks, bool(marks.get(p.pk) and marks[p.pk].walk_in), p.pk in enrolled
        )
        for p in people
    ]
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="hub_register_list",
        object_id=session.pk,
        details={"people": len(lines)},
    )
    return lines


def walk_in_candidates(user, name: str) -> list[Person]:
    """People the user may see whose name matches, for adding a walk-in to the register."""
    from continuum.people.selectors import SearchQuery, person_search

    return [hit.person for hit in person_search(user, SearchQuery(name=name))][:20]


@dataclass
class EngagementRow:
    session: Session
    person: Person
    walk_in: bool


def engagement_history(user, household_id: int):
    household = household_for_user(user, household_id, need=Access.READ)
    member_ids = list(
        household.memberships.filter(end_date__isnull=True).values_list("person_id", flat=True)
    )
    visible_ids = set(
        persons_visible_to(user).filter(pk__in=member_ids).values_list("pk", flat=True)
    )
    attendances = list(
        Attendance.objects.filter(person_id__in=visible_ids)
        .select_related("session__activity__hub", "person")
        .order_by("-session__starts_at")
    )
    events = list(
        EngagementEvent.objects.filter(person_id__in=visible_ids)
        .select_related("activity", "person")
        .order_by("-occurred_on")
    )
    registrations = list(HubRegistration.objects.filter(household=household).select_related("hub"))
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="household_engagement",
        object_id=household.pk,
    )
    return household, attendances, events, registrations


# --- Reach -------------------------------------------------------------------------------------


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def reach_dates(today: dt.date, quarters: int = 4) -> list[dt.date]:
    """The end of each of the last `quarters` quarters, then today."""
    dates = []
    year, quarter = today.year, (today.month - 1) // 3
    for _ in range(quarters):
        quarter -= 1
        if quarter < 0:
            year, quarter = year - 1, 3
        end_month = quarter * 3 + 3
        first_next = dt.date(year + (end_month == 12), end_month % 12 + 1, 1)
        dates.append(first_next - dt.timedelta(days=1))
    return [*sorted(dates), today]


@dataclass
class ReachCell:
    known: int
    registered: int

    @property
    def pct(self) -> float | None:
        return round(100 * self.registered / self.known, 1) if self.known else None


@dataclass
class ReachRow:
    label: str
    unit: str
    cells: list[ReachCell]


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, tzinfo=timezone.get_current_timezone())


def _open_on(start, end, day_end) -> bool:
    return start <= day_end and (end is None or end > day_end)


def reach(user, hub: Agency, today: dt.date | None = None) -> tuple[list[dt.date], list[ReachRow]]:
    """Children under 5 and target-group families in the hub's catchment, known to Continuum
    vs registered with the hub, at the end of each of the last four quarters and today.

    Counts only: nobody is named. Children are counted by their address on each date; families
    are the households living in the catchment now. A handful of flat queries scoped to the
    catchment, then counted in Python (correlated subqueries per date were far too slow on an
    area of 200,000 children).
    """
    today = today or timezone.localdate()
    dates = reach_dates(today)
    ends = [_end_of(d) for d in dates]
    oldest = _years_before(dates[0], 5)
    catchment = hub.catchment_id

    # Registrations: household → [(registered_at, ended_at)]
    registrations: dict[int, list[tuple]] = {}
    for hh, at, ended in HubRegistration.objects.filter(hub=hub).values_list(
        "household_id", "registered_at", "ended_at"
    ):
        registrations.setdefault(hh, []).append((at, ended))

    def registered(households, day_end) -> bool:
        return any(
            _open_on(at, ended, day_end)
            for hh in households
            for at, ended in registrations.get(hh, ())
        )

    # Children under 5: address history in the catchment, and their households now.
    child_rows = list(
        PersonAddress.objects.filter(
            address__catchment_id=catchment,
            person__kind=PersonKind.CHILD,
            person__date_of_birth__gt=oldest,
        ).values_list(
            "person_id", "start_date", "end_date", "person__date_of_birth", "person__date_of_death"
        )
    )
    child_households: dict[int, set[int]] = {}
    for person_id, hh in HouseholdMembership.objects.filter(
        end_date__isnull=True,
        person__kind=PersonKind.CHILD,
        person__date_of_birth__gt=oldest,
        person__addresses__address__catchment_id=catchment,
    ).values_list("person_id", "household_id"):
        child_households.setdefault(person_id, set()).add(hh)
    cells = []
    for day, day_end in zip(dates, ends, strict=True):
        known = {
            pid
            for pid, start, end, dob, dod in child_rows
            if start <= day
            and (end is None or end > day)
            and _years_before(day, 5) < dob <= day
            and (dod is None or dod > day)
        }
        reg = sum(1 for pid in known if registered(child_households.get(pid, ()), day_end))
        cells.append(ReachCell(len(known), reg))
    rows = [ReachRow("Children under 5", "children", cells)]

    # Families living in the catchment now: their members, parents and risk flags.
    members: dict[int, list[tuple]] = {}
    for hh, kind, dob, created in HouseholdMembership.objects.filter(
        end_date__isnull=True, household__address__catchment_id=catchment
    ).values_list("household_id", "person__kind", "person__date_of_birth", "person__created_at"):
        members.setdefault(hh, []).append((kind, dob, created))
    parents: dict[int, list[dt.date]] = {}
    for hh, dob in Relationship.objects.filter(
        kind=RelationshipKind.PARENT,
        ended_at__isnull=True,
        to_person__memberships__end_date__isnull=True,
        to_person__memberships__household__address__catchment_id=catchment,
    ).values_list("to_person__memberships__household_id", "from_person__date_of_birth"):
        if dob:
            parents.setdefault(hh, []).append(dob)
    flags: dict[str, dict[int, list[tuple]]] = {k: {} for k in RiskFlagKind.values}
    for hh, kind, at, ended in RiskFlag.objects.filter(
        person__memberships__end_date__isnull=True,
        person__memberships__household__address__catchment_id=catchment,
    ).values_list("person__memberships__household_id", "kind", "recorded_at", "ended_at"):
        flags[kind].setdefault(hh, []).append((at, ended))

    def teenage_parent(hh, day, day_end):
        return any(_years_before(day, 20) < dob <= day for dob in parents.get(hh, ()))

    def child_under_one(hh, day, day_end):
        return any(
            (kind == PersonKind.CHILD and dob and _years_before(day, 1) < dob <= day)
            or (kind == PersonKind.UNBORN and created <= day_end)
            for kind, dob, created in members.get(hh, ())
        )

    def flagged(kind):
        def test(hh, day, day_end):
            return any(_open_on(at, ended, day_end) for at, ended in flags[kind].get(hh, ()))

        return test

    groups = [
        ("Families with a teenage parent", teenage_parent),
        ("Families with a child under 1 (or expecting)", child_under_one),
    ]
    groups += [
        (f"Families where an agency has recorded {k.label.lower()}", flagged(k.value))
        for k in RiskFlagKind
    ]
    for label, condition in groups:
        cells = []
        for day, day_end in zip(dates, ends, strict=True):
            in_group = [hh for hh in members if condition(hh, day, day_end)]
            reg = sum(1 for hh in in_group if registered((hh,), day_end))
            cells.append(ReachCell(len(in_group), reg))
        rows.append(ReachRow(label, "families", cells))
    audit_record(actor=user, action=AuditAction.VIEW, object_type="hub_reach", object_id=hub.pk)
    return dates, rows


# --- Outreach ----------------------------------------------------------------------------------


def outreach_list(user, hub: Agency, status: str = "") -> list[OutreachEntry]:
    qs = (
        OutreachEntry.objects.filter(hub=hub, person__in=persons_visible_to(user))
        .select_related("person", "household__address", "notified_by")
        .prefetch_related("attempts__attempted_by")
    )
    if status:
        qs = qs.filter(status=status)
    entries = list(qs.order_by("-priority", "created_at"))
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="hub_outreach_list",
        object_id=hub.pk,
        details={"rows": len(entries)},
    )
    return entries


# --- Volunteers --------------------------------------------------------------------------------


def matches_for_volunteer(user) -> list[VolunteerMatch]:
    return list(
        VolunteerMatch.objects.filter(volunteer=user, ended_at__isnull=True)
        .select_related("household__address")
        .order_by("started_at")
    )


def matches_for_scheme(user) -> list[VolunteerMatch]:
    return list(
        VolunteerMatch.objects.filter(scheme_id=user.agency_id)
        .select_related("household__address", "volunteer")
        .annotate(unreviewed=Count("diaries", filter=Q(diaries__reviewed_at__isnull=True)))
        .order_by("ended_at", "started_at")
    )


@dataclass
class Suggestion:
    profile: VolunteerProfile
    score: int
    reasons: list[str]


def _district(sector: str) -> str:
    return sector.split(" ")[0] if sector else ""


def match_suggestions(match: VolunteerMatch, today: dt.date | None = None) -> list[Suggestion]:
    """Volunteers of the scheme ranked by language, distance (postcode sector, then district),
    availability and skills that meet the family's needs. Only volunteers with a DBS check in the
    last 3 years and completed training are suggested."""
    today = today or timezone.localdate()
    members = Person.objects.filter(
        memberships__household=match.household, memberships__end_date__isnull=True
    )
    languages = {
        lang.strip().lower()
        for lang in members.values_list("first_language", flat=True)
        if lang and lang.strip().lower() != "english"
    }
    sector = match.household.address.postcode_sector if match.household.address_id else ""
    needs = {w.lower() for w in match.needs.replace(",", " ").split() if len(w) > 3}
    profiles = VolunteerProfile.objects.filter(
        user__agency_id=match.scheme_id,
        user__is_active=True,
        dbs_checked_on__gte=_years_before(today, 3),
        training_completed_on__isnull=False,
    ).select_related("user")
    out = []
    for profile in profiles:
        score, reasons = 0, []
        spoken = {lang.lower() for lang in profile.languages}
        shared = languages & spoken
        if shared:
            score += 4
            reasons.append(f"Speaks {', '.join(sorted(s.title() for s in shared))}")
        if sector and profile.postcode_sector == sector:
            score += 3
            reasons.append(f"Lives nearby ({sector})")
        elif sector and _district(profile.postcode_sector) == _district(sector):
            score += 1
            reasons.append(f"Same postcode district ({_district(sector)})")
        days = set(match.preferred_days) & set(profile.availability)
        if days or not match.preferred_days:
            score += 2 if days else 1
            if days:
                reasons.append(f"Available on the family's days ({len(days)})")
        skills = {s.lower() for s in profile.skills}
        if needs and any(n in skill for n in needs for skill in skills):
            score += 2
            reasons.append("Skills match the family's needs")
        out.append(Suggestion(profile, score, reasons))
    return sorted(out, key=lambda s: (-s.score, s.profile.user.last_name))
