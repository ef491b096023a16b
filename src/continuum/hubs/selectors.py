"""Reads for family hub life. Named people only through the governance gatekeepers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.core.db import report_transaction
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
    Address,
    Household,
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
        person_ids=[line.person.pk for line in lines],
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
        person_ids=[*visible_ids, *(e.person_id for e in events)],
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


def _open_at(start: str, end: str, day_end: dt.datetime) -> Q:
    """Started by the end of the day and not ended by then."""
    return Q(**{f"{start}__lte": day_end}) & (
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": day_end})
    )


def _registered_at(hub: Agency, registrations: str, day_end: dt.datetime) -> Q:
    """The family was registered with the hub at the end of the day; `registrations` is the path
    from the counted rows to the family's hub registrations (joined once, for every date)."""
    return Q(**{f"{registrations}__hub": hub}) & _open_at(
        f"{registrations}__registered_at", f"{registrations}__ended_at", day_end
    )


def _counts(rows, distinct: str, conditions: list[tuple[Q, Q]]) -> list[ReachCell]:
    """One query: for each date, how many distinct `distinct` values meet the group's condition,
    and how many of those are registered (conditional aggregation, nothing loaded row by row)."""
    aggregates = {}
    for i, (in_group, registered) in enumerate(conditions):
        aggregates[f"known_{i}"] = Count(distinct, distinct=True, filter=in_group)
        aggregates[f"registered_{i}"] = Count(distinct, distinct=True, filter=in_group & registered)
    with report_transaction():
        totals = rows.aggregate(**aggregates)
    return [
        ReachCell(totals[f"known_{i}"], totals[f"registered_{i}"]) for i in range(len(conditions))
    ]


# Families living in the catchment now (`members`: their current members), and for each target
# group, date by date, how many are in the group and how many of those are registered with the
# hub. One statement: the catchment's families are found once for every group.
_FAMILIES_SQL = """
WITH members AS (
    SELECT m.household_id, m.person_id
    FROM {membership} m
    JOIN {household} h ON h.id = m.household_id
    JOIN {address} a ON a.id = h.address_id
    WHERE m.end_date IS NULL AND a.catchment_id = %s
),
registrations AS (
    SELECT household_id, registered_at, ended_at FROM {registration} WHERE hub_id = %s
)
SELECT 'teenage', {teenage}
FROM members mb
JOIN {relationship} r ON r.to_person_id = mb.person_id
JOIN {person} pa ON pa.id = r.from_person_id
LEFT JOIN registrations rg ON rg.household_id = mb.household_id
WHERE r.kind = %s AND r.ended_at IS NULL AND pa.date_of_birth > %s
UNION ALL
SELECT 'under_one', {under_one}
FROM members mb
JOIN {person} p ON p.id = mb.person_id
LEFT JOIN registrations rg ON rg.household_id = mb.household_id
WHERE p.kind = %s OR (p.kind = %s AND p.date_of_birth > %s)
UNION ALL
SELECT f.kind, {flagged}
FROM {risk_flag} f
JOIN members mb ON mb.person_id = f.person_id
LEFT JOIN registrations rg ON rg.household_id = mb.household_id
WHERE f.recorded_at <= %s
GROUP BY f.kind
"""


def _family_rows(hub: Agency, days: list[tuple[dt.date, dt.datetime]]) -> list[ReachRow]:
    """The target groups' rows of the reach table: one query, counting every date at once."""
    ops = connection.ops
    date, moment = ops.adapt_datefield_value, ops.adapt_datetimefield_value

    def aggregates(condition: str, condition_params) -> tuple[str, list]:
        """COUNT(DISTINCT family) in the group, and registered, for each date."""
        sql, params = [], []
        for day, day_end in days:
            in_group, group_params = condition, condition_params(day, day_end)
            registered = "rg.registered_at <= %s AND (rg.ended_at IS NULL OR rg.ended_at > %s)"
            sql.append(f"COUNT(DISTINCT CASE WHEN {in_group} THEN mb.household_id END)")
            sql.append(
                f"COUNT(DISTINCT CASE WHEN ({in_group}) AND {registered} THEN mb.household_id END)"
            )
            params += [*group_params, *group_params, moment(day_end), moment(day_end)]
        return ", ".join(sql), params

    teenage, teenage_params = aggregates(
        "pa.date_of_birth > %s AND pa.date_of_birth <= %s",
        lambda day, _end: [date(_years_before(day, 20)), date(day)],
    )
    under_one, under_one_params = aggregates(
        "((p.kind = %s AND p.date_of_birth > %s AND p.date_of_birth <= %s)"
        " OR (p.kind = %s AND p.created_at <= %s))",
        lambda day, end: [
            PersonKind.CHILD.value,
            date(_years_before(day, 1)),
            date(day),
            PersonKind.UNBORN.value,
            moment(end),
        ],
    )
    flagged, flagged_params = aggregates(
        "(f.ended_at IS NULL OR f.ended_at > %s) AND f.recorded_at <= %s",
        lambda _day, end: [moment(end), moment(end)],
    )
    first_day, last_end = days[0][0], days[-1][1]
    quote = ops.quote_name
    sql = _FAMILIES_SQL.format(
        membership=quote(HouseholdMembership._meta.db_table),
        household=quote(Household._meta.db_table),
        address=quote(Address._meta.db_table),
        person=quote(Person._meta.db_table),
        registration=quote(HubRegistration._meta.db_table),
        relationship=quote(Relationship._meta.db_table),
        risk_flag=quote(RiskFlag._meta.db_table),
        teenage=teenage,
        under_one=under_one,
        flagged=flagged,
    )
    params = [
        hub.catchment_id, hub.pk,
        *teenage_params, RelationshipKind.PARENT.value, date(_years_before(first_day, 20)),
        *under_one_params, PersonKind.UNBORN.value, PersonKind.CHILD.value,
        date(_years_before(first_day, 1)),
        *flagged_params, moment(last_end),
    ]  # fmt: skip
    with report_transaction() as cursor:
        cursor.execute(sql, params)
        counts = {row[0]: row[1:] for row in cursor.fetchall()}

    def cells(group: str) -> list[ReachCell]:
        values = counts.get(group) or [0] * (2 * len(days))
        return [ReachCell(values[2 * i], values[2 * i + 1]) for i in range(len(days))]

    rows = [
        ReachRow("Families with a teenage parent", "families", cells("teenage")),
        ReachRow("Families with a child under 1 (or expecting)", "families", cells("under_one")),
    ]
    rows += [
        ReachRow(
            f"Families where an agency has recorded {kind.label.lower()}", "families", cells(kind)
        )
        for kind in RiskFlagKind
    ]
    return rows


