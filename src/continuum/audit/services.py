"""Writing audit events, and verifying the chain."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from continuum.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from continuum.core.db import bulk_insert
from continuum.core.middleware import current_request_id


@dataclass(frozen=True)
class AuditEntry:
    """One event for `audit_record_many`: what `audit_record` takes besides the actor."""

    action: str
    object_type: str
    object_id: object = ""
    changed_fields: list[str] | None = None
    reason: str = ""
    details: dict | None = None


def _event(actor, entry: AuditEntry, *, seq: int, prev_hash: str, now) -> AuditEvent:
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        seq=seq,
        occurred_at=now,
        actor_id=actor.pk if is_user else None,
        actor_username=actor.get_username() if is_user else "",
        agency_id=getattr(actor, "agency_id", None) if is_user else None,
        role=getattr(actor, "role", "") if is_user else "",
        action=entry.action,
        object_type=entry.object_type,
        object_id=str(entry.object_id or ""),
        changed_fields=sorted(entry.changed_fields or []),
        reason=entry.reason or "",
        request_id=current_request_id(),
        details=entry.details or {},
        prev_hash=prev_hash,
    )
    event.hash = event.compute_hash()
    return event


def audit_record(
    *,
    actor,
    action: str,
    object_type: str,
    object_id: object = "",
    changed_fields: list[str] | None = None,
    reason: str = "",
    details: dict | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction.

    The chain head is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite serialises writers) so
    concurrent requests append one after the other and the chain never forks; the insert's
    trigger moves the head on, in the same statement. Call it last in the transaction, after the
    reads it records: the lock is then held only until the commit.
    """
    entry = AuditEntry(action, object_type, object_id, changed_fields, reason, details)
    return audit_record_many(actor=actor, events=[entry])[0]


def audit_record_many(*, actor, events: list[AuditEntry]) -> list[AuditEvent]:
    """Append several events by one actor to the chain at once, in order (one lock of the
    head and one insert: for bulk work such as an agency's extract creating many people)."""
    if not events:
        return []
    # No savepoint: if the events cannot be written, the caller's whole transaction (the read
    # or change they record) fails with them.
    with transaction.atomic(savepoint=False):
        head = AuditChainHead.objects.select_for_update().get(pk=1)
        now = timezone.now()
        out, seq, prev_hash = [], head.last_seq, head.last_hash
        for entry in events:
            seq += 1
            event = _event(actor, entry, seq=seq, prev_hash=prev_hash, now=now)
            prev_hash = event.hash
            out.append(event)
        # A trigger moves the head on to each event as it is inserted (0003), so the head
        # ends at the last.
        if len(out) == 1:
            out[0].save(force_insert=True)
        else:
            bulk_insert(out)
    return out


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    problem: str = ""


def audit_verify(*, batch_size: int = 5000) -> ChainReport:
    """Recompute every hash in order; name the first event that does not match."""
    prev = GENESIS_HASH
    checked = 0
    expected_seq = 1
    while True:
        batch = list(AuditEvent.objects.filter(seq__gte=expected_seq).order_by("seq")[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.seq != expected_seq:
                return ChainReport(
                    False, checked, expected_seq, f"event {expected_seq} is missing from the chain"
                )
            if event.prev_hash != prev:
                return ChainReport(
                    False, checked, event.seq, "its previous-hash link does not match"
                )
            if event.compute_hash() != event.hash:
                return ChainReport(False, checked, event.seq, "its contents do not match its hash")
            prev = event.hash
            checked += 1
            expected_seq += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head and head.last_seq != checked:
        return ChainReport(
            False, checked, checked + 1, "the newest events have been removed from the chain"
        )
    return ChainReport(True, checked)
