"""Named personas and the family they work with, shared by every app's tests.

The Smith family (household at 12 Mill Lane, NB1 4QT):
- Kerry Smith, mother; Dean Walker, her partner, who lives with them;
- Ryan Cole, the twins' father, who does not live there;
- the twins Jayden and Jordan Smith (born 4 March 2021), and an unborn baby Smith.

Who may do what with them:
- `involved_practitioner`: family hub practitioner; the hub has an EDIT involvement with the
  household (and with Ryan Cole) → sees and changes the record.
- `read_only_partner`: police officer; the police have a READ involvement → sees, 403 on changes.
- `uninvolved_worker`: practitioner at another family hub, no involvement → 404 everywhere.
- `front_door_worker`: children's social care front door → sees and changes everyone.
- `dpo`: data protection officer → reads everyone, changes nothing (403), sees the audit pages.
- `analyst`: works with aggregates → 404 on every person page.
- `data_steward`: the police's data steward, loads the police's extracts → 404 on every person
  page, though the police are involved (not in PERSONAS: its own matrix test).
- `volunteer`: Home-Start volunteer matched to the family (READ) → sees the family, changes nothing;
  `unmatched_volunteer`, from the same agency but not matched → 404.
"""

from __future__ import annotations

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.db import connection, connections
from django.db.models.signals import post_migrate
from django.test import Client
from django.utils import timezone

from continuum.directory.models import AgencyKind, Role
from continuum.directory.tests.factories import (
    AgencyFactory,
    CatchmentAreaFactory,
    TeamFactory,
    UserFactory,
    api_token_for,
)
from continuum.governance.models import AccessLevel, InvolvementSource
from continuum.governance.tests.factories import InvolvementFactory
from continuum.people.codes import RelationshipKind, Sex
from continuum.people.models import Relationship
from continuum.people.tests.factories import AddressFactory, HouseholdFactory, PersonFactory

TWINS_DOB = dt.date(2021, 3, 4)
MOVED_IN = dt.date(2022, 1, 10)  # when the family moved to 12 Mill Lane


@pytest.fixture
def catchment(db):
    return CatchmentAreaFactory(code="north", name="Northbrook North", postcode_sectors=["NB1 4"])


@pytest.fixture
def agencies(db, catchment):
    return SimpleNamespace(
        hub=AgencyFactory(
            code="north-hub",
            name="Northbrook North Family Hub",
            kind=AgencyKind.FAMILY_HUB,
            catchment=catchment,
        ),
        other_hub=AgencyFactory(
            code="south-hub", name="Southbrook Family Hub", kind=AgencyKind.FAMILY_HUB
        ),
        police=AgencyFactory(code="police", name="Northbrook Police", kind=AgencyKind.POLICE),
        front_door=AgencyFactory(
            code="front-door", name="Northbrook Children's Services", kind=AgencyKind.FRONT_DOOR
        ),
        council=AgencyFactory(
            code="council", name="Northbrook Council", kind=AgencyKind.SOCIAL_WORK
        ),
        home_start=AgencyFactory(
            code="home-start", name="Home-Start Northbrook", kind=AgencyKind.VOLUNTARY
        ),
    )


def _staff(username: str, agency, role: str, **extra):
    return UserFactory(
        username=username,
        agency=agency,
        role=role,
        team=TeamFactory(agency=agency, name=f"{username} team"),
        **extra,
    )


@pytest.fixture
def involved_practitioner(agencies):
    return _staff(
        "hub.practitioner", agencies.hub, Role.PRACTITIONER, first_name="Asha", last_name="Patel"
    )


@pytest.fixture
def read_only_partner(agencies):
    return _staff(
        "police.officer", agencies.police, Role.PRACTITIONER, first_name="Tom", last_name="Reid"
    )


@pytest.fixture
def uninvolved_worker(agencies):
    return _staff(
        "south.worker", agencies.other_hub, Role.PRACTITIONER, first_name="Uma", last_name="Khan"
    )


@pytest.fixture
def front_door_worker(agencies):
    return _staff(
        "front.door", agencies.front_door, Role.FRONT_DOOR, first_name="Fay", last_name="Doyle"
    )


@pytest.fixture
def dpo(agencies):
    return _staff("dpo", agencies.council, Role.DPO, first_name="Dina", last_name="Osei")


