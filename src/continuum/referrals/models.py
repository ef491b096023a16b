"""Referrals between agencies, the front door's contacts, information requests, receipts and the
continuum of need they are judged against."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from continuum.referrals import timescales


class ThresholdFramework(models.Model):
    """One version of the area's continuum of need. A decision records the version it used."""

    name = models.CharField(max_length=160)
    version = models.PositiveIntegerField()
    is_current = models.BooleanField(default=False)
    published_on = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="unique_framework_version"),
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_framework"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"


class NeedLevel(models.Model):
    framework = models.ForeignKey(
        ThresholdFramework, on_delete=models.PROTECT, related_name="levels"
    )
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    summary = models.TextField()
    response = models.TextField(blank=True)
    rag = models.CharField(max_length=5, blank=True)
    descriptors = models.JSONField(
        default=dict, blank=True, help_text="Descriptor per domain: {domain: text}."
    )

    class Meta:
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="unique_level_number"),
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=4), name="level_1_to_4"),
        ]

    def __str__(self) -> str:
        return f"Level {self.number}: {self.name}"


class ReferralSource(models.TextChoices):
    """CIN census ReferralSource codes (standards 1.3)."""

    INDIVIDUAL_FAMILY = "1A", "Individual: family member, relative or carer"
    INDIVIDUAL_ACQUAINTANCE = "1B", "Individual: acquaintance (including neighbours, childminders)"
    INDIVIDUAL_SELF = "1C", "Individual: self"
    INDIVIDUAL_OTHER = "1D", "Individual: other"
    SCHOOLS = "2A", "Schools"
    EDUCATION = "2B", "Education services"
    GP = "3A", "Health services: GP"
    HEALTH_VISITOR = "3B", "Health services: health visitor"
    SCHOOL_NURSE = "3C", "Health services: school nurse"
    PRIMARY_HEALTH = "3D", "Health services: other primary health services"
    A_AND_E = "3E", "Health services: A&E"
    HEALTH_OTHER = "3F", "Health services: other"
    HOUSING = "4", "Housing"
    LA_SOCIAL_CARE = "5A", "LA services: social care"
    LA_OTHER_INTERNAL = "5B", "LA services: other internal"
    LA_EXTERNAL = "5C", "LA services: external (another LA)"
    LA_EARLY_HELP = "5D", "LA services: early help"
    POLICE = "6", "Police"
    LEGAL = "7", "Other legal agency"
    OTHER = "8", "Other (including children's centres, voluntary organisations)"
    ANONYMOUS = "9", "Anonymous"
    UNKNOWN = "10", "Unknown"


class Destination(models.TextChoices):
    FRONT_DOOR = "front_door", "Children's social care front door"
    EARLY_HELP_PANEL = "early_help_panel", "A family hub's early help panel"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RECEIVED = "received", "Received"
    INFORMATION_GATHERING = "information_gathering", "Gathering information"
    DECIDED = "decided", "Decided"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STATUSES = (Status.SUBMITTED, Status.RECEIVED, Status.INFORMATION_GATHERING)


class Consent(models.TextChoices):
    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"
    NOT_SOUGHT = "not_sought", "Not sought"


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    URGENT = "urgent", "Urgent: a response is needed today"
    IMMEDIATE = "immediate", "Immediate risk of significant harm"


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    BLUE = "blue", "Blue"


class Outcome(models.TextChoices):
    NFA = "nfa", "No further action, with signposting"
    UNIVERSAL = "universal", "Universal services"
    EARLY_HELP = "early_help", "Early help (to a family hub's panel)"
    S17 = "s17", "Child in need assessment (section 17)"
    S47 = "s47", "Strategy discussion (section 47)"
    PANEL_ALLOCATED = "panel_allocated", "Allocated a lead professional and a service"
    PANEL_DECLINED = "panel_declined", "Declined by the panel"
    STEP_UP = "step_up", "Stepped up to the front door"


