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
    visible_persons_filter,
)
from continuum.governance.models import AccessLevel, Involvement, InvolvementSource
from continuum.governance.tests.factories import InvolvementFactory
from continuum.people import services
from continuum.people.models import HouseholdMembership, NameKind, Person, PersonName
from continuum.people.tests.factories import AddressFactory, HouseholdFactory, PersonFactory

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


# -- conditions a mutation test found untested (issue 11) ----------------------------------


def _other_household(*, father=None):
    """A second household (the fixtures hold one), with a member nobody is involved with; with
    `father`, Ryan Cole lives there too."""
    household = HouseholdFactory(address=AddressFactory(line1="9 Canal Street", postcode="NB2 7HX"))
    stranger = PersonFactory(adult=True, given_name="Nina", family_name="Hart", household=household)
    if father is not None:
        HouseholdMembership.objects.create(
            household=household, person=father, start_date=dt.date(2020, 1, 1)
        )
    return household, stranger


def test_edit_rights_on_one_person_do_not_extend_to_another_visible_person(
    family, read_only_partner
):
    """can_edit_person checks the person asked about (`.filter(pk=person.pk)`), not whether
    the user may edit anyone at all."""
    InvolvementFactory(agency=read_only_partner.agency, person=family.father)  # EDIT on Ryan
    assert can_edit_person(read_only_partner, family.father)
    assert "mother" in _visible(read_only_partner, family)  # read only, through the household
    assert not can_edit_person(read_only_partner, family.mother)
    with pytest.raises(PermissionDenied):
        person_for_user(read_only_partner, family.mother.pk, need=Access.EDIT)


def test_seeing_one_person_shows_only_their_own_household(family, involved_practitioner):
    """households_visible_to correlates each household with its own members
    (`household=OuterRef("pk")`)."""
    other, stranger = _other_household()
    visible = set(households_visible_to(involved_practitioner).values_list("pk", flat=True))
    assert family.household.pk in visible
    assert other.pk not in visible
    with pytest.raises(Http404):
        household_for_user(involved_practitioner, other.pk)
    assert not persons_visible_to(involved_practitioner).filter(pk=stranger.pk).exists()


def test_a_household_someone_has_left_is_not_shown_through_them(family, involved_practitioner):
    """Only current members open a household (the membership's `end_date__isnull=True`)."""
    other, _stranger = _other_household()
    HouseholdMembership.objects.create(
        household=other, person=family.father, start_date=dt.date(2015, 1, 1),
        end_date=dt.date(2019, 12, 31),
    )  # fmt: skip
    assert "father" in _visible(involved_practitioner, family)
    assert not households_visible_to(involved_practitioner).filter(pk=other.pk).exists()


def test_edit_rights_with_one_family_do_not_extend_to_another_household(
    family, read_only_partner
):
    """household_for_user(EDIT) needs an editable current member of *this* household
    (`memberships__household=household`): the police may edit Ryan Cole, who lives elsewhere,
    and only read the Smiths' household."""
    other, _stranger = _other_household(father=family.father)
    InvolvementFactory(agency=read_only_partner.agency, person=family.father)  # EDIT on Ryan
    assert household_for_user(read_only_partner, other.pk, need=Access.EDIT) == other
    with pytest.raises(PermissionDenied):
        household_for_user(read_only_partner, family.household.pk, need=Access.EDIT)


def test_a_merged_record_is_hidden_from_involved_staff_too(family, involved_practitioner):
    """`not_merged` applies to involvement-based users, not only to the whole-area roles: a
    record merged into another is reached through the one it was merged into."""
    duplicate = PersonFactory(adult=True, given_name="Kerri", family_name="Smith")
    InvolvementFactory(agency=involved_practitioner.agency, person=duplicate)
    assert persons_visible_to(involved_practitioner).filter(pk=duplicate.pk).exists()
    Person.objects.filter(pk=duplicate.pk).update(merged_into=family.mother)
    assert not persons_visible_to(involved_practitioner).filter(pk=duplicate.pk).exists()
    with pytest.raises(Http404):
        person_for_user(involved_practitioner, duplicate.pk)
    assert persons_visible_to(involved_practitioner).filter(pk=family.mother.pk).exists()


def test_a_data_sharing_involvement_grants_nothing(family, uninvolved_worker):
    """Rows created before imports stopped opening records (docs/adr/0006): an agency that
    merely holds a record sees nothing, through a person or a household."""
    for subject in ({"person": family.twin1}, {"household": family.household}):
        InvolvementFactory(
            agency=uninvolved_worker.agency, access=AccessLevel.READ,
            source=InvolvementSource.DATA_SHARING, reason="Holds a record", **subject,
        )  # fmt: skip
    assert _visible(uninvolved_worker, family) == set()
    assert not households_visible_to(uninvolved_worker).exists()
    with pytest.raises(Http404):
        person_for_user(uninvolved_worker, family.twin1.pk)


