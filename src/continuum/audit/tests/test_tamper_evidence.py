"""Tamper evidence that survives a database administrator (issue 11, finding 5; ADR 0003).

Each attack is done the way someone with database access would do it: lift the append-only
triggers, change rows, move the chain head. Before the keyed chain and the checkpoints, the
truncation and the plain SHA-256 recomputation both passed `continuum audit verify`."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from continuum.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent, AuditSubject
from continuum.audit.services import (
    AuditEntry,
    audit_record,
    audit_record_many,
    audit_verify,
    checkpoint_write,
    checkpoints_read,
)

pytestmark = pytest.mark.django_db


def _allow_tampering():
    """What a DBA does first: switch off the append-only triggers (this test's transaction
    only; rolled back after)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")


def _verify_fails(match: str):
    with pytest.raises(CommandError, match=match):
        call_command("audit", "verify")


def _plain_sha256(event: AuditEvent) -> str:
    body = json.dumps(event.payload(), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((event.prev_hash + body).encode()).hexdigest()


def _with_key(key: str):
    def hasher(event: AuditEvent) -> str:
        body = json.dumps(event.payload(), sort_keys=True, separators=(",", ":"), default=str)
        return hmac.new(key.encode(), (event.prev_hash + body).encode(), hashlib.sha256).hexdigest()

    return hasher


def _rewrite_from(seq: int, change, hasher, *, downgrade: bool = False) -> None:
    """Change event `seq`, then recompute its hash and every later one and move the head."""
    _allow_tampering()
    previous = AuditEvent.objects.filter(seq=seq - 1).first()
    prev = previous.hash if previous else GENESIS_HASH
    for event in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
        if event.seq == seq:
            change(event)
        if downgrade:
            event.scheme = None
        event.prev_hash = prev
        event.hash = hasher(event)
        AuditEvent.objects.filter(pk=event.pk).update(
            reason=event.reason, scheme=event.scheme, prev_hash=event.prev_hash, hash=event.hash
        )
        prev = event.hash
    AuditChainHead.objects.filter(pk=1).update(last_hash=prev)


def _truncate(count: int) -> int:
    """Delete the newest `count` events and move the head back to the one before them."""
    _allow_tampering()
    newest = list(AuditEvent.objects.order_by("-seq")[: count + 1])
    AuditEvent.objects.filter(pk__in=[e.pk for e in newest[:count]]).delete()
    keep = newest[count]
    AuditChainHead.objects.filter(pk=1).update(last_seq=keep.seq, last_hash=keep.hash)
    return keep.seq


def _more_events(user, n: int = 3) -> None:
    audit_record_many(
        actor=user, events=[AuditEntry("view", "person", pk, person_ids=[pk]) for pk in range(n)]
    )


# --- the two attacks of finding 5 ---------------------------------------------------------------


def test_truncation_with_the_head_moved_back_is_detected(family, read_only_partner):
    checkpoint_write()  # cron, or the automatic checkpoint every N events
    _truncate(3)
    report = audit_verify()
    assert not report.ok
    assert "the newest events have been removed" in report.problem
    _verify_fails(r"BROKEN at event \d+: the chain ends at event \d+ but the checkpoint")


def test_recomputation_with_plain_sha256_is_detected(family):
    victim = AuditEvent.objects.order_by("seq")[4]
    _rewrite_from(victim.seq, lambda e: setattr(e, "reason", "nothing to see"), _plain_sha256)
    _verify_fails(rf"BROKEN at event {victim.seq}: its contents do not match its hash")


def test_recomputation_passed_off_as_the_old_unkeyed_scheme_is_detected(family):
    """The attacker marks the rewritten events as scheme 1 (plain SHA-256): an unkeyed event
    after the first keyed one is refused."""
    victim = AuditEvent.objects.order_by("seq")[4]
    _rewrite_from(victim.seq, lambda e: setattr(e, "reason", "x"), _plain_sha256, downgrade=True)
    _verify_fails(rf"BROKEN at event {victim.seq}: it is unkeyed but the keyed chain began")


def test_whole_chain_downgraded_and_recomputed_is_caught_by_a_checkpoint(family):
    checkpoint = checkpoint_write()
    _rewrite_from(1, lambda e: setattr(e, "reason", "x"), _plain_sha256, downgrade=True)
    report = audit_verify()
    assert (report.ok, report.first_broken_seq) == (False, checkpoint.seq)
    assert "its hash differs from the checkpoint" in report.problem


def test_recomputation_by_a_key_holder_is_caught_by_a_checkpoint(family, settings):
    checkpoint = checkpoint_write()
    victim = AuditEvent.objects.order_by("seq")[2]
    _rewrite_from(
        victim.seq, lambda e: setattr(e, "reason", "x"), _with_key(settings.AUDIT_CHAIN_KEY)
    )
    report = audit_verify()
    assert not report.ok and report.first_broken_seq == checkpoint.seq
    assert "its hash differs from the checkpoint" in report.problem


def test_without_checkpoints_a_key_holder_can_rewrite_or_truncate(family, settings):
    """The limit the ADR states: what happened after the last checkpoint can be rewritten by
    someone holding both the database and the key."""
    _rewrite_from(3, lambda e: setattr(e, "reason", "x"), _with_key(settings.AUDIT_CHAIN_KEY))
    _truncate(2)
    assert audit_verify().ok


def test_a_forged_checkpoint_is_refused(family, settings):
    newest = AuditEvent.objects.order_by("-seq").first()
    forged_key = "someone-elses-key"
    message = f"continuum-audit-checkpoint|{newest.seq + 5}|{'f' * 64}|2026-01-01".encode()
    mac = hmac.new(forged_key.encode(), message, hashlib.sha256).hexdigest()
    line = {"seq": newest.seq + 5, "hash": "f" * 64, "at": "2026-01-01", "mac": mac}
    settings.AUDIT_CHECKPOINT_FILE.write_text(json.dumps(line) + "\n")
    _verify_fails(r"checkpoint on line 1 is not signed with AUDIT_CHAIN_KEY")


def test_a_changed_key_breaks_verification(family, settings):
    assert audit_verify().ok
    settings.AUDIT_CHAIN_KEY = "a-different-key-" * 3
    report = audit_verify()
    assert (report.ok, report.first_broken_seq) == (False, 1)


def test_an_unreadable_checkpoint_file_is_reported(family, settings):
    settings.AUDIT_CHECKPOINT_FILE.write_text("not json\n")
    _verify_fails(r"checkpoints unreadable: line 1 of .* is not a checkpoint")


# --- checkpoints are written -------------------------------------------------------------------


def test_verify_writes_a_checkpoint_and_the_checkpoint_command_too(family, settings, capsys):
    call_command("audit", "verify")
    [first] = checkpoints_read()
    head = AuditChainHead.objects.get(pk=1)
    assert (first.seq, first.hash, first.signed) == (head.last_seq, head.last_hash, True)
    call_command("audit", "verify", "--no-checkpoint")
    assert len(checkpoints_read()) == 1
    call_command("audit", "checkpoint")
    assert len(checkpoints_read()) == 2
    out = capsys.readouterr().out
    assert (
        "verified against 1 checkpoints" in out
        and f"Checkpoint written at event {head.last_seq}" in out
    )


def test_checkpoints_are_logged_too(family, caplog):
    with caplog.at_level("INFO", logger="continuum.audit.checkpoint"):
        checkpoint = checkpoint_write()
    assert checkpoint.mac in caplog.text


def test_an_empty_chain_has_nothing_to_checkpoint(db, capsys):
    assert checkpoint_write() is None
    call_command("audit", "checkpoint")
    assert "nothing to checkpoint" in capsys.readouterr().out


def test_a_checkpoint_is_written_every_n_events_after_commit(
    family, analyst, settings, django_capture_on_commit_callbacks
):
    settings.AUDIT_CHECKPOINT_EVERY = 4
    with django_capture_on_commit_callbacks(execute=True):
        for pk in range(9):
            audit_record(actor=analyst, action="view", object_type="person", object_id=pk)
    seqs = [c.seq for c in checkpoints_read()]
    assert len(seqs) in (2, 3) and all(seq % 4 == 0 for seq in seqs)
    assert audit_verify().ok


def test_no_checkpoint_for_a_rolled_back_event(family, analyst, settings):
    settings.AUDIT_CHECKPOINT_EVERY = 1
    audit_record(actor=analyst, action="view", object_type="person", object_id=1)
    # never committed (the test's transaction rolls back): no checkpoint of it
    assert checkpoints_read() == []


# --- the people an event is about --------------------------------------------------------------


def test_subjects_are_hashed_and_indexed(family, analyst):
    event = audit_record(
        actor=analyst,
        action="view",
        object_type="x",
        person_ids=[family.twin2.pk, family.twin1.pk, family.twin1.pk],
    )
    assert event.subject_person_ids == sorted([family.twin1.pk, family.twin2.pk])
    assert (
        sorted(AuditSubject.objects.filter(seq=event.seq).values_list("person_id", flat=True))
        == event.subject_person_ids
    )
    _allow_tampering()
    AuditEvent.objects.filter(pk=event.pk).update(subject_person_ids=[family.twin1.pk])
    _verify_fails(rf"BROKEN at event {event.seq}: its contents do not match its hash")


def test_a_removed_subject_index_row_is_detected(family, analyst):
    event = audit_record(
        actor=analyst, action="view", object_type="x", person_ids=[family.mother.pk]
    )
    AuditSubject.objects.filter(seq=event.seq).delete()
    _verify_fails(rf"BROKEN at event {event.seq}: its people do not match the subject index")


# --- existing databases ------------------------------------------------------------------------


def test_events_of_the_unkeyed_scheme_still_verify_and_the_chain_goes_on_keyed(db, analyst):
    """A database from before ADR 0003: scheme-1 events (SHA-256, no subjects), then new ones."""
    prev = GENESIS_HASH
    old = []
    for seq in (1, 2, 3):
        from django.utils import timezone

        event = AuditEvent(
            seq=seq, occurred_at=timezone.now(), action="view", object_type="person",
            object_id=str(seq), prev_hash=prev,
        )  # fmt: skip
        event.hash = _plain_sha256(event)
        assert event.hash == event.compute_hash()
        event.save(force_insert=True)
        prev = event.hash
        old.append(event)
    new = audit_record(actor=analyst, action="view", object_type="person", person_ids=[7])
    assert (new.seq, new.scheme, new.prev_hash) == (4, 2, old[-1].hash)
    report = audit_verify()
    assert (report.ok, report.checked) == (True, 4)


def test_production_refuses_to_start_without_an_audit_chain_key():
    env = {
        k: v for k, v in os.environ.items()
        if k not in {"AUDIT_CHAIN_KEY", "DJANGO_SETTINGS_MODULE", "DEBUG"}
    }  # fmt: skip
    import secrets

    key = secrets.token_urlsafe(50)
    env |= {"CONTINUUM_ENV": "production", "SECRET_KEY": key, "ALLOWED_HOSTS": "x.example"}
    for key in (None, "short"):
        run_env = env if key is None else {**env, "AUDIT_CHAIN_KEY": key}
        result = subprocess.run(  # our own interpreter, fixed arguments
            [sys.executable, "-c", "import continuum.settings"],
            env=run_env, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert "Production needs AUDIT_CHAIN_KEY" in result.stderr, key


def test_subject_index_rows_for_events_not_in_the_chain_are_detected(family):
    newest = AuditEvent.objects.order_by("-seq").first()
    AuditSubject.objects.create(seq=newest.seq + 1, person_id=family.mother.pk)
    report = audit_verify()
    assert (report.ok, report.first_broken_seq) == (False, newest.seq + 1)
    assert "names events that are not in the chain" in report.problem


def test_blank_lines_in_the_checkpoint_file_are_ignored(family, settings):
    checkpoint_write()
    with settings.AUDIT_CHECKPOINT_FILE.open("a") as file:
        file.write("\n   \n")
    checkpoint_write()
    assert [c.line for c in checkpoints_read()] == [1, 4]
    assert audit_verify().ok


def test_no_one_is_named_twice_or_as_none(family, analyst):
    event = audit_record(
        actor=analyst, action="view", object_type="x", person_ids=[3, None, "3", 1]
    )
    assert event.subject_person_ids == [1, 3]
    assert audit_record(actor=analyst, action="view", object_type="x").subject_person_ids == []
