"""Finding a person however they were written down, among only the people you may see."""

from __future__ import annotations

import pytest
from django.urls import reverse

from continuum.people import selectors
from continuum.people.models import NameToken, Person
from continuum.people.tests.factories import PersonFactory
from continuum.people.tests.helpers import date_parts, person_edit_data

pytestmark = pytest.mark.django_db


def _found(client, **params) -> list[str]:
    """Names on the search results page, in order."""
    response = client.get(reverse("people:search"), params)
    assert response.status_code == 200
    html = response.content.decode()
    return [
        p.display_name
        for p in Person.objects.all()
        if reverse("people:detail", args=[p.pk]) in html
    ]


def _ids(user, **query) -> list[int]:
    return [h.person.pk for h in selectors.person_search(user, selectors.SearchQuery(**query))]


def test_misspelt_name_finds_the_person(family, involved_practitioner, login):
    assert "Jayden Smith" in _found(login(involved_practitioner), name="Jaden Smiht")
    ids = _ids(involved_practitioner, name="Jaden Smiht")
    assert ids[0] == family.twin1.pk


def test_family_name_alone(family, involved_practitioner):
    ids = _ids(involved_practitioner, name="smith")
    assert {family.mother.pk, family.twin1.pk, family.twin2.pk, family.unborn.pk} <= set(ids)


def test_names_swapped(family, involved_practitioner):
    assert _ids(involved_practitioner, name="Smith Kerry")[0] == family.mother.pk


def test_known_as_name_is_not_required_but_works(family, involved_practitioner, login):
    client = login(involved_practitioner)
    client.post(
        reverse("people:edit", args=[family.mother.pk]),
        person_edit_data(family.mother, known_as="Kez"),
    )
    # found by her legal name without knowing what she is called ...
    assert _ids(involved_practitioner, name="Kerry Smith")[0] == family.mother.pk
    # ... and by the name she goes by
    assert _ids(involved_practitioner, name="Kez Smith")[0] == family.mother.pk


def test_previous_name_still_finds_the_person(family, involved_practitioner, login):
    login(involved_practitioner).post(
        reverse("people:edit", args=[family.mother.pk]),
        person_edit_data(family.mother, family_name="Walker"),
    )
    assert family.mother.pk in _ids(involved_practitioner, name="Kerry Smith")


def test_date_of_birth_with_day_and_month_swapped(family, involved_practitioner, login):
    # the twins were born on 4 March 2021; 3 April 2021 was typed
    found = _found(
        login(involved_practitioner),
        **date_parts("date_of_birth", family.twin1.date_of_birth.replace(month=4, day=3)),
    )
    assert {"Jayden Smith", "Jordan Smith"} <= set(found)
    hit = selectors.person_search(
        involved_practitioner,
        selectors.SearchQuery(date_of_birth=family.twin1.date_of_birth.replace(month=4, day=3)),
    )[0]
    assert "date of birth matches with day and month swapped" in hit.reasons


def test_exact_date_of_birth_ranks_above_swapped(family, involved_practitioner):
    hits = selectors.person_search(
        involved_practitioner,
        selectors.SearchQuery(name="Smith", date_of_birth=family.twin1.date_of_birth),
    )
    assert {hits[0].person.pk, hits[1].person.pk} == {family.twin1.pk, family.twin2.pk}


def test_postcode_in_any_format(family, involved_practitioner, login):
    found = _found(login(involved_practitioner), postcode="nb14qt")
    assert set(found) == {
        p.display_name for p in family.members
    }  # not the father, who lives elsewhere


def test_twins_are_both_listed(family, read_only_partner):
    ids = _ids(read_only_partner, name="Smith", date_of_birth=family.twin1.date_of_birth)
    assert {family.twin1.pk, family.twin2.pk} <= set(ids[:2])


def test_search_is_scoped_to_who_you_may_see(
    family, uninvolved_worker, analyst, unmatched_volunteer, login
):
    for user in (uninvolved_worker, analyst, unmatched_volunteer):
        assert _ids(user, name="Jayden Smith") == []
        assert _ids(user, postcode="NB1 4QT") == []
        assert _found(login(user), name="Smith") == []


def test_read_only_partner_does_not_find_the_father(
    family, read_only_partner, involved_practitioner
):
    # the police are involved with the household; the father does not live there
    assert family.father.pk not in _ids(read_only_partner, name="Ryan Cole")
    assert _ids(involved_practitioner, name="Ryan Cole") == [family.father.pk]


def test_empty_search_asks_for_something(family, involved_practitioner, login):
    html = login(involved_practitioner).get(reverse("people:search"), {"name": ""}).content.decode()
    assert "Enter a name, a date of birth or a postcode to search" in html


def test_invalid_postcode_in_search_names_the_field(family, involved_practitioner, login):
    html = (
        login(involved_practitioner)
        .get(reverse("people:search"), {"postcode": "QQ1"})
        .content.decode()
    )
    assert 'id="id_postcode-error"' in html
    assert "Enter a real postcode" in html


def test_misspelling_that_changes_how_the_name_sounds(family, involved_practitioner):
    # "Smih" has a different phonetic key from "Smith" (S500, S530): found by the vocabulary
    assert _ids(involved_practitioner, name="Jayden Smih")[0] == family.twin1.pk


def test_one_slip_in_a_short_name(front_door_worker):
    # Jaro-Winkler alone scores Ada/Aad and Ali/Ail 0.56; one swapped pair of letters is a typo
    ada = PersonFactory(given_name="Ada", family_name="Ali")
    assert _ids(front_door_worker, name="Aad Ail") == [ada.pk]


def test_an_exact_family_name_does_not_carry_an_unrelated_given_name(family, involved_practitioner):
    # Jordan and Jayden are twins, both Smith: searching for one does not list the other
    assert _ids(involved_practitioner, name="Jordan Smith") == [family.twin2.pk]


def test_new_names_join_the_search_vocabulary(family, involved_practitioner, login):
    assert not NameToken.objects.filter(token="okonjo").exists()
    login(involved_practitioner).post(
        reverse("people:edit", args=[family.mother.pk]),
        person_edit_data(family.mother, family_name="Okonjo"),
    )
    assert NameToken.objects.filter(token="okonjo", initial="o", length=6).exists()
    assert _ids(involved_practitioner, name="Kerry Okonjo")[0] == family.mother.pk
    assert family.mother.pk in _ids(involved_practitioner, name="Kerry Okonjp")


def test_another_spelling_of_one_name_beside_the_other_exact(front_door_worker):
    shaun = PersonFactory(given_name="Shaun", family_name="Okafor")
    assert _ids(front_door_worker, name="Sean Okafor") == [shaun.pk]
    # but a near miss in both names is not a hit
    assert _ids(front_door_worker, name="Sean Okafur") == []
