"""Service directory rows for the project's permission matrix
(governance/tests/test_permission_matrix.py). The directory holds no personal data: every
signed-in persona may search it; signposting a family needs the right to change their record;
only administrators and team managers import (none among the personas, so 403)."""

from __future__ import annotations

from django.urls import reverse

from continuum.servicedirectory import services
from continuum.servicedirectory.models import Service

SEES = {
    "involved_practitioner": 200,
    "read_only_partner": 200,
    "uninvolved_worker": 404,
    "front_door_worker": 200,
    "dpo": 200,
    "analyst": 404,
    "volunteer": 200,
    "unmatched_volunteer": 404,
}
CHANGES = {**SEES, "read_only_partner": 403, "dpo": 403, "volunteer": 403}
EVERYONE = dict.fromkeys(SEES, 200)
NOBODY_CHANGES = dict.fromkeys(SEES, 403)


# Public by design (families search the directory too; it holds no personal data): tested in
# servicedirectory/tests/test_directory.py.
EXEMPT = {"servicedirectory:public_search", "servicedirectory:public_detail"}


def service(f) -> Service:
    existing = Service.objects.first()
    if existing:
        return existing
    return services.service_save(
        actor=None,
        organisation_name="Northbrook Family Hubs",
        values={"name": "Stay and play", "postcode": "NB1 4QT"},
        needs=["early-years"],
    )


UI = {
    "servicedirectory:search": (
        "get",
        lambda f: reverse("servicedirectory:search") + "?need=parenting",
        None,
        EVERYONE,
    ),
    "servicedirectory:detail": (
        "get",
        lambda f: reverse("servicedirectory:detail", args=[service(f).pk]),
        None,
        EVERYONE,
    ),
    "servicedirectory:signpost": (
        "get",
        lambda f: reverse("servicedirectory:signpost", args=[f.household.pk]),
        None,
        CHANGES,
    ),
    "servicedirectory:export": (
        "get",
        lambda f: reverse("servicedirectory:export"),
        None,
        EVERYONE,
    ),
    "servicedirectory:import": (
        "get",
        lambda f: reverse("servicedirectory:import"),
        None,
        NOBODY_CHANGES,
    ),
}
API: dict = {}
