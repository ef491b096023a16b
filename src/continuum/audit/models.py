"""The append-only, hash-chained audit log of every access to personal data."""

from __future__ import annotations

import hashlib
import json

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

    class Meta:
        ordering = ["seq"]
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

    def payload(self) -> dict:
        """The fields the hash covers, in a canonical form."""
        return {
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

    def compute_hash(self) -> str:
        body = json.dumps(self.payload(), sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256((self.prev_hash + body).encode()).hexdigest()


class AuditChainHead(models.Model):
    """A single row holding the newest hash; locked while an event is appended."""

    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    last_seq = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Audit chain head at #{self.last_seq}"
