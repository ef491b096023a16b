"""Shared helpers for `continuum.casework.services`."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils import timezone

from continuum.audit.services import audit_record
from continuum.casework.models import (
    ChronologyEntry,
    Episode,
    EpisodeTransition,
)
from continuum.people.errors import ConflictError


def _today() -> dt.date:
    return timezone.localdate()


def _audit(actor, action, obj, *, fields=None, reason="", details=None) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type=f"casework.{type(obj).__name__.lower()}",
        object_id=obj.pk,
        changed_fields=fields,
        reason=reason,
        details=details,
    )


def _chronology(
    *, actor, episode: Episode, date, kind, summary, person=None, significant=False, source=None
) -> ChronologyEntry:
    entry = ChronologyEntry(
        household_id=episode.household_id,
        episode=episode,
        person=person,
        date=date,
        kind=kind,
        summary=summary[:500],
        significant=significant,
        agency_id=actor.agency_id if actor and actor.agency_id else episode.agency_id,
        recorded_by=actor,
        source_type=type(source).__name__.lower() if source is not None else "",
        source_id=source.pk if source is not None else None,
    )
    entry.full_clean()
    entry.save()
    return entry


def _transition(episode: Episode, *, actor, to_status: str, note: str = "") -> None:
    from_status = episode.status
    EpisodeTransition.objects.create(
        episode=episode, from_status=from_status, to_status=to_status, actor=actor, note=note
    )
    episode.status = to_status


def _bump(obj) -> None:
    obj.version = F("version") + 1


def _check_version(obj, expected_version: int, fields: dict) -> None:
    """Optimistic concurrency: refuse a save made against an older version, naming what changed."""
    current = type(obj).objects.get(pk=obj.pk)
    if current.version != expected_version:
        changed = {
            name: (yours, getattr(current, name))
            for name, yours in fields.items()
            if getattr(current, name) != yours
        }
        raise ConflictError(changed=changed, current_version=current.version)
