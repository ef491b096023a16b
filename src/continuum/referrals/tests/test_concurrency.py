"""Two workers deciding the same contact at the same moment: exactly one decision is recorded.
Real threads and real transactions, so it runs on PostgreSQL (row locks) and SQLite (IMMEDIATE
transactions serialise writers)."""

from __future__ import annotations

import importlib
import threading

import pytest
from django.db import connection, connections
from django.db.models.signals import post_migrate

from continuum.referrals import services
from continuum.referrals.errors import AlreadyDecided
from continuum.referrals.models import Outcome, Rag, Referral, ReferralTransition, Status
from continuum.referrals.tests.conftest import COMPLETE


def _audit_sql():
    return importlib.import_module("continuum.audit.migrations.0002_chain_head_and_append_only")


def _restore_audit_log(sender=None, using="default", **kwargs):
    """After the end-of-test flush: put back the append-only triggers and the chain head."""
    from continuum.audit.models import AuditChainHead

    if sender is not None and getattr(sender, "label", "") != "audit":
        return
    conn = connections[using]
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
            if "audit_event_no_update" not in {row[0] for row in cursor.fetchall()}:
                for statement in _audit_sql().SQLITE:
                    cursor.execute(statement)
    AuditChainHead.objects.using(using).get_or_create(pk=1)


@pytest.fixture
def flushable_audit_log(transactional_db):
    """A transactional test ends with a flush, which the append-only audit log refuses: lift the
    triggers just for the flush, and restore them (and the chain head) straight after."""
    from continuum.audit.models import AuditChainHead

    AuditChainHead.objects.get_or_create(pk=1)
    post_migrate.connect(_restore_audit_log, dispatch_uid="referrals-audit-restore")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        else:
            for statement in _audit_sql().SQLITE_REVERSE:
                cursor.execute(statement)


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
