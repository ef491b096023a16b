"""A volunteer sees what the visit needs and records their diary, nothing more (issue 11,
finding 9). The demo matched its volunteers with an EDIT involvement, so the limits must hold
whatever access the volunteer's involvement carries: they are decided by role at the gatekeeper.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from continuum.governance.models import AccessLevel, Involvement, InvolvementSource

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[AccessLevel.READ, AccessLevel.EDIT], ids=["read-match", "edit-match"])
def matched(request, family, volunteer):
    """The family, with the volunteer's match carrying READ (as the service makes it) or EDIT
    (as the demo seeded it)."""
    Involvement.objects.filter(worker=volunteer).update(access=request.param)
    assert Involvement.objects.filter(
        worker=volunteer, source=InvolvementSource.VOLUNTEER_MATCH, access=request.param
    ).exists()
    return family


def test_volunteer_cannot_change_identity_details(matched, volunteer, login, api_client):
    person = matched.mother
    client = login(volunteer)
    url = reverse("people:edit", args=[person.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"kind": "adult", "family_name": "Changed", "version": "1"})
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.family_name == "Smith"
    response = api_client(volunteer).patch(
        f"/api/people/{person.pk}",
        {"version": person.version, "family_name": "Changed"},
        content_type="application/json",
    )
    assert response.status_code == 403
    for name in ("people:address_move", "people:address_correct", "people:relationship_add"):
        assert client.get(reverse(name, args=[person.pk])).status_code == 403, name


def test_volunteer_cannot_add_household_members_or_chronology_events(matched, volunteer, login):
    client = login(volunteer)
    household = matched.household
    for name in ("people:household_add_member", "casework:chronology_add"):
        assert client.get(reverse(name, args=[household.pk])).status_code == 403, name
    page = client.get(reverse("people:household", args=[household.pk]))
    assert page.status_code == 200 and "Add a household member" not in page.text
    # nor see the agencies' chronology at all (so never an "Add an event" there)
    chronology = client.get(reverse("casework:household_chronology", args=[household.pk]))
    assert chronology.status_code == 404


def test_volunteer_is_not_shown_identifiers_or_ethnicity(matched, volunteer, login, api_client):
    mother = matched.mother  # NHS number 943 476 5919
    page = login(volunteer).get(reverse("people:detail", args=[mother.pk]))
    assert page.status_code == 200
    assert "Kerry" in page.text and "12 Mill Lane" in page.text  # what the visit needs
    for hidden in ("NHS number", "943 476 5919", "9434765919", "Ethnicity"):
        assert hidden not in page.text, hidden
    api = api_client(volunteer)
    body = api.get(f"/api/people/{mother.pk}").json()
    assert body["given_name"] == "Kerry" and body["date_of_birth"] == "1996-06-14"
    assert body["nhs_number"] is None and body["ethnicity"] is None and body["upn"] is None
    hits = api.get("/api/people", {"name": "Kerry Smith"}).json()
    assert hits and all(h["person"]["nhs_number"] is None for h in hits)


def test_staff_still_see_and_change_what_they_did(family, involved_practitioner, login):
    client = login(involved_practitioner)
    page = client.get(reverse("people:detail", args=[family.mother.pk]))
    assert "943 476 5919" in page.text and "Ethnicity" in page.text
    assert client.get(reverse("people:edit", args=[family.mother.pk])).status_code == 200
    household = client.get(reverse("people:household", args=[family.household.pk]))
    assert "Add a household member" in household.text


def test_a_volunteer_never_sees_the_agencies_chronology(family, volunteer, login, api_client):
    """Regression (found from outside): a Home-Start volunteer read and exported the family's
    multi-agency chronology (police referrals, strategy discussions), page, CSV and API."""
    from django.urls import reverse

    client = login(volunteer)
    for url in (
        reverse("casework:household_chronology", args=[family.household.pk]),
        reverse("casework:person_chronology", args=[family.twin1.pk]) + "?format=csv",
        reverse("casework:person_chronology", args=[family.twin1.pk]),
    ):
        assert client.get(url).status_code == 404, url
    api = api_client(volunteer).get(reverse("api:read_chronology", args=[family.household.pk]))
    assert api.status_code == 404
    person_page = client.get(reverse("people:detail", args=[family.twin1.pk])).text
    assert "chronology/" not in person_page  # no link to a page they cannot open
