"""The local service directory (the "one-stop shop"), shaped after Open Referral UK (HSDS 3.0 UK
profile): an organisation runs services; a service has who it is for, where, when, how to access
it, eligibility and contact details, and the needs it meets."""

from __future__ import annotations

import uuid as uuid_lib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Need(models.TextChoices):
    """The needs a service meets: the search facet (exported as an ORUK taxonomy)."""

    PARENTING = "parenting", "Parenting support"
    EARLY_YEARS = "early-years", "Early years and childcare"
    PREGNANCY = "pregnancy", "Pregnancy and new babies"
    MENTAL_HEALTH = "mental-health", "Mental health and wellbeing"
    PHYSICAL_HEALTH = "physical-health", "Physical health"
    DOMESTIC_ABUSE = "domestic-abuse", "Domestic abuse"
    SUBSTANCE_USE = "substance-use", "Drugs and alcohol"
    HOUSING = "housing", "Housing"
    MONEY = "money", "Money, debt and benefits"
    EMPLOYMENT = "employment", "Work and training"
    EDUCATION = "education", "School and education"
    SEND = "send", "Special educational needs and disability"
    RELATIONSHIPS = "relationships", "Family relationships"
    YOUTH = "youth", "Young people"
    FOOD = "food", "Food"


class AccessMethod(models.TextChoices):
    DROP_IN = "drop_in", "Drop in"
    SELF_REFERRAL = "self_referral", "Self-referral"
    PROFESSIONAL_REFERRAL = "professional_referral", "Professional referral"


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    DEFUNCT = "defunct", "Defunct"
    TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"


DAYS = [
    ("MO", "Monday"),
    ("TU", "Tuesday"),
    ("WE", "Wednesday"),
    ("TH", "Thursday"),
    ("FR", "Friday"),
    ("SA", "Saturday"),
    ("SU", "Sunday"),
]


class Organisation(models.Model):
    uuid = models.UUIDField(unique=True, default=uuid_lib.uuid4)
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    url = models.URLField(blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    uuid = models.UUIDField(unique=True, default=uuid_lib.uuid4)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    url = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    contact_name = models.CharField(max_length=120, blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    eligibility = models.TextField("Who it is for", blank=True)
    access_methods = models.JSONField(default=list, blank=True)
    fees = models.CharField(max_length=200, blank=True, help_text="Blank when free")
    languages = models.JSONField(default=list, blank=True)
    location_name = models.CharField(max_length=160, blank=True)
    address_1 = models.CharField(max_length=160, blank=True)
    town = models.CharField(max_length=80, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    postcode_sector = models.CharField(max_length=6, blank=True, db_index=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    location_uuid = models.UUIDField(default=uuid_lib.uuid4)
    schedule_days = models.JSONField(default=list, blank=True)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    schedule_description = models.CharField("When", max_length=300, blank=True)
    assured_date = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(maximum_age__isnull=True)
                | Q(minimum_age__isnull=True)
                | Q(maximum_age__gte=models.F("minimum_age")),
                name="service_age_range_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        if any(m not in AccessMethod.values for m in self.access_methods or []):
            errors["access_methods"] = "Choose how families can access the service from the list"
        if any(d not in dict(DAYS) for d in self.schedule_days or []):
            errors["schedule_days"] = "Choose days of the week from the list"
        if (
            self.minimum_age is not None
            and self.maximum_age is not None
            and self.maximum_age < self.minimum_age
        ):
            errors["maximum_age"] = "The maximum age must be at least the minimum age"
        if errors:
            raise ValidationError(errors)

    def get_access_methods_display(self) -> list[str]:
        return [AccessMethod(m).label for m in self.access_methods or []]

    def get_days_display(self) -> list[str]:
        return [dict(DAYS)[d] for d in self.schedule_days or []]


class ServiceNeed(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="needs")
    code = models.CharField(max_length=30, choices=Need.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="unique_service_need")
        ]
        indexes = [models.Index(fields=["code"], name="serviceneed_code_idx")]

    def __str__(self) -> str:
        return self.get_code_display()


class Signpost(models.Model):
    """A practitioner signposted a family to a directory service."""

    household = models.ForeignKey("people.Household", on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="signposts")
    agency = models.ForeignKey(
        "directory.Agency", null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    notes = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"Signposted to {self.service_id}"
