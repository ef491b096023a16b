"""The people pages over HTTP: each write works for a permitted user, and is refused (with
nothing saved) for a read-only user (403) and for an outsider (404)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from continuum.audit.models import AuditAction, AuditEvent
from continuum.governance.models import Involvement
from continuum.people.models import (
    Address,
    Household,
    HouseholdMembership,
    Person,
    PersonAddress,
    PersonName,
    Relationship,
)
from continuum.people.tests.helpers import form_data, new_person_data, person_edit_data

pytestmark = pytest.mark.django_db

MODELS = (Person, PersonName, Address, PersonAddress, Household, HouseholdMembership, Relationship)


def _counts():
    return {m.__name__: m.objects.count() for m in MODELS}


def _writes(f):
    """(url name, url, POST data) for every page that changes the record."""
    return [
        (
            "people:edit",
            reverse("people:edit", args=[f.mother.pk]),
            person_edit_data(f.mother, known_as="Kez"),
        ),
        (
            "people:relationship_add",
            reverse("people:relationship_add", args=[f.partner.pk]),
            {"other_person": str(f.unborn.pk), "kind": "partner_of_parent", "lives_with": "on"},
        ),
        (
            "people:address_move",
            reverse("people:address_move", args=[f.mother.pk]),
            form_data(
                {
                    "line1": "40 Hill Rise",
                    "postcode": "NB1 4RU",
                    "start_date": dt.date.today(),
                    "whole_household": True,
                }
            ),
        ),
        (
            "people:address_correct",
            reverse("people:address_correct", args=[f.mother.pk]),
            {"line1": "12a Mill Lane", "postcode": "NB1 4QT", "reason": "Flat letter missing"},
        ),
        (
            "people:household_add_member",
            reverse("people:household_add_member", args=[f.household.pk]),
            form_data(
                {
                    "kind": "child",
                    "given_name": "Lily",
                    "family_name": "Smith",
                    "date_of_birth": dt.date(2023, 8, 1),
                    "sex": "F",
                    "relationship_to": str(f.mother.pk),
                }
            ),
        ),
        ("people:add", reverse("people:add"), new_person_data()),
    ]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("read_only_partner", 403),
        ("dpo", 403),
        ("volunteer", 403),
        ("uninvolved_worker", 404),
        ("analyst", 404),
    ],
)
def test_writes_are_refused_and_save_nothing(persona, expected, personas, family, login):
    client = login(personas[persona])
    for name, url, data in _writes(family):
        if name == "people:add":
            expected_here = 200 if persona in ("read_only_partner", "uninvolved_worker") else 403
            if expected_here == 200:
                continue  # partner agencies may register people; covered below
        else:
            expected_here = expected
        before = _counts()
        version = Person.objects.get(pk=family.mother.pk).version
        response = client.post(url, data)
        assert response.status_code == expected_here, (name, response.status_code)
        assert _counts() == before, name
        assert Person.objects.get(pk=family.mother.pk).version == version


def test_involved_practitioner_can_edit(family, involved_practitioner, login):
    client = login(involved_practitioner)
    response = client.post(
        reverse("people:edit", args=[family.mother.pk]),
        person_edit_data(family.mother, known_as="Kez"),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[family.mother.pk])
    mother = Person.objects.get(pk=family.mother.pk)
    assert (mother.known_as, mother.version) == ("Kez", 2)
    page = client.get(response["Location"])
    assert "The record has been updated" in page.content.decode()
    assert "Kez Smith" in page.content.decode()


def test_front_door_can_edit_without_an_involvement(family, front_door_worker, login):
    response = login(front_door_worker).post(
        reverse("people:edit", args=[family.twin1.pk]),
        person_edit_data(family.twin1, upn="B801200005001"),
    )
    assert response.status_code == 302
    assert Person.objects.get(pk=family.twin1.pk).upn == "B801200005001"


def test_name_change_keeps_the_old_name_searchable(family, involved_practitioner, login):
    login(involved_practitioner).post(
        reverse("people:edit", args=[family.mother.pk]),
        person_edit_data(family.mother, family_name="Walker"),
    )
    names = set(PersonName.objects.filter(person=family.mother).values_list("kind", "family_name"))
    assert ("legal", "Walker") in names
    assert ("previous", "Smith") in names


def test_record_a_relationship(family, involved_practitioner, login):
    _name, url, data = _writes(family)[1]
    response = login(involved_practitioner).post(url, data)
    assert response.status_code == 302
    rel = Relationship.objects.get(from_person=family.partner, to_person=family.unborn)
    assert rel.kind == "partner_of_parent"
    assert rel.lives_with
    assert rel.recorded_by == involved_practitioner
    assert rel.recorded_by_agency == involved_practitioner.agency


def test_move_the_whole_household(family, involved_practitioner, login):
    _name, url, data = _writes(family)[2]
    response = login(involved_practitioner).post(url, data)
    assert response.status_code == 302
    for member in family.members:
        current = PersonAddress.objects.get(person=member, end_date__isnull=True)
        assert (current.address.line1, current.address.postcode) == ("40 Hill Rise", "NB1 4RU")
        assert PersonAddress.objects.filter(person=member, end_date__isnull=False).count() == 1
    household = Household.objects.get(pk=family.household.pk)
    assert household.address.line1 == "40 Hill Rise"
    # the father lives elsewhere and does not move
    assert (
        PersonAddress.objects.get(person=family.father, end_date__isnull=True).address.postcode
        == "NB2 7HX"
    )


def test_correct_an_address(family, involved_practitioner, login):
    _name, url, data = _writes(family)[3]
    response = login(involved_practitioner).post(url, data)
    assert response.status_code == 302
    assert Address.objects.get(pk=family.address.pk).line1 == "12a Mill Lane"
    corrected = AuditEvent.objects.filter(action=AuditAction.UPDATE, reason="Flat letter missing")
    assert {e.object_id for e in corrected} == {str(p.pk) for p in family.members}


def test_correct_without_a_current_address_goes_to_move(family, involved_practitioner, login):
    PersonAddress.objects.filter(person=family.mother).delete()
    response = login(involved_practitioner).get(
        reverse("people:address_correct", args=[family.mother.pk])
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("people:address_move", args=[family.mother.pk])


def test_add_a_member_to_the_household(family, involved_practitioner, login):
    _name, url, data = _writes(family)[4]
    response = login(involved_practitioner).post(url, data)
    assert response.status_code == 302
    lily = Person.objects.get(given_name="Lily")
    assert HouseholdMembership.objects.filter(household=family.household, person=lily).exists()
    assert Relationship.objects.filter(
        from_person=family.mother, to_person=lily, kind="parent"
    ).exists()
    assert Involvement.objects.filter(person=lily, agency=involved_practitioner.agency).exists()


def test_add_a_person_at_a_new_address(family, read_only_partner, login):
    client = login(read_only_partner)
    assert client.get(reverse("people:add")).status_code == 200
    response = client.post(reverse("people:add"), new_person_data())
    assert response.status_code == 302
    mia = Person.objects.get(given_name="Mia", family_name="Brook")
    assert response["Location"] == reverse("people:detail", args=[mia.pk])
    # registering gives the registering agency a legitimate relationship: they can open the record
    assert client.get(response["Location"]).status_code == 200
    assert PersonAddress.objects.get(person=mia).address.catchment.code == "north"
    assert HouseholdMembership.objects.filter(person=mia).count() == 1


def test_household_page_lists_the_members(family, read_only_partner, login):
    page = login(read_only_partner).get(reverse("people:household", args=[family.household.pk]))
    html = page.content.decode()
    for member in family.members:
        assert member.display_name in html
    assert "Ryan Cole" not in html  # the father does not live there


def test_person_page_shows_household_and_relationships(family, involved_practitioner, login):
    html = (
        login(involved_practitioner)
        .get(reverse("people:detail", args=[family.twin1.pk]))
        .content.decode()
    )
    for name in ("Kerry Smith", "Dean Walker", "Ryan Cole", "Jordan Smith", "Unborn baby Smith"):
        assert name in html
    assert "Partner of parent" in html
    assert "Northbrook Police" in html  # agencies involved


def test_person_page_hides_change_links_from_read_only(family, read_only_partner, login):
    html = (
        login(read_only_partner)
        .get(reverse("people:detail", args=[family.mother.pk]))
        .content.decode()
    )
    assert reverse("people:edit", args=[family.mother.pk]) not in html
    assert reverse("audit:person_log", args=[family.mother.pk]) not in html


def test_unknown_person_is_404_like_a_hidden_one(family, involved_practitioner, login):
    client = login(involved_practitioner)
    assert client.get(reverse("people:detail", args=[999999])).status_code == 404
    assert client.get(reverse("people:edit", args=[999999])).status_code == 404


def test_methods_not_allowed(family, involved_practitioner, login):
    client = login(involved_practitioner)
    assert client.post(reverse("people:detail", args=[family.mother.pk])).status_code == 405
    assert client.post(reverse("people:search")).status_code == 405


def test_related_people_are_linked_only_when_the_viewer_may_open_them(
    family, volunteer, involved_practitioner, login
):
    """Regression: the twins' father lives elsewhere and the volunteer is matched only to the
    household, so his page answers 404 for them; the twin's page must name him without a link
    to a dead end (and still link him for the hub, whose involvement covers him)."""
    url = reverse("people:detail", args=[family.twin1.pk])
    father_url = reverse("people:detail", args=[family.father.pk])
    as_volunteer = login(volunteer).get(url)
    assert as_volunteer.status_code == 200
    assert "Ryan Cole" in as_volunteer.text
    assert f'href="{father_url}"' not in as_volunteer.text
    assert login(volunteer).get(father_url).status_code == 404
    assert f'href="{father_url}"' in login(involved_practitioner).get(url).text
