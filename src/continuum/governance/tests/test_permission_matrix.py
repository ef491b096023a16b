"""The permission matrix: every route x every persona → the status they must get.

A record the user may not see answers 404, exactly like one that does not exist; 403 only means
"you can see it, but you cannot change it". The last test fails when a route is added to the
project without a row here.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from conftest import PERSONAS
from continuum.casework.tests import matrix as casework_matrix
from continuum.core.tests import matrix as sign_in_matrix
from continuum.governance.tests import matrix as governance_matrix
from continuum.hubs.tests import matrix as hubs_matrix
from continuum.linkage.tests import matrix as linkage_matrix
from continuum.outcomes.tests import matrix as outcomes_matrix
from continuum.people.models import Person
from continuum.referrals.tests import matrix as referrals_matrix
from continuum.servicedirectory.tests import matrix as servicedirectory_matrix

ANON = "anonymous"

# Expected statuses, persona by persona (the subject is Kerry Smith or her household).
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
ADDS = dict.fromkeys(PERSONAS, 200) | {
    "dpo": 403,
    "analyst": 403,
    "volunteer": 403,
    "unmatched_volunteer": 403,
}
EVERYONE = dict.fromkeys(PERSONAS, 200)
DPO_ONLY = dict.fromkeys(PERSONAS, 404) | {"dpo": 200}


def _unborn_again(family) -> None:
    Person.objects.filter(pk=family.unborn.pk).update(kind="unborn", date_of_birth=None, sex="U")
def _staff_id(username: str) -> int:
    from continuum.directory.models import User

    return User.objects.get(username=username).pk


def _created(expected: dict[str, int]) -> dict[str, int]:
    return {p: 201 if s == 200 else s for p, s in expected.items()}


# url name → (method, how to build the URL from the family, body, expected by persona)
UI = {
    "people:search": ("get", lambda f: reverse("people:search") + "?name=Smith", None, EVERYONE),
    "people:add": ("get", lambda f: reverse("people:add"), None, ADDS),
    "people:detail": ("get", lambda f: reverse("people:detail", args=[f.mother.pk]), None, SEES),
    "people:edit": ("get", lambda f: reverse("people:edit", args=[f.mother.pk]), None, CHANGES),
    "people:relationship_add": (
        "get",
        lambda f: reverse("people:relationship_add", args=[f.mother.pk]),
        None,
        CHANGES,
    ),
    "people:record_birth": (
        "get",
        lambda f: reverse("people:record_birth", args=[f.unborn.pk]),
        None,
        CHANGES,
    ),
    "people:address_move": (
        "get",
        lambda f: reverse("people:address_move", args=[f.mother.pk]),
        None,
        CHANGES,
    ),
    "people:address_correct": (
        "get",
        lambda f: reverse("people:address_correct", args=[f.mother.pk]),
        None,
        CHANGES,
    ),
    "people:household": (
        "get",
        lambda f: reverse("people:household", args=[f.household.pk]),
        None,
        SEES,
    ),
    "people:household_add_member": (
        "get",
        lambda f: reverse("people:household_add_member", args=[f.household.pk]),
        None,
        CHANGES,
    ),
    "audit:person_log": (
        "get",
        lambda f: reverse("audit:person_log", args=[f.mother.pk]),
        None,
        DPO_ONLY,
    ),
    "audit:staff_index": ("get", lambda f: reverse("audit:staff_index"), None, DPO_ONLY),
    "audit:staff_log": (
        "get",
        lambda f: reverse("audit:staff_log", args=[_staff_id("hub.practitioner")]),
        None,
        DPO_ONLY,
    ),
}

UI.update(casework_matrix.UI)
UI.update(referrals_matrix.UI)
UI.update(linkage_matrix.UI)
UI.update(hubs_matrix.UI)
UI.update(outcomes_matrix.UI)
UI.update(servicedirectory_matrix.UI)
UI.update(governance_matrix.UI)

NEW_CHILD = {
    "kind": "child",
    "given_name": "Mia",
    "family_name": "Smith",
    "date_of_birth": "2024-02-01",
    "sex": "F",
}
API = {
    "api:search_people": (
        "get",
        lambda f: reverse("api:search_people") + "?name=Smith",
        None,
        EVERYONE,
    ),
    "api:create_person": (
        "post",
        lambda f: reverse("api:create_person"),
        {**NEW_CHILD, "address": {"line1": "1 New Street", "postcode": "NB1 4QT"}},
        _created(ADDS),
    ),
    "api:read_person": (
        "get",
        lambda f: reverse("api:read_person", args=[f.mother.pk]),
        None,
        SEES,
    ),
    "api:update_person": (
        "patch",
        lambda f: reverse("api:update_person", args=[f.mother.pk]),
        # the version read just before each call, so earlier personas' saves never conflict
        lambda f: {"version": Person.objects.get(pk=f.mother.pk).version, "known_as": "Kez"},
        CHANGES,
    ),
    "api:record_birth": (
        "post",
        lambda f: reverse("api:record_birth", args=[f.unborn.pk]),
        # the baby is unborn again before each call, so each persona records the same birth
        lambda f: _unborn_again(f) or {"date_of_birth": str(f.unborn.expected_date_of_delivery
                                                            - dt.timedelta(days=70))},
        CHANGES,
    ),
    "api:read_household": (
        "get",
        lambda f: reverse("api:read_household", args=[f.household.pk]),
        None,
        SEES,
    ),
    "api:add_household_member": (
        "post",
        lambda f: reverse("api:add_household_member", args=[f.household.pk]),
        {"person": NEW_CHILD},
        _created(CHANGES),
    ),
}

API.update(linkage_matrix.API)
API.update(casework_matrix.API)
API.update(referrals_matrix.API)
API.update(hubs_matrix.API)
# Routes deliberately outside the matrix, each tested on its own in core/tests/test_auth_views.py:
EXEMPT = {
    "home",  # each role's home page; needs only sign-in (home/tests: every persona gets 200)
    "login",  # public by design
    "logout",  # POST-only sign-out of whoever is signed in
    "api:openapi-json",  # the API's published description, no personal data
    "api:openapi-view",  # interactive docs for the same
    "api:api-root",  # redirects to the docs
}
EXEMPT |= referrals_matrix.EXEMPT
EXEMPT |= servicedirectory_matrix.EXEMPT
EXEMPT |= sign_in_matrix.EXEMPT


def _body(body, family):
    return body(family) if callable(body) else body


def _call(client, method: str, url: str, body, **extra):
    if body is None:
        return getattr(client, method)(url, **extra)
    return getattr(client, method)(
        url, data=json.dumps(body), content_type="application/json", **extra
    )


@pytest.mark.parametrize("name", list(UI))
def test_ui_matrix(name, personas, family, login):
    """One row of the matrix: every persona's status on this page (all shown when one is wrong)."""
    method, url, body, expected = UI[name]
    actual = {
        p: _call(login(personas[p]), method, url(family), _body(body, family)).status_code
        for p in PERSONAS
    }
    assert actual == expected


