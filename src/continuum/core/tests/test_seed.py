"""The synthetic Northbrook area: `continuum seed` and `continuum demo`."""

from __future__ import annotations

import datetime as dt
import html
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from stdnum.gb import nhs, upn

from continuum.audit.models import AuditEvent
from continuum.audit.services import audit_verify
from continuum.demo import area
from continuum.directory.models import Agency, AgencyKind, CatchmentArea, Role, User
from continuum.governance.access import Access, person_for_user, persons_visible_to
from continuum.governance.models import AccessLevel, Involvement
from continuum.people.codes import RelationshipKind
from continuum.people.models import (
    Household,
    HouseholdMembership,
    NameKind,
    Person,
    PersonAddress,
    PersonKind,
    PersonName,
    Relationship,
)
from continuum.people.names import normalise_name, phonetic_key

pytestmark = pytest.mark.django_db
SMALL = "60"


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed", "--households", SMALL, *args, stdout=out)
    return out.getvalue()


def snapshot() -> list[tuple]:
    return list(
        Person.objects.order_by("pk").values_list(
            "kind",
            "given_name",
            "middle_names",
            "family_name",
            "date_of_birth",
            "expected_date_of_delivery",
            "date_of_death",
            "ethnicity",
            "nhs_number",
            "upn",
        )
    )


@pytest.fixture
def isolated(demo_receivers):
    """Test the area seed on its own: other apps' receivers of northbrook_seeded (their demo
    records) are disconnected, and tested by those apps. The demo command test runs them all."""
    demo_receivers()


@pytest.fixture
def seeded(isolated):
    seed()


def test_every_agency_kind_and_every_role_is_present(seeded):
    assert set(Agency.objects.values_list("kind", flat=True)) == set(AgencyKind.values)
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert Agency.objects.filter(kind=AgencyKind.FAMILY_HUB).count() == 3
    assert Agency.objects.filter(kind=AgencyKind.GP).count() == 2
    assert Agency.objects.filter(kind=AgencyKind.SCHOOL).count() >= 3
    assert User.objects.count() >= 40
    for agency in Agency.objects.all():
        assert agency.sites.exists() and agency.teams.exists(), agency
        assert agency.staff.exists(), agency
    for user in User.objects.all():
        assert user.team.agency_id == user.agency_id and user.job_title


def test_catchments_have_sectors_and_a_polygon_that_contains_their_addresses(seeded):
    catchments = list(CatchmentArea.objects.all())
    assert len(catchments) >= 3
    for catchment in catchments:
        catchment.full_clean()
        assert catchment.postcode_sectors and all(
            s.startswith("NB") for s in catchment.postcode_sectors
        )
        assert len(catchment.polygon) >= 3
        household = (
            Household.objects.filter(address__catchment=catchment).select_related("address").first()
        )
        assert household is not None
        address = household.address
        assert address.postcode_sector in catchment.postcode_sectors
        assert catchment.contains_point(address.longitude, address.latitude)


def test_people_are_valid_and_identifiers_check(seeded):
    people = list(Person.objects.all())
    assert len(people) > 150
    for person in people:
        person.full_clean()  # dates, unborn rules, NHS number and UPN check digits, disabilities
    with_nhs = [p.nhs_number for p in people if p.nhs_number]
    assert len(with_nhs) > 0.85 * len([p for p in people if p.kind != PersonKind.UNBORN])
    assert all(nhs.is_valid(n) and n.startswith("999") for n in with_nhs)
    assert len(set(with_nhs)) == len(with_nhs)
    upns = [p.upn for p in people if p.upn]
    assert upns and all(upn.is_valid(u) for u in upns)
    assert len(set(upns)) == len(upns)
    today = timezone.localdate()
    for person in people:
        if person.upn:
            assert 3 <= person.age_on(today) <= 18
    kinds = {p.kind for p in people}
    assert kinds == {PersonKind.CHILD, PersonKind.ADULT, PersonKind.UNBORN}
    for unborn in (p for p in people if p.kind == PersonKind.UNBORN):
        assert today <= unborn.expected_date_of_delivery <= today + dt.timedelta(days=183)
    assert {p.ethnicity for p in people} >= {"WBRI"}
    assert len({p.ethnicity for p in people}) >= 4


