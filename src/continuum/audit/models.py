"""The append-only, hash-chained audit log of every access to personal data."""

from __future__ import annotations

import hashlib
import hmac
import json

from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    SEARCH = "search", "Searched"
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DELETE = "delete", "Deleted"
    EXPORT = "export", "Exported"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGN_OUT = "sign_out", "Signed out"


GENESIS_HASH = "0" * 64

#: Hash schemes (ADR 0003). 1: SHA-256(prev_hash + payload), the events written before the keyed
#: chain (stored as NULL). 2: HMAC-SHA256 under AUDIT_CHAIN_KEY, a key that is never in the
#: database, of prev_hash + a payload that also covers the people the event is about.
UNKEYED, KEYED = 1, 2
CURRENT_SCHEME = KEYED


class AuditEvent(models.Model):
    """One event. Rows are never updated or deleted (database triggers refuse it)."""

    seq = models.BigIntegerField(unique=True, help_text="Position in the chain: 1, 2, 3 …")
    occurred_at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_username = models.CharField(max_length=150, blank=True)
    agency_id = models.BigIntegerField(null=True, blank=True)
    role = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40, blank=True)
    changed_fields = models.JSONField(default=list, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # Both NULL on events written before ADR 0003 (scheme 1); nullable so adding them touched no
    # existing row (the log refuses UPDATE) and SQLite kept its triggers (no table rebuild).
    scheme = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Hash scheme: NULL for 1 (SHA-256), 2 for HMAC-SHA256."
    )
    subject_person_ids = models.JSONField(
        null=True, blank=True, help_text="The people this event is about (covered by the hash)."
    )

    class Meta:
        # No default ordering: every read of the chain says its order (audit_verify relies on
        # its own ORDER BY seq, tested on PostgreSQL where a scan's order is not the seq order).
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor_id", "occurred_at"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type} {self.object_id}"

    @property
    def role_label(self) -> str:
        from continuum.directory.models import Role

        return Role(self.role).label if self.role in Role.values else self.role

    @property
    def hash_scheme(self) -> int:
        return self.scheme or UNKEYED

    def payload(self) -> dict:
        """The fields the hash covers, in a canonical form (scheme 2 adds the scheme itself and
        the people the event is about)."""
        body = {
            "seq": self.seq,
            "occurred_at": self.occurred_at.isoformat(),
            "actor_id": self.actor_id,
            "actor_username": self.actor_username,
            "agency_id": self.agency_id,
            "role": self.role,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": str(self.object_id),
            "changed_fields": list(self.changed_fields or []),
            "reason": self.reason,
            "request_id": self.request_id,
            "details": self.details or {},
        }
        if self.hash_scheme >= KEYED:
            body["scheme"] = self.hash_scheme
            body["subject_person_ids"] = list(self.subject_person_ids or [])
        return body

    def compute_hash(self) -> str:
        body = json.dumps(self.payload(), sort_keys=True, separators=(",", ":"), default=str)
        message = (self.prev_hash + body).encode()
        if self.hash_scheme == UNKEYED:
            return hashlib.sha256(message).hexdigest()
        return hmac.new(chain_key(), message, hashlib.sha256).hexdigest()


def chain_key() -> bytes:
    """The key of the keyed chain, from the environment (settings.AUDIT_CHAIN_KEY); production
    refuses to start without one."""
    return settings.AUDIT_CHAIN_KEY.encode()


class AuditSubject(models.Model):
    """Which people each event is about: a lookup index beside the chain, written in the same
    transaction as the event. The event's own `subject_person_ids` are covered by its hash;
    `audit verify` checks this index against them, so a removed row is noticed."""

    seq = models.BigIntegerField(help_text="The event's position in the chain.")
    person_id = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["person_id", "-seq"], name="audit_subject_person_idx"),
            models.Index(fields=["seq"], name="audit_subject_seq_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} about person {self.person_id}"


class AuditChainHead(models.Model):
    """A single row holding the newest hash; locked while an event is appended."""

    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    last_seq = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Audit chain head at #{self.last_seq}"
