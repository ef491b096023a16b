"""Recording the birth of an unborn child (issue 12): the same person becomes the child."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from continuum.audit.models import AuditEvent
from continuum.governance.models import Involvement
from continuum.people import services
from continuum.people.models import Person, PersonKind, Relationship


def _counts(person: Person) -> tuple[int, int, int]:
    return (
        Involvement.objects.filter(person=person).count()
        + Involvement.objects.filter(household__memberships__person=person).count(),
        Relationship.objects.filter(to_person=person).count(),
        person.memberships.count(),
    )


def test_the_unborn_child_becomes_the_child_keeping_everything(family, involved_practitioner):
    unborn = family.unborn
    before = _counts(unborn)
    born = dt.date.today() - dt.timedelta(days=2)
    child = services.person_record_birth(
        actor=involved_practitioner, person=unborn, date_of_birth=born, given_name="Maya",
        sex="F",
    )  # fmt: skip
    assert child.pk == unborn.pk
    assert (child.kind, child.date_of_birth, child.given_name, child.sex) == (
        PersonKind.CHILD, born, "Maya", "F"
    )  # fmt: skip
    assert child.expected_date_of_delivery == unborn.expected_date_of_delivery
    assert _counts(child) == before  # relationships, household, involvements all kept
    assert AuditEvent.objects.filter(object_type="person", object_id=str(unborn.pk)).exists()
    with pytest.raises(ValidationError, match="already recorded"):
        services.person_record_birth(actor=involved_practitioner, person=child, date_of_birth=born)


@pytest.mark.parametrize(
    ("days", "message"),
    [(1, "today or in the past"), (-400, "24 weeks before the expected date")],
)
def test_an_impossible_date_of_birth_is_refused(family, involved_practitioner, days, message):
    day = timezone.localdate() + dt.timedelta(days=days)
    with pytest.raises(ValidationError, match=message):
        services.person_record_birth(
            actor=involved_practitioner, person=family.unborn, date_of_birth=day
        )
    family.unborn.refresh_from_db()
    assert family.unborn.kind == PersonKind.UNBORN


def test_record_the_birth_from_the_person_page(
    family, login, involved_practitioner, read_only_partner, uninvolved_worker
):
    url = reverse("people:record_birth", args=[family.unborn.pk])
    client = login(involved_practitioner)
    page = client.get(reverse("people:detail", args=[family.unborn.pk])).content.decode()
    assert url in page
    assert client.get(url).status_code == 200
    today = timezone.localdate()
    missing = client.post(url, {"sex": "U"})
    assert missing.status_code == 200 and "govuk-error-summary" in missing.content.decode()
    form = {"date_of_birth_0": today.day, "date_of_birth_1": today.month,
            "date_of_birth_2": today.year, "given_name": "Maya", "sex": "F"}  # fmt: skip
    done = client.post(url, form)
    assert done.status_code == 302
    family.unborn.refresh_from_db()
    assert family.unborn.kind == PersonKind.CHILD and family.unborn.date_of_birth == today
    assert login(read_only_partner).get(url).status_code == 403
    assert login(uninvolved_worker).get(url).status_code == 404


def test_record_the_birth_over_the_api(
    family, api_client, involved_practitioner, read_only_partner
):
    url = f"/api/people/{family.unborn.pk}/birth"
    body = {"date_of_birth": timezone.localdate().isoformat(), "given_name": "Maya", "sex": "F"}
    denied = api_client(read_only_partner).post(url, body, content_type="application/json")
    assert denied.status_code == 403
    done = api_client(involved_practitioner).post(url, body, content_type="application/json")
    assert done.status_code == 200, done.content
    assert done.json()["kind"] == "child"
    again = api_client(involved_practitioner).post(url, body, content_type="application/json")
    assert again.status_code in (400, 422)
