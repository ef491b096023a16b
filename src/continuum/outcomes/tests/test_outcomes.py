"""Outcome measures: the default instrument, readings, journeys and the cohort report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from continuum.directory.tests.factories import AgencyFactory, UserFactory
from continuum.outcomes import selectors, services
from continuum.outcomes.access import ReportScope
from continuum.outcomes.defaults import DEFAULT_CODE
from continuum.outcomes.models import Instrument, Reading
from continuum.people.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db
START = dt.date(2025, 1, 6)


def default_instrument() -> Instrument:
    return Instrument.objects.get(code=DEFAULT_CODE)


def test_the_default_instrument_is_the_ten_supporting_families_outcomes():
    instrument = default_instrument()
    assert (instrument.scale_min, instrument.scale_max) == (1, 10)
    labels = [a.label for a in instrument.areas.all()]
    assert len(labels) == 10
    assert labels[0] == "Getting a good education"
    assert labels[-1] == "Financial stability"
    assert instrument.stage_for(10) == "Managing well"


def _scores(instrument, value=5, **overrides):
    scores = {a.code: value for a in instrument.areas.all()}
    scores.update(overrides)
    return scores


def test_a_score_outside_the_scale_is_refused_naming_the_area(involved_practitioner, family):
    instrument = default_instrument()
    with pytest.raises(ValidationError) as exc:
        services.reading_record(actor=involved_practitioner, household=family.household,
                                instrument=instrument, stage="start", taken_on=START,
                                scores=_scores(instrument, housing=11))  # fmt: skip
    assert exc.value.message_dict["housing"] == [
        "The score for Secure housing must be between 1 and 10"
    ]
    assert not Reading.objects.exists()


def test_a_review_needs_a_start_reading_first(involved_practitioner, family):
    instrument = default_instrument()
    with pytest.raises(ValidationError) as exc:
        services.reading_record(actor=involved_practitioner, household=family.household,
                                instrument=instrument, stage="review", taken_on=START,
                                scores=_scores(instrument))  # fmt: skip
    assert "stage" in exc.value.message_dict


def test_recording_a_reading_through_the_form(involved_practitioner, family, login):
    instrument = default_instrument()
    client = login(involved_practitioner)
    url = reverse("outcomes:reading_add", args=[family.household.pk])
    data = {"stage": "start", "taken_on_0": "6", "taken_on_1": "1", "taken_on_2": "2025",
            **_scores(instrument, 4, finance=0)}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200
    assert "The score for Financial stability must be between 1 and 10" in response.text
    assert 'href="#id_finance"' in response.text  # the error summary links to the field
    data["finance"] = 3
    response = client.post(url, data)
    assert response.status_code == 302
    reading = Reading.objects.get()
    assert reading.agency_id == involved_practitioner.agency_id
    assert {s.area.code: s.value for s in reading.scores.all()}["finance"] == 3


def test_journey_page_shows_charts_with_table_alternatives(involved_practitioner, family, login):
    instrument = default_instrument()
    for when, stage, value in ((START, "start", 3), (START + dt.timedelta(days=80), "review", 6)):
        services.reading_record(actor=involved_practitioner, household=family.household,
                                instrument=instrument, stage=stage, taken_on=when,
                                scores=_scores(instrument, value, housing=value - 1))  # fmt: skip
    response = login(involved_practitioner).get(
        reverse("outcomes:journey", args=[family.household.pk])
    )
    assert response.status_code == 200
    html = response.text
    assert html.count('role="img"') == 2
    assert 'aria-labelledby="radar-title radar-desc"' in html
    assert "Secure housing: 5." in html  # the radar's description names each score
    assert html.count("<table") == 2  # distance travelled, and every reading
    assert "+3" in html  # distance travelled per area


@pytest.mark.parametrize(
    ("persona", "journey", "add"),
    [("involved_practitioner", 200, 200), ("read_only_partner", 200, 403),
     ("uninvolved_worker", 404, 404), ("analyst", 404, 404), ("volunteer", 200, 403),
     ("unmatched_volunteer", 404, 404)],
)  # fmt: skip
def test_journey_access(persona, journey, add, personas, family, login):
    client = login(personas[persona])
    hh = family.household.pk
    assert client.get(reverse("outcomes:journey", args=[hh])).status_code == journey
    assert client.get(reverse("outcomes:reading_add", args=[hh])).status_code == add


# --- The cohort report, against a hand-computed fixture ------------------------------------------


def _two_area_instrument():
    return services.instrument_create(
        actor=None, code="two-areas", name="Two areas", areas=[("a", "Area A"), ("b", "Area B")],
        stage_labels=[{"from": 1, "to": 5, "label": "Low"}, {"from": 6, "to": 10, "label": "High"}],
    )  # fmt: skip


@pytest.fixture
def cohort(db):
    """20 measured families at one hub, plus one not yet reviewed and one at another agency.

    Families 1-9:   A 3→5 (+2), B 4→4 (0)  (families 1-3 have a review in between)
    Families 10-11: A 5→4 (-1), B 2→3 (+1)
    Families 12-20: A 6→6 (0),  B 2→5 (+3)
    Positive: A 9 + B 2 + B 9 = 20 of 40 scores = 50.0%
    Negative: A 2 = 5.0%; no change: A 9 + B 9 = 18 = 45.0%
    Average change: A (9x2 - 2)/20 = 0.8; B (2 + 27)/20 = 1.45
    Families better off (sum of changes > 0): 9 + 0 (-1+1 = 0) + 9 = 18 of 20 = 90.0%
    First review within 12 weeks: families 1-3 reviewed after 4 weeks, 4-20 ended after
    20 weeks; family 21 (start only, long ago) is due too → 3 of 21 = 14.3%
    Ended: families 4-20 have an end reading → 17 of 21 started = 81.0%
    """
    instrument = _two_area_instrument()
    hub = AgencyFactory(name="Cohort Hub")
    worker = UserFactory(agency=hub)
    outsider = UserFactory(agency=AgencyFactory(name="Elsewhere"))
    plan = [((3, 4), (5, 4))] * 9 + [((5, 2), (4, 3))] * 2 + [((6, 2), (6, 5))] * 9
    for i, ((a0, b0), (a1, b1)) in enumerate(plan, start=1):
        hh = HouseholdFactory()
        services.reading_record(actor=worker, household=hh, instrument=instrument, stage="start",
                                taken_on=START, scores={"a": a0, "b": b0})  # fmt: skip
        if i <= 3:
            services.reading_record(actor=worker, household=hh, instrument=instrument,
                                    stage="review", taken_on=START + dt.timedelta(weeks=4),
                                    scores={"a": 9, "b": 9})  # fmt: skip
            services.reading_record(actor=worker, household=hh, instrument=instrument,
                                    stage="review", taken_on=START + dt.timedelta(weeks=20),
                                    scores={"a": a1, "b": b1})  # fmt: skip
        else:
            services.reading_record(actor=worker, household=hh, instrument=instrument, stage="end",
                                    taken_on=START + dt.timedelta(weeks=20),
                                    scores={"a": a1, "b": b1})  # fmt: skip
    services.reading_record(actor=worker, household=HouseholdFactory(), instrument=instrument,
                            stage="start", taken_on=START, scores={"a": 1, "b": 1})  # fmt: skip
    other = HouseholdFactory()
    services.reading_record(actor=outsider, household=other, instrument=instrument, stage="start",
                            taken_on=START, scores={"a": 1, "b": 1})  # fmt: skip
    services.reading_record(actor=outsider, household=other, instrument=instrument, stage="end",
                            taken_on=START + dt.timedelta(weeks=8),
                            scores={"a": 1, "b": 10})  # fmt: skip
    return instrument, hub, worker


def test_cohort_report_matches_the_hand_computed_fixture(cohort):
    instrument, hub, worker = cohort
    report = selectors.cohort_report(user=worker, scope=ReportScope(hub.pk, hub.name),
                                     instrument=instrument,
                                     as_of=dt.date(2025, 12, 31))  # fmt: skip
    assert (report.positive, report.negative, report.no_change) == (20, 2, 18)
    assert (report.positive_pct, report.negative_pct, report.no_change_pct) == (50.0, 5.0, 45.0)
    a, b = report.areas
    assert (a.positive, a.negative, a.no_change, a.average_change) == (9, 2, 9, 0.8)
    assert (b.positive, b.negative, b.no_change, b.average_change) == (11, 0, 9, 1.45)
    assert report.families_started == 21
    assert report.families_measured == 20
    assert report.readings == 21 + 20 + 3
    assert (report.families_better_off, report.better_off_pct) == (18, 90.0)
    assert (report.reviews_on_time, report.reviews_due, report.reviews_on_time_pct) == (3, 21, 14.3)
    assert (report.families_ended, report.ended_pct) == (17, 81.0)


def test_cohort_report_for_the_whole_area_includes_other_agencies(cohort):
    instrument, _hub, worker = cohort
    report = selectors.cohort_report(user=worker, scope=ReportScope(None, "the whole area"),
                                     instrument=instrument)  # fmt: skip
    assert report.families_measured == 21
    assert (report.positive, report.negative, report.no_change) == (21, 2, 19)


def test_the_seed_reports_cohort_45_10_2_44_8():
    """60 families x 8 areas = 480 scores: 216 up, 49 down, 215 unchanged → 45% / 10.2% / 44.8%."""
    instrument = services.instrument_create(
        actor=None, code="eight", name="Eight areas",
        areas=[(f"a{i}", f"Area {i}") for i in range(8)],
    )  # fmt: skip
    worker = UserFactory()
    k = 0
    for _family in range(60):
        hh = HouseholdFactory()
        end = {}
        for i in range(8):
            end[f"a{i}"] = 6 if k < 216 else (4 if k < 265 else 5)
            k += 1
        services.reading_record(actor=worker, household=hh, instrument=instrument, stage="start",
                                taken_on=START, scores={f"a{i}": 5 for i in range(8)})  # fmt: skip
        services.reading_record(actor=worker, household=hh, instrument=instrument, stage="end",
                                taken_on=START + dt.timedelta(weeks=12), scores=end)  # fmt: skip
    report = selectors.cohort_report(user=worker, scope=ReportScope(None, "area"),
                                     instrument=instrument)  # fmt: skip
    assert (report.positive_pct, report.negative_pct, report.no_change_pct) == (45.0, 10.2, 44.8)


def test_cohort_page_shows_the_report_card_and_names_no_one(cohort, login, family, personas):
    _instrument, _hub, worker = cohort
    response = login(worker).get(reverse("outcomes:cohort") + "?instrument=two-areas")
    assert response.status_code == 200
    assert 'data-metric="positive_pct">50.0%' in response.text
    assert 'data-area="a">+0.8' in response.text
    assert "How well did we do it?" in response.text
    assert "Smith" not in response.text


@pytest.mark.parametrize(
    ("persona", "status"),
    [("involved_practitioner", 200), ("analyst", 200), ("dpo", 200), ("volunteer", 404),
     ("uninvolved_worker", 200)],
)  # fmt: skip
def test_cohort_page_access(persona, status, personas, login):
    assert login(personas[persona]).get(reverse("outcomes:cohort")).status_code == status


def test_cohort_page_refuses_a_bad_date(involved_practitioner, login):
    response = login(involved_practitioner).get(
        reverse("outcomes:cohort") + "?date_from_0=31&date_from_1=2&date_from_2=2025"
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text


def test_cohort_page_queries_do_not_grow_with_the_cohort(cohort, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    instrument, _hub, worker = cohort
    client = login(worker)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("outcomes:cohort") + "?instrument=two-areas")
            assert response.status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    for _ in range(5):
        hh = HouseholdFactory()
        for stage, when in (("start", START), ("end", START + dt.timedelta(weeks=10))):
            services.reading_record(
                actor=worker,
                household=hh,
                instrument=instrument,
                stage=stage,
                taken_on=when,
                scores={"a": 2, "b": 3},
            )
    assert queries() == before
