"""Reads for outcome measures: a family's journey and the cohort report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Prefetch
from django.http import Http404

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.core.db import report_transaction
from continuum.governance.access import Access, household_for_user
from continuum.outcomes.access import ReportScope
from continuum.outcomes.defaults import DEFAULT_CODE
from continuum.outcomes.models import Instrument, InstrumentArea, Reading, Score

REVIEW_DUE_DAYS = 84  # a first review within 12 weeks of the start reading


def instruments() -> list[Instrument]:
    return list(Instrument.objects.filter(active=True).prefetch_related("areas"))


def instruments_for_configuration() -> list[Instrument]:
    """Every instrument, offered or not, with how many readings it has (configuration only: no
    personal data)."""
    return list(
        Instrument.objects.annotate(reading_count=Count("readings"))
        .prefetch_related("areas")
        .order_by("-active", "name")
    )


def instrument_for_configuration(instrument_id) -> Instrument:
    try:
        return (
            Instrument.objects.annotate(reading_count=Count("readings"))
            .prefetch_related("areas")
            .get(pk=int(instrument_id))
        )
    except (Instrument.DoesNotExist, ValueError, TypeError):
        raise Http404("No such instrument") from None


def instrument_or_default(code: str | None, *, offered_only: bool = True) -> Instrument:
    """The instrument with this code (the default one without a code). Instruments no longer
    offered for new readings are still found when `offered_only` is False: a family's journey
    on one stays readable."""
    qs = Instrument.objects.prefetch_related("areas")
    if offered_only:
        qs = qs.filter(active=True)
    try:
        return qs.get(code=code or DEFAULT_CODE)
    except Instrument.DoesNotExist:
        raise Http404("No such instrument") from None


@dataclass
class AreaJourney:
    area: InstrumentArea
    values: list[int | None]
    first: int | None
    latest: int | None

    @property
    def distance(self) -> int | None:
        if self.first is None or self.latest is None:
            return None
        return self.latest - self.first


@dataclass
class Journey:
    instrument: Instrument
    readings: list[Reading]
    areas: list[AreaJourney]

    @property
    def latest(self) -> Reading | None:
        return self.readings[-1] if self.readings else None


def family_journey(user, household_id: int, instrument: Instrument) -> tuple[object, Journey]:
    """The household (through the gatekeeper) and its readings on the instrument, audited."""
    household = household_for_user(user, household_id, need=Access.READ)
    readings = list(
        Reading.objects.filter(household=household, instrument=instrument)
        .select_related("recorded_by", "agency")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.all()))
        .order_by("taken_on", "recorded_at")
    )
    by_reading = [{s.area_id: s.value for s in r.scores.all()} for r in readings]
    areas = []
    for area in instrument.areas.all():
        values = [scores.get(area.pk) for scores in by_reading]
        present = [v for v in values if v is not None]
        areas.append(
            AreaJourney(
                area=area,
                values=values,
                first=present[0] if present else None,
                latest=present[-1] if present else None,
            )
        )
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="household_outcomes",
        object_id=household.pk,
        details={"instrument": instrument.code},
        person_ids=_household_people(household.pk),
    )
    return household, Journey(instrument=instrument, readings=readings, areas=areas)


# --- The cohort report -------------------------------------------------------------------------


@dataclass
class AreaChange:
    area: InstrumentArea
    positive: int = 0
    negative: int = 0
    no_change: int = 0
    total_change: int = 0

    @property
    def measured(self) -> int:
        return self.positive + self.negative + self.no_change

    @property
    def average_change(self) -> float | None:
        return round(self.total_change / self.measured, 2) if self.measured else None


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class CohortReport:
    instrument: Instrument
    scope: ReportScope
    date_from: dt.date | None
    date_to: dt.date | None
    families_started: int = 0
    readings: int = 0
    families_measured: int = 0  # a start and at least one later reading
    families_ended: int = 0
    reviews_on_time: int = 0
    reviews_due: int = 0
    families_better_off: int = 0
    families_worse_off: int = 0
    areas: list[AreaChange] = field(default_factory=list)

    @property
    def positive(self) -> int:
        return sum(a.positive for a in self.areas)

    @property
    def negative(self) -> int:
        return sum(a.negative for a in self.areas)

    @property
    def no_change(self) -> int:
        return sum(a.no_change for a in self.areas)

    @property
    def scores_measured(self) -> int:
        return self.positive + self.negative + self.no_change

    @property
    def positive_pct(self) -> float | None:
        return _pct(self.positive, self.scores_measured)

    @property
    def negative_pct(self) -> float | None:
        return _pct(self.negative, self.scores_measured)

    @property
    def no_change_pct(self) -> float | None:
        return _pct(self.no_change, self.scores_measured)

    @property
    def reviews_on_time_pct(self) -> float | None:
        return _pct(self.reviews_on_time, self.reviews_due)

    @property
    def ended_pct(self) -> float | None:
        return _pct(self.families_ended, self.families_started)

    @property
    def better_off_pct(self) -> float | None:
        return _pct(self.families_better_off, self.families_measured)


# The whole report in one query. `numbered`/`scoped`: the instrument's readings (in the viewer's
# scope), numbered per family in the order they were taken, with the number of the family's first
# start reading in the window. `families`: each family with such a start reading, with that
# reading, its latest reading, how many readings came after the start, whether one was an end
# reading, and the date of the next reading. `deltas`: change per area from the start to the
# latest reading.
# The result rows are (what, area id, a, b, c, d): per area (positive, negative, no change,
# total change); for families (better off, worse off, measured); for the cohort (started,
# readings, ended, reviews on time, reviews due).
_COHORT_SQL = """
WITH numbered AS (
    SELECT id, household_id, stage, taken_on,
           ROW_NUMBER() OVER (PARTITION BY household_id
                              ORDER BY taken_on, recorded_at, id) AS seq,
           COUNT(*) OVER (PARTITION BY household_id) AS n,
           CASE WHEN stage = 'start'{window} THEN 1 ELSE 0 END AS in_window
    FROM {reading} WHERE instrument_id = %s{scope}
),
scoped AS (
    SELECT numbered.*,
           MIN(CASE WHEN in_window = 1 THEN seq END) OVER (PARTITION BY household_id) AS first_seq
    FROM numbered
),
families AS (
    SELECT household_id,
           COUNT(*) - 1 AS later,
           MAX(CASE WHEN seq > first_seq AND stage = 'end' THEN 1 ELSE 0 END) AS ended,
           MAX(CASE WHEN seq = first_seq THEN id END) AS start_id,
           MAX(CASE WHEN seq = first_seq THEN taken_on END) AS start_date,
           MAX(CASE WHEN seq = first_seq + 1 THEN taken_on END) AS next_date,
           MAX(CASE WHEN seq = n THEN id END) AS last_id
    FROM scoped WHERE seq >= first_seq
    GROUP BY household_id
),
deltas AS (
    SELECT f.household_id, a.area_id, b.value - a.value AS delta
    FROM families f
    JOIN {score} a ON a.reading_id = f.start_id
    JOIN {score} b ON b.reading_id = f.last_id AND b.area_id = a.area_id
    WHERE f.later > 0
)
SELECT 'area', area_id,
       SUM(CASE WHEN delta > 0 THEN 1 ELSE 0 END),
       SUM(CASE WHEN delta < 0 THEN 1 ELSE 0 END),
       SUM(CASE WHEN delta = 0 THEN 1 ELSE 0 END),
       SUM(delta), 0
