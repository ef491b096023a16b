"""Bad input is refused with a message naming the field, and nothing is saved: in the pages
(GOV.UK error summary linking to the field, plus the message at the field) and in the API
(422 with errors keyed by field)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from continuum.governance.models import Involvement
from continuum.people import services
from continuum.people.models import (
    Address,
    Household,
    HouseholdMembership,
    Person,
    PersonAddress,
    PersonName,
    Relationship,
)
from continuum.people.tests.helpers import new_person_data, person_edit_data

pytestmark = pytest.mark.django_db

ROWS = (
    Person,
    PersonName,
    Address,
    PersonAddress,
    Household,
    HouseholdMembership,
    Relationship,
    Involvement,
)
TODAY = timezone.localdate()


def _counts():
    return {m.__name__: m.objects.count() for m in ROWS}


# (case, form overrides, field id in the page, API field, API body overrides, words in the message)
CASES = [
    ("invalid NHS number", {"nhs_number": "943 476 5918"}, "id_nhs_number", "nhs_number",
     {"nhs_number": "9434765918"}, "NHS number is not valid"),
    ("NHS number too short", {"nhs_number": "94347659"}, "id_nhs_number", "nhs_number",
     {"nhs_number": "94347659"}, "NHS number with 10 digits"),
    ("invalid UPN", {"upn": "A801200005001"}, "id_upn", "upn",
     {"upn": "A801200005001"}, "UPN is not valid"),
    ("invalid postcode", {"postcode": "QX1 1AA"}, "id_address-postcode", "postcode",
     {"address": {"line1": "1 Road", "postcode": "QX1 1AA"}}, "Enter a real postcode"),
    ("future date of birth", {"date_of_birth": TODAY + dt.timedelta(days=3)}, "id_date_of_birth",
     "date_of_birth", {"date_of_birth": str(TODAY + dt.timedelta(days=3)),
                       "address": {"line1": "1 Road", "postcode": "NB1 4QT"}},
     "Date of birth must be today or in the past"),
    ("expected delivery in the past",
     {"kind": "unborn", "given_name": "", "sex": "U", "date_of_birth": None,
      "expected_date_of_delivery": TODAY - dt.timedelta(days=3)},
     "id_expected_date_of_delivery", "expected_date_of_delivery",
     {"kind": "unborn", "sex": "U", "date_of_birth": None,
      "expected_date_of_delivery": str(TODAY - dt.timedelta(days=3)),
      "address": {"line1": "1 Road", "postcode": "NB1 4QT"}},
     "Expected date of delivery must be today or in the future"),
]  # fmt: skip
IDS = [case[0] for case in CASES]


@pytest.mark.parametrize(
    ("case", "form", "field_id", "api_field", "api", "message"), CASES, ids=IDS
)
def test_add_page_refuses(
    case, form, field_id, api_field, api, message, family, involved_practitioner, login
):
    before = _counts()
    response = login(involved_practitioner).post(reverse("people:add"), new_person_data(**form))
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "<title>Error:" in html
    summary = html.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    assert message in summary
    assert f'href="#{field_id}' in summary
    assert f'id="{field_id}-error"' in html  # the message at the field itself
    inputs = re.findall(rf'<input[^>]*id="{field_id}(?:_0)?"[^>]*>', html)
    assert inputs, field_id
    assert "govuk-input--error" in inputs[0]  # and the box itself is marked
    assert _counts() == before


@pytest.mark.parametrize(
    ("case", "form", "field_id", "api_field", "api", "message"), CASES, ids=IDS
)
def test_api_refuses(
    case, form, field_id, api_field, api, message, family, involved_practitioner, api_client
):
    before = _counts()
    body = {
        "kind": "child",
        "given_name": "Mia",
        "family_name": "Brook",
        "date_of_birth": "2022-05-17",
        **api,
    }
    response = api_client(involved_practitioner).post(
        reverse("api:create_person"), data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert api_field in errors
    assert any(message in m for m in errors[api_field])
    assert _counts() == before


def test_edit_page_refuses_an_invalid_nhs_number(family, involved_practitioner, login):
    before = _counts()
    response = login(involved_practitioner).post(
        reverse("people:edit", args=[family.mother.pk]),
        person_edit_data(family.mother, nhs_number="9434765918"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#id_nhs_number"' in html
    assert 'id="id_nhs_number-error"' in html
    mother = Person.objects.get(pk=family.mother.pk)
    assert (mother.nhs_number, mother.version) == ("9434765919", 1)
    assert _counts() == before


def test_edit_page_refuses_a_future_date_of_birth(family, involved_practitioner, login):
    response = login(involved_practitioner).post(
        reverse("people:edit", args=[family.twin1.pk]),
        person_edit_data(family.twin1, date_of_birth=TODAY + dt.timedelta(days=1)),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Date of birth must be today or in the past" in html
    assert 'id="id_date_of_birth-error"' in html
    assert Person.objects.get(pk=family.twin1.pk).date_of_birth == family.twin1.date_of_birth


def test_api_patch_refuses_an_invalid_upn(family, involved_practitioner, api_client):
    response = api_client(involved_practitioner).patch(
        reverse("api:update_person", args=[family.twin1.pk]),
        data=json.dumps({"version": 1, "upn": "A801200005001"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "upn" in response.json()["errors"]
    assert Person.objects.get(pk=family.twin1.pk).upn == ""


def test_relationship_to_themselves_is_refused_by_the_service(family, involved_practitioner):
    before = _counts()
    with pytest.raises(ValidationError) as caught:
        services.relationship_record(
            actor=involved_practitioner,
            from_person=family.mother,
            to_person=family.mother,
            kind="parent",
        )
    assert "themselves" in caught.value.message_dict["other_person"][0]
    assert _counts() == before


def test_relationship_to_themselves_is_refused_by_the_page(family, involved_practitioner, login):
    before = _counts()
    response = login(involved_practitioner).post(
        reverse("people:relationship_add", args=[family.mother.pk]),
        {"other_person": str(family.mother.pk), "kind": "sibling"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#id_other_person"' in html
    assert 'id="id_other_person-error"' in html
    assert _counts() == before


def test_relationship_to_themselves_is_refused_by_the_database(family):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Relationship.objects.create(
            from_person=family.mother, to_person=family.mother, kind="sibling"
        )
