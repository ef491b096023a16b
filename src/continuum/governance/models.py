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
    # Rows from before ADR 0006: an agency holding a record (an import, an extract) never
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


# --- Break-glass: emergency access without a legitimate relationship -----------------------------

BREAK_GLASS_REASON_MIN_LENGTH = 20  # a sentence, not "urgent"


class ReviewOutcome(models.TextChoices):
    JUSTIFIED = "justified", "Justified"
    NOT_JUSTIFIED = "not_justified", "Not justified"


class BreakGlassAccess(models.Model):
    """A member of staff's emergency, time-limited READ access to one person (and the household
    they live in now), given on their own word and a reason, reported to the data protection
    officer and their manager, and open for review until the DPO records an outcome."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_accesses"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="break_glass_accesses"
    )
    reason = models.TextField()
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the worker ended the access before it expired"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("started_at")),
                name="break_glass_expires_after_start",
            ),
            # a review is whole: who, when and the outcome, or none of them
            models.CheckConstraint(
                condition=(
                    Q(reviewed_at__isnull=True, reviewed_by__isnull=True, review_outcome="")
                    | (
                        Q(reviewed_at__isnull=False, reviewed_by__isnull=False)
                        & ~Q(review_outcome="")
                    )
                ),
                name="break_glass_review_complete",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "expires_at"], name="break_glass_user_idx"),
            models.Index(fields=["reviewed_at"], name="break_glass_review_idx"),
        ]

    def __str__(self) -> str:
        return f"Emergency access {self.pk}"

    def clean(self):
        if len((self.reason or "").strip()) < BREAK_GLASS_REASON_MIN_LENGTH:
            raise ValidationError(
                {
                    "reason": "Give the reason for emergency access in at least "
                    f"{BREAK_GLASS_REASON_MIN_LENGTH} characters"
                }
            )

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.ended_at is None and self.started_at <= now < self.expires_at

    @property
    def is_reviewed(self) -> bool:
        return self.reviewed_at is not None


# --- Restricted records ---------------------------------------------------------------------------


class RestrictionScope(models.TextChoices):
    WHOLE_RECORD = "record", "The whole record"
    ADDRESS = "address", "Their address only"


class Restriction(models.Model):
    """A person (or only their address) restricted to named people: a refuge, an adoptive
    placement, witness protection, a member of staff's own family.

    While not lifted: a whole-record restriction hides the person from everyone but the named
    people (who still need a legitimate relationship) and the data protection officer; an address
    restriction shows "Address confidential" for every address the person has lived at, to
    everyone but the named people."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="restrictions"
    )
    scope = models.CharField(max_length=10, choices=RestrictionScope.choices)
    reason = models.TextField()
    allowed_users = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # one restriction of each kind at a time: add or remove named people on it instead
            models.UniqueConstraint(
                fields=["person", "scope"],
                condition=Q(lifted_at__isnull=True),
                name="one_open_restriction_per_scope",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | Q(lifted_by__isnull=False),
                name="restriction_lifted_by_someone",
            ),
        ]
        indexes = [models.Index(fields=["person", "lifted_at"], name="restriction_person_idx")]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} restricted"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None
