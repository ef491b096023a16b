"""Working with a family: episodes, the Team Around the Family, plans, visits, assessments and
the multi-agency chronology. Models hold data and invariants; the rules that span records (the
CIN census date and closure rules) live in `rules.py` and are applied by `services.py`."""

from __future__ import annotations

import calendar
import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from continuum.casework.codes import (
    ActionStatus,
    AssessmentStatus,
    CategoryOfAbuse,
    ChronologyKind,
    ClosureReason,
    Domain,
    EarlyHelpOutcome,
    EpisodeKind,
    EpisodeStatus,
    LevelOfNeed,
    PrimaryNeed,
    S47Outcome,
    VisitKind,
)

USER = settings.AUTH_USER_MODEL


class Episode(models.Model):
    """A period of work with a family (a household): early help, CIN, CP or single-agency."""

    household = models.ForeignKey(
        "people.Household", on_delete=models.PROTECT, related_name="episodes"
    )
    kind = models.CharField("Type of episode", max_length=20, choices=EpisodeKind.choices)
    status = models.CharField(
        max_length=20, choices=EpisodeStatus.choices, default=EpisodeStatus.OPEN
    )
    lead_professional = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("directory.Agency", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        "directory.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    referral_date = models.DateField(
        "Referral or request date",
        help_text="The date of the referral or request for help this episode answers.",
    )
    start_date = models.DateField("Start date")
    end_date = models.DateField("Closure date", null=True, blank=True)
    level_of_need = models.PositiveSmallIntegerField(choices=LevelOfNeed.choices)
    primary_need = models.CharField(
        "Primary need", max_length=2, choices=PrimaryNeed.choices, blank=True
    )
    category_of_abuse = models.CharField(
        "Category of abuse", max_length=3, choices=CategoryOfAbuse.choices, blank=True
    )
    reason_for_closure = models.CharField(
        "Reason for closure", max_length=3, choices=ClosureReason.choices, blank=True
    )
    outcome = models.CharField(
        "Outcome", max_length=20, choices=EarlyHelpOutcome.choices, blank=True
    )
    closure_summary = models.TextField("Closure summary", blank=True)
    pending_action_dispositions = models.JSONField(
        default=dict, blank=True, help_text="Open action id -> (status, note), applied on approval."
    )
    closure_requested_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closure_approved_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["household", "status"], name="episode_hh_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="episode_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(start_date__gte=models.F("referral_date")),
                name="episode_starts_after_referral",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} episode from {self.start_date:%d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.status != EpisodeStatus.CLOSED


class EpisodeChild(models.Model):
    """Each child's own record within the episode (CIN census CINdetails is per child).

    Foreign keys to Person in this app have a related name (never "+"): the linkage merge
    re-points every visible relation to Person, and a hidden one would be left behind."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="children")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="episode_records"
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    reason_for_closure = models.CharField(
        "Reason for closure", max_length=3, choices=ClosureReason.choices, blank=True
    )
    closure_note = models.CharField(
        "Why their part in the episode ended", max_length=300, blank=True
    )

    class Meta:
        ordering = ["person__date_of_birth"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "person"], name="unique_episode_child"),
        ]

    def __str__(self) -> str:
        return f"{self.person} in episode {self.episode_id}"


class EpisodeTransition(models.Model):
    """Every status change of an episode: who, when, from what to what."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"


class TafMember(models.Model):
    """A practitioner in the Team Around the Family. While they are a member their agency has an
    open Team Around the Family involvement with the household (the legitimate relationship the
    gatekeeper reads); leaving the team ends it."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="taf_members")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="taf_memberships")
    agency = models.ForeignKey("directory.Agency", on_delete=models.PROTECT, related_name="+")
    role_in_taf = models.CharField("Role in the team", max_length=120)
    involvement = models.OneToOneField(
        "governance.Involvement", on_delete=models.PROTECT, related_name="taf_member"
    )
    joined_on = models.DateField(default=timezone.localdate)
    left_on = models.DateField(null=True, blank=True)
    invited_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["joined_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "user"],
                condition=Q(left_on__isnull=True),
                name="one_open_taf_membership",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role_in_taf})"

    @property
    def is_current(self) -> bool:
        return self.left_on is None


class Plan(models.Model):
    """The family's plan: outcomes sought, actions with one named owner each, reviews."""

    episode = models.OneToOneField(Episode, on_delete=models.CASCADE, related_name="plan")
    start_date = models.DateField("Plan agreed on")
    outcomes_sought = models.TextField("Outcomes sought")
    review_interval_weeks = models.PositiveSmallIntegerField("Review every (weeks)", default=6)
    next_review_date = models.DateField("Next review date")
    end_date = models.DateField(
        "Plan ended on",
        null=True,
        blank=True,
        help_text="In a child in need episode this plan is the child in need plan; it must end "
        "before a child protection plan starts.",
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"Plan for episode {self.episode_id}"

    def clean(self):
        if self.start_date and self.next_review_date and self.next_review_date <= self.start_date:
            raise ValidationError(
                {"next_review_date": "Next review date must be after the date the plan was agreed"}
            )
        if self.review_interval_weeks is not None and not 1 <= self.review_interval_weeks <= 26:
            raise ValidationError(
                {"review_interval_weeks": "Review interval must be between 1 and 26 weeks"}
            )


class PlanAction(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField("What will be done", max_length=400)
    owner_user = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="plan_actions"
    )
    owner_person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_plan_actions",
    )
    due_date = models.DateField("Due by")
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    closed_note = models.CharField(max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(owner_user__isnull=False) & Q(owner_person__isnull=True))
                | (Q(owner_user__isnull=True) & Q(owner_person__isnull=False)),
                name="action_has_one_owner",
            )
        ]
        indexes = [
            models.Index(fields=["owner_user", "status", "due_date"], name="action_owner_idx")
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def owner_name(self) -> str:
        if self.owner_user_id:
            user = self.owner_user
            agency = user.agency.name if user.agency_id else ""
            name = user.get_full_name() or user.username
            return f"{name} ({agency})" if agency else name
        return f"{self.owner_person.display_name} (family)"

    @property
    def is_open(self) -> bool:
        return self.status in (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date < timezone.localdate()


class PlanReview(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reviews")
    review_date = models.DateField("Review date")
    what_changed = models.TextField("What has changed")
    child_view = models.TextField("The child's view")
    next_review_date = models.DateField("Next review date")
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-review_date", "-pk"]

    def __str__(self) -> str:
        return f"Review on {self.review_date}"


class ActionProgress(models.Model):
    review = models.ForeignKey(PlanReview, on_delete=models.CASCADE, related_name="progress")
    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="progress")
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    note = models.CharField(max_length=400, blank=True)

    def __str__(self) -> str:
        return f"{self.action_id}: {self.status}"


class Visit(models.Model):
    """A visit or contact with the family, recorded by any TAF member."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="visits")
    date = models.DateField("Date")
    kind = models.CharField("Type", max_length=10, choices=VisitKind.choices)
    present = models.ManyToManyField("people.Person", related_name="+", blank=True)
    unknown_adult = models.CharField(
        "An adult not on the record",
        max_length=300,
        blank=True,
        help_text="Describe them; the lead professional will be asked to identify them.",
    )
    observations = models.TextField("Observations", blank=True)
    significant = models.BooleanField("Significant event", default=False)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("directory.Agency", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.date}"


class VisitChild(models.Model):
    """For each child in the episode: seen, seen alone, and what they said."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="children")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="visit_records"
    )
    seen = models.BooleanField(default=False)
    seen_alone = models.BooleanField(default=False)
    child_said = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["visit", "person"], name="unique_visit_child"),
            models.CheckConstraint(
                condition=Q(seen_alone=False) | Q(seen=True), name="seen_alone_implies_seen"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} at visit {self.visit_id}"


