"""Referral rows for the project's permission matrix (governance/tests/test_permission_matrix.py).

Built from the matrix's Smith family: the hub practitioner (`involved_practitioner`) has sent a
referral about twin Jayden to the front door (with an information request to the police), keeps
a draft about twin Jordan, and has referred Jordan to the hub's own early help panel."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from continuum.directory.models import Agency, Role, User
from continuum.directory.tests.factories import UserFactory
from continuum.referrals import services
from continuum.referrals.models import Destination, Notification, Rag, Referral, Status
from continuum.referrals.tests.conftest import COMPLETE

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
EVERYONE = dict.fromkeys(PERSONAS, 200)
NOBODY = dict.fromkeys(PERSONAS, 404)
REFERRER = NOBODY | {"involved_practitioner": 200}
FRONT_DOOR = NOBODY | {"front_door_worker": 200}
POLICE = NOBODY | {"read_only_partner": 200}
RECEIVING_STAFF = NOBODY | dict.fromkeys(
    ["involved_practitioner", "read_only_partner", "uninvolved_worker", "front_door_worker"], 200
)
REGISTER = NOBODY | {"front_door_worker": 200, "dpo": 200, "analyst": 200}
# Make a referral about a child: anyone who can see the child; DPO/volunteer see but cannot refer.
REFERS = {
    "involved_practitioner": 200,
    "read_only_partner": 200,
    "uninvolved_worker": 404,
    "front_door_worker": 200,
    "dpo": 403,
    "analyst": 404,
    "volunteer": 403,
    "unmatched_volunteer": 404,
}


def _hub_worker():
    return User.objects.get(username="hub.practitioner")


def sent(f) -> Referral:
    """Jayden's referral to the front door, submitted, with a request to the police (once)."""
    existing = Referral.objects.filter(child=f.twin1, destination=Destination.FRONT_DOOR).first()
    if existing:
        return existing
    referral = services.referral_create(actor=_hub_worker(), child=f.twin1, data=dict(COMPLETE))
    return services.referral_submit(actor=_hub_worker(), referral=referral)


def draft(f) -> Referral:
    existing = Referral.objects.filter(child=f.twin2, status=Status.DRAFT).first()
    return existing or services.referral_create(actor=_hub_worker(), child=f.twin2, data={})


def panel(f) -> Referral:
    """Jordan referred to the hub's own early help panel, acknowledged by the hub."""
    existing = Referral.objects.filter(destination=Destination.EARLY_HELP_PANEL).first()
    if existing:
        return existing
    hub = _hub_worker()
    data = {
        **COMPLETE,
        "destination": Destination.EARLY_HELP_PANEL,
        "destination_agency": hub.agency,
    }
    referral = services.referral_create(actor=hub, child=f.twin2, data=data)
    services.referral_submit(actor=hub, referral=referral)
    return services.referral_receive(
        actor=hub, referral=referral, rag=Rag.GREEN, confirm_low_rating=True
    )


def info_request(f):
    referral = sent(f)
    existing = referral.information_requests.first()
    if existing:
        return existing
    # the front door persona, or (in tests without the personas) a stand-in front door worker
    front_door = UserFactory(
        username="front.door", agency=Agency.objects.get(code="front-door"), role=Role.FRONT_DOOR
    )
    if referral.status == Status.SUBMITTED:
        referral = services.referral_receive(actor=front_door, referral=referral, rag=Rag.AMBER)
    return services.referral_request_information(
        actor=front_door,
        referral=referral,
        to_agency=Agency.objects.get(code="police"),
        question="Known to you?",
        due_at=timezone.now() + dt.timedelta(days=1),
    )


def front_door_notification(f) -> Notification:
    return Notification.objects.filter(referral=sent(f), agency__isnull=False).first()