@pytest.mark.parametrize("name", list(UI))
def test_ui_needs_sign_in(name, family, client):
    method, url, body, _expected = UI[name]
    response = _call(client, method, url(family), _body(body, family))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("name", list(API))
def test_api_matrix_with_token(name, personas, family, api_client):
    method, url, body, expected = API[name]
    actual = {
        p: _call(api_client(personas[p]), method, url(family), _body(body, family)).status_code
        for p in PERSONAS
    }
    assert actual == expected


@pytest.mark.parametrize("name", list(API))
def test_api_needs_credentials(name, family, client):
    method, url, body, _expected = API[name]
    response = _call(client, method, url(family), _body(body, family))
    assert response.status_code == 401


@pytest.mark.parametrize("name", list(API))
def test_api_refuses_a_wrong_or_revoked_token(name, family, involved_practitioner, client):
    from django.utils import timezone

    from continuum.directory.models import ApiToken
    from continuum.directory.tests.factories import api_token_for

    method, url, body, _expected = API[name]
    body = _body(body, family)
    response = _call(
        client, method, url(family), body, headers={"Authorization": "Bearer ctm_not-a-token"}
    )
    assert response.status_code == 401
    raw = api_token_for(involved_practitioner)
    ApiToken.objects.filter(token_hash=ApiToken.hash(raw)).update(revoked_at=timezone.now())
    response = _call(client, method, url(family), body, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401


# -- the data steward, and personas without a relationship ---------------------------------

# The police's data steward never sees a person's record (the police are involved with the
# family, but the steward's role opens nothing), and changes nothing: on every route outside
# linkage they get what the analyst gets, but for these (the analyst's area-wide aggregates).
STEWARD = linkage_matrix.STEWARD | {
    "hubs:reach": 404,  # reach is for analysts, managers and the front door
    "referrals:register": 404,  # the referral register, likewise
    "referrals:register_csv": 404,
    "outcomes:instruments": 404,  # configuring outcome measures is for analysts
    "outcomes:instrument_add": 404,
    "outcomes:instrument_edit": 404,
}


def _steward_expects(name: str, expected: dict[str, int]) -> int:
    return STEWARD.get(name, expected["analyst"])


@pytest.mark.parametrize("name", list(UI))
def test_ui_matrix_data_steward(name, family, data_steward, login):
    method, url, body, expected = UI[name]
    response = _call(login(data_steward), method, url(family), _body(body, family))
    assert response.status_code == _steward_expects(name, expected)


@pytest.mark.parametrize("name", list(API))
def test_api_matrix_data_steward(name, family, data_steward, api_client):
    method, url, body, expected = API[name]
    response = _call(api_client(data_steward), method, url(family), _body(body, family))
    assert response.status_code == _steward_expects(name, expected)


# Personas with no relationship with the family: another hub's practitioner, a volunteer not
# matched to it, the analyst, the data steward. On every route that names a record (an id in
# its path) they must get 404, exactly as if it did not exist; these are the only exceptions.
NO_RELATIONSHIP = ["uninvolved_worker", "unmatched_volunteer", "analyst"]
# route → (who may open it without a relationship with the family, and why)
NOT_ABOUT_THE_FAMILY: dict[str, tuple[set[str], str]] = {
    "servicedirectory:detail": (
        set(NO_RELATIONSHIP) | {"data_steward"}, "a local service's public entry: no one's record"
    ),
    "outcomes:instrument_edit": ({"analyst"}, "an outcome measure's settings: no one's record"),
    "governance:break_glass_end": (
        {"uninvolved_worker"},
        "ending one's own emergency access (the matrix's access is the uninvolved worker's): it "
        "shows no record and only narrows what they see; anyone else's answers 404",
    ),
    **{
        name: ({"data_steward"}, "the steward's own agency's import: their work, no one's record")
        for name in ("linkage:import_detail", "linkage:import_mapping", "linkage:import_errors",
                     "api:read_import")
    },
}


def _has_object_id(url: str) -> bool:
    return bool(resolve(url.split("?")[0]).kwargs)


@pytest.mark.parametrize("name", sorted(set(UI) | set(API)))
def test_no_relationship_means_404_on_every_record(name, family, data_steward):
    """The matrix itself must say 404 for every persona without a relationship on every route
    with an object id (the matrix tests check the statuses are real); the data steward is
    checked the same way through `STEWARD`."""
    row = UI.get(name) or API[name]
    url, expected = row[1], row[3]
    if not _has_object_id(url(family)):
        return
    allowed, _why = NOT_ABOUT_THE_FAMILY.get(name, (set(), ""))
    statuses = {p: expected[p] for p in NO_RELATIONSHIP}
    statuses["data_steward"] = _steward_expects(name, expected)
    assert {p: s for p, s in statuses.items() if p not in allowed} == {
        p: 404 for p in statuses if p not in allowed
    }


def _route_names(patterns, namespace: str | None = None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            joined = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from _route_names(pattern.url_patterns, joined)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else str(pattern.name)


def test_every_route_is_in_the_matrix():
    routes = set(_route_names(get_resolver().url_patterns))
    missing = routes - set(UI) - set(API) - EXEMPT
    assert not missing, f"Add these routes to the permission matrix: {sorted(missing)}"
    stale = (set(UI) | set(API) | EXEMPT) - routes
    assert not stale, f"The matrix names routes that no longer exist: {sorted(stale)}"


# --- Restricted records: no route widens what a user can see ----------------------------------

NAMED = "involved_practitioner"  # the one member of staff each restriction below names


def _restrict(person, named_user, dpo_user):
    from continuum.governance import services as governance_services

    return governance_services.restriction_create(
        actor=dpo_user, person=person, scope="record", reason="Refuge", allowed=[named_user]
    )


def _subject_person_id(url: str):
    from urllib.parse import urlsplit

    from django.urls import resolve

    return resolve(urlsplit(url).path).kwargs.get("person_id")


ROUTES = [("ui", name) for name in UI] + [("api", name) for name in API]


@pytest.mark.parametrize(("kind", "name"), ROUTES)
def test_a_restricted_person_is_404_on_every_route_about_them(
    kind, name, personas, family, login, api_client
):
    """Restrict the person a route is about to one named worker: everyone else (but the DPO) gets
    404, exactly as if the record did not exist; the named worker and the DPO get what the
    matrix gives them."""
    method, url, body, expected = (UI if kind == "ui" else API)[name]
    person_id = _subject_person_id(url(family))
    if person_id is None:
        pytest.skip("not a route about one person")
    _restrict(Person.objects.get(pk=person_id), personas[NAMED], personas["dpo"])
    client_for = login if kind == "ui" else api_client
    actual = {
        p: _call(client_for(personas[p]), method, url(family), _body(body, family)).status_code
        for p in PERSONAS
    }
    assert actual == {p: s if p in (NAMED, "dpo") else 404 for p, s in expected.items()}


@pytest.mark.parametrize(
    ("who", "shown_as"), [("partner", b"Walker"), ("twin2", b"Jordan")], ids=["adult", "child"]
)
def test_a_restricted_person_appears_on_no_page_for_others(
    who, shown_as, personas, family, login, api_client
):
    """Dean Walker (an adult in the home) or Jordan Smith (a child in an episode, with a
    referral, a visit and an assessment), restricted to one worker, is named on no page and in
    no API answer that anyone else reads: household lists, relationships, search, episodes,
    visits, assessments, lists of every app."""
    _restrict(getattr(family, who), personas[NAMED], personas["dpo"])
    leaks = []
    for kind, name in ROUTES:
        method, url, _unused, _expected = (UI if kind == "ui" else API)[name]
        if method != "get":
            continue
        for p in PERSONAS:
            if p in (NAMED, "dpo"):
                continue
            client = (login if kind == "ui" else api_client)(personas[p])
            response = _call(client, method, url(family), None)
            content = (
                b"".join(response.streaming_content)
                if response.streaming
                else response.content
            )
            if shown_as in content:
                leaks.append((name, p))
    assert not leaks, " ".join(f"{n}/{p}" for n, p in sorted(leaks))


# Actions of the worker's own service about a family they can see, gated by seeing it (not by
# changing its record), stay open under emergency access (ADR 0005, known limits).
OPEN_UNDER_BREAK_GLASS = {"hubs:match_start"}  # a hub worker offers the family a volunteer


def test_break_glass_opens_no_change(personas, family, login, api_client):
    """Emergency access is READ only: on every route where a read-only partner is refused a
    change (403) and the uninvolved worker normally gets 404, the worker with break-glass to
    Kerry Smith (and so her household) gets 403 or 404, never a success."""
    from continuum.governance import services as governance_services

    worker = personas["uninvolved_worker"]
    governance_services.break_glass_open(
        actor=worker, person=family.mother, reason="Out-of-hours emergency at the clinic"
    )
    widened = []
    for kind, name in ROUTES:
        method, url, body, expected = (UI if kind == "ui" else API)[name]
        if expected["read_only_partner"] != 403 or expected["uninvolved_worker"] != 404:
            continue
        if name in OPEN_UNDER_BREAK_GLASS:
            continue
        client = (login if kind == "ui" else api_client)(worker)
        status = _call(client, method, url(family), _body(body, family)).status_code
        if status not in (403, 404):
            widened.append(f"{name}: {status}")
    assert not widened, " ".join(widened)
