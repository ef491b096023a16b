"""Two people editing the same record: the second save is refused, shows what changed, and
overwrites nothing. The same through the API (409)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from continuum.people.models import Person
from continuum.people.tests.helpers import person_edit_data

pytestmark = pytest.mark.django_db


def test_second_save_is_refused_with_what_changed(
    family, involved_practitioner, front_door_worker, login
):
    first, second = login(involved_practitioner), login(front_door_worker)
    url = reverse("people:edit", args=[family.mother.pk])
    # both open the edit page of the same version
    for client in (first, second):
        page = client.get(url)
        assert page.status_code == 200
        assert 'name="version" value="1"' in page.content.decode()
    as_opened = Person.objects.get(pk=family.mother.pk)

    saved = first.post(url, person_edit_data(as_opened, known_as="Kez", first_language="English"))
    assert saved.status_code == 302

    refused = second.post(
        url, person_edit_data(as_opened, family_name="Smyth", first_language="Polish")
    )
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Someone else changed this record while you were editing it" in html
    assert "govuk-error-summary" in html
    table = html.split('id="conflict"')[1].split("</table>")[0]
    assert "known_as" in table or "Known as" in table
    assert "Kez" in table
    assert "first_language" in table or "First language" in table
    # nothing the second user typed was saved; the first user's changes stand
    mother = Person.objects.get(pk=family.mother.pk)
    assert (mother.family_name, mother.known_as, mother.first_language, mother.version) == (
        "Smith",
        "Kez",
        "English",
        2,
    )
    # the form now carries the current version, so saving again (having checked) works
    assert 'name="version" value="2"' in html
    again = second.post(url, person_edit_data(mother, family_name="Smyth"))
    assert again.status_code == 302
    assert Person.objects.get(pk=family.mother.pk).family_name == "Smyth"


def test_api_patch_with_a_stale_version_is_409(
    family, involved_practitioner, read_only_partner, api_client
):
    url = reverse("api:update_person", args=[family.twin1.pk])
    client = api_client(involved_practitioner)

    def patch(body):
        return client.patch(url, data=json.dumps(body), content_type="application/json")

    assert patch({"version": 1, "known_as": "Jay"}).status_code == 200
    stale = patch({"version": 1, "known_as": "JJ", "first_language": "Welsh"})
    assert stale.status_code == 409
    body = stale.json()
    assert body["current_version"] == 2
    assert body["changed"]["known_as"] == {"yours": "JJ", "saved": "Jay"}
    twin = Person.objects.get(pk=family.twin1.pk)
    assert (twin.known_as, twin.first_language, twin.version) == ("Jay", "", 2)