def reach(user, hub: Agency, today: dt.date | None = None) -> tuple[list[dt.date], list[ReachRow]]:
    """Children under 5 and target-group families in the hub's catchment, known to Continuum
    vs registered with the hub, at the end of each of the last four quarters and today.

    Counts only: nobody is named. Children are counted by their address on each date (and
    registered when their family now is); families are the households living in the catchment
    now. One aggregate query per row of the table, each driven by the few rows that can be in
    the group (children under 5, parents under 20, babies, flags) and counting every date at once.
    """
    today = today or timezone.localdate()
    dates = reach_dates(today)
    ends = [_end_of(d) for d in dates]
    catchment = hub.catchment_id
    days = list(zip(dates, ends, strict=True))

    # Children under 5, by their address history in the catchment.
    child_addresses = PersonAddress.objects.filter(
        address__catchment_id=catchment,
        person__kind=PersonKind.CHILD,
        person__date_of_birth__gt=_years_before(dates[0], 5),
    )
    cells = _counts(
        child_addresses,
        "person_id",
        [
            (
                Q(start_date__lte=day, person__date_of_birth__lte=day)
                & (Q(end_date__isnull=True) | Q(end_date__gt=day))
                & Q(person__date_of_birth__gt=_years_before(day, 5))
                & (Q(person__date_of_death__isnull=True) | Q(person__date_of_death__gt=day)),
                Q(person__memberships__end_date__isnull=True)
                & _registered_at(hub, "person__memberships__household__hub_registrations", day_end),
            )
            for day, day_end in days
        ],
    )
    rows = [ReachRow("Children under 5", "children", cells)]

    rows += _family_rows(hub, days)
    audit_record(actor=user, action=AuditAction.VIEW, object_type="hub_reach", object_id=hub.pk)
    return dates, rows


# --- Risk factors agencies have recorded ----------------------------------------------------


def household_risk_flags(user, household) -> tuple[list[Person], list[RiskFlag]]:
    """The family's current members the user may see, and the risk factors agencies recorded
    about them (withdrawn ones too), newest first. Audited: these are sensitive."""
    members = list(
        persons_visible_to(user)
        .filter(memberships__household=household, memberships__end_date__isnull=True)
        .distinct()
        .order_by("kind", "date_of_birth")
    )
    flags = list(
        RiskFlag.objects.filter(person__in=members)
        .select_related("person", "recorded_by_agency", "recorded_by", "ended_by")
        .order_by("ended_at", "-recorded_at")
    )
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="household_risk_flags",
        object_id=household.pk,
        details={"flags": len(flags)},
        person_ids=[*(m.pk for m in members), *(f.person_id for f in flags)],
    )
    return members, flags


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
        person_ids=[e.person_id for e in entries],
    )
    return entries


# --- Volunteers --------------------------------------------------------------------------------


def matches_for_volunteer(user) -> list[VolunteerMatch]:
    matches = list(
        VolunteerMatch.objects.filter(volunteer=user, ended_at__isnull=True)
        .select_related("household__address")
        .order_by("started_at")
    )
    _audit_matches(user, "hubs.volunteer_matches", matches)
    return matches


def matches_for_scheme(user) -> list[VolunteerMatch]:
    matches = list(
        VolunteerMatch.objects.filter(scheme_id=user.agency_id)
        .select_related("household__address", "volunteer")
        .annotate(unreviewed=Count("diaries", filter=Q(diaries__reviewed_at__isnull=True)))
        .order_by("ended_at", "started_at")
    )
    _audit_matches(user, "hubs.scheme_matches", matches)
    return matches


def _audit_matches(user, object_type: str, matches: list[VolunteerMatch]) -> None:
    """The families on a volunteering list (their addresses are shown): one event naming them."""
    from continuum.people.selectors import people_in_households

    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=object_type,
        details={"count": len(matches)},
        person_ids=people_in_households({m.household_id for m in matches}),
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
