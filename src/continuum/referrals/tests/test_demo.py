"""The demo referral traffic has every shape the issue asks for."""

from __future__ import annotations

import pytest
from django.utils import timezone

from continuum.referrals import selectors
from continuum.referrals.demo import seed_referrals
from continuum.referrals.models import OPEN_STATUSES, Outcome, Referral

pytestmark = pytest.mark.django_db


def test_seed_referrals_covers_every_state(personas, front_door_worker):
    result = seed_referrals(count=80)
    assert result["made"] == 80
    open_contacts = Referral.objects.filter(status__in=OPEN_STATUSES, destination="front_door")
    assert {"red", "amber", "green", "blue", ""} <= set(open_contacts.values_list("rag", flat=True))
    now = timezone.now()
    assert any(r.is_overdue(now) for r in open_contacts)
    assert any(not r.is_overdue(now) for r in open_contacts)
    outcomes = set(Referral.objects.exclude(outcome="").values_list("outcome", flat=True))
    every_kind = {Outcome.NFA, Outcome.UNIVERSAL, Outcome.EARLY_HELP, Outcome.S17, Outcome.S47}
    assert every_kind <= outcomes
    report = selectors.register_report(selectors.register(front_door_worker))
    assert report.re_referrals > 0
    decision = next(
        row for row in report.timeliness if row["target"].startswith("Decided by its deadline")
    )
    assert 0 < decision["on_time"] < decision["decided"]
    acknowledged = next(
        row for row in report.timeliness if row["target"] == "Acknowledged by its deadline"
    )
    assert 0 < acknowledged["on_time"] < acknowledged["decided"]  # some acknowledged late
