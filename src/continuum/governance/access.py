"""Gatekeepers: may this user see (or change) this person or household?

A record the user may not see answers 404, exactly like one that does not exist (`Http404`).
403 (`PermissionDenied`) means "you can see it, but you cannot change it".
"""

from __future__ import annotations

from enum import Enum

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from continuum.governance import rules as perms
from continuum.governance.models import NON_GRANTING_SOURCES, AccessLevel, Involvement
from continuum.people.models import Household, HouseholdMembership, Person


class Access(Enum):
    READ = "read"
    EDIT = "edit"


def _open_involvements(user) -> QuerySet[Involvement]:
    now = timezone.now()
    qs = Involvement.objects.filter(Q(ended_at__isnull=True) | Q(ended_at__gt=now))
    # Holding a record about a person (an agency's extract) never opens the shared record:
    # only professional work that a named person started does (docs/adr/0007).
    qs = qs.exclude(source__in=NON_GRANTING_SOURCES)
    if perms.is_volunteer(user):
        # A volunteer sees only the families they are matched to, not their agency's caseload.
        return qs.filter(worker=user)
    # Staff see what their agency is involved with, except one-worker involvements of others.
    return qs.filter(agency_id=user.agency_id).filter(Q(worker__isnull=True) | Q(worker=user))


def _involvement_filter(user, *, edit: bool = False, person_ref: str = "pk") -> Q:
    """A Q: the user's agency (or the user) has an open involvement with the person, or with a
    household the person currently belongs to. `person_ref` names the person's id in the outer
    query ("pk" on Person, "person_id" on a model with a `person` foreign key)."""
    involvements = _open_involvements(user)
    if edit:
        involvements = involvements.filter(access=AccessLevel.EDIT)
    direct = involvements.filter(person=OuterRef(person_ref))
    via_household = involvements.filter(
        household__memberships__person=OuterRef(person_ref),
        household__memberships__end_date__isnull=True,
    )
    return Q(Exists(direct)) | Q(Exists(via_household))


def visible_persons_filter(user, *, via: str = "") -> Q | None:
    """The condition `persons_visible_to` applies, as a Q; None when the user may see nobody.

    With `via` (e.g. "person"), the Q is on a model whose foreign key `via` points to Person, so a
    query over names or addresses can apply the gatekeeper itself, in the same statement, instead
    of going through a separate person query.
    """
    if not user or not user.is_authenticated or not user.is_active:
        return None
    prefix = f"{via}__" if via else ""
    # A record merged into another is reached through the one it was merged into.
    not_merged = Q(**{f"{prefix}merged_into__isnull": True})
    if perms.sees_whole_area(user):
        return not_merged
    if not user.agency_id:
        return None
    if perms.is_analyst(user) or perms.never_edits_people(user):
        # Analysts and administrators work with aggregates, never named records.
        return None
    return _involvement_filter(user, person_ref=f"{via}_id" if via else "pk") & not_merged


def persons_visible_to(user) -> QuerySet[Person]:
    """Every person this user may see. The base of every person list and search."""
    condition = visible_persons_filter(user)
    return Person.objects.none() if condition is None else Person.objects.filter(condition)


def can_edit_person(user, person: Person) -> bool:
    if perms.never_edits_people(user):
        return False
    # A volunteer sees what the visit needs and records their diary; they never change who a
    # person is or who lives with them, whatever access their match's involvement carries.
    if perms.is_volunteer(user):
        return False
    if perms.is_front_door(user):
        return True
    return Person.objects.filter(pk=person.pk).filter(_involvement_filter(user, edit=True)).exists()


def person_for_user(user, person_id: int, *, need: Access = Access.READ) -> Person:
    """The person, if this user has a legitimate relationship with them.

    - 404 if the person does not exist or the user has no legitimate relationship;
    - 403 if the user may see but `need` is EDIT and they may not change the record.
    """
    try:
        person = persons_visible_to(user).get(pk=int(person_id))
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404("No person found") from None
    if need is Access.EDIT and not can_edit_person(user, person):
        raise PermissionDenied("You can see this record but cannot change it")
    return person


def households_visible_to(user) -> QuerySet[Household]:
    if not user or not user.is_authenticated or not user.is_active:
        return Household.objects.none()
    if perms.sees_whole_area(user):
        return Household.objects.all()
    visible_people = persons_visible_to(user)
    members = HouseholdMembership.objects.filter(
        household=OuterRef("pk"), end_date__isnull=True, person__in=visible_people
    )
    return Household.objects.filter(Exists(members))


def household_for_user(user, household_id: int, *, need: Access = Access.READ) -> Household:
    try:
        household = households_visible_to(user).get(pk=int(household_id))
    except (Household.DoesNotExist, ValueError, TypeError):
        raise Http404("No household found") from None
    if need is Access.EDIT:
        # Volunteers, like the roles that never edit people, only read the family's record.
        if perms.never_edits_people(user) or perms.is_volunteer(user):
            raise PermissionDenied("You can see this household but cannot change it")
        if not perms.is_front_door(user):
            editable = persons_visible_to(user).filter(
                _involvement_filter(user, edit=True),
                memberships__household=household,
                memberships__end_date__isnull=True,
            )
            if not editable.exists():
                raise PermissionDenied("You can see this household but cannot change it")
    return household


def require_dpo(user) -> None:
    """The audit pages are for the data protection officer only (404 for anyone else)."""
    if not perms.is_dpo(user):
        raise Http404("Not found")