def test_names_are_indexed_exactly_as_the_people_services_do(seeded):
    for person in Person.objects.exclude(kind=PersonKind.UNBORN).prefetch_related("names")[:200]:
        legal = [n for n in person.names.all() if n.kind == NameKind.LEGAL]
        assert len(legal) == 1
        row = legal[0]
        assert (row.given_name, row.family_name) == (person.given_name, person.family_name)
        assert row.given_norm == normalise_name(person.given_name)
        assert row.family_key == phonetic_key(person.family_name)
    assert PersonName.objects.filter(kind=NameKind.PREVIOUS).exists()


def test_households_addresses_and_relationships_hang_together(seeded):
    # Every living person has exactly one current address, and it is their household's address.
    for membership in HouseholdMembership.objects.filter(end_date__isnull=True).select_related(
        "household"
    )[:300]:
        current = PersonAddress.objects.get(person_id=membership.person_id, end_date__isnull=True)
        assert current.address_id == membership.household.address_id
    assert PersonAddress.objects.filter(end_date__isnull=False).exists()  # some have moved
    kinds = set(Relationship.objects.values_list("kind", flat=True))
    assert {
        RelationshipKind.PARENT,
        RelationshipKind.SIBLING,
        RelationshipKind.GRANDPARENT,
    } <= kinds
    # "Hidden men": fathers and partners who are part of a child's life but live elsewhere.
    assert Relationship.objects.filter(
        kind=RelationshipKind.PARTNER_OF_PARENT, lives_with=False
    ).exists()
    assert Relationship.objects.filter(kind=RelationshipKind.PARENT, lives_with=False).exists()


def test_full_scale_shapes_are_all_produced(isolated):
    """At a few hundred families every family shape and relationship kind turns up."""
    call_command("seed", "--households", "400", stdout=StringIO())
    assert Household.objects.filter(memberships__isnull=False).distinct().count() >= 400
    assert set(Relationship.objects.values_list("kind", flat=True)) == set(RelationshipKind.values)
    assert Person.objects.filter(date_of_death__isnull=False, kind=PersonKind.ADULT).exists()
    assert Person.objects.filter(interpreter_needed=True).exists()
    assert Person.objects.exclude(disabilities=[]).exists()
    # Twins: two children of the same mother born on the same day.
    parent_of = Relationship.objects.filter(kind=RelationshipKind.PARENT, from_person__sex="F")
    births = list(parent_of.values_list("from_person_id", "to_person__date_of_birth"))
    assert len(births) > len(set(births))


def test_seed_is_deterministic(isolated):
    seed()
    first = snapshot()
    first_counts = (
        Relationship.objects.count(),
        Involvement.objects.count(),
        PersonAddress.objects.count(),
    )
    seed("--reset")
    assert snapshot() == first
    assert (
        Relationship.objects.count(),
        Involvement.objects.count(),
        PersonAddress.objects.count(),
    ) == first_counts


def test_refuses_a_database_with_data_unless_reset(seeded):
    people = Person.objects.count()
    with pytest.raises(CommandError, match="already has"):
        seed()
    assert Person.objects.count() == people
    seed("--force")
    assert Person.objects.count() == people
    assert AuditEvent.objects.filter(object_type="seed", action="delete").count() == 1


@override_settings(MODE="production", IS_PRODUCTION=True, DEMO_MODE=False)
def test_refuses_in_production_mode(isolated):
    with pytest.raises(CommandError, match="only allowed in demo or test mode"):
        seed()
    assert not Agency.objects.exists() and not User.objects.exists()
    with pytest.raises(CommandError, match="demo mode"):
        call_command("demo", "--no-serve", stdout=StringIO())


