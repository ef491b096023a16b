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
from continuum.governance.models import (
    NON_GRANTING_SOURCES,
    AccessLevel,
    BreakGlassAccess,
    Involvement,
    Restriction,
    RestrictionScope,
)
from continuum.people.models import Household, HouseholdMembership, Person, PersonAddress


class Access(Enum):
    READ = "read"
    EDIT = "edit"


def _open_involvements(user) -> QuerySet[Involvement]:
    now = timezone.now()
    qs = Involvement.objects.filter(Q(ended_at__isnull=True) | Q(ended_at__gt=now))
    # Holding a record about a person (an agency's extract) never opens the shared record:
    # only professional work that a named person started does (docs/adr/0006).
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


def running_break_glass(user) -> QuerySet[BreakGlassAccess]:
    """The user's emergency accesses that are running now (started, not expired, not ended)."""
    now = timezone.now()
    return BreakGlassAccess.objects.filter(
        user=user, started_at__lte=now, expires_at__gt=now, ended_at__isnull=True
    )


def _break_glass_filter(user, *, person_ref: str = "pk") -> Q:
    """A Q: the user has running emergency access to the person, or to someone the person lives
    with now (break-glass opens the household the person lives in, READ only)."""
    active = running_break_glass(user)
    direct = active.filter(person=OuterRef(person_ref))
    # one filter() call: both conditions on the same membership row of the same household
    via_household = active.filter(
        person__memberships__end_date__isnull=True,
        person__memberships__household__memberships__person=OuterRef(person_ref),
        person__memberships__household__memberships__end_date__isnull=True,
    )
    return Q(Exists(direct)) | Q(Exists(via_household))


def _restrictions_hiding_from(user, scopes) -> QuerySet[Restriction]:
    """Restrictions in force that do not name this user."""
    return Restriction.objects.filter(lifted_at__isnull=True, scope__in=scopes).exclude(
        allowed_users=user
    )


def not_restricted_filter(user, *, person_ref: str = "pk") -> Q:
    """A Q: the person's whole record is not restricted, or the restriction names this user."""
    hiding = _restrictions_hiding_from(user, [RestrictionScope.WHOLE_RECORD])
    return ~Q(Exists(hiding.filter(person=OuterRef(person_ref))))


def restricted_person_ids(user) -> set[int]:
    """Ids of people whose whole record is restricted and not to this user: the lists that do not
    start from `persons_visible_to` (a household's members, a person's relatives) leave them out.
    The DPO sees restricted people (they answer for every record), so nothing is left out."""
    if perms.is_dpo(user):
        return set()
    hiding = _restrictions_hiding_from(user, [RestrictionScope.WHOLE_RECORD])
    return set(hiding.values_list("person_id", flat=True))


def confidential_address_ids(user) -> set[int]:
    """Ids of every address a restricted person has lived at, unless the restriction names this
    user: each is shown as "Address confidential", whoever else lives or lived there. Both kinds
    of restriction hide the address, and the DPO is not an exception (they never need it)."""
    hiding = _restrictions_hiding_from(user, RestrictionScope.values)
    return set(
        PersonAddress.objects.filter(person__in=hiding.values("person_id")).values_list(
            "address_id", flat=True
        )
    )


def active_break_glass_for(user, person: Person) -> BreakGlassAccess | None:
    """The running emergency access that lets this user see this person, if any (for the banner
    and to mark the view's audit event)."""
    if not user or not user.is_authenticated:
        return None
    return (
        running_break_glass(user)
        .filter(
            Q(person=person)
            | Q(
                person__memberships__end_date__isnull=True,
                person__memberships__household__memberships__person=person,
                person__memberships__household__memberships__end_date__isnull=True,
            )
        )
        .order_by("-expires_at")
        .first()
    )


def visible_persons_filter(user, *, via: str = "") -> Q | None:
    """The condition `persons_visible_to` applies, as a Q; None when the user may see nobody.

    With `via` (e.g. "person"), the Q is on a model whose foreign key `via` points to Person, so a
    query over names or addresses can apply the gatekeeper itself, in the same statement, instead
    of going through a separate person query.
    """
    if not user or not user.is_authenticated or not user.is_active:
        return None
    prefix = f"{via}__" if via else ""
    ref = f"{via}_id" if via else "pk"
    # A record merged into another is reached through the one it was merged into.
    not_merged = Q(**{f"{prefix}merged_into__isnull": True})
    if perms.is_dpo(user):
        # The DPO answers for every record, restricted ones included.
        return not_merged
    # A restricted record is seen only by the people its restriction names, even at the front
    # door; naming someone never widens what they see (they still need one of the rules below).
    unrestricted = not_restricted_filter(user, person_ref=ref)
    if perms.sees_whole_area(user):
        return not_merged & unrestricted
    if not user.agency_id:
        return None
    if perms.is_analyst(user) or perms.never_edits_people(user):
        # Analysts and administrators work with aggregates, never named records.
        return None
    # Running emergency (break-glass) access opens the person and their household, READ only.
    relationship = _involvement_filter(user, person_ref=ref) | _break_glass_filter(
        user, person_ref=ref
    )
    return relationship & not_merged & unrestricted


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
