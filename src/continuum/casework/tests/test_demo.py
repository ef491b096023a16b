"""The demo area gets realistic casework (issue 5): open and closed episodes, TAFs of 3 to 6
agencies, plans with on-time and overdue actions, months of visits and chronology."""

from __future__ import annotations

import pytest
from django.db.models import Count
from django.utils import timezone

from continuum.casework import rules
from continuum.casework.codes import EpisodeStatus
from continuum.casework.models import (
    ChildProtectionPlan,
    ChronologyEntry,
    Episode,
    PlanAction,
    TafMember,
    Visit,
)
from continuum.demo.seed import seed_northbrook
from continuum.directory.models import User
from continuum.governance.access import household_for_user

pytestmark = pytest.mark.django_db


def test_demo_seed_adds_casework_that_obeys_the_rules():
    seed_northbrook(households=150, random_seed=7)
    today = timezone.localdate()
    episodes = Episode.objects.all()
    assert episodes.filter(status=EpisodeStatus.OPEN).exists()
    assert episodes.filter(status=EpisodeStatus.CLOSED).exists()
    sizes = set(
        TafMember.objects.values("episode").annotate(n=Count("id")).values_list("n", flat=True)
    )
    assert sizes <= {3, 4, 5, 6}
    open_actions = PlanAction.objects.filter(plan__episode__status=EpisodeStatus.OPEN,
                                             status__in=["not_started", "in_progress"])  # fmt: skip
    assert open_actions.filter(due_date__lt=today).exists()
    assert open_actions.filter(due_date__gte=today).exists()
    assert Visit.objects.count() > episodes.count() * 3
    assert ChronologyEntry.objects.count() > Visit.objects.count()
    for e in episodes:
        rules.episode_dates(referral_date=e.referral_date, start_date=e.start_date, today=today)
        rules.closure_fields(kind=e.kind, end_date=e.end_date, reason=e.reason_for_closure,
                             outcome=e.outcome)  # fmt: skip
        for v in e.visits.all():
            rules.activity_date(what="Visit", day=v.date, episode=e, today=today)
    # A couple of families on child protection plans, their dates within the CIN census rules.
    plans = ChildProtectionPlan.objects.select_related("icpc__s47", "episode")
    assert plans.count() >= 2
    for plan in plans:
        s47 = plan.icpc.s47
        rules.activity_date(what="S47", day=s47.start_date, episode=plan.episode, today=today)
        rules.icpc_date(s47=s47, day=plan.icpc.date)
        assert plan.start_date == plan.icpc.date and plan.icpc.plan_agreed
        assert plan.end_date is None or plan.end_date > plan.start_date
        for review in plan.reviews.all():
            rules.cp_review_date(plan=plan, day=review.date, today=today)
    for episode in episodes.filter(status=EpisodeStatus.CLOSED):
        rules.s47_resolved_before_closure(
            unresolved=episode.s47_enquiries.filter(icpc_not_required=False, icpc__isnull=True)
        )
    # The demo lead professional sees their families, with something on their work list.
    lead = User.objects.get(username="hub.practitioner")
    led = episodes.filter(lead_professional=lead, status=EpisodeStatus.OPEN).first()
    assert led is not None
    assert household_for_user(lead, led.household_id)
