"""Family hub life: registration with consent, sessions and registers, outreach, volunteers."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

USER = settings.AUTH_USER_MODEL


class HubRegistration(models.Model):
    """A family registered with a hub for universal services, with their consent to hold details."""

    hub = models.ForeignKey("directory.Agency", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "people.Household", on_delete=models.CASCADE, related_name="hub_registrations"
    )
    registered_at = models.DateTimeField(default=timezone.now)
    registered_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    consent_given_by = models.CharField("Who gave consent", max_length=160)
    consent_recorded_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["hub", "household"],
                condition=Q(ended_at__isnull=True),
                name="one_open_hub_registration",
            )
        ]
        indexes = [models.Index(fields=["hub", "registered_at"], name="hubreg_hub_idx")]

    def __str__(self) -> str:
        return f"Registered with {self.hub_id} on {self.registered_at:%Y-%m-%d}"


class RiskFlagKind(models.TextChoices):
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    SUBSTANCE_MISUSE = "substance_misuse", "Parental substance misuse"
    MENTAL_ILL_HEALTH = "mental_ill_health", "Parental mental ill-health"


class RiskFlag(models.Model):
    """A risk factor an agency has recorded about an adult in a family: what the reach page's
    target groups ("families where another agency has recorded domestic abuse …") and the
    outreach list's priority flag count.

    Recorded and withdrawn by staff of an agency with a legitimate relationship with the person
    (hubs.services.risk_flag_record / risk_flag_withdraw); each writes the family's chronology.
    """

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=RiskFlagKind.choices)
    recorded_by_agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField("Withdrawn at", null=True, blank=True)
    ended_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    end_reason = models.CharField("Why it was withdrawn", max_length=300, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["person", "kind"], name="riskflag_person_idx"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class ActivityKind(models.TextChoices):
    STAY_AND_PLAY = "stay_and_play", "Stay and play"
    BABY_MASSAGE = "baby_massage", "Baby massage"
    ANTENATAL = "antenatal", "Antenatal class"
    PARENTING_PROGRAMME = "parenting_programme", "Parenting programme"
    HV_DROP_IN = "hv_drop_in", "Drop-in with a health visitor"
    OTHER = "other", "Other activity"


class Activity(models.Model):
    hub = models.ForeignKey("directory.Agency", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=160)
    kind = models.CharField(max_length=30, choices=ActivityKind.choices)
    weeks = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How many weeks a programme runs"
    )
    venue = models.CharField(max_length=160, blank=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.kind == ActivityKind.PARENTING_PROGRAMME and not self.weeks:
            raise ValidationError({"weeks": "Enter how many weeks the programme runs"})


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class Session(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    week_number = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["activity", "starts_at"], name="session_activity_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity} on {self.starts_at:%Y-%m-%d %H:%M}"


class Enrolment(models.Model):
    """Someone expected at an activity's sessions (e.g. booked on a parenting programme)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="enrolments")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    enrolled_at = models.DateTimeField(default=timezone.now)
    enrolled_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "person"],
                condition=Q(ended_at__isnull=True),
                name="one_open_enrolment",
            )
        ]

    def __str__(self) -> str:
        return f"Enrolled on {self.activity}"


class Register(models.Model):
    """One register taken for a session. `uuid` is generated by the client (the tablet or the
    form), so a register uploaded twice is recognised and not counted twice."""

    uuid = models.UUIDField(unique=True, default=uuid.uuid4)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="registers")
    taken_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    offline = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Register {self.uuid}"


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    walk_in = models.BooleanField(default=False)
    register = models.ForeignKey(Register, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="one_attendance_per_session")
        ]
        indexes = [models.Index(fields=["person", "session"], name="attendance_person_idx")]

    def __str__(self) -> str:
        return f"Attended {self.session}"


class EngagementEventKind(models.TextChoices):
    STOPPED_ATTENDING = "stopped_attending", "Stopped attending"
    COMPLETED = "completed", "Completed the programme"