class IdentifyPrompt(models.Model):
    """An adult seen in the home who is not on the record yet ("hidden men"): a to-do for the
    lead professional until the adult is identified or explained."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="prompts")
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="prompts")
    description = models.CharField(max_length=300)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="identified_in_prompts",
    )
    resolution_note = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return self.description


class Assessment(models.Model):
    """An early help (or CIN single) assessment of the family, signed off by a manager."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(
        max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    start_date = models.DateField("Assessment start date")
    completed_date = models.DateField("Authorisation date", null=True, blank=True)
    parents_view = models.TextField("What the parents say", blank=True)
    summary = models.TextField("Analysis and summary", blank=True)
    factors = models.JSONField("Factors identified", default=list, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-start_date", "-pk"]

    def __str__(self) -> str:
        return f"Assessment from {self.start_date}"


class AssessmentChild(models.Model):
    """The child's voice in the assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="children")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="assessment_records"
    )
    seen = models.BooleanField("Child seen", default=False)
    seen_alone = models.BooleanField("Child seen alone", default=False)
    wishes_and_feelings = models.TextField(
        "Wishes and feelings, in the child's own words", blank=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "person"], name="unique_assessment_child")
        ]

    def __str__(self) -> str:
        return f"{self.person} in assessment {self.assessment_id}"


class AssessmentEntry(models.Model):
    """Strengths and needs for one dimension of the assessment triangle. `person` is the child
    for the child's developmental needs; empty for the family-wide domains."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="entries")
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessment_entries",
    )
    domain = models.CharField(max_length=10, choices=Domain.choices)
    dimension = models.CharField(max_length=20)
    strengths = models.TextField(blank=True)
    needs = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "person", "dimension"], name="unique_assessment_entry"
            ),
            models.UniqueConstraint(
                fields=["assessment", "dimension"],
                condition=Q(person__isnull=True),
                name="unique_family_assessment_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dimension} ({self.person_id or 'family'})"


class Section47Enquiry(models.Model):
    """A section 47 enquiry about one child in a child in need or child protection episode (CIN
    census Section47). The initial child protection conference (ICPC) it may lead to is recorded
    once, on the enquiry (`InitialConference`), never elsewhere (rule 2884)."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="s47_enquiries")
    child = models.ForeignKey(EpisodeChild, on_delete=models.PROTECT, related_name="s47_enquiries")
    start_date = models.DateField(
        "Date of the strategy discussion that started the enquiry",
        help_text="The enquiry's start date. The conference is due within 15 working days of it.",
    )
    icpc_target = models.DateField("Conference due by")
    icpc_not_required = models.BooleanField("No conference needed", default=False)
    outcome = models.CharField(
        "Outcome of the enquiry", max_length=20, choices=S47Outcome.choices, blank=True
    )
    outcome_date = models.DateField("Date the enquiry concluded", null=True, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = "section 47 enquiry"
        verbose_name_plural = "section 47 enquiries"
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome_date__isnull=True) | Q(outcome_date__gte=F("start_date")),
                name="s47_concludes_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Section 47 enquiry from {self.start_date}"

    @property
    def is_resolved(self) -> bool:
        """Resolved for rule 8868: a conference date, or marked as needing no conference."""
        return self.icpc_not_required or hasattr(self, "icpc")


class InitialConference(models.Model):
    """The initial child protection conference an enquiry led to (CIN census DateOfInitialCPC)."""

    s47 = models.OneToOneField(
        Section47Enquiry, on_delete=models.PROTECT, related_name="icpc", verbose_name="enquiry"
    )
    date = models.DateField("Date of the conference")
    plan_agreed = models.BooleanField("The conference decided on a child protection plan")
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Initial child protection conference on {self.date}"


class ChildProtectionPlan(models.Model):
    """A child protection plan (CIN census ChildProtectionPlans). It starts on the day of the
    conference that decided on it (2885), one plan per conference (2883)."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="cp_plans")
    child = models.ForeignKey(EpisodeChild, on_delete=models.PROTECT, related_name="cp_plans")
    icpc = models.OneToOneField(InitialConference, on_delete=models.PROTECT, related_name="cp_plan")
    start_date = models.DateField("Plan start date")
    category_of_abuse = models.CharField(
        "Category of abuse", max_length=3, choices=CategoryOfAbuse.choices
    )
    end_date = models.DateField("Plan end date", null=True, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=F("start_date")),
                name="cp_plan_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Child protection plan from {self.start_date}"

    @property
    def is_open(self) -> bool:
        return self.end_date is None

    def next_review_due(self) -> dt.date | None:
        """The first review conference is due within 3 months of the conference that started
        the plan, then at most every 6 months (standards.md 3.3)."""
        if self.end_date:
            return None
        dates = [r.date for r in self.reviews.all()]
        return _add_months(max(dates), 6) if dates else _add_months(self.start_date, 3)


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


class CPPlanReview(models.Model):
    """A review conference of a child protection plan (CIN census CPPreviewDate)."""

    plan = models.ForeignKey(ChildProtectionPlan, on_delete=models.CASCADE, related_name="reviews")
    date = models.DateField("Date of the review conference")
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "date"], name="one_cp_review_a_day"),
        ]

    def __str__(self) -> str:
        return f"Review conference on {self.date}"