def test_one_summary_audit_event_and_the_chain_still_verifies(seeded):
    events = AuditEvent.objects.all()
    assert events.count() == 1
    event = events.get()
    assert (event.object_type, event.action, event.actor_id) == ("seed", "create", None)
    assert event.details["counts"]["persons"] == Person.objects.count()
    assert audit_verify().ok


def test_demo_accounts_sign_in_with_the_published_password(client, seeded):
    for spec in area.DEMO_ACCOUNTS:
        assert client.login(username=spec.username, password="northbrook"), spec.username
        client.logout()
    usernames = {s.username for s in area.DEMO_ACCOUNTS}
    assert {
        "hub.practitioner",
        "hv.practitioner",
        "police",
        "volunteer",
        "dpo",
        "admin",
    } <= usernames
    assert {User.objects.get(username=u).role for u in usernames} == set(Role.values)


def test_health_visitor_sees_a_baby_and_an_unborn_in_one_family(client, seeded):
    hv = User.objects.get(username="hv.practitioner")
    visible = persons_visible_to(hv)
    today = timezone.localdate()
    babies = [p for p in visible.filter(kind=PersonKind.CHILD) if p.age_on(today) < 1]
    unborn_households = set(
        HouseholdMembership.objects.filter(
            person__in=visible.filter(kind=PersonKind.UNBORN), end_date__isnull=True
        ).values_list("household_id", flat=True)
    )
    baby_households = set(
        HouseholdMembership.objects.filter(person__in=babies, end_date__isnull=True).values_list(
            "household_id", flat=True
        )
    )
    assert baby_households & unborn_households
    # Health visiting is not involved with families of only older children.
    assert visible.count() < Person.objects.count()
    client.force_login(hv)
    baby = babies[0]
    response = client.get(reverse("people:detail", args=[baby.pk]))
    assert response.status_code == 200
    assert baby.given_name in html.unescape(response.content.decode())


def test_police_can_read_but_not_edit(client, seeded):
    police = User.objects.get(username="police")
    involvements = Involvement.objects.filter(agency=police.agency)
    assert involvements.exists()
    assert not involvements.exclude(access=AccessLevel.READ).exists()
    person = persons_visible_to(police).first()
    assert person_for_user(police, person.pk) == person
    with pytest.raises(PermissionDenied):
        person_for_user(police, person.pk, need=Access.EDIT)
    client.force_login(police)
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 200
    assert client.get(reverse("people:edit", args=[person.pk])).status_code == 403


def test_volunteer_sees_only_matched_families(seeded):
    volunteer = User.objects.get(username="volunteer")
    matched = Involvement.objects.filter(worker=volunteer)
    assert matched.exists()
    visible = persons_visible_to(volunteer)
    assert 0 < visible.count() < 30


def test_demo_command_without_serving_lists_the_accounts():
    out = StringIO()
    call_command("demo", "--no-serve", "--households", "20", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8000/" in text
    assert "northbrook" in text
    for spec in area.DEMO_ACCOUNTS:
        assert spec.username in text
    assert "Data protection officer" in text and "Northbrook Health Visiting Service" in text
    assert Agency.objects.exists()
    # A second run does not seed again.
    people = Person.objects.count()
    call_command("demo", "--no-serve", stdout=StringIO())
    assert Person.objects.count() == people


def test_the_seed_leaves_the_query_planner_statistics(seeded):
    """A freshly loaded SQLite area without statistics made the access checks scan every
    involvement of the user's agency for each person (seconds per page on the demo area)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'governance_involvement'")
        else:
            cursor.execute(
                "SELECT count(*) FROM pg_stats WHERE tablename = 'governance_involvement'"
            )
        assert cursor.fetchone()[0] > 0