FRONT_DOOR_OUTCOMES = (Outcome.NFA, Outcome.UNIVERSAL, Outcome.EARLY_HELP, Outcome.S17, Outcome.S47)
PANEL_OUTCOMES = (Outcome.PANEL_ALLOCATED, Outcome.PANEL_DECLINED, Outcome.STEP_UP)


class Referral(models.Model):
    """One referral from one agency to another. At the front door it is called a contact.

    Nothing is ever deleted: a referral that should not go ahead is withdrawn with a reason.
    Status only changes through the named services in services.py.
    """

    reference = models.CharField(max_length=20, unique=True)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.DRAFT)
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="referrals")
    household = models.ForeignKey(
        "people.Household",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_made"
    )
    referrer_agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, related_name="referrals_made"
    )
    source = models.CharField(
        "Referral source", max_length=2, choices=ReferralSource.choices, blank=True
    )
    destination = models.CharField(
        max_length=20, choices=Destination.choices, default=Destination.FRONT_DOOR
    )
    destination_agency = models.ForeignKey(
        "directory.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals_received",
    )
    concerns = models.TextField("What are you worried about?", blank=True)
    what_has_been_tried = models.TextField("What has been tried so far?", blank=True)
    child_views = models.TextField("The child's views", blank=True)
    parents_views = models.TextField("The parents' or carers' views", blank=True)
    referrer_level = models.PositiveSmallIntegerField(
        "Your view of the level of need", null=True, blank=True
    )
    consent = models.CharField(max_length=10, choices=Consent.choices, blank=True)
    consent_reason = models.TextField("Why consent was refused or not sought", blank=True)
    without_consent_justification = models.TextField(
        "Why you are sharing without consent (risk of significant harm)", blank=True
    )
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ons",
        help_text="The referral this one steps up or down from; its history comes with it.",
    )  # fmt: skip
    episode = models.ForeignKey(
        "casework.Episode", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="step_up_referrals",
        help_text="The casework episode this referral steps up from, when made from one.",
    )  # fmt: skip
    idempotency_key = models.CharField(max_length=100, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    acknowledgement_due_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rag = models.CharField("RAG rating", max_length=5, choices=Rag.choices, blank=True)
    rag_due_at = models.DateTimeField(null=True, blank=True)
    decision_due_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    level_of_need = models.ForeignKey(
        NeedLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    framework = models.ForeignKey(
        ThresholdFramework, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rationale = models.TextField(blank=True)
    signposting = models.TextField("Signposting and advice for the family", blank=True)
    onward_agency = models.ForeignKey(
        "directory.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="For early help: the family hub whose panel the child goes to.",
    )  # fmt: skip
    lead_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    service = models.CharField(max_length=200, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["referrer", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="unique_referral_idempotency_key",
            ),
            models.CheckConstraint(
                condition=Q(referrer_level__isnull=True)
                | Q(referrer_level__gte=1, referrer_level__lte=4),
                name="referrer_level_1_to_4",
            ),
            models.CheckConstraint(
                condition=~Q(status="decided") | ~Q(outcome=""), name="decided_has_outcome"
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | ~Q(withdrawn_reason=""),
                name="withdrawn_has_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["destination_agency", "status", "rag_due_at"], name="referral_queue_idx"
            ),
            # Sent referrals in child and date order: the register's re-referral window (LAG
            # over child and date) reads this narrow index alone, already in order.
            models.Index(
                fields=["child", "submitted_at", "id"],
                condition=Q(submitted_at__isnull=False),
                name="referral_child_date_idx",
            ),
            # Migration 0005 adds, outside the model state (PostgreSQL's NULLS FIRST and INCLUDE),
            # referral_open_queue_idx for the front door queue and referral_register_idx
            # (submitted_at, carrying every column the register report counts).
        ]

    def __str__(self) -> str:
        return f"Referral {self.reference}"

    def clean(self):
        errors = {}
        if self.consent == Consent.GIVEN and self.without_consent_justification:
            errors["without_consent_justification"] = (
                "Only give a justification when sharing without consent"
            )
        if self.destination == Destination.EARLY_HELP_PANEL and self.outcome in FRONT_DOOR_OUTCOMES:
            errors["outcome"] = "An early help panel allocates, declines or steps up"
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def deadline(self):
        """The next deadline: the earliest of the acknowledge-by time (while nobody has
        acknowledged it), the RAG deadline and the decision deadline. `selectors.DEADLINE` is the
        same in SQL."""
        waiting = self.acknowledgement_due_at if self.status == Status.SUBMITTED else None
        dues = [d for d in (waiting, self.rag_due_at, self.decision_due_at) if d]
        return min(dues) if dues else None

    def is_overdue(self, now=None) -> bool:
        due = self.deadline()
        return bool(self.is_open and due and due < (now or timezone.now()))

    @property
    def is_urgent(self) -> bool:
        return timescales.is_urgent(self.urgency)

    @property
    def decision_target(self) -> str:
        """The decision target in words: "1 working day", or "4 working hours" if urgent."""
        return timescales.decision_target(urgent=self.is_urgent)

    @property
    def acknowledged_late(self) -> bool | None:
        """Whether the acknowledgement came after its acknowledge-by time (None before it)."""
        if not (self.received_at and self.acknowledgement_due_at):
            return None
        return self.received_at > self.acknowledgement_due_at

    @property
    def decided_on_time(self) -> bool | None:
        """Whether the decision met its deadline, counted from the referral's arrival."""
        if not (self.decided_at and self.decision_due_at):
            return None
        return self.decided_at <= self.decision_due_at


class ReferralTransition(models.Model):
    """Every change of status, who made it and why. Append-only."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=24, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=24, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"


class ContactNote(models.Model):
    """The receiving team's internal notes on a contact. Never shown to the referrer."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Note on {self.referral_id}"


class InformationRequest(models.Model):
    """A question from the receiving team to a partner agency about a contact, with a due time."""

    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="information_requests"
    )
    to_agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, related_name="information_requests"
    )
    question = models.TextField()
    due_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    acknowledgement_due_at = models.DateTimeField()
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        indexes = [models.Index(fields=["to_agency", "answered_at"], name="inforeq_agency_idx")]

    def __str__(self) -> str:
        return f"Information request {self.pk}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    def is_overdue(self, now=None) -> bool:
        return not self.is_answered and self.due_at < (now or timezone.now())


class ReceivingTeam(models.Model):
    """The team in an agency that receives its hand-overs: new referrals, information requests
    and escalations arrive in this team's inbox, seen by its members. An agency without one
    gets them in its agency-wide inbox (every member of staff who can act on contacts)."""

    agency = models.OneToOneField(
        "directory.Agency", on_delete=models.CASCADE, related_name="receiving_team"
    )
    team = models.ForeignKey("directory.Team", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "receiving team"

    def __str__(self) -> str:
        return f"{self.team} receives for {self.agency}"

    def clean(self):
        if self.team_id and self.agency_id and self.team.agency_id != self.agency_id:
            raise ValidationError({"team": "Choose a team in this agency"})


class Notification(models.Model):
    """An item in a user's, a team's or an agency's in-app inbox. A team's or an agency's item
    is shared: when one member reads it, it is read for all, and it says who read it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    team = models.ForeignKey(
        "directory.Team",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    agency = models.ForeignKey(
        "directory.Agency",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False)
                | Q(team__isnull=False)
                | Q(agency__isnull=False),
                name="notification_has_recipient",
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_user_idx"),
            models.Index(fields=["team", "read_at"], name="notification_team_idx"),
            models.Index(fields=["agency", "read_at"], name="notification_agency_idx"),
        ]

    def __str__(self) -> str:
        return self.subject
