"""Referral fixtures on top of the shared personas (root conftest.py): the hub practitioner refers
twin Jayden Smith to the front door; the police are asked for information."""

from __future__ import annotations

import pytest

from conftest import _staff
from continuum.directory.models import Role
from continuum.referrals import services
from continuum.referrals.models import Consent, Destination, Rag

COMPLETE = {
    "destination": Destination.FRONT_DOOR,
    "concerns": "Jayden came to the hub with bruising to his upper arm and said his mum's "
    "boyfriend grabbed him.",
    "what_has_been_tried": "Parenting support sessions since March; mum stopped attending.",
    "child_views": "Jayden said he is scared when Dean shouts.",
    "parents_views": "Kerry says Jayden bruises easily and did not want a referral.",
    "referrer_level": 4,
    "consent": Consent.REFUSED,
    "consent_reason": "Kerry refused.",
    "without_consent_justification": "Bruising with a disclosure: risk of significant harm.",
    "urgency": "urgent",
}


@pytest.fixture
def referrer(involved_practitioner):
    return involved_practitioner


@pytest.fixture
def front_door_manager(agencies):
    return _staff(
        "front.manager", agencies.front_door, Role.TEAM_MANAGER, first_name="Mo", last_name="Hart"
    )


@pytest.fixture
def second_front_door_worker(agencies):
    return _staff(
        "front.door2", agencies.front_door, Role.FRONT_DOOR, first_name="Gus", last_name="Ames"
    )


@pytest.fixture
def draft(family, referrer):
    return services.referral_create(actor=referrer, child=family.twin1, data=dict(COMPLETE))


@pytest.fixture
def submitted(draft, referrer):
    return services.referral_submit(actor=referrer, referral=draft)


@pytest.fixture
def received(submitted, front_door_worker):
    return services.referral_receive(actor=front_door_worker, referral=submitted, rag=Rag.RED)
