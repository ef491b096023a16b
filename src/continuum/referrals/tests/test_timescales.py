"""Working-day arithmetic against known England and Wales bank holidays."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from continuum.referrals import timescales as ts

LONDON = ZoneInfo("Europe/London")


def at(y, m, d, h=0, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 12, 25), False),  # Christmas Day (Friday)
        (dt.date(2026, 12, 28), False),  # Boxing Day substitute (Monday)
        (dt.date(2026, 12, 29), True),
        (dt.date(2027, 12, 27), False),  # Christmas Day substitute
        (dt.date(2027, 12, 28), False),  # Boxing Day substitute
        (dt.date(2026, 4, 3), False),  # Good Friday
        (dt.date(2026, 4, 6), False),  # Easter Monday
        (dt.date(2026, 5, 25), False),  # late May (spring) bank holiday
        (dt.date(2026, 5, 26), True),
        (dt.date(2026, 5, 23), False),  # Saturday
        (dt.date(2026, 11, 23), True),
    ],
)
def test_is_working_day(day, expected):
    assert ts.is_working_day(day) is expected


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (dt.date(2026, 12, 24), 1, dt.date(2026, 12, 29)),  # over Christmas + Boxing Day (obs.)
        (dt.date(2027, 12, 24), 1, dt.date(2027, 12, 29)),  # both substitutes
        (dt.date(2026, 4, 2), 1, dt.date(2026, 4, 7)),  # over Easter
        (dt.date(2026, 5, 22), 1, dt.date(2026, 5, 26)),  # over the late May bank holiday
        (dt.date(2026, 11, 20), 5, dt.date(2026, 11, 27)),
        (dt.date(2026, 11, 20), 0, dt.date(2026, 11, 20)),
    ],
)
def test_add_working_days(start, days, expected):
    assert ts.add_working_days(start, days) == expected


def test_working_days_between_over_christmas():
    assert ts.working_days_between(dt.date(2026, 12, 24), dt.date(2027, 1, 4)) == 4  # 29,30,31,4


def test_working_hours_skip_nights_weekends_and_bank_holidays():
    # Friday 16:00 before the late May bank holiday: 1 hour on Friday, 3 on Tuesday.
    assert ts.add_working_hours(at(2026, 5, 22, 16), 4) == at(2026, 5, 26, 12)
    assert ts.working_hours_between(at(2026, 5, 22, 16), at(2026, 5, 26, 12)) == 4
    # Before opening the clock starts at 09:00; after closing, at the next working day.
    assert ts.add_working_hours(at(2026, 11, 23, 7), 2) == at(2026, 11, 23, 11)
    assert ts.add_working_hours(at(2026, 11, 23, 18), 2) == at(2026, 11, 24, 11)
    # 24 working hours = 3 working days of 8 hours; Christmas Eve 2026 10:00 → 29th, 30th, 31st.
    assert ts.add_working_hours(at(2026, 12, 24, 10), 24) == at(2026, 12, 31, 10)


def test_decision_due_is_close_of_next_working_day():
    assert ts.decision_due(at(2026, 12, 24, 10)) == at(2026, 12, 29, 17)
    assert ts.decision_due(at(2026, 4, 2, 11)) == at(2026, 4, 7, 17)  # Easter
    # Received on Saturday: the clock starts on Monday, due at the close of Tuesday.
    assert ts.decision_due(at(2026, 11, 21, 11)) == at(2026, 11, 24, 17)


def test_default_rag_targets():
    start = at(2026, 11, 20, 15)  # Friday 15:00
    assert ts.rag_due("red", start) == at(2026, 11, 23, 11)  # 2h Fri + 2h Mon
    assert ts.rag_due("amber", start) == at(2026, 11, 25, 15)
    assert ts.rag_due("green", start) == at(2026, 11, 23, 15)  # 72 elapsed hours
    assert ts.rag_due("blue", start) is None


def test_rag_targets_are_configurable(settings):
    settings.CONTINUUM_RAG_TARGETS = {"red": (2, "elapsed_hours"), "amber": (1, "working_days")}
    assert ts.rag_due("red", at(2026, 11, 20, 15)) == at(2026, 11, 20, 17)
    assert ts.rag_due("amber", at(2026, 11, 20, 15)) == at(2026, 11, 23, 17)
    settings.CONTINUUM_RAG_TARGETS = {"red": (2, "fortnights")}
    with pytest.raises(ValueError, match="Unknown clock"):
        ts.rag_targets()


def test_working_hours_are_configurable(settings):
    settings.CONTINUUM_WORKING_HOURS = (8, 18)
    assert ts.add_working_hours(at(2026, 11, 20, 17), 2) == at(2026, 11, 23, 9)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        ts.add_working_hours(dt.datetime(2026, 1, 5, 10), 1)


@hsettings(max_examples=200, deadline=None)
@given(
    start=st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2028, 12, 1)),
    hours=st.integers(min_value=0, max_value=200),
)
def test_add_then_measure_round_trips(start, hours):
    start = start.replace(tzinfo=LONDON)
    end = ts.add_working_hours(start, hours)
    assert end >= start
    assert abs(ts.working_hours_between(start, end) - hours) < 1e-6
