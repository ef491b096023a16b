"""Two workers deciding the same contact at the same moment: exactly one decision is recorded.
Real threads and real transactions, so it runs on PostgreSQL (row locks) and SQLite (IMMEDIATE
transactions serialise writers)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from continuum.referrals import services
from continuum.referrals.errors import AlreadyDecided
from continuum.referrals.models import Outcome, Rag, Referral, ReferralTransition, Status
from continuum.referrals.tests.conftest import COMPLETE


@pytest.mark.usefixtures("flushable_audit_log")
def test_concurrent_decisions_record_exactly_one(
    family, involved_practitioner, front_door_worker, second_front_door_worker
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: threads cannot share the in-memory SQLite test database")
    referral = services.referral_create(
        actor=involved_practitioner, child=family.twin1, data=dict(COMPLETE)
    )
    services.referral_submit(actor=involved_practitioner, referral=referral)
    services.referral_receive(actor=front_door_worker, referral=referral, rag=Rag.RED)
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def decide(worker, outcome):
        try:
            stale = Referral.objects.get(pk=referral.pk)
            barrier.wait()
            services.referral_decide(
                actor=worker,
                referral=stale,
                outcome=outcome,
                level=3,
                rationale="Decided",
                signposting="Advice",
            )
            results[worker.username] = "decided"
        except AlreadyDecided as exc:
            results[worker.username] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(front_door_worker, Outcome.S17)),
        threading.Thread(target=decide, args=(second_front_door_worker, Outcome.NFA)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(type(v).__name__ for v in results.values()) == ["AlreadyDecided", "str"]
    loser = next(v for v in results.values() if isinstance(v, AlreadyDecided))
    winner = next(name for name, v in results.items() if v == "decided")
    assert loser.referral.decided_by.username == winner
    assert (
        ReferralTransition.objects.filter(referral=referral, to_status=Status.DECIDED).count() == 1
    )
