"""Working-day arithmetic against known England and Wales bank holidays."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
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
    with pytest.raises(ImproperlyConfigured, match="unknown clock 'fortnights'"):
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


# --- the deadlines the front door works to (issue 15: arithmetic nobody tested) -----------------
# 23 November 2026 is a Monday; 22 May 2026 is the Friday before the late May bank holiday.


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (at(2026, 11, 23, 10), at(2026, 11, 24, 17)),  # in hours: close of the next working day
        (at(2026, 11, 23, 16, 59), at(2026, 11, 24, 17)),  # a minute before closing: still today
        (at(2026, 11, 23, 17), at(2026, 11, 25, 17)),  # at closing: received tomorrow
        (at(2026, 11, 23, 17, 30), at(2026, 11, 25, 17)),  # after 17:00: received tomorrow
        (at(2026, 11, 23, 7), at(2026, 11, 24, 17)),  # before opening: received today
        (at(2026, 11, 20, 18), at(2026, 11, 24, 17)),  # Friday evening: received Monday
        (at(2026, 5, 22, 18), at(2026, 5, 27, 17)),  # Friday evening before a bank holiday
        (at(2026, 5, 25, 11), at(2026, 5, 27, 17)),  # on the bank holiday itself
    ],
)
def test_routine_decision_due(received, due):
    assert ts.decision_due(received) == due


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (at(2026, 11, 23, 10), at(2026, 11, 23, 14)),  # 4 working hours, same day
        (at(2026, 11, 23, 13), at(2026, 11, 23, 17)),  # lands exactly at closing: today
        (at(2026, 11, 23, 15), at(2026, 11, 24, 11)),  # 2 today, 2 tomorrow
        (at(2026, 11, 23, 17, 30), at(2026, 11, 24, 13)),  # after hours: from 09:00 tomorrow
        (at(2026, 5, 22, 16), at(2026, 5, 26, 12)),  # over the weekend and the bank holiday
    ],
)
def test_urgent_decision_due_is_four_working_hours(received, due):
    assert ts.decision_due(received, urgent=True) == due
    assert ts.decision_due(received, urgent=True) < ts.decision_due(received)


@pytest.mark.parametrize(
    ("sent", "routine", "urgent"),
    [
        (at(2026, 11, 23, 10), at(2026, 11, 23, 14), at(2026, 11, 23, 11)),
        (at(2026, 11, 23, 13), at(2026, 11, 23, 17), at(2026, 11, 23, 14)),  # exactly at close
        (at(2026, 11, 23, 16, 30), at(2026, 11, 24, 12, 30), at(2026, 11, 24, 9, 30)),
        (at(2026, 11, 23, 17), at(2026, 11, 24, 13), at(2026, 11, 24, 10)),  # sent at closing
        (at(2026, 11, 21, 12), at(2026, 11, 23, 13), at(2026, 11, 23, 10)),  # Saturday
        (at(2026, 5, 22, 16), at(2026, 5, 26, 12), at(2026, 5, 22, 17)),  # bank holiday weekend
    ],
)
def test_acknowledgement_due_is_four_working_hours_or_one_if_urgent(sent, routine, urgent):
    assert ts.acknowledgement_due(sent) == routine
    assert ts.acknowledgement_due(sent, urgent=True) == urgent
    assert ts.working_hours_between(sent, routine) == 4


def test_acknowledgement_never_after_its_cap():
    cap = at(2026, 11, 23, 12)
    assert ts.acknowledgement_due(at(2026, 11, 23, 10), cap=cap) == cap
    assert ts.acknowledgement_due(at(2026, 11, 23, 10), cap=at(2026, 11, 24)) == at(
        2026, 11, 23, 14
    )


def test_a_clock_that_ends_exactly_at_closing_time_ends_today():
    assert ts.add_working_hours(at(2026, 11, 23, 9), 8) == at(2026, 11, 23, 17)
    assert ts.add_working_hours(at(2026, 11, 23, 9), 16) == at(2026, 11, 24, 17)
    assert ts.add_working_hours(at(2026, 11, 23, 13), 4.5) == at(2026, 11, 24, 9, 30)
    # a clock started at closing time starts at the next opening, even an empty one
    assert ts.add_working_hours(at(2026, 11, 23, 17), 0) == at(2026, 11, 24, 9)
    assert ts.working_hours_between(at(2026, 11, 23, 13), at(2026, 11, 23, 17)) == 4
    assert ts.working_hours_between(at(2026, 11, 23, 17), at(2026, 11, 24, 9)) == 0
    assert ts.working_hours_between(at(2026, 11, 24, 9), at(2026, 11, 23, 9)) == 0
    assert ts.end_of_working_day(dt.date(2026, 11, 23)) == at(2026, 11, 23, 17)


def test_clock_urgency():
    assert ts.is_urgent("urgent") and ts.is_urgent("immediate")
    assert not ts.is_urgent("routine") and not ts.is_urgent("")


def test_working_days_between_edges():
    assert ts.working_days_between(dt.date(2026, 11, 23), dt.date(2026, 11, 23)) == 0
    assert ts.working_days_between(dt.date(2026, 11, 24), dt.date(2026, 11, 23)) == 0
    assert ts.working_days_between(dt.date(2026, 11, 21), dt.date(2026, 11, 23)) == 1  # Sat→Mon
    assert ts.working_days_between(dt.date(2026, 11, 20), dt.date(2026, 11, 27)) == 5
    assert ts.next_working_day(dt.date(2026, 11, 20)) == dt.date(2026, 11, 23)


def test_negative_amounts_are_refused():
    with pytest.raises(ValueError, match="days must not be negative"):
        ts.add_working_days(dt.date(2026, 11, 23), -1)
    with pytest.raises(ValueError, match="hours must not be negative"):
        ts.add_working_hours(at(2026, 11, 23, 10), -1)


def test_decision_clock_settings(settings):
    settings.CONTINUUM_DECISION_WORKING_DAYS = 2
    assert ts.decision_due(at(2026, 11, 23, 10)) == at(2026, 11, 25, 17)
    settings.CONTINUUM_URGENT_DECISION_WORKING_HOURS = 2
    assert ts.decision_due(at(2026, 11, 23, 10), urgent=True) == at(2026, 11, 23, 12)
    settings.CONTINUUM_ACK_WORKING_HOURS = 8
    settings.CONTINUUM_URGENT_ACK_WORKING_HOURS = 2
    assert ts.acknowledgement_due(at(2026, 11, 23, 10)) == at(2026, 11, 24, 10)
    assert ts.acknowledgement_due(at(2026, 11, 23, 10), urgent=True) == at(2026, 11, 23, 12)
    # other working hours move closing time, and so what counts as "after closing"
    settings.CONTINUUM_WORKING_HOURS = (8, 18)
    settings.CONTINUUM_DECISION_WORKING_DAYS = 1
    assert ts.decision_due(at(2026, 11, 23, 17, 30)) == at(2026, 11, 24, 18)
    assert ts.decision_due(at(2026, 11, 23, 18)) == at(2026, 11, 25, 18)
    settings.CONTINUUM_WORKING_HOURS = (0, 24)
    assert ts.end_of_working_day(dt.date(2026, 11, 23)) == at(2026, 11, 24, 0)
    assert ts.add_working_hours(at(2026, 11, 23, 22), 4) == at(2026, 11, 24, 2)


@pytest.mark.parametrize(
    "value", [(17, 9), (9, 9), (9, 25), (-1, 17), ("9", "17"), (9.5, 17), (True, 17), 9, None,
              (9, 17, 18)],
)  # fmt: skip
def test_bad_working_hours_fail_loudly_naming_the_setting(settings, value):
    settings.CONTINUUM_WORKING_HOURS = value
    with pytest.raises(ImproperlyConfigured, match=r"CONTINUUM_WORKING_HOURS is .*\(9, 17\)"):
        ts.add_working_hours(at(2026, 11, 23, 10), 1)
    with pytest.raises(ImproperlyConfigured, match="CONTINUUM_WORKING_HOURS"):
        ts.decision_due(at(2026, 11, 23, 10))


@pytest.mark.parametrize(
    "name",
    [
        "CONTINUUM_ACK_WORKING_HOURS",
        "CONTINUUM_URGENT_ACK_WORKING_HOURS",
        "CONTINUUM_DECISION_WORKING_DAYS",
        "CONTINUUM_URGENT_DECISION_WORKING_HOURS",
    ],
)
@pytest.mark.parametrize("value", [0, -1, "4", 2.5, None, True])
def test_bad_clock_settings_fail_loudly_naming_the_setting(settings, name, value):
    setattr(settings, name, value)
    clock = ts.decision_due if "DECISION" in name else ts.acknowledgement_due
    with pytest.raises(ImproperlyConfigured, match=f"{name} is .*whole number of at least 1"):
        clock(at(2026, 11, 23, 10), urgent="URGENT" in name)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ((0, "working_hours"), "whole number of at least 1"),
        (("4", "working_hours"), "whole number of at least 1"),
        ((4, None), "whole number of at least 1"),
        ((None, "working_hours"), "whole number of at least 1"),
        (4, "set \\(amount, clock\\)"),
    ],
)
def test_bad_rag_targets_fail_loudly(settings, target, message):
    settings.CONTINUUM_RAG_TARGETS = {"red": target}
    expected = f"CONTINUUM_RAG_TARGETS: RAG rating 'red'.*{message}"
    with pytest.raises(ImproperlyConfigured, match=expected):
        ts.rag_due("red", at(2026, 11, 23, 10))


def test_rag_target_descriptions():
    targets = ts.rag_targets()
    assert targets["red"].description == "4 working hours"
    assert targets["green"].description == "72 hours"
    assert targets["blue"].description == "No target"
    assert ts.RagTarget("x", 2, ts.Clock.WORKING_DAYS).description == "2 working days"
    assert ts.rag_due("purple", at(2026, 11, 23, 10)) is None
    with pytest.raises(ValueError, match="Unknown clock"):
        ts.RagTarget("x", 2, "fortnights").due(at(2026, 11, 23, 10))
