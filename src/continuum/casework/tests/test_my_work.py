"""My work: the same families as the gatekeeper allows, with the area-wide access condition
evaluated once per page rather than inside every list's query (on SQLite that condition is a
correlated subquery run once per row: seconds per list on the demo area)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from continuum.casework import selectors, services
from continuum.casework.access import visible_household_ids
from continuum.casework.tests.conftest import days_ago
from continuum.governance.access import households_visible_to
from continuum.governance.models import Involvement
from continuum.people.tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_visible_household_ids_agrees_with_the_foundation_gatekeeper(personas, family, agencies):
    """Persona by persona, the fast check gives exactly the households `households_visible_to`
    gives: the family, a family nobody here is involved with, and a household with no one in it
    (the front door and the DPO see every household, even an empty one)."""
    other = HouseholdFactory()
    PersonFactory(actor=personas["uninvolved_worker"], household=other, given_name="Olu")
    empty = HouseholdFactory()
    wanted = [family.household.pk, other.pk, empty.pk]
    for name, user in personas.items():
        expected = set(
            households_visible_to(user).filter(pk__in=wanted).values_list("pk", flat=True)
        )
        assert visible_household_ids(user, wanted) == expected, name
    assert visible_household_ids(personas["front_door_worker"], wanted) == set(wanted)
    assert visible_household_ids(personas["involved_practitioner"], wanted) == {family.household.pk}


@pytest.fixture
def owned_action(plan, lead, school_worker, episode):
    services.taf_invite(actor=lead, episode=episode, user=school_worker, role_in_taf="School")
    return services.action_add(
        actor=lead,
        plan=plan,
        description="Attendance meeting",
        due_date=days_ago(5),
        owner_user=school_worker,
    )


def test_my_work_leaves_out_families_the_user_no_longer_sees(owned_action, school_worker, lead):
    assert selectors.my_work(school_worker).overdue_mine == [owned_action]
    # The school's involvement ends: the action is still theirs, but the family is out of sight.
    Involvement.objects.filter(agency=school_worker.agency).update(ended_at=timezone.now())
    assert selectors.my_work(school_worker).overdue_mine == []
    # The lead's agency still works with the family.
    assert selectors.my_work(lead).overdue_as_lead == [owned_action]


def test_my_work_checks_access_once_not_in_every_list(owned_action, lead, login):
    """Every list on the page is scoped to what the lead may see, through one access check."""
    client = login(lead)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("casework:my_work"))
    assert response.status_code == 200
    assert "Attendance meeting" in response.text
    access_queries = [q for q in ctx.captured_queries if "governance_involvement" in q["sql"]]
    assert len(access_queries) == 1, [q["sql"][:200] for q in access_queries]
