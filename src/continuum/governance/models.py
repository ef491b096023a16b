"""Legitimate relationships: why an agency (or one worker) may see a person or household."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone


class AccessLevel(models.TextChoices):
    READ = "read", "Read only"
    EDIT = "edit", "Read and update"


class InvolvementSource(models.TextChoices):
    """Why the involvement began: each is professional work that a named person started."""

    REGISTRATION = "registration", "Registered the person"
    SERVICE = "service", "Providing a service"
    REFERRAL = "referral", "Referral"
    TEAM_AROUND_FAMILY = "taf", "Team Around the Family"
    VOLUNTEER_MATCH = "volunteer", "Volunteer matched to the family"
    OUTREACH = "outreach", "New pregnancy or birth notified to the family hub for outreach"
    # Rows from before ADR 0007: an agency holding a record (an import, an extract) never
    # grants access. The gatekeeper ignores these; no service creates them any more.
    DATA_SHARING = "data_sharing", "Data-sharing agreement (grants no access)"


#: Involvements that record something but open no record: the gatekeeper ignores them.
NON_GRANTING_SOURCES = frozenset({InvolvementSource.DATA_SHARING})


class Involvement(models.Model):
    """An agency's involvement with a person or a whole household, for a period.

    While open, it is the legitimate relationship that lets the agency's staff see the record.
    When `worker` is set, only that member of staff gets access (used for volunteers).
    """

    agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, related_name="involvements"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="involvements",
    )
    household = models.ForeignKey(
        "people.Household",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="involvements",
    )
    access = models.CharField(max_length=4, choices=AccessLevel.choices, default=AccessLevel.EDIT)
    source = models.CharField(max_length=20, choices=InvolvementSource.choices)
    reason = models.CharField(max_length=300)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(household__isnull=False),
                name="involvement_has_subject",
            )
        ]
        indexes = [
            models.Index(fields=["agency", "person", "ended_at"], name="involvement_person_idx"),
            models.Index(fields=["agency", "household", "ended_at"], name="involvement_hh_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} involved ({self.get_source_display()})"

    def clean(self):
        if not self.person_id and not self.household_id:
            raise ValidationError("An involvement must be with a person or a household")
