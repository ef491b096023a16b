"""The multi-agency chronology: events read live from other apps, and a fixed number of queries
however long it is (its speed is measured by benchmarks/chronology.py, not here)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from continuum.casework import selectors, services
from continuum.casework.models import ChronologyEntry
from continuum.casework.tests.conftest import days_ago
from continuum.directory.models import AgencyKind, Role
from continuum.directory.tests.factories import AgencyFactory, UserFactory
from continuum.people import services as people_services
from continuum.people.tests.factories import AddressFactory
from continuum.referrals.models import Outcome, Referral, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def front_door(db):
    agency = AgencyFactory(name="Front Door", kind=AgencyKind.FRONT_DOOR)
    return UserFactory(username="fd", agency=agency, role=Role.FRONT_DOOR, first_name="Fran")


def _referral(n, child, referrer, front_door, *, decided: bool = True) -> Referral:
    at = timezone.now() - dt.timedelta(days=30 + n)
    return Referral.objects.create(
        reference=f"T{n:05d}",
        status=Status.DECIDED if decided else Status.SUBMITTED,
        child=child,
        household_id=None,
        referrer=referrer,
        referrer_agency_id=referrer.agency_id,
        destination_agency_id=front_door.agency_id,
        submitted_at=at,
        decided_at=at + dt.timedelta(hours=3) if decided else None,
        decided_by=front_door if decided else None,
        outcome=Outcome.S47 if decided else "",
    )


def _grow(episode, lead, school_worker, front_door, child, n: int, moved_days_ago: int) -> None:
    """`n` more events of every kind: casework entries from two agencies, referrals and their
    decisions, and moves."""
    ChronologyEntry.objects.bulk_create(
        ChronologyEntry(
            household_id=episode.household_id, episode=episode, person=(child, None)[i % 2],
            date=days_ago(i % 80), kind=("visit", "police", "education")[i % 3],
            summary=f"Event {i}", agency_id=(lead, school_worker)[i % 2].agency_id,
            recorded_by=(lead, school_worker)[i % 2],
        )
        for i in range(n)
    )  # fmt: skip
    for i in range(n // 10):
        _referral(1000 * n + i, child, school_worker, front_door)
    for i in range(n // 20):
        people_services.person_move(
            actor=lead,
            person=child,
            address=AddressFactory(),
            start_date=days_ago(moved_days_ago - i),
        )


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.text


@pytest.mark.parametrize("page", ["household", "person", "household_csv"])
def test_the_number_of_queries_does_not_grow_with_the_events(
    episode, lead, school_worker, front_door, child, page
):
    services.taf_invite(actor=lead, episode=episode, user=school_worker, role_in_taf="School")
    client = Client()
    client.force_login(school_worker)
    if page == "person":
        url = reverse("casework:person_chronology", args=[child.pk])
    else:
        url = reverse("casework:household_chronology", args=[episode.household_id])
    if page.endswith("csv"):
        url += "?format=csv"
    _grow(episode, lead, school_worker, front_door, child, 20, 70)
    few, few_text = _queries(client, url)
    _grow(episode, lead, school_worker, front_door, child, 200, 50)
    many, many_text = _queries(client, url)
    # it did show the new events (four times the page: the layout around them is fixed)
    assert len(many_text) > 4 * len(few_text)
    assert many == few


def test_referrals_and_decisions_are_read_into_the_chronology(
    episode, lead, school_worker, front_door, child
):
    _referral(1, child, school_worker, front_door)
    _referral(2, child, school_worker, front_door, decided=False)
    everything = selectors.household_chronology(
        lead, episode.household_id, selectors.ChronologyFilters()
    )
    referrals = [i for i in everything.items if i.kind == "referral"]
    assert sorted(i.summary for i in referrals) == [
        "Decision on the referral: Strategy discussion (section 47)",
        "Referral to the front door by " + school_worker.agency.name,
        "Referral to the front door by " + school_worker.agency.name,
    ]
    decision = next(i for i in referrals if i.summary.startswith("Decision"))
    assert decision.agency == "Front Door" and decision.recorded_by.startswith("Fran")
    assert decision.significant  # a section 47 decision is a significant event
    assert {a.name for a in everything.agencies} >= {"Front Door", school_worker.agency.name}

    by_front_door = selectors.household_chronology(
        lead, episode.household_id, selectors.ChronologyFilters(agency_id=front_door.agency_id)
    )
    assert [i.summary for i in by_front_door.items] == [decision.summary]
    visits_only = selectors.person_chronology(
        lead, child.pk, selectors.ChronologyFilters(kinds=["visit"])
    )
    assert all(i.kind == "visit" for i in visits_only.items)
    child_view = selectors.person_chronology(lead, child.pk, selectors.ChronologyFilters())
    assert sum(i.kind == "referral" for i in child_view.items) == 3


def test_a_withdrawn_or_draft_referral_is_not_an_event(
    episode, lead, school_worker, front_door, child
):
    r = _referral(1, child, school_worker, front_door, decided=False)
    Referral.objects.filter(pk=r.pk).update(status=Status.WITHDRAWN, withdrawn_reason="Sent twice")
    Referral.objects.create(
        reference="DRAFT1", child=child, referrer=school_worker,
        referrer_agency_id=school_worker.agency_id,
    )  # fmt: skip
    c = selectors.household_chronology(lead, episode.household_id, selectors.ChronologyFilters())
    assert not [i for i in c.items if i.kind == "referral"]


def test_someone_who_left_and_came_back_is_born_once(episode, lead, child):
    from continuum.people.models import HouseholdMembership

    first = HouseholdMembership.objects.get(person=child)
    HouseholdMembership.objects.filter(pk=first.pk).update(end_date=days_ago(30))
    HouseholdMembership.objects.create(
        household_id=episode.household_id, person=child, start_date=days_ago(10)
    )
    c = selectors.household_chronology(lead, episode.household_id, selectors.ChronologyFilters())
    assert [i.summary for i in c.items].count(f"{child.display_name} was born") == 1
