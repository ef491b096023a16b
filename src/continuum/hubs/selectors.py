"""Reads for family hub life. Named people only through the governance gatekeepers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
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
from continuum.people.models import Household, Person, PersonAddress, PersonKind, Relationship

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


def _registered_by(hub: Agency, day: dt.date, household_ref: str):
    end = dt.datetime.combine(day, dt.time.max, tzinfo=timezone.get_current_timezone())
    return Exists(
        HubRegistration.objects.filter(
            hub=hub, household_id=OuterRef(household_ref), registered_at__lte=end
        ).filter(Q(ended_at__isnull=True) | Q(ended_at__gt=end))
    )


def reach(user, hub: Agency, today: dt.date | None = None) -> tuple[list[dt.date], list[ReachRow]]:
    """Children under 5 and target-group families in the hub's catchment, known to Continuum
    vs registered with the hub, at the end of each of the last four quarters and today.

    Counts only: nobody is named. Families are households living in the catchment; children are
    counted by their address on each date.
    """
    today = today or timezone.localdate()
    dates = reach_dates(today)
    rows: list[ReachRow] = []

    # Children under 5, by their address on the date and their household now.
    children = PersonAddress.objects.filter(
        address__catchment_id=hub.catchment_id, person__kind=PersonKind.CHILD
    )
    aggregates = {}
    for i, day in enumerate(dates):
        in_scope = (
            Q(start_date__lte=day)
            & (Q(end_date__isnull=True) | Q(end_date__gt=day))
            & Q(person__date_of_birth__lte=day)
            & Q(person__date_of_birth__gt=_years_before(day, 5))
            & (Q(person__date_of_death__isnull=True) | Q(person__date_of_death__gt=day))
        )
        registered = Exists(
            HubRegistration.objects.filter(
                hub=hub,
                household__memberships__person_id=OuterRef("person_id"),
                household__memberships__end_date__isnull=True,
                registered_at__lte=dt.datetime.combine(
                    day, dt.time.max, tzinfo=timezone.get_current_timezone()
                ),
            ).filter(Q(ended_at__isnull=True) | Q(ended_at__date__gt=day))
        )
        aggregates[f"k{i}"] = Count("person_id", filter=in_scope, distinct=True)
        aggregates[f"r{i}"] = Count("person_id", filter=in_scope & Q(registered), distinct=True)
    totals = children.aggregate(**aggregates)
    rows.append(
        ReachRow(
            "Children under 5",
            "children",
            [ReachCell(totals[f"k{i}"], totals[f"r{i}"]) for i in range(len(dates))],
        )
    )

    # Target groups: families (households) in the catchment now.
    families = Household.objects.filter(address__catchment_id=hub.catchment_id)

    def member(qs_filter: Q):
        return Exists(
            Person.objects.filter(
                qs_filter,
                memberships__household_id=OuterRef("pk"),
                memberships__end_date__isnull=True,
            )
        )

    def teenage_parent(day):
        return Exists(
            Relationship.objects.filter(
                kind=RelationshipKind.PARENT,
                to_person__memberships__household_id=OuterRef("pk"),
                to_person__memberships__end_date__isnull=True,
                from_person__date_of_birth__gt=_years_before(day, 20),
                from_person__date_of_birth__lte=day,
            )
        )

    def child_under_one(day):
        return member(
            Q(
                kind=PersonKind.CHILD,
                date_of_birth__lte=day,
                date_of_birth__gt=_years_before(day, 1),
            )
            | Q(kind=PersonKind.UNBORN, created_at__date__lte=day)
        )

    def flagged(kind):
        def build(day):
            end = dt.datetime.combine(day, dt.time.max, tzinfo=timezone.get_current_timezone())
            return Exists(
                RiskFlag.objects.filter(
                    kind=kind,
                    recorded_at__lte=end,
                    person__memberships__household_id=OuterRef("pk"),
                    person__memberships__end_date__isnull=True,
                ).filter(Q(ended_at__isnull=True) | Q(ended_at__gt=end))
            )

        return build

    groups = [
        ("Families with a teenage parent", teenage_parent),
        ("Families with a child under 1 (or expecting)", child_under_one),
    ]
    groups += [
        (f"Families where an agency has recorded {k.label.lower()}", flagged(k.value))
        for k in RiskFlagKind
    ]
    for label, condition in groups:
        aggregates = {}
        for i, day in enumerate(dates):
            aggregates[f"k{i}"] = Count("pk", filter=Q(condition(day)))
            aggregates[f"r{i}"] = Count(
                "pk", filter=Q(condition(day)) & Q(_registered_by(hub, day, "pk"))
            )
        totals = families.aggregate(**aggregates)
        rows.append(
            ReachRow(
                label,
                "families",
                [ReachCell(totals[f"k{i}"], totals[f"r{i}"]) for i in range(len(dates))],
            )
        )
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
