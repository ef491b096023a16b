"""Property-based tests of the referral state machine: whatever sequence of actions is tried,
the referral is never lost, only allowed transitions happen, and every one is recorded."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from continuum.referrals import services
from continuum.referrals.models import Outcome, Rag, Referral, ReferralTransition, Status
from continuum.referrals.tests.conftest import COMPLETE

pytestmark = pytest.mark.django_db

ACTIONS = ["submit", "receive", "request_information", "decide", "close", "withdraw", "edit"]

# The model of the state machine the services must follow: action → (allowed from, goes to).
MODEL = {
    "submit": ({Status.DRAFT}, Status.SUBMITTED),
    "receive": ({Status.SUBMITTED}, Status.RECEIVED),
    "request_information": (
        {Status.RECEIVED, Status.INFORMATION_GATHERING},
        Status.INFORMATION_GATHERING,
    ),
    "decide": ({Status.RECEIVED, Status.INFORMATION_GATHERING}, Status.DECIDED),
    "close": ({Status.DECIDED}, Status.CLOSED),
    "withdraw": (
        {Status.DRAFT, Status.SUBMITTED, Status.RECEIVED, Status.INFORMATION_GATHERING},
        Status.WITHDRAWN,
    ),
    "edit": ({Status.DRAFT}, Status.DRAFT),
}


def _do(action, referral, *, referrer, worker, police_agency):
    if action == "submit":
        return services.referral_submit(actor=referrer, referral=referral)
    if action == "receive":
        return services.referral_receive(actor=worker, referral=referral, rag=Rag.AMBER)
    if action == "request_information":
        return services.referral_request_information(
            actor=worker,
            referral=referral,
            to_agency=police_agency,
            question="Known to you?",
            due_at=timezone.now() + dt.timedelta(hours=8),
        )
    if action == "decide":
        return services.referral_decide(
            actor=worker, referral=referral, outcome=Outcome.S17, level=3, rationale="Complex needs"
        )
    if action == "close":
        return services.referral_close(actor=worker, referral=referral)
    if action == "withdraw":
        return services.referral_withdraw(
            actor=referrer, referral=referral, reason="No longer needed"
        )
    if action == "edit":
        return services.referral_update_draft(
            actor=referrer, referral=referral, data={"concerns": "Updated concerns"}
        )
    raise AssertionError(action)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=st.lists(st.sampled_from(ACTIONS), max_size=10))
def test_no_sequence_reaches_an_invalid_state_or_loses_a_referral(
    actions, family, involved_practitioner, front_door_worker, agencies
):
    before = Referral.objects.count()
    referral = services.referral_create(
        actor=involved_practitioner, child=family.twin1, data=dict(COMPLETE)
    )
    expected = Status.DRAFT
    for action in actions:
        allowed_from, goes_to = MODEL[action]
        try:
            _do(
                action,
                referral,
                referrer=involved_practitioner,
                worker=front_door_worker,
                police_agency=agencies.police,
            )
        except ValidationError:
            assert expected not in allowed_from, f"{action} refused from {expected}"
        else:
            assert expected in allowed_from, f"{action} allowed from {expected}"
            expected = goes_to
        referral.refresh_from_db()
        assert referral.status == expected
    # never lost: every referral made is still there
    assert Referral.objects.count() == before + 1
    # every status change is recorded, as an unbroken chain ending in the current status
    steps = list(ReferralTransition.objects.filter(referral=referral).order_by("at", "pk"))
    assert steps[0].from_status == "" and steps[0].to_status == Status.DRAFT
    for earlier, later in itertools.pairwise(steps):
        assert later.from_status == earlier.to_status
    assert steps[-1].to_status == referral.status
    # invariants of the final state
    if referral.status in (Status.DECIDED, Status.CLOSED):
        assert referral.outcome and referral.decided_by_id and referral.framework_id
    if referral.status == Status.WITHDRAWN:
        assert referral.withdrawn_reason
    if referral.status != Status.DRAFT:
        assert referral.submitted_at is not None or referral.status == Status.WITHDRAWN
