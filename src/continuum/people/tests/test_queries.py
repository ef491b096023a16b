"""The person and household pages make a fixed number of queries, however big the family."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from continuum.directory.tests.factories import AgencyFactory
from continuum.governance.tests.factories import InvolvementFactory
from continuum.people import services
from continuum.people.tests.factories import AddressFactory, HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db

PAGE_QUERY_LIMIT = 30


def _household(size: int, actor):
    """An adult with `size - 1` children in one household, each related to the adult and to the
    next child, each with an agency involved."""
    household = HouseholdFactory(address=AddressFactory())
    parent = PersonFactory(adult=True, household=household, move_in_date=dt.date(2020, 1, 1))
    children = [
        PersonFactory(household=household, date_of_birth=dt.date(2015 + i % 8, 1 + i % 12, 1))
        for i in range(size - 1)
    ]
    for i, child in enumerate(children):
        services.relationship_record(
            actor=actor, from_person=parent, to_person=child, kind="parent"
        )
        if i:
            services.relationship_record(
                actor=None, from_person=children[i - 1], to_person=child, kind="sibling"
            )
        InvolvementFactory(agency=AgencyFactory(), person=child)
    return household, parent


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_person_page_queries_do_not_grow_with_the_household(
    front_door_worker, login, django_assert_max_num_queries
):
    client = login(front_door_worker)
    _small_household, small = _household(2, front_door_worker)
    big_household, big = _household(12, front_door_worker)
    client.get(reverse("people:detail", args=[small.pk]))  # warm up (session, content types)
    small_count = _count(client, reverse("people:detail", args=[small.pk]))
    big_count = _count(client, reverse("people:detail", args=[big.pk]))
    assert big_count == small_count
    with django_assert_max_num_queries(PAGE_QUERY_LIMIT):
        client.get(reverse("people:detail", args=[big.pk]))
    # a child's page (relationships in both directions) is bounded too
    child = big_household.memberships.order_by("pk").last().person
    assert _count(client, reverse("people:detail", args=[child.pk])) == small_count


def test_household_page_queries_do_not_grow(front_door_worker, login):
    client = login(front_door_worker)
    small_household, _ = _household(2, front_door_worker)
    big_household, _ = _household(12, front_door_worker)
    client.get(reverse("people:household", args=[small_household.pk]))
    small_count = _count(client, reverse("people:household", args=[small_household.pk]))
    assert _count(client, reverse("people:household", args=[big_household.pk])) == small_count
    assert small_count <= PAGE_QUERY_LIMIT


def test_search_queries_do_not_grow_with_the_results(front_door_worker, login):
    client = login(front_door_worker)
    for i in range(2):
        PersonFactory(family_name="Okafor", given_name=f"Ada{i}")
    few = _count(client, reverse("people:search") + "?name=Okafor")
    for i in range(10):
        PersonFactory(family_name="Okafor", given_name=f"Ben{i}", address=AddressFactory())
    assert _count(client, reverse("people:search") + "?name=Okafor") == few