def test_names_and_addresses_filter_on_their_own_person(family, involved_practitioner):
    """`visible_persons_filter(via=...)` applies the gatekeeper to rows that point at a person
    (a name, an address) through their own person, not the row's id."""
    _other, stranger = _other_household()
    # Name rows' ids run well past people's ids, so a filter on the wrong id cannot pass by luck.
    PersonName.objects.bulk_create(
        [PersonName(person=stranger, kind=NameKind.ALIAS, family_name=f"H{i}") for i in range(40)]
    )
    alias = PersonName.objects.create(person=family.mother, kind=NameKind.ALIAS, given_name="Kez",
                                      family_name="Smith")  # fmt: skip
    condition = visible_persons_filter(involved_practitioner, via="person")
    names = PersonName.objects.filter(condition)
    assert names.filter(pk=alias.pk).exists()
    people = set(names.values_list("person_id", flat=True))
    assert family.mother.pk in people and family.father.pk in people
    assert stranger.pk not in people
    assert set(names.values_list("person_id", flat=True)) <= set(
        persons_visible_to(involved_practitioner).values_list("pk", flat=True)
    )
    merged = PersonFactory(adult=True, given_name="Kez", family_name="Smith")
    InvolvementFactory(agency=involved_practitioner.agency, person=merged)
    Person.objects.filter(pk=merged.pk).update(merged_into=family.mother)
    assert not PersonName.objects.filter(condition, person=merged).exists()


def test_data_steward_sees_no_one_even_where_their_agency_is_involved(family, data_steward):
    assert _visible(data_steward, family) == set()
    assert not households_visible_to(data_steward).exists()
    assert not can_edit_person(data_steward, family.mother)


def test_edit_rights_on_a_former_member_do_not_extend_to_their_old_household(
    family, read_only_partner, involved_practitioner
):
    """household_for_user(EDIT) counts only current members (`memberships__end_date__isnull`):
    the police may edit Dean Walker, who has moved out, and only read the Smiths' household."""
    InvolvementFactory(agency=read_only_partner.agency, person=family.partner)  # EDIT on Dean
    assert household_for_user(read_only_partner, family.household.pk) == family.household
    membership = HouseholdMembership.objects.get(person=family.partner, end_date__isnull=True)
    services.household_end_membership(
        actor=involved_practitioner, membership=membership, end_date=timezone.localdate(),
        reason="Moved out",
    )  # fmt: skip
    assert can_edit_person(read_only_partner, family.partner)
    with pytest.raises(PermissionDenied):
        household_for_user(read_only_partner, family.household.pk, need=Access.EDIT)


def test_a_merged_record_is_hidden_from_the_whole_area_roles(family, front_door_worker, dpo):
    """The whole-area roles reach a merged record through the one it was merged into too."""
    duplicate = PersonFactory(adult=True, given_name="Kerri", family_name="Smith")
    Person.objects.filter(pk=duplicate.pk).update(merged_into=family.mother)
    for user in (front_door_worker, dpo):
        assert not persons_visible_to(user).filter(pk=duplicate.pk).exists()
        assert persons_visible_to(user).filter(pk=family.mother.pk).exists()
        with pytest.raises(Http404):
            person_for_user(user, duplicate.pk)


def test_roles_that_never_edit_people_cannot_even_where_their_agency_may(family, agencies):
    """An administrator or data steward of the hub (which may edit the Smiths) changes no
    one's record: the role, not the agency's involvement, decides."""
    for role in (Role.ADMINISTRATOR, Role.DATA_STEWARD, Role.ANALYST):
        user = UserFactory(agency=agencies.hub, role=role)
        assert not can_edit_person(user, family.mother)


def test_a_volunteer_without_an_agency_sees_no_one(family, volunteer):
    """A volunteer whose agency was taken away (they left the scheme) loses their matches'
    records at once, even before the match is ended."""
    assert _visible(volunteer, family) == HOUSEHOLD
    volunteer.agency = None
    assert _visible(volunteer, family) == set()


def test_whole_area_roles_see_every_household_even_an_empty_one(family, front_door_worker, dpo):
    """The front door and the DPO see every household, members or none (a household everyone
    has left is still on record); an inactive account sees none."""
    empty = HouseholdFactory(address=AddressFactory(line1="1 Empty Row", postcode="NB3 1AA"))
    for user in (front_door_worker, dpo):
        assert households_visible_to(user).filter(pk=empty.pk).exists()
        user.is_active = False
        assert not households_visible_to(user).exists()


def test_a_dpo_whose_agency_may_edit_still_cannot_change_a_household(family, agencies):
    dpo_at_hub = UserFactory(agency=agencies.hub, role=Role.DPO)
    assert household_for_user(dpo_at_hub, family.household.pk) == family.household
    with pytest.raises(PermissionDenied):
        household_for_user(dpo_at_hub, family.household.pk, need=Access.EDIT)