UI = {
    "referrals:mine": ("get", lambda f: reverse("referrals:mine"), None, EVERYONE),
    "referrals:new": ("get", lambda f: reverse("referrals:new", args=[f.twin1.pk]), None, REFERS),
    "referrals:detail": (
        "get",
        lambda f: reverse("referrals:detail", args=[sent(f).pk]),
        None,
        REFERRER,
    ),
    "referrals:edit": (
        "get",
        lambda f: reverse("referrals:edit", args=[draft(f).pk]),
        None,
        REFERRER,
    ),
    # POST with an empty form: the referrer gets the form back (400), everyone else 404
    "referrals:withdraw": (
        "post",
        lambda f: reverse("referrals:withdraw", args=[sent(f).pk]),
        None,
        NOBODY | {"involved_practitioner": 400},
    ),
    "referrals:queue": ("get", lambda f: reverse("referrals:queue"), None, RECEIVING_STAFF),
    "referrals:contact": (
        "get",
        lambda f: reverse("referrals:contact", args=[sent(f).pk]),
        None,
        FRONT_DOOR,
    ),
    "referrals:receive": (
        "post",
        lambda f: reverse("referrals:receive", args=[sent(f).pk]),
        None,
        NOBODY | {"front_door_worker": 400},
    ),
    "referrals:note": (
        "post",
        lambda f: reverse("referrals:note", args=[sent(f).pk]),
        None,
        NOBODY | {"front_door_worker": 400},
    ),
    "referrals:request_information": (
        "get",
        lambda f: reverse("referrals:request_information", args=[sent(f).pk]),
        None,
        FRONT_DOOR,
    ),
    "referrals:decide": (
        "get",
        lambda f: reverse("referrals:decide", args=[sent(f).pk]),
        None,
        FRONT_DOOR,
    ),
    # closing a contact that is not decided is refused with a message and a redirect
    "referrals:close": (
        "post",
        lambda f: reverse("referrals:close", args=[sent(f).pk]),
        None,
        NOBODY | {"front_door_worker": 302},
    ),
    # the hub's panel referral: hub staff step up; the front door cannot (not their referral)
    "referrals:step_up": (
        "get",
        lambda f: reverse("referrals:step_up", args=[panel(f).pk]),
        None,
        NOBODY | {"involved_practitioner": 200},
    ),
    "referrals:requests": ("get", lambda f: reverse("referrals:requests"), None, EVERYONE),
    "referrals:request": (
        "get",
        lambda f: reverse("referrals:request", args=[info_request(f).pk]),
        None,
        POLICE,
    ),
    "referrals:request_acknowledge": (
        "post",
        lambda f: reverse("referrals:request_acknowledge", args=[info_request(f).pk]),
        None,
        NOBODY | {"read_only_partner": 302},
    ),
    "referrals:awaiting": ("get", lambda f: reverse("referrals:awaiting"), None, EVERYONE),
    "referrals:inbox": ("get", lambda f: reverse("referrals:inbox"), None, EVERYONE),
    "referrals:inbox_read": (
        "post",
        lambda f: reverse("referrals:inbox_read", args=[front_door_notification(f).pk]),
        None,
        NOBODY | {"front_door_worker": 302},
    ),
    # only an administrator or team manager (none of the personas): see tests/test_inbox.py
    "referrals:receiving_team": (
        "get",
        lambda f: reverse("referrals:receiving_team"),
        None,
        NOBODY,
    ),
    "referrals:thresholds": ("get", lambda f: reverse("referrals:thresholds"), None, EVERYONE),
    "referrals:register": ("get", lambda f: reverse("referrals:register"), None, REGISTER),
    "referrals:register_csv": ("get", lambda f: reverse("referrals:register_csv"), None, REGISTER),
}

API = {
    "api:read_referral": (
        "get",
        lambda f: reverse("api:read_referral", args=[sent(f).pk]),
        None,
        REFERRER,
    ),
}

# Needs an Idempotency-Key header, which the matrix does not send: its permissions (404 for a
# child you cannot see, 201/200 for the referrer) are tested in referrals/tests/test_api.py.
EXEMPT = {"api:submit_referral"}
