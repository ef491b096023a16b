"""Working-day and working-hour clocks, and the RAG targets of the front door.

Working days skip Saturdays, Sundays and England & Wales bank holidays (the `holidays` package,
GB subdivision ENG, which includes substitute days such as "Boxing Day (observed)").
Working hours are 09:00-17:00 local time on working days unless settings say otherwise:

    CONTINUUM_WORKING_HOURS = (9, 17)          # start hour, end hour (local time)
    CONTINUUM_RAG_TARGETS = {"red": (4, "working_hours"), "amber": (24, "working_hours"),
                             "green": (72, "elapsed_hours"), "blue": (None, None)}
    CONTINUUM_DECISION_WORKING_DAYS = 1        # referral decision within 1 working day of receipt
    CONTINUUM_ACK_WORKING_HOURS = 4            # a hand-over must be acknowledged within this
    CONTINUUM_URGENT_DECISION_WORKING_HOURS = 4  # an urgent referral: decided within 4 working
                                                 # hours of receipt (the Red target, standards 3.2)
    CONTINUUM_URGENT_ACK_WORKING_HOURS = 1     # and acknowledged within 1 working hour

An urgent referral ("a response is needed today") or one about immediate risk of significant harm
runs on the urgent clocks; every other referral on the routine ones. A bad setting fails loudly
(ImproperlyConfigured, naming the setting and what it must be) the first time a clock is read.

Every function takes and returns timezone-aware datetimes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

# Urgency values (referrals.models.Urgency) that run on the urgent clocks.
URGENT_URGENCIES = frozenset({"urgent", "immediate"})


class Clock:
    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"
    ELAPSED_HOURS = "elapsed_hours"


DEFAULT_RAG_TARGETS: dict[str, tuple[int | None, str | None]] = {
    "red": (4, Clock.WORKING_HOURS),  # level 4, high risk (Surrey Police MASH, standards 3.2)
    "amber": (24, Clock.WORKING_HOURS),  # level 3
    "green": (72, Clock.ELAPSED_HOURS),  # level 2, early help
    "blue": (None, None),  # level 1: no target
}


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=[year]).keys())


def is_bank_holiday(day: dt.date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def working_hours() -> tuple[int, int]:
    configured = getattr(settings, "CONTINUUM_WORKING_HOURS", (9, 17))
    try:
        start, end = configured
    except (TypeError, ValueError):
        start = end = None
    if not (
        isinstance(start, int)
        and isinstance(end, int)
        and not isinstance(start, bool)
        and not isinstance(end, bool)
        and 0 <= start < end <= 24
    ):
        raise ImproperlyConfigured(
            f"CONTINUUM_WORKING_HOURS is {configured!r}: set it to (start hour, end hour), two "
            "whole hours with 0 <= start < end <= 24, for example (9, 17)"
        )
    return start, end


def _count_setting(name: str, default: int, *, minimum: int = 0) -> int:
    """A whole-number setting of a clock, checked: ImproperlyConfigured names it if it is bad."""
    value = getattr(settings, name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ImproperlyConfigured(
            f"{name} is {value!r}: set it to a whole number of at least {minimum}"
        )
    return value


def is_urgent(urgency: str | None) -> bool:
    return urgency in URGENT_URGENCIES


def next_working_day(day: dt.date) -> dt.date:
    day += dt.timedelta(days=1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def add_working_days(day: dt.date, days: int) -> dt.date:
    """The date `days` working days after `day` (which itself need not be a working day)."""
    if days < 0:
        raise ValueError("days must not be negative")
    for _ in range(days):
        day = next_working_day(day)
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 if end <= start)."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def _local(moment: dt.datetime) -> dt.datetime:
    if timezone.is_naive(moment):
        raise ValueError("Clocks need timezone-aware datetimes")
    return timezone.localtime(moment)


def _at(day: dt.date, hour: int) -> dt.datetime:
    tz = timezone.get_current_timezone()
    if hour == 24:
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=tz)


def add_working_hours(start: dt.datetime, hours: float) -> dt.datetime:
    """The moment `hours` working hours after `start`.

    Time outside working hours does not count: a clock started on Friday at 16:00 with 4 hours
    runs 1 hour on Friday and ends at 12:00 on the next working day.
    """
    if hours < 0:
        raise ValueError("hours must not be negative")
    open_hour, close_hour = working_hours()
    moment = _local(start)
    remaining = dt.timedelta(hours=hours)
    day = moment.date()
    if not is_working_day(day) or moment >= _at(day, close_hour):
        day = next_working_day(day)
        moment = _at(day, open_hour)
    elif moment < _at(day, open_hour):
        moment = _at(day, open_hour)
    while True:
        left_today = _at(day, close_hour) - moment
        if remaining <= left_today:
            return moment + remaining
        remaining -= left_today
        day = next_working_day(day)
        moment = _at(day, open_hour)


def working_hours_between(start: dt.datetime, end: dt.datetime) -> float:
    """Working hours elapsed between two moments (0 if end <= start)."""
    start, end = _local(start), _local(end)
    if end <= start:
        return 0.0
    open_hour, close_hour = working_hours()
    total = dt.timedelta()
    day = start.date()
    while day <= end.date():
        if is_working_day(day):
            lo = max(start, _at(day, open_hour))
            hi = min(end, _at(day, close_hour))
            if hi > lo:
                total += hi - lo
        day += dt.timedelta(days=1)
    return total.total_seconds() / 3600


def end_of_working_day(day: dt.date) -> dt.datetime:
    return _at(day, working_hours()[1])


def decision_due(received_at: dt.datetime, *, urgent: bool = False) -> dt.datetime:
    """When the decision on a referral received at `received_at` is due.

    Routine: by the close of the next working day after receipt ("within 1 working day",
    Working Together 2023; configurable). A referral received at or after closing time, or on a
    day that is not a working day, is received on the next working day.
    Urgent: within CONTINUUM_URGENT_DECISION_WORKING_HOURS working hours of receipt."""
    if urgent:
        hours = _count_setting("CONTINUUM_URGENT_DECISION_WORKING_HOURS", 4, minimum=1)
        return add_working_hours(received_at, hours)
    days = _count_setting("CONTINUUM_DECISION_WORKING_DAYS", 1, minimum=1)
    local = _local(received_at)
    close_hour = working_hours()[1]
    day = local.date()
    # Received outside working hours: the clock starts at the next working day's opening.
    if not is_working_day(day) or local >= _at(day, close_hour):
        day = next_working_day(day)
    return end_of_working_day(add_working_days(day, days))


def decision_target(*, urgent: bool = False) -> str:
    """The decision target in words, as configured ("1 working day", "4 working hours")."""
    if urgent:
        hours = _count_setting("CONTINUUM_URGENT_DECISION_WORKING_HOURS", 4, minimum=1)
        return f"{hours} working hour{'s' if hours != 1 else ''}"
    days = _count_setting("CONTINUUM_DECISION_WORKING_DAYS", 1, minimum=1)
    return f"{days} working day{'s' if days != 1 else ''}"


def acknowledgement_due(
    sent_at: dt.datetime, *, urgent: bool = False, cap: dt.datetime | None = None
) -> dt.datetime:
    """When a hand-over (referral, information request) must have been acknowledged: within
    CONTINUUM_ACK_WORKING_HOURS working hours (4), or CONTINUUM_URGENT_ACK_WORKING_HOURS (1) if
    urgent, and never after `cap` (an information request's own due time)."""
    if urgent:
        hours = _count_setting("CONTINUUM_URGENT_ACK_WORKING_HOURS", 1, minimum=1)
    else:
        hours = _count_setting("CONTINUUM_ACK_WORKING_HOURS", 4, minimum=1)
    due = add_working_hours(sent_at, hours)
    return min(due, cap) if cap else due


@dataclass(frozen=True)
class RagTarget:
    rating: str
    amount: int | None
    clock: str | None

    def due(self, start: dt.datetime) -> dt.datetime | None:
        if self.amount is None:
            return None
        if self.clock == Clock.WORKING_HOURS:
            return add_working_hours(start, self.amount)
        if self.clock == Clock.WORKING_DAYS:
            return end_of_working_day(add_working_days(_local(start).date(), self.amount))
        if self.clock == Clock.ELAPSED_HOURS:
            return start + dt.timedelta(hours=self.amount)
        raise ValueError(f"Unknown clock {self.clock!r}")

    @property
    def description(self) -> str:
        if self.amount is None:
            return "No target"
        unit = {"working_hours": "working hours", "working_days": "working days",
                "elapsed_hours": "hours"}[self.clock or ""]  # fmt: skip
        return f"{self.amount} {unit}"


def _bad_rag_target(rating: str, target) -> str | None:
    """What is wrong with one configured RAG target, or None."""
    try:
        amount, clock = target
    except (TypeError, ValueError):
        return f"is {target!r}; set (amount, clock)"
    if clock not in (None, Clock.WORKING_HOURS, Clock.WORKING_DAYS, Clock.ELAPSED_HOURS):
        return f"has an unknown clock {clock!r}; use working_hours, working_days or elapsed_hours"
    if amount is None and clock is None:
        return None
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1 or clock is None:
        return f"is {target!r}; set (a whole number of at least 1, a clock), or (None, None)"
    return None


def rag_targets() -> dict[str, RagTarget]:
    configured = getattr(settings, "CONTINUUM_RAG_TARGETS", None) or DEFAULT_RAG_TARGETS
    targets = {}
    for rating, target in configured.items():
        problem = _bad_rag_target(rating, target)
        if problem:
            raise ImproperlyConfigured(f"CONTINUUM_RAG_TARGETS: RAG rating {rating!r} {problem}")
        targets[rating] = RagTarget(rating, *target)
    return targets


def rag_due(rating: str, start: dt.datetime) -> dt.datetime | None:
    target = rag_targets().get(rating)
    return target.due(start) if target else None
