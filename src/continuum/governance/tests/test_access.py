"""The gatekeepers, condition by condition (governance/access.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from continuum.directory.models import Role
from continuum.directory.tests.factories import UserFactory
from continuum.governance.access import (
    Access,
    can_edit_person,
    household_for_user,
    households_visible_to,
    person_for_user,
    persons_visible_to,
    require_dpo,
)
from continuum.governance.models import AccessLevel, Involvement
from continuum.governance.tests.factories import InvolvementFactory
from continuum.people import services
from continuum.people.models import HouseholdMembership

pytestmark = pytest.mark.django_db


def _visible(user, family):
    ids = set(persons_visible_to(user).values_list("pk", flat=True))
    return {name for name in ("mother", "partner", "father", "twin1", "twin2", "unborn")
            if getattr(family, name).pk in ids}  # fmt: skip


HOUSEHOLD = {"mother", "partner", "twin1", "twin2", "unborn"}


def test_household_involvement_covers_current_members(family, read_only_partner):
    assert _visible(read_only_partner, family) == HOUSEHOLD


def test_person_involvement_covers_that_person(family, involved_practitioner):
    assert _visible(involved_practitioner, family) == HOUSEHOLD | {"father"}


def test_whole_area_roles_see_everyone(family, front_door_worker, dpo):
    assert _visible(front_door_worker, family) == HOUSEHOLD | {"father"}
    assert _visible(dpo, family) == HOUSEHOLD | {"father"}


def test_aggregate_roles_see_no_one(family, analyst, agencies):
    admin = UserFactory(agency=agencies.hub, role=Role.ADMINISTRATOR)
    assert _visible(analyst, family) == set()
    assert _visible(admin, family) == set()  # even with their agency involved


def test_volunteer_sees_only_matched_families(family, volunteer, unmatched_volunteer):
    assert _visible(volunteer, family) == HOUSEHOLD
    assert _visible(unmatched_volunteer, family) == set()


def test_worker_specific_involvement_is_not_shared_with_colleagues(
    family, agencies, uninvolved_worker
):
    colleague = UserFactory(agency=agencies.other_hub, role=Role.PRACTITIONER)
    InvolvementFactory(agency=agencies.other_hub, worker=colleague, person=family.twin1)
    assert _visible(colleague, family) == {"twin1"}
    assert _visible(uninvolved_worker, family) == set()


def test_ended_involvement_gives_no_access(family, read_only_partner):
    Involvement.objects.filter(agency=read_only_partner.agency).update(
        ended_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert _visible(read_only_partner, family) == set()
    with pytest.raises(Http404):
        person_for_user(read_only_partner, family.mother.pk)


def test_involvement_ending_in_the_future_still_counts(family, read_only_partner):
    Involvement.objects.filter(agency=read_only_partner.agency).update(
        ended_at=timezone.now() + dt.timedelta(days=1)
    )
    assert _visible(read_only_partner, family) == HOUSEHOLD


def test_leaving_the_household_ends_household_access(
    family, read_only_partner, involved_practitioner
):
    membership = HouseholdMembership.objects.get(person=family.partner, end_date__isnull=True)
    services.household_end_membership(
        actor=involved_practitioner,
        membership=membership,
        end_date=timezone.localdate(),
        reason="Moved out",
    )
    assert "partner" not in _visible(read_only_partner, family)


def test_inactive_or_agency_less_users_see_no_one(family, involved_practitioner):
    involved_practitioner.is_active = False
    assert _visible(involved_practitioner, family) == set()
    no_agency = UserFactory(agency=None, role=Role.PRACTITIONER)
    assert _visible(no_agency, family) == set()
    assert not households_visible_to(no_agency).exists()


def test_edit_needs_an_edit_involvement(
    family, involved_practitioner, read_only_partner, front_door_worker, dpo
):
    assert can_edit_person(involved_practitioner, family.mother)
    assert can_edit_person(front_door_worker, family.mother)
    assert not can_edit_person(read_only_partner, family.mother)
    assert not can_edit_person(dpo, family.mother)
    with pytest.raises(PermissionDenied):
        person_for_user(read_only_partner, family.mother.pk, need=Access.EDIT)
    with pytest.raises(PermissionDenied):
        household_for_user(dpo, family.household.pk, need=Access.EDIT)


def test_read_involvement_upgraded_to_edit(family, read_only_partner):
    Involvement.objects.filter(agency=read_only_partner.agency).update(access=AccessLevel.EDIT)
    assert person_for_user(read_only_partner, family.mother.pk, need=Access.EDIT) == family.mother
    assert (
        household_for_user(read_only_partner, family.household.pk, need=Access.EDIT)
        == family.household
    )


@pytest.mark.parametrize("bad_id", [987654, "abc", None])
def test_missing_or_malformed_ids_are_404(family, front_door_worker, bad_id):
    with pytest.raises(Http404):
        person_for_user(front_door_worker, bad_id)
    with pytest.raises(Http404):
        household_for_user(front_door_worker, bad_id)


def test_only_the_dpo_passes_require_dpo(family, personas):
    for name, user in personas.items():
        if name == "dpo":
            require_dpo(user)
        else:
            with pytest.raises(Http404):
                require_dpo(user)
