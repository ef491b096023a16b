"""Writing audit events, checkpointing the chain head outside the database, and verifying both
(ADR 0002, ADR 0003)."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from continuum.audit import pages
from continuum.audit.models import (
    CURRENT_SCHEME,
    GENESIS_HASH,
    KEYED,
    AuditChainHead,
    AuditEvent,
    AuditSubject,
    chain_key,
)
from continuum.core.db import bulk_insert
from continuum.core.middleware import current_request_id

checkpoint_log = logging.getLogger("continuum.audit.checkpoint")


@dataclass(frozen=True)
class AuditEntry:
    """One event for `audit_record_many`: what `audit_record` takes besides the actor."""

    action: str
    object_type: str
    object_id: object = ""
    changed_fields: list[str] | None = None
    reason: str = ""
    details: dict | None = None
    person_ids: Iterable[int] | None = None  # the people the event is about


def _subjects(person_ids: Iterable[int] | None) -> list[int]:
    return sorted({int(pk) for pk in person_ids or () if pk is not None})


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
        scheme=CURRENT_SCHEME,
        subject_person_ids=_subjects(entry.person_ids),
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
    person_ids: Iterable[int] | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction.

    `person_ids` names the people the event is about (the person whose page was read, the
    children of an episode, the members of a household): the data protection officer's
    "who has seen this record" finds the event through them.

    The chain head is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite serialises writers) so
    concurrent requests append one after the other and the chain never forks; the insert's
    trigger moves the head on, in the same statement. Call it last in the transaction, after the
    reads it records: the lock is then held only until the commit.
    """
    entry = AuditEntry(action, object_type, object_id, changed_fields, reason, details, person_ids)
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
        subjects = [
            AuditSubject(seq=e.seq, person_id=pk) for e in out for pk in e.subject_person_ids
        ]
        if len(subjects) > 100:  # COPY pays off for many rows; one INSERT is cheaper for a few
            bulk_insert(subjects)
        elif subjects:
            AuditSubject.objects.bulk_create(subjects)
        pages.note_events(e.action for e in out)
        every = settings.AUDIT_CHECKPOINT_EVERY
        if every and seq // every > head.last_seq // every:
            newest = out[-1]
            transaction.on_commit(lambda: checkpoint_write(seq=newest.seq, hash=newest.hash))
    return out


# --- checkpoints: the chain head, signed, somewhere the database cannot rewrite --------------


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    mac: str
    line: int = 0

    def expected_mac(self) -> str:
        message = f"continuum-audit-checkpoint|{self.seq}|{self.hash}|{self.at}".encode()
        return hmac.new(chain_key(), message, hashlib.sha256).hexdigest()

    @property
    def signed(self) -> bool:
        return hmac.compare_digest(self.mac, self.expected_mac())


def _checkpoint_file() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_FILE)


def checkpoint_write(*, seq: int | None = None, hash: str | None = None) -> Checkpoint | None:
    """Append a signed record of the chain head (its sequence number and hash) to the checkpoint
    file and to the `continuum.audit.checkpoint` logger. Without arguments, the head as it is
    now; nothing is written for an empty chain."""
    if seq is None:
        head = AuditChainHead.objects.filter(pk=1).first()
        if head is None or head.last_seq == 0:
            return None
        seq, hash = head.last_seq, head.last_hash
    at = timezone.now().isoformat()
    checkpoint = Checkpoint(seq=seq, hash=hash, at=at, mac="")
    checkpoint = Checkpoint(seq=seq, hash=hash, at=at, mac=checkpoint.expected_mac())
    line = json.dumps({"seq": seq, "hash": hash, "at": at, "mac": checkpoint.mac})
    path = _checkpoint_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as file:  # one short line per append
        file.write(line + "\n")
    checkpoint_log.info("audit checkpoint %s", line)
    return checkpoint


class CheckpointFileError(ValueError):
    pass


