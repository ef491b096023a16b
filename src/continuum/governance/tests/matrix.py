"""Governance rows for the project's permission matrix (governance/tests/test_permission_matrix.py):
emergency (break-glass) access and restricted records, about the Smith family."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from continuum.directory.models import Role, User
from continuum.directory.tests.factories import UserFactory
from continuum.governance.models import BreakGlassAccess, Restriction, RestrictionScope

PERSONAS = [
    "involved_practitioner",
    "read_only_partner",
    "uninvolved_worker",
    "front_door_worker",
    "dpo",
    "analyst",
    "volunteer",
    "unmatched_volunteer",
]
NOBODY = dict.fromkeys(PERSONAS, 404)
DPO_ONLY = NOBODY | {"dpo": 200}
# Staff who work with families may ask for emergency access; the front door already sees every
# unrestricted record; volunteers, analysts and the DPO may not.
BREAK_GLASS = NOBODY | dict.fromkeys(
    ["involved_practitioner", "read_only_partner", "uninvolved_worker"], 200
)


def _user(username: str, role: str) -> User:
    """The persona (or, for the sign-in tests, which make no personas, a stand-in)."""
    return User.objects.filter(username=username).first() or UserFactory(
        username=username, role=role
    )


def uninvolved_access(f) -> BreakGlassAccess:
    """The uninvolved worker's emergency access to Kerry Smith (once)."""
    worker = _user("south.worker", Role.PRACTITIONER)
    existing = BreakGlassAccess.objects.filter(user=worker, person=f.mother).first()
    if existing:
        return existing
    now = timezone.now()
    return BreakGlassAccess.objects.create(
        user=worker,
        person=f.mother,
        reason="Kerry brought to the out-of-hours clinic with the twins",
        started_at=now,
        expires_at=now + dt.timedelta(hours=4),
    )


def address_restriction(f) -> Restriction:
    """Ryan Cole's address, restricted to the DPO (once)."""
    existing = Restriction.objects.filter(person=f.father, lifted_at__isnull=True).first()
    if existing:
        return existing
    dpo = _user("dpo", Role.DPO)
    restriction = Restriction.objects.create(
        person=f.father, scope=RestrictionScope.ADDRESS, reason="Refuge", created_by=dpo
    )
    restriction.allowed_users.set([dpo])
    return restriction


UI = {
    "governance:break_glass": (
        "get",
        lambda f: reverse("governance:break_glass"),
        None,
        BREAK_GLASS,
    ),
    # only the worker who opened it may end it (the form redirects back to the page)
    "governance:break_glass_end": (
        "post",
        lambda f: reverse("governance:break_glass_end", args=[uninvolved_access(f).pk]),
        None,
        NOBODY | {"uninvolved_worker": 302},
    ),
    "governance:break_glass_reviews": (
        "get",
        lambda f: reverse("governance:break_glass_reviews"),
        None,
        DPO_ONLY,
    ),
    "governance:break_glass_review": (
        "get",
        lambda f: reverse("governance:break_glass_review", args=[uninvolved_access(f).pk]),
        None,
        DPO_ONLY,
    ),
    # the DPO and front door managers (no persona here is a front door manager: see test_access)
    "governance:restrictions": (
        "get",
        lambda f: reverse("governance:restrictions"),
        None,
        DPO_ONLY,
    ),
    "governance:restriction_add": (
        "get",
        lambda f: reverse("governance:restriction_add", args=[f.mother.pk]),
        None,
        DPO_ONLY,
    ),
    "governance:restriction_lift": (
        "get",
        lambda f: reverse("governance:restriction_lift", args=[address_restriction(f).pk]),
        None,
        DPO_ONLY,
    ),
}