class ChronologyEntry(models.Model):
    """One event in the family's multi-agency chronology. Casework services write one for each
    visit, assessment, review and episode change; practitioners add manual entries. Births and
    moves are read live from the people record."""

    household = models.ForeignKey(
        "people.Household", on_delete=models.PROTECT, related_name="chronology"
    )
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chronology_entries",
        help_text="Empty when the event is about the whole family.",
    )
    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.PROTECT, related_name="chronology"
    )
    date = models.DateField("Date of the event")
    kind = models.CharField("Type", max_length=20, choices=ChronologyKind.choices)
    summary = models.CharField("What happened", max_length=500)
    significant = models.BooleanField(default=False)
    agency = models.ForeignKey("directory.Agency", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    manual = models.BooleanField(default=False)
    source_type = models.CharField(max_length=20, blank=True)
    source_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["household", "date"], name="chronology_hh_date_idx"),
            models.Index(fields=["person", "date"], name="chronology_person_date_idx"),
            # A child's chronology reads their own events and their households' family events.
            models.Index(
                fields=["household", "date"],
                condition=Q(person__isnull=True),
                name="chronology_family_events_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.summary[:40]}"


def _attachment_path(instance, filename: str) -> str:
    # A random name: the original is kept in `original_name`, never used on disk.
    return f"casework/{instance.episode_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file on a visit or an assessment. Stored under MEDIA_ROOT (outside the web root, never
    served by URL) and downloaded only through the episode's gatekeeper."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="attachments")
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    description = models.CharField("What it is", max_length=200)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(visit__isnull=False) & Q(assessment__isnull=True))
                | (Q(visit__isnull=True) & Q(assessment__isnull=False)),
                name="attachment_on_one_record",
            )
        ]

    def __str__(self) -> str:
        return self.original_name
