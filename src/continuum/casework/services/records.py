"""Visits, chronology entries and attachments."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from continuum.audit.models import AuditAction
from continuum.casework import rules
from continuum.casework.access import require_manage
from continuum.casework.codes import (
    MANUAL_CHRONOLOGY_KINDS,
    ChronologyKind,
)
from continuum.casework.models import (
    ChronologyEntry,
    Episode,
    IdentifyPrompt,
    Visit,
    VisitChild,
)
from continuum.casework.services._common import (
    _audit,
    _chronology,
    _today,
)
from continuum.people.models import Household, HouseholdMembership, Person

# --- Visits -------------------------------------------------------------------------------


@transaction.atomic
def visit_record(
    *,
    actor,
    episode: Episode,
    date: dt.date,
    kind: str,
    present: list[Person],
    children: list[dict],
    observations: str = "",
    significant: bool = False,
    unknown_adult: str = "",
) -> Visit:
    """Record a visit or contact. `children` holds, for each child in the episode, a dict with
    person, seen, seen_alone, child_said. An adult not on the record raises a prompt for the lead
    professional to identify them."""
    rules.episode_is_open(episode)
    rules.activity_date(what="Visit", day=date, episode=episode, today=_today())
    family = set(
        HouseholdMembership.objects.filter(
            household_id=episode.household_id, end_date__isnull=True
        ).values_list("person_id", flat=True)
    )
    if any(p.pk not in family for p in present):
        raise ValidationError({"present": "Choose people who live in this household"})
    episode_children = {
        c.person_id: c for c in episode.children.only("person_id", "start_date", "end_date")
    }
    for row in children:
        record = episode_children.get(row["person"].pk)
        if record is None:
            raise ValidationError("A child in the visit is not in this episode")
        if record.end_date and date > record.end_date:
            raise ValidationError(
                {
                    "children": f"{row['person'].display_name} left this episode on "
                    f"{record.end_date:%-d %B %Y}, before this visit"
                }
            )
        if row.get("seen_alone") and not row.get("seen"):
            raise ValidationError(
                {
                    "children": f"{row['person'].display_name} cannot be seen alone "
                    "without being seen"
                }
            )
    visit = Visit(
        episode=episode,
        date=date,
        kind=kind,
        unknown_adult=(unknown_adult or "").strip(),
        observations=observations,
        significant=significant,
        recorded_by=actor,
        agency_id=actor.agency_id,
    )
    visit.full_clean()
    visit.save()
    visit.present.set(present)
    VisitChild.objects.bulk_create(
        VisitChild(
            visit=visit,
            person=row["person"],
            seen=bool(row.get("seen")),
            seen_alone=bool(row.get("seen_alone")),
            child_said=row.get("child_said", ""),
        )
        for row in children
    )
    if visit.unknown_adult:
        IdentifyPrompt.objects.create(episode=episode, visit=visit, description=visit.unknown_adult)
    seen = [r["person"].display_name for r in children if r.get("seen")]
    summary = f"{visit.get_kind_display()}" + (
        f"; seen: {', '.join(seen)}" if seen else "; no child seen"
    )
    if visit.unknown_adult:
        summary += "; an adult not on the record was present"
    _chronology(
        actor=actor,
        episode=episode,
        date=date,
        kind=ChronologyKind.VISIT,
        summary=summary,
        significant=significant,
        source=visit,
    )
    _audit(actor, AuditAction.CREATE, visit, details={"episode": episode.pk})
    return visit


@transaction.atomic
def prompt_resolve(
    *, actor, prompt: IdentifyPrompt, person: Person | None, note: str
) -> IdentifyPrompt:
    """The lead professional identifies the adult (links a person) or explains (a note)."""
    require_manage(actor, prompt.episode)
    if prompt.resolved_at:
        raise ValidationError("This has already been resolved")
    if person is None and not (note or "").strip():
        raise ValidationError({"note": "Choose who they are, or say why they cannot be identified"})
    prompt.resolved_at = timezone.now()
    prompt.resolved_by = actor
    prompt.resolved_person = person
    prompt.resolution_note = (note or "").strip()
    prompt.save(update_fields=["resolved_at", "resolved_by", "resolved_person", "resolution_note"])
    _audit(actor, AuditAction.UPDATE, prompt, fields=["resolved_at", "resolved_person"])
    return prompt


# --- Chronology ---------------------------------------------------------------------------


@transaction.atomic
def chronology_add(
    *,
    actor,
    household: Household,
    date: dt.date,
    kind: str,
    summary: str,
    person: Person | None = None,
    significant: bool = False,
) -> ChronologyEntry:
    """A manual chronology entry (a police incident, a school exclusion, a health event …)."""
    if not actor.agency_id:
        raise PermissionDenied("Only staff of an agency can add to a chronology")
    if kind not in MANUAL_CHRONOLOGY_KINDS:
        raise ValidationError({"kind": "Choose a type of event"})
    if date > _today():
        raise ValidationError({"date": "Date of the event must be today or in the past"})
    if (
        person is not None
        and not HouseholdMembership.objects.filter(household=household, person=person).exists()
    ):
        raise ValidationError({"person": "Choose someone in this family"})
    if (
        person is not None
        and person.date_of_birth
        and date < person.date_of_birth - dt.timedelta(weeks=40)
    ):
        raise ValidationError({"date": "Date of the event is before the child was born"})
    entry = ChronologyEntry(
        household=household,
        person=person,
        date=date,
        kind=kind,
        summary=(summary or "").strip(),
        significant=significant,
        agency_id=actor.agency_id,
        recorded_by=actor,
        manual=True,
    )
    entry.full_clean()
    entry.save()
    _audit(actor, AuditAction.CREATE, entry, details={"household": household.pk})
    return entry


def chronology_record_event(
    *,
    person_id: int,
    agency_id: int,
    recorded_by,
    date: dt.date,
    summary: str,
    source_type: str,
    source_id: int,
    kind: str = ChronologyKind.OTHER,
    significant: bool = True,
) -> list[ChronologyEntry]:
    """How another app puts an event it owns (a risk factor an agency recorded, a family that
    stopped attending) on the chronology of each family the person lives in now. The caller
    has already checked who may do it and audits its own change; `recorded_by` is empty when
    the system noticed the event."""
    households = HouseholdMembership.objects.filter(
        person_id=person_id, end_date__isnull=True
    ).values_list("household_id", flat=True)
    entries = []
    for household_id in households:
        entry = ChronologyEntry(
            household_id=household_id,
            person_id=person_id,
            date=date,
            kind=kind,
            summary=summary[:500],
            significant=significant,
            agency_id=agency_id,
            recorded_by=recorded_by,
            source_type=source_type,
            source_id=source_id,
        )
        entry.full_clean(exclude=["recorded_by"])
        entry.save()
        entries.append(entry)
    return entries


# --- Attachments --------------------------------------------------------------------------

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# extension -> (content type, the first bytes every such file starts with)
ATTACHMENT_TYPES = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    "txt": ("text/plain", ()),
}


def _check_upload(upload) -> str:
    """The content type of an allowed file, judged by its extension AND its first bytes."""
    name = upload.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ATTACHMENT_TYPES:
        raise ValidationError({"file": "The file must be a PDF, JPG, PNG, DOCX or TXT"})
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": "The file must be smaller than 10MB"})
    if upload.size == 0:
        raise ValidationError({"file": "The selected file is empty"})
    content_type, signatures = ATTACHMENT_TYPES[ext]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if signatures and not any(head.startswith(s) for s in signatures):
        raise ValidationError({"file": f"The file is not a real {ext.upper()} file"})
    if not signatures and b"\x00" in head:
        raise ValidationError({"file": "The file is not a plain text file"})
    return content_type


@transaction.atomic
def attachment_add(
    *, actor, episode: Episode, upload, description: str, visit=None, assessment=None
):
    """Attach a file to a visit or an assessment of an open episode."""
    from continuum.casework.models import Attachment

    rules.episode_is_open(episode)
    if (visit is None) == (assessment is None):
        raise ValidationError("Attach the file to one visit or one assessment")
    if not (description or "").strip():
        raise ValidationError({"description": "Say what the file is"})
    content_type = _check_upload(upload)
    attachment = Attachment(
        episode=episode, visit=visit, assessment=assessment, original_name=upload.name[-200:],
        content_type=content_type, size=upload.size, description=description.strip(),
        uploaded_by=actor,
    )  # fmt: skip
    attachment.file.save("upload", upload, save=False)
    attachment.full_clean()
    attachment.save()
    _audit(actor, AuditAction.CREATE, attachment, details={"episode": episode.pk})
    return attachment
