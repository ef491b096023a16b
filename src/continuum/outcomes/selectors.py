"""Reads for outcome measures: a family's journey and the cohort report."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import Http404

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.governance.access import Access, household_for_user
from continuum.outcomes.access import ReportScope
from continuum.outcomes.defaults import DEFAULT_CODE
from continuum.outcomes.models import Instrument, InstrumentArea, Reading, ReadingStage, Score

REVIEW_DUE_DAYS = 84  # a first review within 12 weeks of the start reading


def instruments() -> list[Instrument]:
    return list(Instrument.objects.filter(active=True).prefetch_related("areas"))


def instrument_or_default(code: str | None) -> Instrument:
    qs = Instrument.objects.filter(active=True).prefetch_related("areas")
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
    families whose start reading falls in [date_from, date_to] (and in the viewer's scope).

    Positive / negative / no change are shares of family x area scores (as in the seed report:
    45% / 10.2% / 44.8%). A family is better off when the sum of its changes is above zero.
    No names: only counts leave this function.
    """
    as_of = as_of or dt.date.today()
    starts = Reading.objects.filter(instrument=instrument, stage=ReadingStage.START)
    if scope.agency_id is not None:
        starts = starts.filter(agency_id=scope.agency_id)
    if date_from:
        starts = starts.filter(taken_on__gte=date_from)
    if date_to:
        starts = starts.filter(taken_on__lte=date_to)
    # The family's first start reading in the cohort window.
    first_start: dict[int, tuple[dt.date, int]] = {}
    for hh, taken_on, pk in starts.order_by("taken_on", "pk").values_list(
        "household_id", "taken_on", "pk"
    ):
        first_start.setdefault(hh, (taken_on, pk))
    readings = Reading.objects.filter(instrument=instrument, household_id__in=starts.values(
        "household_id"))  # fmt: skip
    if scope.agency_id is not None:
        readings = readings.filter(agency_id=scope.agency_id)
    # Every later reading of those families, in order: (household, date, pk, stage)
    later: dict[int, list[tuple[dt.date, int, str]]] = defaultdict(list)
    for hh, taken_on, pk, stage in readings.order_by("taken_on", "recorded_at", "pk").values_list(
        "household_id", "taken_on", "pk", "stage"
    ):
        start = first_start.get(hh)
        if start and (taken_on, pk) > start:
            later[hh].append((taken_on, pk, stage))
    report = CohortReport(instrument=instrument, scope=scope, date_from=date_from, date_to=date_to)
    report.families_started = len(first_start)
    report.readings = len(first_start) + sum(len(v) for v in later.values())
    areas = list(instrument.areas.all())
    changes = {a.pk: AreaChange(area=a) for a in areas}
    compare: dict[int, tuple[int, int]] = {}  # household → (start reading, latest reading)
    for hh, (start_date, start_pk) in first_start.items():
        rows = later.get(hh, [])
        if any(stage == ReadingStage.END for _d, _p, stage in rows):
            report.families_ended += 1
        reviews = [d for d, _p, _s in rows]
        if reviews and (reviews[0] - start_date).days <= REVIEW_DUE_DAYS:
            report.reviews_on_time += 1
            report.reviews_due += 1
        elif reviews or (as_of - start_date).days > REVIEW_DUE_DAYS:
            report.reviews_due += 1
        if rows:
            compare[hh] = (start_pk, rows[-1][1])
    wanted = {pk for pair in compare.values() for pk in pair}
    values: dict[int, dict[int, int]] = defaultdict(dict)
    for reading_id, area_id, value in Score.objects.filter(reading_id__in=wanted).values_list(
        "reading_id", "area_id", "value"
    ):
        values[reading_id][area_id] = value
    for start_pk, latest_pk in compare.values():
        family_total = 0
        measured_any = False
        for area in areas:
            before, after = values[start_pk].get(area.pk), values[latest_pk].get(area.pk)
            if before is None or after is None:
                continue
            measured_any = True
            delta = after - before
            family_total += delta
            bucket = changes[area.pk]
            bucket.total_change += delta
            if delta > 0:
                bucket.positive += 1
            elif delta < 0:
                bucket.negative += 1
            else:
                bucket.no_change += 1
        if measured_any:
            report.families_measured += 1
            if family_total > 0:
                report.families_better_off += 1
            elif family_total < 0:
                report.families_worse_off += 1
    report.areas = [changes[a.pk] for a in areas]
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="outcomes_cohort_report",
        object_id=instrument.pk,
        details={"scope_agency": scope.agency_id, "families": report.families_started},
    )
    return report
