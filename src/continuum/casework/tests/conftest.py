"""Personas and a family for casework tests.

- `lead`: family hub practitioner who registered the family (their agency is involved) and is
  lead professional of `episode`.
- `manager`: team manager in the same family hub.
- `school_worker`: a school practitioner with no involvement until invited into the TAF.
- `outsider`: a practitioner in an unrelated agency (never involved).
- `reader`: a practitioner whose agency has a read-only involvement with the household.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from continuum.casework import services
from continuum.casework.codes import EpisodeKind
from continuum.directory.models import AgencyKind, Role
from continuum.directory.tests.factories import AgencyFactory, TeamFactory, UserFactory
from continuum.governance.models import AccessLevel, InvolvementSource
from continuum.governance.tests.factories import InvolvementFactory
from continuum.people.tests.factories import HouseholdFactory, PersonFactory


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture
def hub(db):
    return AgencyFactory(name="Millbrook Family Hub", kind=AgencyKind.FAMILY_HUB)


@pytest.fixture
def school(db):
    return AgencyFactory(name="Northbrook Primary School", kind=AgencyKind.SCHOOL)


@pytest.fixture
def lead(hub):
    team = TeamFactory(agency=hub, name="Outreach")
    return UserFactory(username="lead", agency=hub, team=team, first_name="Lena", last_name="Lead")


@pytest.fixture
def manager(hub):
    return UserFactory(username="manager", agency=hub, role=Role.TEAM_MANAGER)


@pytest.fixture
def colleague(hub):
    return UserFactory(username="colleague", agency=hub)


@pytest.fixture
def school_worker(school):
    return UserFactory(username="school", agency=school, first_name="Sam", last_name="School")


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider", agency=AgencyFactory(name="Elsewhere Housing"))


@pytest.fixture
def household(lead):
    return HouseholdFactory()


@pytest.fixture
def mother(lead, household):
    return PersonFactory(actor=lead, household=household, adult=True, given_name="Mia")


@pytest.fixture
def child(lead, household, mother):
    return PersonFactory(
        actor=lead, household=household, given_name="Kai", date_of_birth=days_ago(365 * 5)
    )


@pytest.fixture
def baby(lead, household, mother):
    return PersonFactory(
        actor=lead, household=household, given_name="Ava", date_of_birth=days_ago(200)
    )


@pytest.fixture
def reader(household, mother):
    agency = AgencyFactory(name="Read Only Health")
    InvolvementFactory(
        agency=agency,
        household=household,
        access=AccessLevel.READ,
        source=InvolvementSource.SERVICE,
    )
    return UserFactory(username="reader", agency=agency)


@pytest.fixture
def episode(lead, household, child, baby):
    return services.episode_open(
        actor=lead,
        household=household,
        kind=EpisodeKind.EARLY_HELP,
        children=[child, baby],
        referral_date=days_ago(100),
        start_date=days_ago(90),
        level_of_need=2,
    )


@pytest.fixture
def plan(episode, lead):
    return services.plan_create(
        actor=lead, episode=episode, start_date=days_ago(80), outcomes_sought="Kai goes to school"
    )
