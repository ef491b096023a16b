"""The permission matrix: every route x every persona → the status they must get.

A record the user may not see answers 404, exactly like one that does not exist; 403 only means
"you can see it, but you cannot change it". The last test fails when a route is added to the
project without a row here.
"""

from __future__ import annotations

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import PERSONAS
from continuum.casework.tests import matrix as casework_matrix
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
    "home",  # redirects to search; needs only sign-in
    "login",  # public by design
    "logout",  # POST-only sign-out of whoever is signed in
    "api:openapi-json",  # the API's published description, no personal data
    "api:openapi-view",  # interactive docs for the same
    "api:api-root",  # redirects to the docs
}
EXEMPT |= referrals_matrix.EXEMPT
EXEMPT |= servicedirectory_matrix.EXEMPT


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
