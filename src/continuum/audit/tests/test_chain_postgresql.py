"""The chain on PostgreSQL, where two things SQLite hides matter (run with DATABASE_URL set):

- `audit_record` locks the chain head (SELECT … FOR UPDATE): two requests appending at the same
  time must append one after the other, not both build on the same head (SQLite serialises
  writers, so it cannot show this);
- `audit_verify` reads events ORDER BY seq: a scan of the table returns rows in whatever order
  they lie on disk, which on PostgreSQL need not be the sequence order.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from continuum.audit.models import AuditChainHead, AuditEvent
from continuum.audit.services import AuditEntry, _event, audit_record, audit_verify

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and scan order: PostgreSQL only"
)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("flushable_audit_log")
def test_two_concurrent_appends_do_not_fork_the_chain():
    """A appends and holds its transaction open; B appends meanwhile. With the head locked, B
    waits for A's commit and builds on A's event; without the lock B builds on the old head and
    its insert fails (or, without the unique seq, would fork the chain)."""
    before = AuditChainHead.objects.get(pk=1).last_seq
    a_appended, b_started = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first():
        try:
            with transaction.atomic():
                audit_record(actor=None, action="view", object_type="race", object_id="a")
                a_appended.set()
                b_started.wait(10)
                # give B time to reach the head while this transaction still holds it
                threading.Event().wait(0.5)
        except BaseException as exc:
            errors.append(exc)
        finally:
            a_appended.set()
            connections.close_all()

    def second():
        try:
            a_appended.wait(10)
            b_started.set()
            with transaction.atomic():
                audit_record(actor=None, action="view", object_type="race", object_id="b")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    events = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))
    assert [(e.seq, e.object_id) for e in events] == [(before + 1, "a"), (before + 2, "b")]
    assert events[1].prev_hash == events[0].hash
    assert audit_verify().ok


@pytest.mark.django_db
def test_verify_reads_the_chain_in_sequence_order_whatever_the_order_on_disk():
    """Events written to disk newest first (as a restore or a replica might lay them out): a
    verification that trusted the scan order would see event 30 first and call 1 … 29 missing."""
    head = AuditChainHead.objects.get(pk=1)
    now = timezone.now()
    events, seq, prev = [], head.last_seq, head.last_hash
    for n in range(30):
        seq += 1
        event = _event(None, AuditEntry("view", "disk", n), seq=seq, prev_hash=prev, now=now)
        events.append(event)
        prev = event.hash
    for event in reversed(events):  # physical order: the reverse of the chain's
        event.save(force_insert=True)
    AuditChainHead.objects.filter(pk=1).update(last_seq=seq, last_hash=prev)
    with connection.cursor() as cursor:  # the plan a big table gets: a scan, not the seq index
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
    report = audit_verify(batch_size=7)
    assert (report.ok, report.checked) == (True, seq), report
