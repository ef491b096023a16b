"""Family hub rows for the project's permission matrix (governance/tests/test_permission_matrix.py).

The hub practitioner (`involved_practitioner`) works at the Northbrook North hub, which runs a
parenting programme; `uninvolved_worker` works at another hub (no catchment). The Smiths' unborn
baby is on the north hub's outreach list, and the matched volunteer supports the Smiths through
Home-Start.
"""

from __future__ import annotations

import uuid

from django.urls import reverse
from django.utils import timezone

from continuum.directory.models import Agency, Role, User
from continuum.directory.tests.factories import UserFactory
from continuum.hubs import services
from continuum.hubs.models import OutreachEntry, RiskFlag, Session, VolunteerMatch

NONE = {
    "involved_practitioner": 404,
    "read_only_partner": 404,
    "uninvolved_worker": 404,
    "front_door_worker": 404,
    "dpo": 404,
    "analyst": 404,
    "volunteer": 404,
    "unmatched_volunteer": 404,
}
SEES = NONE | {
    "involved_practitioner": 200,
    "read_only_partner": 200,
    "front_door_worker": 200,
    "dpo": 200,
    "volunteer": 200,
}
# Pages of one's own hub: staff of any family hub.
HUB_STAFF = NONE | {"involved_practitioner": 200, "uninvolved_worker": 200}
# This hub's sessions and outreach: only its own staff.
THIS_HUB = NONE | {"involved_practitioner": 200}
# Reach is counts only: the hub's own staff, and analysts, the front door and the DPO.
REACH = THIS_HUB | {"front_door_worker": 200, "dpo": 200, "analyst": 200}
# Offering a volunteer: anyone who sees the family, but only scheme co-ordinators may (403).
OFFER = {p: 403 if s == 200 else s for p, s in SEES.items()} | {"involved_practitioner": 200}
VOLUNTEERING = NONE | {
    "involved_practitioner": 200,
    "uninvolved_worker": 200,
    "volunteer": 200,
    "unmatched_volunteer": 200,
}
MATCHED_ONLY = NONE | {"volunteer": 200}
# Risk factors: whoever sees the family except volunteers; recording them: staff who record (the
# police with read-only access included; the DPO sees but may not record); withdrawing one: only
# the agency that recorded it (here the police).
FLAGS = SEES | {"volunteer": 404}
FLAG_ADD = FLAGS | {"dpo": 403}
FLAG_WITHDRAW = FLAGS | {
    "read_only_partner": 200,
    "involved_practitioner": 403,
    "front_door_worker": 403,
    "dpo": 403,
}


def session(f) -> Session:
    existing = Session.objects.filter(activity__name="Matrix programme").first()
    if existing:
        return existing
    lead = User.objects.get(username="hub.practitioner")
    activity = services.activity_create(
        actor=lead,
        hub=lead.agency,
        name="Matrix programme",
        kind="parenting_programme",
        first_starts_at=timezone.now(),
        duration_minutes=90,
        weeks=2,
    )
    return activity.sessions.order_by("starts_at").first()


def outreach_entry(f) -> OutreachEntry:
    lead = User.objects.get(username="hub.practitioner")
    services.outreach_refresh(actor=lead, hub=lead.agency)
    return OutreachEntry.objects.get(person=f.unborn)


def match(f) -> VolunteerMatch:
    existing = VolunteerMatch.objects.filter(household=f.household).first()
    if existing:
        return existing
    scheme = Agency.objects.get(code="home-start")
    coordinator = UserFactory(username="hs.coordinator", agency=scheme, role=Role.TEAM_MANAGER)
    m = services.match_start(actor=coordinator, household=f.household)
    return services.match_assign_volunteer(
        actor=coordinator, match=m, volunteer=User.objects.get(username="volunteer")
    )


def police_flag(f) -> RiskFlag:
    existing = RiskFlag.objects.filter(person=f.partner, kind="domestic_abuse").first()
    if existing:
        return existing
    officer = User.objects.get(username="police.officer")
    return services.risk_flag_record(actor=officer, person=f.partner, kind="domestic_abuse")


def _session_url(name):
    return lambda f: reverse(name, args=[session(f).pk])


def _household_url(name):
    return lambda f: reverse(name, args=[f.household.pk])


UI = {
    "hubs:timetable": ("get", lambda f: reverse("hubs:timetable"), None, HUB_STAFF),
    "hubs:activity_add": ("get", lambda f: reverse("hubs:activity_add"), None, HUB_STAFF),
    "hubs:register": ("get", _session_url("hubs:register"), None, THIS_HUB),
    "hubs:walk_in": ("get", _session_url("hubs:walk_in"), None, THIS_HUB),
    "hubs:quick_add": ("get", _session_url("hubs:quick_add"), None, THIS_HUB),
    "hubs:cancel": ("get", _session_url("hubs:cancel"), None, THIS_HUB),
    "hubs:family_register": ("get", lambda f: reverse("hubs:family_register"), None, HUB_STAFF),
    "hubs:household_register": ("get", _household_url("hubs:household_register"), None, THIS_HUB),
    "hubs:engagement": ("get", _household_url("hubs:engagement"), None, SEES),
    "hubs:match_start": ("get", _household_url("hubs:match_start"), None, OFFER),
    "hubs:risk_flags": ("get", _household_url("hubs:risk_flags"), None, FLAGS),
    "hubs:risk_flag_add": ("get", _household_url("hubs:risk_flag_add"), None, FLAG_ADD),
    "hubs:risk_flag_withdraw": (
        "get",
        lambda f: reverse("hubs:risk_flag_withdraw", args=[police_flag(f).pk]),
        None,
        FLAG_WITHDRAW,
    ),
    "hubs:reach": ("get", lambda f: reverse("hubs:reach"), None, REACH),
    "hubs:outreach": ("get", lambda f: reverse("hubs:outreach"), None, HUB_STAFF),
    "hubs:outreach_entry": (
        "get",
        lambda f: reverse("hubs:outreach_entry", args=[outreach_entry(f).pk]),
        None,
        THIS_HUB,
    ),
    "hubs:volunteering": ("get", lambda f: reverse("hubs:volunteering"), None, VOLUNTEERING),
    # Only a co-ordinator of the volunteer's own scheme (none among the personas).
    "hubs:volunteer_profile": (
        "get",
        lambda f: reverse(
            "hubs:volunteer_profile", args=[User.objects.get(username="volunteer").pk]
        ),
        None,
        NONE,
    ),
    "hubs:match": (
        "get",
        lambda f: reverse("hubs:match", args=[match(f).pk]),
        None,
        MATCHED_ONLY,
    ),
}

REGISTER_UUID = str(uuid.UUID(int=6))
API = {
    "api:upload_register": (
        "post",
        _session_url("api:upload_register"),
        {"register_uuid": REGISTER_UUID, "attended": []},
        NONE | {"involved_practitioner": 201},
    ),
}