def checkpoints_read(path: Path | None = None) -> list[Checkpoint]:
    """The checkpoints in the file, in the order written (none if there is no file yet)."""
    path = path or _checkpoint_file()
    if not path.exists():
        return []
    out = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
            out.append(
                Checkpoint(
                    seq=int(data["seq"]),
                    hash=str(data["hash"]),
                    at=str(data["at"]),
                    mac=str(data["mac"]),
                    line=number,
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise CheckpointFileError(f"line {number} of {path} is not a checkpoint") from exc
    return out


# --- verification -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    problem: str = ""
    checkpoints: int = 0


def _subjects_match(batch: list[AuditEvent]) -> int | None:
    """The first event in the batch whose subject index rows differ from its hashed subjects."""
    indexed: dict[int, set[int]] = {}
    rows = AuditSubject.objects.filter(seq__gte=batch[0].seq, seq__lte=batch[-1].seq)
    for seq, person_id in rows.values_list("seq", "person_id"):
        indexed.setdefault(seq, set()).add(person_id)
    for event in batch:
        if set(event.subject_person_ids or []) != indexed.get(event.seq, set()):
            return event.seq
    return None


def audit_verify(*, batch_size: int = 5000, checkpoints: list[Checkpoint] | None = None):
    """Recompute every hash in order and check the chain against the checkpoints written
    outside the database; name the first event that does not match.

    Detected: an event changed or removed; the newest events removed (the head moved back with
    them) when a checkpoint recorded a longer chain; the chain recomputed from a changed event,
    whether without the key (the keyed hashes do not match) or with it (a checkpoint's hash
    differs); an unkeyed (scheme 1) event after the first keyed one; a forged checkpoint; a
    row of the subject index removed or added."""
    if checkpoints is None:
        checkpoints = checkpoints_read()
    for checkpoint in checkpoints:
        if not checkpoint.signed:
            return ChainReport(
                False, 0, checkpoint.seq,
                f"the checkpoint on line {checkpoint.line} is not signed with AUDIT_CHAIN_KEY "
                "(forged, or the key has changed)",
            )  # fmt: skip
    pinned: dict[int, list[Checkpoint]] = {}
    for checkpoint in checkpoints:
        pinned.setdefault(checkpoint.seq, []).append(checkpoint)
    prev = GENESIS_HASH
    checked = 0
    expected_seq = 1
    keyed_since: int | None = None

    def broken(seq, problem):
        return ChainReport(False, checked, seq, problem, len(checkpoints))

    while True:
        batch = list(AuditEvent.objects.filter(seq__gte=expected_seq).order_by("seq")[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.seq != expected_seq:
                return broken(expected_seq, f"event {expected_seq} is missing from the chain")
            if event.prev_hash != prev:
                return broken(event.seq, "its previous-hash link does not match")
            if event.hash_scheme >= KEYED:
                keyed_since = keyed_since or event.seq
            elif keyed_since is not None:
                return broken(
                    event.seq,
                    f"it is unkeyed but the keyed chain began at event {keyed_since} "
                    "(rewritten without the key)",
                )
            if event.compute_hash() != event.hash:
                return broken(event.seq, "its contents do not match its hash")
            for checkpoint in pinned.get(event.seq, ()):
                if checkpoint.hash != event.hash:
                    return broken(
                        event.seq,
                        f"its hash differs from the checkpoint written at {checkpoint.at}: "
                        "the chain has been rewritten",
                    )
            prev = event.hash
            checked += 1
            expected_seq += 1
        wrong_index = _subjects_match(batch)
        if wrong_index is not None:
            return broken(wrong_index, "its people do not match the subject index")
    longest = max(checkpoints, key=lambda c: c.seq, default=None)
    if longest is not None and longest.seq > checked:
        return broken(
            checked + 1,
            f"the chain ends at event {checked} but the checkpoint written at {longest.at} "
            f"recorded event {longest.seq}: the newest events have been removed",
        )
    head = AuditChainHead.objects.filter(pk=1).first()
    if head and head.last_seq != checked:
        return broken(checked + 1, "the newest events have been removed from the chain")
    if AuditSubject.objects.filter(seq__gt=checked).exists():
        return broken(checked + 1, "the subject index names events that are not in the chain")
    return ChainReport(True, checked, checkpoints=len(checkpoints))
