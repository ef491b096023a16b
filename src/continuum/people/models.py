"""The shared person and family record: people, names, identifiers, addresses, households."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from continuum.core.identifiers import IdentifierError, clean_nhs_number, clean_upn
from continuum.people.codes import Disability, Ethnicity, RelationshipKind, Sex

# The earliest date of birth or death the record accepts: nobody alive or recently dead was born
# before it, so an earlier date is a typing mistake (1800 for 2000, a year of 0021).
EARLIEST_DATE = dt.date(1900, 1, 1)
# An expected date of delivery is at most about ten months (44 weeks) away.
LONGEST_PREGNANCY = dt.timedelta(weeks=44)


class PersonKind(models.TextChoices):
    CHILD = "child", "Child"
    ADULT = "adult", "Adult"
    UNBORN = "unborn", "Unborn child"


class Person(models.Model):
    """One real person, however many agency records describe them."""

    kind = models.CharField(max_length=10, choices=PersonKind.choices)
    given_name = models.CharField("Given name", max_length=100, blank=True)
    middle_names = models.CharField("Middle names", max_length=150, blank=True)
    family_name = models.CharField("Family name", max_length=100)
    known_as = models.CharField("Known as", max_length=100, blank=True)
    date_of_birth = models.DateField("Date of birth", null=True, blank=True)
    expected_date_of_delivery = models.DateField("Expected date of delivery", null=True, blank=True)
    date_of_death = models.DateField("Date of death", null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    gender_identity = models.CharField("Gender identity", max_length=60, blank=True)
    ethnicity = models.CharField(
        max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT, blank=True
    )
    first_language = models.CharField("First language", max_length=60, blank=True)
    interpreter_needed = models.BooleanField("Interpreter needed", default=False)
    disabilities = models.JSONField(default=list, blank=True)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True, db_index=True)
    upn = models.CharField("Unique pupil number", max_length=13, blank=True, db_index=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
        help_text="Set when this record was found to be the same person as another.",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [models.Index(fields=["date_of_birth"], name="person_dob_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="unborn") | Q(expected_date_of_delivery__isnull=False),
                name="unborn_has_edd",
            ),
            models.CheckConstraint(
                condition=Q(kind="unborn") | Q(date_of_birth__isnull=False),
                name="born_has_dob",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        given = self.known_as or self.given_name
        if self.kind == PersonKind.UNBORN and not given:
            return f"Unborn baby {self.family_name}"
        return f"{given} {self.family_name}".strip()

    @property
    def legal_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.middle_names, self.family_name) if p)

    def age_on(self, day: dt.date) -> int | None:
        if not self.date_of_birth:
            return None
        years = day.year - self.date_of_birth.year
        if (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day):
            years -= 1
        return years

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())

    def clean(self):
        errors: dict[str, str] = {}
        today = timezone.localdate()
        if self.kind == PersonKind.UNBORN:
            if not self.expected_date_of_delivery:
                errors["expected_date_of_delivery"] = "Enter the expected date of delivery"
            elif self.expected_date_of_delivery > today + LONGEST_PREGNANCY:
                errors["expected_date_of_delivery"] = (
                    "Expected date of delivery must be within the next 10 months"
                )
            elif self.expected_date_of_delivery < today and not self.pk:
                errors["expected_date_of_delivery"] = (
                    "Expected date of delivery must be today or in the future. "
                    "If the baby has been born, record them as a child with a date of birth"
                )
            if self.date_of_birth:
                errors["date_of_birth"] = "An unborn child cannot have a date of birth"
            if self.sex != Sex.UNKNOWN:
                errors["sex"] = "Sex must be Unknown for an unborn child (CIN rule 8750)"
        else:
            if not self.date_of_birth:
                errors["date_of_birth"] = "Enter the date of birth"
            elif self.date_of_birth < EARLIEST_DATE:
                errors["date_of_birth"] = "Date of birth must be after 1 January 1900"
            elif self.date_of_birth > today:
                errors["date_of_birth"] = (
                    "Date of birth must be today or in the past. "
                    "For a baby not yet born, choose 'Unborn child' and give the expected date"
                )
        if self.expected_date_of_delivery and self.expected_date_of_delivery < EARLIEST_DATE:
            # kept after a birth, so allowed on a born person, but never a date before 1900
            errors["expected_date_of_delivery"] = (
                "Expected date of delivery must be after 1 January 1900"
            )
        if self.date_of_death:
            if self.date_of_death < EARLIEST_DATE:
                errors["date_of_death"] = "Date of death must be after 1 January 1900"
            elif self.date_of_death > today:
                errors["date_of_death"] = "Date of death must be today or in the past"
            elif self.date_of_birth and self.date_of_death < self.date_of_birth:
                errors["date_of_death"] = "Date of death must be on or after the date of birth"
        if self.nhs_number:
            try:
                self.nhs_number = clean_nhs_number(self.nhs_number)
            except IdentifierError as exc:
                errors["nhs_number"] = str(exc)
        if self.upn:
            try:
                self.upn = clean_upn(self.upn)
            except IdentifierError as exc:
                errors["upn"] = str(exc)
        codes = list(self.disabilities or [])
        if any(code not in Disability.values for code in codes):
            errors["disabilities"] = "Choose disabilities from the list"
        elif Disability.NONE in codes and len(codes) > 1:
            errors["disabilities"] = "'None' cannot be combined with other disabilities"
        elif len(set(codes)) != len(codes):
            errors["disabilities"] = "Each disability can be chosen only once"
        if errors:
            raise ValidationError(errors)


class NameKind(models.TextChoices):
    LEGAL = "legal", "Legal name"
    KNOWN_AS = "known_as", "Known as"
    PREVIOUS = "previous", "Previous name"
    ALIAS = "alias", "Alias"


class PersonName(models.Model):
    """Every name a person is or was known by, with phonetic keys for misspelt search."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    kind = models.CharField(max_length=10, choices=NameKind.choices)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    used_until = models.DateField(null=True, blank=True)
    given_norm = models.CharField(max_length=100, blank=True, db_index=True)
    family_norm = models.CharField(max_length=100, blank=True)
    given_key = models.CharField(max_length=20, blank=True)
    family_key = models.CharField(max_length=20, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["family_norm", "given_norm"], name="name_norm_idx"),
            models.Index(fields=["family_key", "given_key"], name="name_key_idx"),
            models.Index(fields=["given_key"], name="name_given_key_idx"),
            # and, on PostgreSQL only, a pg_trgm GIN index on family_norm (migration 0003)
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name} ({self.get_kind_display()})"


