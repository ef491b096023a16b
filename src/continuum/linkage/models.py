"""Agency source records, imports, the trained model, the review queue, and merges."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class LinkageModel(models.Model):
    """A trained identity-resolution model: the portable parameters of the Splink model."""

    version = models.CharField(max_length=80, unique=True)
    params = models.JSONField()
    threshold_upper = models.FloatField(help_text="Auto-link at or above this probability.")
    threshold_lower = models.FloatField(help_text="Review at or above this probability.")
    trained_on = models.PositiveIntegerField(default=0, help_text="Records it was trained on.")
    trained_at = models.DateTimeField(default=timezone.now)
    is_active = models.BooleanField(default=False)

    class Meta:
        ordering = ["-trained_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="one_active_model"
            ),
            models.CheckConstraint(
                condition=Q(threshold_lower__lte=models.F("threshold_upper")),
                name="thresholds_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"Linkage model {self.version}"


class ImportStatus(models.TextChoices):
    PENDING = "pending", "Waiting to start"
    RUNNING = "running", "Importing"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


class ImportJob(models.Model):
    """One upload of an agency's extract. Rows are processed in chunks; `rows_done` is the
    resume point, so a killed import rerun continues where it stopped."""

    agency = models.ForeignKey("directory.Agency", on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField(max_length=200)
    stored_path = models.CharField(max_length=400)
    column_mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    created_records = models.PositiveIntegerField(default=0)
    updated_records = models.PositiveIntegerField(default=0)
    unchanged_records = models.PositiveIntegerField(default=0)
    linked_automatically = models.PositiveIntegerField(default=0)
    sent_to_review = models.PositiveIntegerField(default=0)
    new_people = models.PositiveIntegerField(default=0)
    kept_unlinked = models.PositiveIntegerField(
        default=0, help_text="Rows kept as source records that match nobody and have no date."
    )
    row_errors = models.JSONField(default=list, blank=True)
    failure = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import of {self.filename} ({self.get_status_display()})"

    @property
    def percent_done(self) -> int:
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0


class LinkStatus(models.TextChoices):
    AUTOMATIC = "automatic", "Linked automatically"
    REVIEW = "review", "Waiting for review"
    REVIEWED = "reviewed", "Linked after review"
    NEW_PERSON = "new_person", "New person"
    MANUAL = "manual", "Linked by hand"
    #: Kept as the agency sent it: it matched nobody, and it has too little to record a new
    #: person from (no date of birth and no expected date).
    UNLINKED = "unlinked", "Kept, not linked to a person"


class SourceRecord(models.Model):
    """An agency's record of a person, as the agency holds it. Never edited by Continuum:
    a re-import with the same record_id replaces `data` and keeps the earlier version."""

    agency = models.ForeignKey("directory.Agency", on_delete=models.PROTECT, related_name="+")
    record_id = models.CharField(max_length=80)
    data = models.JSONField()
    previous_versions = models.JSONField(default=list, blank=True)
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="source_records",
    )
    link_status = models.CharField(max_length=12, choices=LinkStatus.choices)
    match_probability = models.FloatField(null=True, blank=True)
    model_version = models.CharField(max_length=80, blank=True)
    import_job = models.ForeignKey(
        ImportJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="records"
    )
    first_seen_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agency__name", "record_id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "record_id"], name="unique_source_record")
        ]

    def __str__(self) -> str:
        return f"{self.agency} record {self.record_id}"


class MatchVersion(models.Model):
    """One version of a person as the real-time matcher compares it: the person's own record
    or an agency record linked to them, as a person-extract row, with the model's comparison
    features derived from it once (`schema` says by which normalisation code). Kept in step by
    services whenever a person's names, dates, identifiers, address or links change."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="+", db_index=True
    )
    source_record = models.OneToOneField(
        SourceRecord, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    record = models.JSONField()
    features = models.JSONField()
    schema = models.CharField(max_length=16)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(source_record__isnull=True),
                name="one_own_match_version",
            )
        ]

    def __str__(self) -> str:
        return f"Match version of person {self.person_id}"


class MatchKey(models.Model):
    """A blocking key of a person (from any of their versions), indexed for real-time
    candidate generation: people who share a key with a query are its candidates."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="+", db_index=True
    )
    key = models.CharField(max_length=100)

    class Meta:
        indexes = [models.Index(fields=["key", "person"], name="match_key_idx")]

    def __str__(self) -> str:
        return self.key


class ReviewStatus(models.TextChoices):
    OPEN = "open", "To review"
    NOT_SURE = "not_sure", "Not sure"
    ACCEPTED = "accepted", "Same person"
    REJECTED = "rejected", "Different people"


class MatchReview(models.Model):
    """A possible match between a source record and a person, for a reviewer to decide."""

    record = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="reviews")
    candidate = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="match_reviews"
    )
    probability = models.FloatField()
    match_weight = models.FloatField()
    breakdown = models.JSONField(default=list)
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-probability", "-match_weight"]
        constraints = [
            models.UniqueConstraint(fields=["record", "candidate"], name="one_review_per_pair")
        ]

    def __str__(self) -> str:
        return f"Review {self.record} vs person {self.candidate_id}"

    @property
    def reason(self) -> str:
        """Why the pair is in the queue: the rule that held it from a link, or the model."""
        from continuum.linkage.engine.rules import INITIAL_ONLY, NO_DATE_OF_BIRTH, NO_GIVEN_NAME

        held = {NO_DATE_OF_BIRTH, INITIAL_ONLY, NO_GIVEN_NAME}
        for item in self.breakdown or ():
            if item.get("field") == "rule" and item.get("level_label") in held:
                return str(item["level_label"]).capitalize()
        return "The model's probability is between the review and link thresholds"


class Merge(models.Model):
    """Two person records found to be one person. `moved` lists every row that was
    re-pointed, with its former values, so an unmerge restores exactly what was there."""

    kept = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="merges_merged"
    )
    moved = models.JSONField(default=list)
    reason = models.CharField(max_length=300)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    performed_at = models.DateTimeField(default=timezone.now)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undo_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-performed_at"]

    def __str__(self) -> str:
        return f"Merge of person {self.merged_id} into {self.kept_id}"
