"""Configuring outcome instruments in the running app: an area adds a licensed instrument as
configuration (scores only), and editing one that already has readings cannot corrupt them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from continuum.directory.models import Role
from continuum.directory.tests.factories import UserFactory
from continuum.outcomes import services
from continuum.outcomes.models import Instrument, Reading

pytestmark = pytest.mark.django_db

STAR = {
    "name": "Family Star Plus",
    "description": "Licensed outcomes star",
    "licensed": "on",
    "licence_note": "Licensed to Northbrook Council until March 2027",
    "scale_min": "1",
    "scale_max": "10",
    "stage_labels": "1-2: Stuck\n3-4: Accepting help\n5-6: Trying\n7-8: Finding what works\n"
    "9-10: Effective parenting",
    "areas": "Physical health\nYour well-being\nMeeting emotional needs\nKeeping your children "
    "safe\nSocial networks\nEducation and learning\nBoundaries and behaviour\nFamily routine\n"
    "Home and money\nProgress to work",
}


def test_an_analyst_adds_a_licensed_instrument(analyst, login):
    client = login(analyst)
    assert client.get(reverse("outcomes:instrument_add")).status_code == 200
    response = client.post(reverse("outcomes:instrument_add"), STAR)
    assert response.status_code == 302
    star = Instrument.objects.get(name="Family Star Plus")
    assert star.licensed and star.licence_note.startswith("Licensed to Northbrook")
    assert [a.label for a in star.areas.all()][:2] == ["Physical health", "Your well-being"]
    assert star.areas.count() == 10
    assert star.stage_for(9) == "Effective parenting"
    listing = client.get(reverse("outcomes:instruments"))
    assert "Family Star Plus" in listing.text and "Offered" in listing.text


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"stage_labels": "1-2 Stuck"}, "stage_labels",
         "Line 1 of what the scores mean: write it as from-to: label, for example 1-2: Stuck"),
        ({"scale_max": "1"}, "scale_max", "The top of the scale must be above the bottom"),
        ({"scale_max": "ten"}, "scale_max", "The highest score must be a whole number, like 10"),
        ({"stage_labels": "1-12: Everything"}, "stage_labels",
         "The Everything stage (1 to 12) must be within the scale, 1 to 10"),
        ({"stage_labels": "1-5: Low\n4-10: High"}, "stage_labels",
         "The High stage overlaps the stage before it: list the stages from the lowest score "
         "up, without overlaps"),
        ({"areas": "Health\nhealth"}, "areas", "Give each area a different name"),
        ({"areas": " \n "}, "areas", "Enter at least one area, one on each line"),
        ({"name": ""}, "name", "Enter a name for the instrument"),
    ],
)  # fmt: skip
def test_bad_configuration_is_refused_naming_the_field(analyst, login, change, field, message):
    response = login(analyst).post(reverse("outcomes:instrument_add"), {**STAR, **change})
    assert response.status_code == 200
    assert message in response.text
    assert f'href="#id_{field}"' in response.text  # the error summary links to the field
    assert not Instrument.objects.filter(name="Family Star Plus").exists()


def test_a_duplicate_name_is_refused(analyst, login):
    client = login(analyst)
    client.post(reverse("outcomes:instrument_add"), STAR)
    response = client.post(reverse("outcomes:instrument_add"), STAR)
    assert "There is already an instrument with this name" in response.text
    assert Instrument.objects.filter(name="Family Star Plus").count() == 1


def _star(analyst):
    return services.instrument_create(
        actor=analyst, name="Family Star Plus", licensed=True,
        areas=["Physical health", "Your well-being"], scale_min=1, scale_max=10,
    )  # fmt: skip


def _edit(instrument, **change):
    data = {
        "name": instrument.name, "licensed": "on", "scale_min": str(instrument.scale_min),
        "scale_max": str(instrument.scale_max), "areas": "Physical health\nYour well-being",
        "active": "on", "version": str(instrument.version),
    }  # fmt: skip
    return {**data, **change}


def test_editing_an_instrument_without_readings_replaces_its_areas(analyst, login):
    star = _star(analyst)
    url = reverse("outcomes:instrument_edit", args=[star.pk])
    response = login(analyst).post(url, _edit(star, areas="Health\nMoney\nHome", scale_max="5"))
    assert response.status_code == 302
    star.refresh_from_db()
    assert [a.label for a in star.areas.all()] == ["Health", "Money", "Home"]
    assert (star.scale_max, star.version) == (5, 2)


def test_an_instrument_with_readings_keeps_its_scale_and_areas(
    analyst, involved_practitioner, family, login
):
    star = _star(analyst)
    reading = services.reading_record(
        actor=involved_practitioner, household=family.household, instrument=star, stage="start",
        taken_on=dt.date(2025, 3, 1), scores={"physical-health": 4, "your-well-being": 6},
    )  # fmt: skip
    client = login(analyst)
    url = reverse("outcomes:instrument_edit", args=[star.pk])
    page = client.get(url)
    assert "has 1 reading, so its scale and areas cannot change" in page.text
    for change, field in (({"scale_max": "5"}, "scale_min"), ({"areas": "Health"}, "areas")):
        response = client.post(url, _edit(star, **change))
        assert response.status_code == 200
        assert (
            "Family Star Plus has 1 reading, so its "
            f"{'scale' if field == 'scale_min' else 'areas'} cannot change" in response.text
        )
    star.refresh_from_db()
    assert (star.scale_max, star.areas.count(), star.version) == (10, 2, 1)
    # What does not change the meaning of the scores can still change, and retiring it is allowed
    response = client.post(url, _edit(star, name="Family Star Plus (2024 licence)", active=""))
    assert response.status_code == 302
    star.refresh_from_db()
    assert star.name == "Family Star Plus (2024 licence)" and not star.active
    assert {s.value for s in Reading.objects.get(pk=reading.pk).scores.all()} == {4, 6}


def test_a_stale_edit_is_refused_with_409(analyst, login):
    star = _star(analyst)
    url = reverse("outcomes:instrument_edit", args=[star.pk])
    client = login(analyst)
    assert client.post(url, _edit(star, name="Renamed once")).status_code == 302
    stale = client.post(url, _edit(star, name="Renamed again"))  # still carries version 1
    assert stale.status_code == 409
    assert "Someone else changed this instrument while you were editing it" in stale.text
    assert "Renamed once" in stale.text
    star.refresh_from_db()
    assert (star.name, star.version) == ("Renamed once", 2)


def test_a_reading_on_a_configured_instrument_uses_its_scale(
    analyst, involved_practitioner, family, login
):
    star = services.instrument_create(
        actor=analyst, name="Five point", areas=["Confidence", "Routines"], scale_min=0,
        scale_max=5,
    )  # fmt: skip
    client = login(involved_practitioner)
    url = reverse("outcomes:reading_add", args=[family.household.pk]) + f"?instrument={star.code}"
    data = {"stage": "start", "taken_on_0": "6", "taken_on_1": "1", "taken_on_2": "2025",
            "confidence": "6", "routines": "0"}  # fmt: skip
    response = client.post(url, data)
    assert "The score for Confidence must be between 0 and 5" in response.text
    assert not Reading.objects.exists()
    response = client.post(url, {**data, "confidence": "5"})
    assert response.status_code == 302
    assert Reading.objects.get().instrument == star


@pytest.mark.parametrize(
    ("persona", "status"),
    [("analyst", 200), ("administrator", 200), ("involved_practitioner", 404), ("dpo", 404),
     ("volunteer", 404), ("front_door_worker", 404)],
)  # fmt: skip
def test_instrument_configuration_access(persona, status, personas, agencies, login):
    user = (
        UserFactory(agency=agencies.council, role=Role.ADMINISTRATOR)
        if persona == "administrator"
        else personas[persona]
    )
    client = login(user)
    assert client.get(reverse("outcomes:instruments")).status_code == status
    assert client.get(reverse("outcomes:instrument_add")).status_code == status


def test_a_retired_instruments_journeys_stay_readable(
    analyst, involved_practitioner, family, login
):
    star = _star(analyst)
    services.reading_record(
        actor=involved_practitioner, household=family.household, instrument=star, stage="start",
        taken_on=dt.date(2025, 3, 1), scores={"physical-health": 4, "your-well-being": 6},
    )  # fmt: skip
    login(analyst).post(reverse("outcomes:instrument_edit", args=[star.pk]), _edit(star, active=""))
    client = login(involved_practitioner)
    journey = client.get(
        reverse("outcomes:journey", args=[family.household.pk]) + f"?instrument={star.code}"
    )
    assert journey.status_code == 200 and "Physical health" in journey.text
    assert "Record a reading" not in journey.text
    add = reverse("outcomes:reading_add", args=[family.household.pk]) + f"?instrument={star.code}"
    assert client.get(add).status_code == 404
