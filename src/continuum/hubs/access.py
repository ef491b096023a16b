"""Gatekeepers for hub records. 404 for what a user may not see; 403 for see-but-not-change."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from continuum.directory.models import Agency, AgencyKind, Role
from continuum.governance import rules as perms
from continuum.governance.access import Access, household_for_user, persons_visible_to
from continuum.hubs.models import OutreachEntry, RiskFlag, Session, VolunteerMatch

# Hub staff who run sessions, take registers and register families.
HUB_EDITORS = {Role.PRACTITIONER, Role.DSL, Role.TEAM_MANAGER}


def hub_for_user(user, *, need: Access = Access.READ) -> Agency:
    """The family hub this user works at.

    - 404 for anyone who is not staff of a family hub (volunteers included);
    - 403 for hub staff whose role does not change records (analysts, administrators, the DPO)
      when `need` is EDIT.
    """
    agency = getattr(user, "agency", None)
    if not user.is_authenticated or agency is None or agency.kind != AgencyKind.FAMILY_HUB:
        raise Http404("Not found")
    if perms.is_volunteer(user):
        raise Http404("Not found")
    if need is Access.EDIT and user.role not in HUB_EDITORS:
        raise PermissionDenied("Your role cannot change hub records")
    return agency


def session_for_user(user, session_id: int, *, need: Access = Access.READ) -> Session:
    hub = hub_for_user(user)  # 404 before 403: outsiders learn nothing
    try:
        session = Session.objects.select_related("activity").get(
            pk=int(session_id), activity__hub=hub
        )
    except (Session.DoesNotExist, ValueError, TypeError):
        raise Http404("No session found") from None
    hub_for_user(user, need=need)
    return session


def reach_hub_for_user(user, hub_id: int | None) -> Agency:
    """Reach is an aggregate: analysts, managers, the DPO and the front door may see any hub's;
    hub staff see their own hub's; everyone else gets 404."""
    if not user.is_authenticated or perms.is_volunteer(user):
        raise Http404("Not found")
    hubs = Agency.objects.filter(kind=AgencyKind.FAMILY_HUB, catchment__isnull=False)
    area_wide = perms.is_analyst(user) or perms.sees_whole_area(user) or perms.is_manager(user)
    if hub_id is None:
        own = getattr(user, "agency", None)
        if own is not None and own.kind == AgencyKind.FAMILY_HUB and own.catchment_id:
            return own
        if area_wide and hubs.exists():
            return hubs.order_by("name").first()
        raise Http404("Not found")
    try:
        hub = hubs.get(pk=int(hub_id))
    except (Agency.DoesNotExist, ValueError, TypeError):
        raise Http404("Not found") from None
    if hub.pk != user.agency_id and not area_wide:
        raise Http404("Not found")
    return hub


def outreach_entry_for_user(user, entry_id: int, *, need: Access = Access.READ) -> OutreachEntry:
    hub = hub_for_user(user)
    try:
        entry = OutreachEntry.objects.select_related("person", "household").get(
            pk=int(entry_id), hub=hub, person__in=persons_visible_to(user)
        )
    except (OutreachEntry.DoesNotExist, ValueError, TypeError):
        raise Http404("Not found") from None
    hub_for_user(user, need=need)
    return entry


def is_coordinator(user) -> bool:
    """Staff (not volunteers) of a voluntary organisation or family hub, which run volunteer
    schemes, co-ordinate them."""
    return bool(
        user.is_authenticated
        and user.agency_id
        and user.agency.kind in (AgencyKind.VOLUNTARY, AgencyKind.FAMILY_HUB)
        and not perms.is_volunteer(user)
        and user.role in HUB_EDITORS
    )


def match_for_user(user, match_id: int, *, need: Access = Access.READ) -> VolunteerMatch:
    """A volunteer scheme family.

    - the co-ordinator's agency (the scheme) sees and changes it;
    - the matched volunteer sees it (and writes diaries) while the match is open; 403 on changes;
    - anyone else: 404.
    """
    try:
        match = VolunteerMatch.objects.select_related("household", "volunteer").get(
            pk=int(match_id)
        )
    except (VolunteerMatch.DoesNotExist, ValueError, TypeError):
        raise Http404("Not found") from None
    if perms.is_volunteer(user):
        if match.volunteer_id != user.pk or match.ended_at is not None:
            raise Http404("Not found")
        if need is Access.EDIT:
            raise PermissionDenied("Only the co-ordinator can change the match")
        return match
    if match.scheme_id != user.agency_id:
        raise Http404("Not found")
    if need is Access.EDIT and not is_coordinator(user):
        raise PermissionDenied("Your role cannot change the match")
    return match


# Staff who record risk factors their agency knows about (not volunteers, analysts or the DPO).
FLAG_RECORDERS = {Role.PRACTITIONER, Role.DSL, Role.TEAM_MANAGER, Role.FRONT_DOOR}


def risk_flags_household_for_user(user, household_id: int, *, need: Access = Access.READ):
    """The family whose risk factors the user reads or records.

    - 404 unless the user's agency has a legitimate relationship with the family (the household
      gatekeeper), and always for volunteers: risk factors are not for them;
    - 403 on recording for roles that do not record (the DPO, analysts, administrators), even
      with read-only access: recording a risk factor is the agency's own record, so partner
      agencies with read-only access (e.g. the police) may record one.
    """
    if perms.is_volunteer(user):
        raise Http404("Not found")
    household = household_for_user(user, household_id, need=Access.READ)
    if need is Access.EDIT and user.role not in FLAG_RECORDERS:
        raise PermissionDenied("Your role cannot record risk factors")
    return household


def risk_flag_for_user(user, flag_id: int) -> RiskFlag:
    """A flag to withdraw: 404 unless the user may see the person; 403 unless the user records
    flags for the agency that recorded it."""
    if perms.is_volunteer(user):
        raise Http404("Not found")
    try:
        flag = RiskFlag.objects.select_related("person", "recorded_by_agency").get(
            pk=int(flag_id), person__in=persons_visible_to(user)
        )
    except (RiskFlag.DoesNotExist, ValueError, TypeError):
        raise Http404("Not found") from None
    if user.role not in FLAG_RECORDERS or flag.recorded_by_agency_id != user.agency_id:
        raise PermissionDenied("Only the agency that recorded a risk factor can withdraw it")
    return flag