@pytest.fixture
def analyst(agencies):
    return _staff("analyst", agencies.council, Role.ANALYST, first_name="Ali", last_name="Noor")


@pytest.fixture
def data_steward(agencies):
    """The police's data steward: loads the police's extracts, never sees a person's record
    (even one the police are involved with)."""
    return _staff(
        "police.steward", agencies.police, Role.DATA_STEWARD, first_name="Kate",
        last_name="Lind",
    )  # fmt: skip


@pytest.fixture
def volunteer(agencies):
    return _staff(
        "volunteer", agencies.home_start, Role.VOLUNTEER, first_name="Val", last_name="Ng"
    )


@pytest.fixture
def unmatched_volunteer(agencies):
    return _staff(
        "volunteer2", agencies.home_start, Role.VOLUNTEER, first_name="Vic", last_name="Roe"
    )


@pytest.fixture
def family(agencies, catchment, involved_practitioner, read_only_partner, volunteer):
    """The Smith household, with the hub (EDIT), police (READ) and the volunteer (READ) involved."""
    address = AddressFactory(line1="12 Mill Lane", postcode="NB1 4QT", catchment=catchment)
    household = HouseholdFactory(address=address)
    mother = PersonFactory(
        adult=True,
        given_name="Kerry",
        family_name="Smith",
        sex=Sex.FEMALE,
        date_of_birth=dt.date(1996, 6, 14),
        household=household,
        move_in_date=MOVED_IN,
        nhs_number="9434765919",
    )
    partner = PersonFactory(
        adult=True,
        given_name="Dean",
        family_name="Walker",
        sex=Sex.MALE,
        date_of_birth=dt.date(1990, 1, 20),
        household=household,
        move_in_date=MOVED_IN,
    )
    father = PersonFactory(
        adult=True,
        given_name="Ryan",
        family_name="Cole",
        sex=Sex.MALE,
        date_of_birth=dt.date(1994, 11, 2),
        address=AddressFactory(line1="3 Station Road", postcode="NB2 7HX"),
    )
    twin1 = PersonFactory(
        given_name="Jayden",
        family_name="Smith",
        sex=Sex.MALE,
        date_of_birth=TWINS_DOB,
        household=household,
        move_in_date=MOVED_IN,
    )
    twin2 = PersonFactory(
        given_name="Jordan",
        family_name="Smith",
        sex=Sex.MALE,
        date_of_birth=TWINS_DOB,
        household=household,
        move_in_date=MOVED_IN,
    )
    unborn = PersonFactory(
        unborn=True,
        family_name="Smith",
        household=household,
        move_in_date=timezone.localdate() - dt.timedelta(days=14),  # registered a fortnight ago
        expected_date_of_delivery=timezone.localdate() + dt.timedelta(days=60),
    )
    # Relationships are inserted in one go (the service and its audit are tested on their own).
    parent, partner_of_parent, sibling = (
        RelationshipKind.PARENT,
        RelationshipKind.PARTNER_OF_PARENT,
        RelationshipKind.SIBLING,
    )
    Relationship.objects.bulk_create(
        [Relationship(from_person=mother, to_person=c, kind=parent, lives_with=True,
                      parental_responsibility=True) for c in (twin1, twin2, unborn)]
        + [Relationship(from_person=partner, to_person=c, kind=partner_of_parent, lives_with=True)
           for c in (twin1, twin2)]
        + [Relationship(from_person=father, to_person=c, kind=parent, parental_responsibility=True)
           for c in (twin1, twin2)]
        + [Relationship(from_person=twin1, to_person=twin2, kind=sibling, lives_with=True)]
    )  # fmt: skip
    InvolvementFactory(
        agency=agencies.hub,
        household=household,
        access=AccessLevel.EDIT,
        started_by=involved_practitioner,
    )
    InvolvementFactory(
        agency=agencies.hub,
        person=father,
        access=AccessLevel.EDIT,
        started_by=involved_practitioner,
    )
    InvolvementFactory(
        agency=agencies.police,
        household=household,
        access=AccessLevel.READ,
        source=InvolvementSource.SERVICE,
        reason="Attended a domestic abuse incident at the home",
        started_by=read_only_partner,
    )
    InvolvementFactory(
        agency=agencies.home_start,
        worker=volunteer,
        household=household,
        access=AccessLevel.READ,
        source=InvolvementSource.VOLUNTEER_MATCH,
    )
    return SimpleNamespace(
        household=household,
        address=address,
        mother=mother,
        partner=partner,
        father=father,
        twin1=twin1,
        twin2=twin2,
        unborn=unborn,
        members=[mother, partner, twin1, twin2, unborn],
    )