class NameToken(models.Model):
    """Every distinct normalised given or family name on record: the vocabulary that person search
    matches a typed (perhaps misspelt) name against, before it reads a single person.

    Filled by database triggers on `PersonName` (migration 0004), so every way a name is written —
    services, the demo seed, imports, COPY in the benchmark — adds its words. Words are never
    removed: a word nobody has any more simply finds no one.
    """

    token = models.CharField(max_length=100, primary_key=True)
    initial = models.CharField(max_length=1)
    length = models.PositiveSmallIntegerField()

    class Meta:
        indexes = [models.Index(fields=["initial", "length"], name="nametoken_initial_idx")]

    def __str__(self) -> str:
        return self.token


class AgencyIdentifier(models.Model):
    """An agency's own reference for a person (e.g. a police nominal id or a GP system id)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    agency = models.ForeignKey("directory.Agency", on_delete=models.PROTECT, related_name="+")
    value = models.CharField(max_length=60)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "value"], name="unique_agency_identifier")
        ]

    def __str__(self) -> str:
        return f"{self.agency} reference {self.value}"


class Address(models.Model):
    line1 = models.CharField("Address line 1", max_length=160)
    line2 = models.CharField("Address line 2", max_length=160, blank=True)
    town = models.CharField("Town or city", max_length=80, blank=True)
    postcode = models.CharField(max_length=8, db_index=True)
    postcode_sector = models.CharField(max_length=6, db_index=True)
    catchment = models.ForeignKey(
        "directory.CatchmentArea", null=True, blank=True, on_delete=models.SET_NULL
    )
    uprn = models.CharField("UPRN", max_length=12, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)

    def __str__(self) -> str:
        return ", ".join(p for p in (self.line1, self.line2, self.town, self.postcode) if p)


class PersonAddress(models.Model):
    """Where a person lived and when. The open row (no end date) is the current address."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="residents")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(end_date__isnull=True), name="one_current_address"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="address_dates_in_order",
            ),
        ]
        indexes = [models.Index(fields=["address", "end_date"], name="personaddress_addr_idx")]

    def __str__(self) -> str:
        return f"{self.address} from {self.start_date}"


class Household(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    address = models.ForeignKey(
        Address, null=True, blank=True, on_delete=models.PROTECT, related_name="households"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Household {self.reference}"


class HouseholdMembership(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "person"],
                condition=Q(end_date__isnull=True),
                name="one_open_membership_per_household",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_dates_in_order",
            ),
        ]
        indexes = [models.Index(fields=["person", "end_date"], name="membership_person_idx")]

    def __str__(self) -> str:
        return f"Member of {self.household} from {self.start_date}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None


class Relationship(models.Model):
    """`from_person` is <kind> of `to_person`, e.g. Dean is the PARTNER_OF_PARENT of Kai."""

    from_person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="relationships_from"
    )
    to_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_to")
    kind = models.CharField(max_length=30, choices=RelationshipKind.choices)
    lives_with = models.BooleanField(default=False)
    parental_responsibility = models.BooleanField(default=False)
    notes = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_agency = models.ForeignKey(
        "directory.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_person=models.F("to_person")), name="relationship_not_to_self"
            ),
            models.UniqueConstraint(
                fields=["from_person", "to_person", "kind"],
                condition=Q(ended_at__isnull=True),
                name="unique_open_relationship",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} relationship"

    def clean(self):
        if self.from_person_id and self.from_person_id == self.to_person_id:
            raise ValidationError(
                {"to_person": "A person cannot have a relationship with themselves"}
            )
