"""The people API: token and session authentication, reads, writes, 409 on a stale version."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from continuum.audit.models import AuditAction, AuditEvent
from continuum.directory.models import ApiToken
from continuum.directory.tests.factories import api_token_for
from continuum.people.models import HouseholdMembership, Person

pytestmark = pytest.mark.django_db


def _json(client, method, url, body):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def test_token_is_stored_only_as_a_hash_and_records_last_use(family, involved_practitioner, client):
    raw = api_token_for(involved_practitioner)
    token = ApiToken.objects.get(user=involved_practitioner)
    assert raw not in (token.token_hash, token.prefix + token.token_hash)
    assert token.token_hash == ApiToken.hash(raw)
    assert token.last_used_at is None
    url = reverse("api:read_person", args=[family.mother.pk])
    assert client.get(url, headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_read_person(family, read_only_partner, api_client):
    response = api_client(read_only_partner).get(reverse("api:read_person", args=[family.twin1.pk]))
    assert response.status_code == 200
    body = response.json()
    assert (body["given_name"], body["family_name"], body["date_of_birth"]) == (
        "Jayden",
        "Smith",
        "2021-03-04",
    )
    assert body["household_ids"] == [family.household.pk]
    assert body["current_address"]["postcode"] == "NB1 4QT"
    assert body["current_address"]["catchment"] == "Northbrook North"
    assert "Northbrook Police" in body["agencies_involved"]
    assert body["version"] == 1


def test_read_household(family, volunteer, api_client):
    response = api_client(volunteer).get(reverse("api:read_household", args=[family.household.pk]))
    assert response.status_code == 200
    body = response.json()
    assert {m["person_id"] for m in body["members"]} == {p.pk for p in family.members}
    assert body["address"]["line1"] == "12 Mill Lane"


def test_search(family, read_only_partner, api_client):
    response = api_client(read_only_partner).get(
        reverse("api:search_people"), {"name": "Jaden Smiht"}
    )
    assert response.status_code == 200
    assert response.json()[0]["person"]["id"] == family.twin1.pk


def test_search_needs_a_criterion(family, read_only_partner, api_client):
    response = api_client(read_only_partner).get(reverse("api:search_people"))
    assert response.status_code == 422
    assert "name" in response.json()["errors"]


def test_create_person_at_a_new_address(family, involved_practitioner, api_client):
    body = {
        "kind": "child",
        "given_name": "Mia",
        "family_name": "Brook",
        "date_of_birth": "2022-05-17",
        "sex": "F",
        "nhs_number": "943 476 5919",
        "address": {"line1": "7 Canal Street", "postcode": "nb14qt"},
    }
    response = _json(api_client(involved_practitioner), "post", reverse("api:create_person"), body)
    assert response.status_code == 201, response.content
    mia = Person.objects.get(pk=response.json()["id"])
    assert mia.nhs_number == "9434765919"
    assert mia.addresses.get().address.postcode == "NB1 4QT"
    assert mia.involvements.filter(agency=involved_practitioner.agency, access="edit").exists()
    event = AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="person").last()
    assert event.object_id == str(mia.pk)
    assert event.actor_id == involved_practitioner.pk


def test_update_person(family, involved_practitioner, api_client):
    url = reverse("api:update_person", args=[family.mother.pk])
    response = _json(
        api_client(involved_practitioner), "patch", url, {"version": 1, "first_language": "Polish"}
    )
    assert response.status_code == 200
    assert response.json()["version"] == 2
    assert Person.objects.get(pk=family.mother.pk).first_language == "Polish"


def test_add_household_member(family, involved_practitioner, api_client):
    body = {
        "person": {
            "kind": "unborn",
            "family_name": "Walker",
            # within the next 10 months (a date decades away is refused since issue 11)
            "expected_date_of_delivery": (timezone.localdate() + dt.timedelta(days=90)).isoformat(),
        }
    }
    url = reverse("api:add_household_member", args=[family.household.pk])
    response = _json(api_client(involved_practitioner), "post", url, body)
    assert response.status_code == 201, response.content
    baby = Person.objects.get(pk=response.json()["id"])
    assert HouseholdMembership.objects.filter(household=family.household, person=baby).exists()
    assert baby.sex == "U"


def test_unknown_ids_are_404(family, front_door_worker, api_client):
    client = api_client(front_door_worker)
    assert client.get(reverse("api:read_person", args=[987654])).status_code == 404
    assert client.get(reverse("api:read_household", args=[987654])).status_code == 404


def test_session_auth_reads_without_csrf(family, involved_practitioner, login):
    client = login(involved_practitioner, enforce_csrf_checks=True)
    assert client.get(reverse("api:read_person", args=[family.mother.pk])).status_code == 200


def test_session_auth_needs_csrf_on_unsafe_methods(family, involved_practitioner, login):
    client = login(involved_practitioner, enforce_csrf_checks=True)
    url = reverse("api:update_person", args=[family.mother.pk])
    before = Person.objects.get(pk=family.mother.pk).version
    response = _json(client, "patch", url, {"version": before, "known_as": "Kez"})
    assert response.status_code in (401, 403)
    assert Person.objects.get(pk=family.mother.pk).version == before
    # with the CSRF token from a page the browser has loaded, the same call works
    client.get(reverse("people:search"))
    token = client.cookies["csrftoken"].value
    response = client.patch(
        url,
        data=json.dumps({"version": before, "known_as": "Kez"}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200, response.content
    assert Person.objects.get(pk=family.mother.pk).known_as == "Kez"


def test_token_auth_needs_no_csrf(family, involved_practitioner):
    from django.test import Client

    client = Client(
        enforce_csrf_checks=True,
        headers={"Authorization": f"Bearer {api_token_for(involved_practitioner)}"},
    )
    url = reverse("api:update_person", args=[family.mother.pk])
    response = _json(client, "patch", url, {"version": 1, "known_as": "Kez"})
    assert response.status_code == 200


def test_openapi_document_lists_the_people_endpoints(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/people" in paths
    assert set(paths["/api/people"]) >= {"get", "post"}


def test_token_of_a_deactivated_user_is_refused(family, involved_practitioner, client):
    raw = api_token_for(involved_practitioner)
    involved_practitioner.is_active = False
    involved_practitioner.save(update_fields=["is_active"])
    response = client.get(
        reverse("api:read_person", args=[family.mother.pk]),
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 401
