"""Gatekeepers for casework. An episode (and everything in it) is visible exactly when its
household is: the foundation gatekeeper decides, through open involvements, including the Team
Around the Family involvements this app creates. 404 when the user may not see it; 403 when they
may see it but not do what they asked."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from continuum.casework.models import Assessment, Episode
from continuum.directory.models import Role
from continuum.governance import rules as perms
from continuum.governance.access import (
    Access,
    household_for_user,
    households_visible_to,
    persons_visible_to,
)
from continuum.people.models import Household, HouseholdMembership


def episode_for_user(user, episode_id, *, need: Access = Access.READ) -> Episode:
    """The episode, if the user may see its family (404 otherwise); 403 if `need` is EDIT and
    they may only read the family's record."""
    try:
        episode = Episode.objects.select_related(
            "household", "lead_professional", "agency", "team"
        ).get(pk=int(episode_id))
    except (Episode.DoesNotExist, ValueError, TypeError):
        raise Http404("No episode found") from None
    # The family's record decides: no legitimate relationship with the household → 404.
    household_for_user(user, episode.household_id, need=need)
    if need is Access.EDIT and perms.is_analyst(user):
        raise PermissionDenied("Your role cannot change casework records")
    return episode


def assessment_for_user(user, assessment_id, *, need: Access = Access.READ) -> Assessment:
    try:
        assessment = Assessment.objects.select_related("episode").get(pk=int(assessment_id))
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise Http404("No assessment found") from None
    episode_for_user(user, assessment.episode_id, need=need)
    return assessment


def episodes_visible_to(user):
    """Episodes of the households this user may see."""
    return Episode.objects.filter(household__in=households_visible_to(user))


def visible_household_ids(user, household_ids) -> set[int]:
    """Which of these households the user may see: the foundation's rule (`households_visible_to`:
    the whole area for the front door and the DPO, otherwise a household with a current member
    the user may see), applied to these households only.

    Lists that start from the user's own work (actions they own, families they lead) fetch those
    few rows first and check them here, instead of joining every row of a table to the
    area-wide condition: on SQLite that condition is a correlated subquery run once per row,
    which cost seconds per query on the demo area. Here the person gatekeeper runs on the
    current members of these households only. `test_access` checks this agrees with
    `households_visible_to` persona by persona."""
    wanted = {int(pk) for pk in household_ids if pk is not None}
    if not wanted or not user or not user.is_authenticated or not user.is_active:
        return set()
    if perms.sees_whole_area(user):
        return set(Household.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    members = list(
        HouseholdMembership.objects.filter(
            household_id__in=wanted, end_date__isnull=True
        ).values_list("person_id", "household_id")
    )
    seen = set(
        persons_visible_to(user)
        .filter(pk__in={person for person, _household in members})
        .values_list("pk", flat=True)
    )
    return {household for person, household in members if person in seen}


def is_lead(user, episode: Episode) -> bool:
    return bool(user.is_authenticated and episode.lead_professional_id == user.pk)


def is_episode_manager(user, episode: Episode) -> bool:
    """A team manager in the lead professional's agency."""
    return bool(
        user.is_authenticated
        and user.role == Role.TEAM_MANAGER
        and user.agency_id == episode.agency_id
    )


def can_manage_episode(user, episode: Episode) -> bool:
    """Who may run the episode: invite to the TAF, change the plan's shape, ask to close it."""
    return is_lead(user, episode) or is_episode_manager(user, episode)


def require_manage(user, episode: Episode) -> None:
    # Only the lead professional (or their manager) runs the episode; others in the TAF see it.
    if not can_manage_episode(user, episode):
        raise PermissionDenied("Only the lead professional or their manager can do this")


def require_manager(user, episode: Episode) -> None:
    # Sign-off of assessments and approval of closure: a team manager of the lead's agency.
    if not is_episode_manager(user, episode):
        raise PermissionDenied("Only a team manager in the lead professional's agency can do this")


def can_open_episode(user) -> bool:
    """Casework staff may open an episode for a family they can change; volunteers may not."""
    return bool(perms.is_casework_staff(user) and not perms.is_volunteer(user))