PERSONAS = [
    "involved_practitioner",
    "read_only_partner",
    "uninvolved_worker",
    "front_door_worker",
    "dpo",
    "analyst",
    "volunteer",
    "unmatched_volunteer",
]


@pytest.fixture
def personas(request, family):
    """Every persona by name (the family exists, so their involvements do too)."""
    return {name: request.getfixturevalue(name) for name in PERSONAS}


@pytest.fixture
def login():
    """`login(user)` → a test client signed in as that user (CSRF checks on)."""

    def _login(user, *, enforce_csrf_checks: bool = False) -> Client:
        client = Client(enforce_csrf_checks=enforce_csrf_checks)
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def api_client():
    """`api_client(user)` → a client sending that user's bearer token on every request."""

    def _api(user) -> Client:
        return Client(headers={"Authorization": f"Bearer {api_token_for(user)}"})

    return _api


@pytest.fixture(autouse=True)
def _audit_checkpoint_file(settings, tmp_path):
    """Each test's audit checkpoints go to its own file: a checkpoint of one test's (rolled
    back) chain would otherwise read as tampering in the next test's `audit verify`."""
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.jsonl"


# -- transactional tests ---------------------------------------------------------------------


def _audit_sql():
    return importlib.import_module("continuum.audit.migrations.0002_chain_head_and_append_only")


def _restore_audit_log(sender=None, using="default", **kwargs):
    """After the end-of-test flush: put back the append-only triggers and the chain head."""
    from continuum.audit.models import AuditChainHead

    if sender is not None and getattr(sender, "label", "") != "audit":
        return
    conn = connections[using]
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
            if "audit_event_no_update" not in {row[0] for row in cursor.fetchall()}:
                for statement in _audit_sql().SQLITE:
                    cursor.execute(statement)
    AuditChainHead.objects.using(using).get_or_create(pk=1)


# Reference data that data migrations create; the flush after a transactional test removes it.
_REFERENCE_DATA = [
    ("continuum.outcomes.migrations.0002_default_instrument", "create_default",
     "outcomes.Instrument"),
    ("continuum.referrals.migrations.0002_london_continuum_of_need", "create",
     "referrals.ThresholdFramework"),
]  # fmt: skip


def restore_reference_data() -> None:
    """Put back what the data migrations created, if a transactional test's flush removed it."""
    from django.apps import apps

    for module, function, model in _REFERENCE_DATA:
        if not apps.get_model(model).objects.exists():
            getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture
def flushable_audit_log(transactional_db):
    """A transactional test ends with a flush, which the append-only audit log refuses: lift the
    triggers just for the flush, and restore them (and the chain head) straight after. The
    test starts with the reference data the migrations made, whatever flushed it before."""
    from continuum.audit.models import AuditChainHead

    AuditChainHead.objects.get_or_create(pk=1)
    restore_reference_data()
    post_migrate.connect(_restore_audit_log, dispatch_uid="tests-audit-restore")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        else:
            for statement in _audit_sql().SQLITE_REVERSE:
                cursor.execute(statement)


# -- the demo seed ---------------------------------------------------------------------------


@pytest.fixture
def demo_receivers():
    """Run the demo seed with only the given receivers of `northbrook_seeded` (each app tests
    its own demo records; the demo command's test runs them all): `demo_receivers(receiver,
    ...)`, none for the area alone. The receivers are put back afterwards."""
    from continuum.demo.seed import northbrook_seeded

    saved = northbrook_seeded.receivers[:]

    def only(*receivers):
        northbrook_seeded.receivers = []
        for receiver in receivers:
            northbrook_seeded.connect(receiver, dispatch_uid=f"test-{receiver.__module__}")
        northbrook_seeded.sender_receivers_cache.clear()

    yield only
    northbrook_seeded.receivers = saved
    northbrook_seeded.sender_receivers_cache.clear()
