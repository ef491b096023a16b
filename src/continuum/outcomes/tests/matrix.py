"""Outcome rows for the project's permission matrix (governance/tests/test_permission_matrix.py)."""

from __future__ import annotations

from django.urls import reverse

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
# The cohort report is counts only: every member of staff, for their own agency (analysts, the
# front door and the DPO for the whole area); never volunteers.
REPORT = dict.fromkeys(SEES, 200) | {"volunteer": 404, "unmatched_volunteer": 404}
# Instrument configuration: analysts (and administrators, not a matrix persona) only.
CONFIGURE = dict.fromkeys(SEES, 404) | {"analyst": 200}


def _default_instrument_pk() -> int:
    from continuum.outcomes.defaults import DEFAULT_CODE
    from continuum.outcomes.models import Instrument

    return Instrument.objects.get(code=DEFAULT_CODE).pk


UI = {
    "outcomes:cohort": ("get", lambda f: reverse("outcomes:cohort"), None, REPORT),
    "outcomes:instruments": ("get", lambda f: reverse("outcomes:instruments"), None, CONFIGURE),
    "outcomes:instrument_add": (
        "get",
        lambda f: reverse("outcomes:instrument_add"),
        None,
        CONFIGURE,
    ),
    "outcomes:instrument_edit": (
        "get",
        lambda f: reverse("outcomes:instrument_edit", args=[_default_instrument_pk()]),
        None,
        CONFIGURE,
    ),
    "outcomes:journey": (
        "get",
        lambda f: reverse("outcomes:journey", args=[f.household.pk]),
        None,
        SEES,
    ),
    "outcomes:reading_add": (
        "get",
        lambda f: reverse("outcomes:reading_add", args=[f.household.pk]),
        None,
        CHANGES,
    ),
}
API: dict = {}
