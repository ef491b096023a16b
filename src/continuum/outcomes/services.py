"""Writes for outcome measures. Every write is audited in the same transaction."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.outcomes.models import Instrument, InstrumentArea, Reading, ReadingStage, Score
from continuum.people.models import Household


@transaction.atomic
def instrument_create(
    *,
    actor,
    code: str,
    name: str,
    areas: list[tuple[str, str]],
    scale_min: int = 1,
    scale_max: int = 10,
    stage_labels: list[dict] | None = None,
    licensed: bool = False,
    description: str = "",
) -> Instrument:
    """Configure a new instrument: its areas (code, label) in order, its scale and stage labels."""
    if not areas:
        raise ValidationError({"areas": "An instrument needs at least one area"})
    instrument = Instrument(
        code=code,
        name=name,
        description=description,
        scale_min=scale_min,
        scale_max=scale_max,
        stage_labels=stage_labels or [],
        licensed=licensed,
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