FROM deltas GROUP BY area_id
UNION ALL
SELECT 'families', 0,
       SUM(CASE WHEN total > 0 THEN 1 ELSE 0 END),
       SUM(CASE WHEN total < 0 THEN 1 ELSE 0 END),
       COUNT(*), 0, 0
FROM (SELECT household_id, SUM(delta) AS total FROM deltas GROUP BY household_id) t
UNION ALL
SELECT 'cohort', 0, COUNT(*), SUM(1 + later), SUM(ended),
       SUM(CASE WHEN next_date IS NOT NULL AND {review_days} <= %s THEN 1 ELSE 0 END),
       SUM(CASE WHEN next_date IS NOT NULL OR start_date < %s THEN 1 ELSE 0 END)
FROM families
"""


def _cohort_sql(
    instrument: Instrument,
    scope: ReportScope,
    date_from: dt.date | None,
    date_to: dt.date | None,
    as_of: dt.date,
) -> tuple[str, list]:
    params: list = []
    scope_sql = window_sql = ""
    if date_from:
        window_sql += " AND taken_on >= %s"
        params.append(date_from)
    if date_to:
        window_sql += " AND taken_on <= %s"
        params.append(date_to)
    params.append(instrument.pk)
    if scope.agency_id is not None:
        scope_sql = " AND agency_id = %s"
        params.append(scope.agency_id)
    params += [REVIEW_DUE_DAYS, as_of - dt.timedelta(days=REVIEW_DUE_DAYS)]
    if connection.vendor == "sqlite":
        review_days = "(julianday(next_date) - julianday(start_date))"
    else:  # PostgreSQL: date minus date is a number of days
        review_days = "(next_date - start_date)"
    quote = connection.ops.quote_name
    sql = _COHORT_SQL.format(
        reading=quote(Reading._meta.db_table),
        score=quote(Score._meta.db_table),
        scope=scope_sql,
        window=window_sql,
        review_days=review_days,
    )
    return sql, params


def cohort_report(
    *,
    user,
    scope: ReportScope,
    instrument: Instrument,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    as_of: dt.date | None = None,
) -> CohortReport:
    """Change between each family's start reading and its latest reading, for the cohort of
    families whose first start reading in [date_from, date_to] is in the viewer's scope.

    Positive / negative / no change are shares of family x area scores (as in the seed report:
    45% / 10.2% / 44.8%). A family is better off when the sum of its changes is above zero.
    No names: only counts leave this function (one aggregate query, whatever the cohort's size).
    """
    as_of = as_of or dt.date.today()
    sql, params = _cohort_sql(instrument, scope, date_from, date_to, as_of)
    with report_transaction() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    report = CohortReport(instrument=instrument, scope=scope, date_from=date_from, date_to=date_to)
    by_area = {}
    for what, area_id, a, b, c, d, e in rows:
        a, b, c, d, e = (int(x or 0) for x in (a, b, c, d, e))
        if what == "area":
            by_area[area_id] = (a, b, c, d)
        elif what == "families":
            report.families_better_off, report.families_worse_off = a, b
            report.families_measured = c
        else:
            report.families_started, report.readings, report.families_ended = a, b, c
            report.reviews_on_time, report.reviews_due = d, e
    report.areas = [
        AreaChange(area, *by_area.get(area.pk, (0, 0, 0, 0))) for area in instrument.areas.all()
    ]
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="outcomes_cohort_report",
        object_id=instrument.pk,
        details={"scope_agency": scope.agency_id, "families": report.families_started},
    )
    return report


def _household_people(household_id: int) -> list[int]:
    from continuum.people.selectors import people_in_households

    return people_in_households([household_id])
