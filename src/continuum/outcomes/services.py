"""Writes for outcome measures. Every write is audited in the same transaction."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.outcomes.models import Instrument, InstrumentArea, Reading, ReadingStage, Score
from continuum.people.errors import ConflictError
from continuum.people.models import Household

MAX_AREAS = 30


def _area_codes(labels: list[str]) -> list[tuple[str, str]]:
    """(code, label) for each area label, in order; the code is a slug of the label."""
    out, seen = [], set()
    for label in labels:
        code = slugify(label)[:60] or f"area-{len(out) + 1}"
        while code in seen:
            code = f"{code[:56]}-{len(out) + 1}"
        seen.add(code)
        out.append((code, label))
    return out


def _check_configuration(
    *, areas: list[tuple[str, str]], scale_min: int, scale_max: int, stage_labels: list[dict]
) -> None:
    """The rules an instrument's configuration must meet, each refused with a message naming
    the field and the fix."""
    errors: dict[str, list[str]] = {}
    if not areas:
        errors["areas"] = ["Enter at least one area, one on each line"]
    elif len(areas) > MAX_AREAS:
        errors["areas"] = [f"An instrument can have up to {MAX_AREAS} areas"]
    labels = [label.lower() for _code, label in areas]
    if len(set(labels)) != len(labels):
        errors.setdefault("areas", []).append("Give each area a different name")
    if scale_min < 0:
        errors["scale_min"] = ["The bottom of the scale must be 0 or more"]
    if scale_max > 100:
        errors["scale_max"] = ["The top of the scale must be 100 or less"]
    if scale_max <= scale_min:
        errors.setdefault("scale_max", []).append("The top of the scale must be above the bottom")
    previous_to = None
    for stage in stage_labels:
        if not scale_min <= stage["from"] <= stage["to"] <= scale_max:
            errors.setdefault("stage_labels", []).append(
                f"The {stage['label']} stage ({stage['from']} to {stage['to']}) "
                f"must be within the scale, {scale_min} to {scale_max}"
            )
        elif previous_to is not None and stage["from"] <= previous_to:
            errors.setdefault("stage_labels", []).append(
                f"The {stage['label']} stage overlaps the stage before it: list the "
                "stages from the lowest score up, without overlaps"
            )
        previous_to = stage["to"]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def instrument_create(
    *,
    actor,
    name: str,
    areas: list[tuple[str, str]] | list[str],
    code: str = "",
    scale_min: int = 1,
    scale_max: int = 10,
    stage_labels: list[dict] | None = None,
    licensed: bool = False,
    licence_note: str = "",
    description: str = "",
) -> Instrument:
    """Configure a new instrument: its areas in order (labels, or (code, label) pairs), its scale
    and stage labels. A licensed instrument (e.g. Family Star Plus) is configured the same way;
    Continuum records its scores only."""
    pairs = [a if isinstance(a, tuple) else None for a in areas]
    areas = pairs if all(pairs) else _area_codes([str(a).strip() for a in areas])
    stage_labels = stage_labels or []
    _check_configuration(
        areas=areas, scale_min=scale_min, scale_max=scale_max, stage_labels=stage_labels
    )
    code = code or slugify(name)[:60]
    if (
        Instrument.objects.filter(code=code).exists()
        or Instrument.objects.filter(name__iexact=name.strip()).exists()
    ):
        raise ValidationError({"name": "There is already an instrument with this name"})
    instrument = Instrument(
        code=code,
        name=name.strip(),
        description=description,
        scale_min=scale_min,
        scale_max=scale_max,
        stage_labels=stage_labels,
        licensed=licensed,
        licence_note=licence_note.strip(),
    )
    instrument.full_clean()
    instrument.save()
    for order, (area_code, label) in enumerate(areas, start=1):
        area = InstrumentArea(instrument=instrument, code=area_code, label=label, order=order)
        area.full_clean()
        area.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="outcome_instrument",
        object_id=instrument.pk,
        details={"code": code, "areas": len(areas)},
    )
    return instrument


@transaction.atomic
def instrument_update(
    *,
    actor,
    instrument: Instrument,
    expected_version: int,
    name: str,
    areas: list[str],
    scale_min: int,
    scale_max: int,
    stage_labels: list[dict],
    licensed: bool,
    licence_note: str = "",
    description: str = "",
    active: bool = True,
) -> Instrument:
    """Change an instrument's configuration.

    Once readings have been recorded with it, its scale and its areas cannot change (the
    readings' scores would mean something else): the name, description, licence note, stage
    labels and whether it is offered for new readings still can. To measure differently, add a
    new instrument and stop offering this one. A save made against an older version is refused
    with ConflictError (nothing is overwritten).
    """
    current = Instrument.objects.select_for_update().get(pk=instrument.pk)
    fields = {
        "name": name.strip(),
        "description": description,
        "scale_min": scale_min,
        "scale_max": scale_max,
        "stage_labels": stage_labels,
        "licensed": licensed,
        "licence_note": licence_note.strip(),
        "active": active,
    }
    if current.version != expected_version:
        changed = {
            field: (value, getattr(current, field))
            for field, value in fields.items()
            if getattr(current, field) != value
        }
        raise ConflictError(changed=changed, current_version=current.version)
    existing = list(current.areas.order_by("order"))
    labels = [label.strip() for label in areas]
    new_areas = _area_codes(labels)
    _check_configuration(
        areas=new_areas, scale_min=scale_min, scale_max=scale_max, stage_labels=stage_labels
    )
    if Instrument.objects.filter(name__iexact=fields["name"]).exclude(pk=current.pk).exists():
        raise ValidationError({"name": "There is already an instrument with this name"})
    readings = Reading.objects.filter(instrument=current).count()
    areas_changed = labels != [a.label for a in existing]
    if readings:

        def locked(what: str) -> list[str]:
            return [
                f"{current.name} has {readings} reading{'s' if readings != 1 else ''}, so its "
                f"{what} cannot change. To measure differently, add a new instrument and stop "
                "offering this one"
            ]

        errors = {}
        if (scale_min, scale_max) != (current.scale_min, current.scale_max):
            errors["scale_min"] = locked("scale")
        if areas_changed:
            errors["areas"] = locked("areas")
        if errors:
            raise ValidationError(errors)
    changed_fields = [f for f, v in fields.items() if getattr(current, f) != v]
    for field, value in fields.items():
        setattr(current, field, value)
    current.version = expected_version + 1
    current.full_clean()
    current.save(update_fields=[*fields, "version"])
    if areas_changed:  # no readings yet: the areas are replaced
        current.areas.all().delete()
        InstrumentArea.objects.bulk_create(
            [
                InstrumentArea(instrument=current, code=code, label=label, order=order)
                for order, (code, label) in enumerate(new_areas, start=1)
            ]
        )
        changed_fields.append("areas")
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="outcome_instrument",
        object_id=current.pk,
        changed_fields=changed_fields,
    )
    return current


@transaction.atomic
def reading_record(
    *,
    actor,
    household: Household,
    instrument: Instrument,
    stage: str,
    taken_on: dt.date,
    scores: dict[str, int | None],
    notes: str = "",
) -> Reading:
    """Record one reading: a score for every area (keyed by area code), within the scale.

    A score outside the instrument's scale is refused with a message naming the area. The first
    reading of a family on an instrument must be a start reading.
    """
    errors: dict[str, list[str]] = {}
    areas = list(instrument.areas.all())
    if stage not in ReadingStage.values:
        errors.setdefault("stage", []).append("Choose start, review or end")
    if taken_on is None:
        errors.setdefault("taken_on", []).append("Enter the date of the reading")
    elif taken_on > timezone.localdate():
        errors.setdefault("taken_on", []).append("The date of the reading must be today or earlier")
    for area in areas:
        value = scores.get(area.code)
        if value is None:
            errors.setdefault(area.code, []).append(f"Enter a score for {area.label}")
        elif not instrument.scale_min <= int(value) <= instrument.scale_max:
            errors.setdefault(area.code, []).append(
                f"The score for {area.label} must be between {instrument.scale_min} "
                f"and {instrument.scale_max}"
            )
    unknown = set(scores) - {a.code for a in areas}
    if unknown:
        errors.setdefault("__all__", []).append(
            f"{instrument.name} has no area called {', '.join(sorted(unknown))}"
        )
    earlier = Reading.objects.filter(instrument=instrument, household=household)
    if (
        stage in (ReadingStage.REVIEW, ReadingStage.END)
        and taken_on
        and not earlier.filter(stage=ReadingStage.START, taken_on__lte=taken_on).exists()
    ):
        errors.setdefault("stage", []).append(
            "Record a start reading with the family before a review or end reading"
        )
    if errors:
        raise ValidationError(errors)
    reading = Reading(
        instrument=instrument,
        household=household,
        stage=stage,
        taken_on=taken_on,
        notes=notes,
        agency_id=getattr(actor, "agency_id", None),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    reading.full_clean()
    reading.save()
    Score.objects.bulk_create(
        [Score(reading=reading, area=area, value=int(scores[area.code])) for area in areas]
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="outcome_reading",
        object_id=reading.pk,
        changed_fields=["stage", "taken_on", "scores"],
        details={"household_id": household.pk, "instrument": instrument.code},
    )
    return reading