class EngagementEvent(models.Model):
    """A significant change in a family's engagement (for the chronology)."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=EngagementEventKind.choices)
    occurred_on = models.DateField()
    details = models.CharField(max_length=300)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "activity", "kind"], name="one_engagement_event_per_kind"
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


# --- Outreach ----------------------------------------------------------------------------------


class OutreachReason(models.TextChoices):
    PREGNANCY = "pregnancy", "Pregnancy"
    BIRTH = "birth", "New birth"


class OutreachStatus(models.TextChoices):
    NOT_CONTACTED = "not_contacted", "Not contacted yet"
    TRYING = "trying", "Trying to contact"
    REGISTERED = "registered", "Registered with the hub"
    DECLINED = "declined", "Declined"


class OutreachEntry(models.Model):
    hub = models.ForeignKey("directory.Agency", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("people.Household", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=10, choices=OutreachReason.choices)
    notified_by = models.ForeignKey(
        "directory.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=OutreachStatus.choices, default=OutreachStatus.NOT_CONTACTED
    )
    priority = models.BooleanField(default=False)
    priority_reasons = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-priority", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["hub", "person"], name="one_outreach_per_person")
        ]

    def __str__(self) -> str:
        return f"Outreach ({self.get_reason_display()})"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone call"
    HOME_VISIT = "home_visit", "Home visit"
    TEXT = "text", "Text message"
    LETTER = "letter", "Letter"


class ContactResult(models.TextChoices):
    NO_ANSWER = "no_answer", "No answer"
    LEFT_MESSAGE = "left_message", "Left a message"
    SPOKE = "spoke", "Spoke to the family"
    REGISTERED = "registered", "Family registered"
    DECLINED = "declined", "Family declined"
    WRONG_DETAILS = "wrong_details", "Wrong contact details"


class ContactAttempt(models.Model):
    entry = models.ForeignKey(OutreachEntry, on_delete=models.CASCADE, related_name="attempts")
    attempted_at = models.DateTimeField()
    attempted_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=20, choices=ContactMethod.choices)
    result = models.CharField(max_length=20, choices=ContactResult.choices)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-attempted_at"]

    def __str__(self) -> str:
        return f"{self.get_method_display()}: {self.get_result_display()}"


# --- Volunteers --------------------------------------------------------------------------------

WEEKDAYS = [
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
]


class VolunteerProfile(models.Model):
    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="volunteer_profile")
    skills = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    availability = models.JSONField(default=list, blank=True, help_text="Weekday codes")
    postcode_sector = models.CharField(max_length=6, blank=True)
    dbs_checked_on = models.DateField("DBS check date", null=True, blank=True)
    training_completed_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Volunteer profile {self.user_id}"


class MatchStage(models.TextChoices):
    ENGAGEMENT = "engagement", "Engagement"
    MATCHING = "matching", "Matching"
    SUPPORT = "support", "Support"
    ENDING = "ending", "Ending"
    ENDED = "ended", "Ended"


class VolunteerMatch(models.Model):
    """A family in a volunteer scheme: engagement → matching → support → ending."""

    scheme = models.ForeignKey("directory.Agency", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("people.Household", on_delete=models.CASCADE, related_name="+")
    volunteer = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="volunteer_matches"
    )
    coordinator = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(
        max_length=12, choices=MatchStage.choices, default=MatchStage.ENGAGEMENT
    )
    needs = models.CharField(max_length=300, blank=True)
    preferred_days = models.JSONField(default=list, blank=True)
    involvement = models.ForeignKey(
        "governance.Involvement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Volunteer scheme family ({self.get_stage_display()})"


class MatchTransition(models.Model):
    match = models.ForeignKey(VolunteerMatch, on_delete=models.CASCADE, related_name="transitions")
    from_stage = models.CharField(max_length=12, choices=MatchStage.choices)
    to_stage = models.CharField(max_length=12, choices=MatchStage.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.from_stage} → {self.to_stage}"


class VisitDiary(models.Model):
    match = models.ForeignKey(VolunteerMatch, on_delete=models.CASCADE, related_name="diaries")
    visited_on = models.DateField()
    notes = models.TextField()
    written_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-visited_on"]
        verbose_name_plural = "visit diaries"

    def __str__(self) -> str:
        return f"Visit on {self.visited_on}"
