"""The demo seed gives Northbrook a hub timetable, registers, outreach, volunteers, a directory
and outcome readings."""

from __future__ import annotations

import pytest

from continuum.casework.models import ChronologyEntry
from continuum.demo.seed import seed_northbrook
from continuum.directory.models import User
from continuum.governance.models import Involvement
from continuum.hubs.demo import seed_family_hub_life
from continuum.hubs.models import (
    Attendance,
    HubRegistration,
    OutreachEntry,
    RiskFlag,
    Session,
    VisitDiary,
    VolunteerMatch,
)
from continuum.outcomes import selectors as outcome_selectors
from continuum.outcomes.access import report_scope_for
from continuum.outcomes.models import Reading
from continuum.servicedirectory.models import Service

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def only_hub_demo(demo_receivers):
    """Run only this app's demo receiver (other apps test their own)."""
    demo_receivers(seed_family_hub_life)


def test_demo_area_has_family_hub_life(only_hub_demo):
    seed_northbrook(households=400)
    assert HubRegistration.objects.count() > 20
    assert Session.objects.filter(status="cancelled").exists() or Session.objects.count() >= 60
    assert Attendance.objects.count() > 50
    assert OutreachEntry.objects.exists()
    assert VolunteerMatch.objects.filter(stage="support").exists()
    assert VisitDiary.objects.filter(reviewed_at__isnull=True).exists()
    assert Service.objects.count() == 64
    assert Reading.objects.values("household").distinct().count() > 100
    flags = RiskFlag.objects.all()
    assert flags.count() > 5 and flags.filter(recorded_by__isnull=False).count() == flags.count()
    assert {f.recorded_by_agency.kind for f in flags} == {"police", "adult_services"}
    assert ChronologyEntry.objects.filter(source_type="riskflag").count() == flags.count()
    # The seeds report one cohort (Home-Start's families) as 45% / 10.2% / 44.8%.
    coordinator = User.objects.get(username="g.evans")  # the Home-Start co-ordinator
    report = outcome_selectors.cohort_report(
        user=coordinator,
        scope=report_scope_for(coordinator),
        instrument=outcome_selectors.instrument_or_default(None),
    )
    assert (report.positive_pct, report.negative_pct, report.no_change_pct) == (45.0, 10.2, 44.8)
    for flag in flags:  # the recording agency has a legitimate relationship with the family
        assert Involvement.objects.filter(
            agency=flag.recorded_by_agency,
            household__memberships__person=flag.person,
            ended_at__isnull=True,
        ).exists()
