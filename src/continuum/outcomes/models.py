"""Outcome measures: configurable instruments, and the readings families make with a practitioner.

An instrument is configuration (its areas, its scale and the labels of its stages), so an area can
add a licensed instrument such as Family Star Plus and record only its scores.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Instrument(models.Model):
    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=160, unique=True)
    description = models.TextField(blank=True)
    scale_min = models.PositiveSmallIntegerField(default=1)
    scale_max = models.PositiveSmallIntegerField(default=10)
    # [{"from": 1, "to": 3, "label": "Struggling"}, ...]: what a score means, lowest first.
    stage_labels = models.JSONField(default=list, blank=True)
    licensed = models.BooleanField(
        default=False, help_text="A licensed instrument: Continuum records its scores only."
    )
    licence_note = models.CharField(
        max_length=300, blank=True, help_text="Who licenses it to the area, and on what terms."
    )
    active = models.BooleanField(default=True)
    # Optimistic locking for the configuration screen: a save made against an older version is
    # refused (409) instead of overwriting someone else's change.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scale_max__gt=models.F("scale_min")), name="instrument_scale_order"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.scale_min is not None and self.scale_max is not None:
            if self.scale_max <= self.scale_min:
                raise ValidationError(
                    {"scale_max": "The top of the scale must be above the bottom"}
                )
            for stage in self.stage_labels or []:
                if not (self.scale_min <= stage.get("from", -1) <= stage.get("to", -1)
                        <= self.scale_max):  # fmt: skip
                    raise ValidationError(
                        {"stage_labels": f"Stage {stage.get('label')!r} is outside the scale"}
                    )

    def stage_for(self, value: int | None) -> str:
        if value is None:
            return ""
        for stage in self.stage_labels or []:
            if stage["from"] <= value <= stage["to"]:
                return stage["label"]
        return ""


class InstrumentArea(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="areas")
    code = models.SlugField(max_length=60)
    label = models.CharField(max_length=120)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["instrument", "order"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="unique_area_code")
        ]

    def __str__(self) -> str:
        return self.label


class ReadingStage(models.TextChoices):
    START = "start", "Start"
    REVIEW = "review", "Review"
    END = "end", "End"


class Reading(models.Model):
    """One sitting with the family: a score for each area of the instrument, on one date."""

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="readings")
    household = models.ForeignKey(
        "people.Household", on_delete=models.CASCADE, related_name="outcome_readings"
    )
    stage = models.CharField(max_length=10, choices=ReadingStage.choices)
    taken_on = models.DateField()
    agency = models.ForeignKey(
        "directory.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["taken_on", "recorded_at"]
        indexes = [
            # A family's readings in order (the journey), and every family's in one pass for the
            # cohort report: on PostgreSQL the report reads this index only, never the table.
            # (Every column it needs is a key column: SQLite has no INCLUDE.)
            models.Index(
                fields=[
                    "instrument",
                    "household",
                    "taken_on",
                    "recorded_at",
                    "id",
                    "stage",
                    "agency",
                ],
                name="reading_family_order_idx",
            ),
            models.Index(fields=["instrument", "agency", "taken_on"], name="reading_agency_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} reading on {self.taken_on}"


class Score(models.Model):
    # Looked up by reading through the indexes below (no index of its own).
    reading = models.ForeignKey(
        Reading, on_delete=models.CASCADE, related_name="scores", db_index=False
    )
    area = models.ForeignKey(InstrumentArea, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reading", "area"], name="one_score_per_area")
        ]
        # The cohort report compares each family's scores from this index alone.
        indexes = [models.Index(fields=["reading", "area", "value"], name="score_values_idx")]

    def __str__(self) -> str:
        return f"{self.area}: {self.value}"
