"""Agencies, sites, teams, staff and catchment areas of a local area."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models


class AgencyKind(models.TextChoices):
    FAMILY_HUB = "family_hub", "Family hub / children's centre"
    FRONT_DOOR = "front_door", "Children's social care front door"
    SOCIAL_WORK = "social_work", "Social work team"
    HEALTH_VISITING = "health_visiting", "Health visiting"
    MIDWIFERY = "midwifery", "Midwifery"
    GP = "gp", "GP practice"
    SCHOOL = "school", "School"
    POLICE = "police", "Police"
    HOUSING = "housing", "Housing"
    VOLUNTARY = "voluntary", "Voluntary organisation"
    ADULT_SERVICES = "adult_services", "Adult services"


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    DSL = "dsl", "Designated safeguarding lead"
    TEAM_MANAGER = "team_manager", "Team manager"
    FRONT_DOOR = "front_door", "Front door worker"
    VOLUNTEER = "volunteer", "Volunteer"
    ANALYST = "analyst", "Analyst"
    DATA_STEWARD = "data_steward", "Data steward"
    DPO = "dpo", "Data protection officer"
    ADMINISTRATOR = "administrator", "Administrator"


class CatchmentArea(models.Model):
    """The area a family hub serves: a set of postcode sectors, or a polygon of (lon, lat)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)
    postcode_sectors = models.JSONField(
        default=list, blank=True, help_text='Postcode sectors such as "NB1 4", in upper case.'
    )
    polygon = models.JSONField(
        default=list, blank=True, help_text="A closed ring of [longitude, latitude] points."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if not self.postcode_sectors and not self.polygon:
            raise ValidationError("A catchment needs postcode sectors or a polygon.")
        if self.polygon and len(self.polygon) < 3:
            raise ValidationError({"polygon": "A polygon needs at least three points."})

    def contains_point(self, lon: float, lat: float) -> bool:
        """Ray casting: is the point inside this catchment's polygon?"""
        ring = self.polygon
        inside = False
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > lat) != (y2 > lat):
                x_cross = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
                if lon < x_cross:
                    inside = not inside
        return inside


class Agency(models.Model):
    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=160, unique=True)
    kind = models.CharField(max_length=30, choices=AgencyKind.choices)
    catchment = models.ForeignKey(
        CatchmentArea, null=True, blank=True, on_delete=models.PROTECT, related_name="agencies"
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(max_length=160)
    address_line1 = models.CharField(max_length=160, blank=True)
    postcode = models.CharField(max_length=8, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="unique_site_name")]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="teams")
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.SET_NULL)
    name = models.CharField(max_length=160)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="unique_team_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.name})"


class User(AbstractUser):
    """A member of staff (or volunteer) in one agency, with one role."""

    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PRACTITIONER)
    job_title = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = "member of staff"
        verbose_name_plural = "staff"

    def clean(self):
        super().clean()
        if self.team_id and self.agency_id and self.team.agency_id != self.agency_id:
            raise ValidationError({"team": "The team must belong to the member of staff's agency."})


class ApiToken(models.Model):
    """A bearer token for an agency system. Only a hash of the token is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=120)
    prefix = models.CharField(max_length=8, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return "ctm_" + secrets.token_urlsafe(32)
