"""Gatekeepers for referrals. A referral the user may not see answers 404, like one that does
not exist. There are three ways in, each with its own view of the referral:

- the referrer's side (`referral_for_referrer`): the referral, its receipts and its outcome,
  never the receiving team's notes or the answers other agencies gave;
- the receiving side (`contact_for_user`): the whole contact, with notes and information requests;
- an agency asked for information (`information_request_for_user`): that request only.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from continuum.directory.models import Role
from continuum.governance import rules as perms
from continuum.referrals.models import Destination, InformationRequest, Referral, Status

_ACTIVE_STAFF_ROLES = (Role.PRACTITIONER, Role.DSL, Role.TEAM_MANAGER, Role.FRONT_DOOR)


def _is_active_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.agency_id)


def referrals_sent_visible_to(user) -> QuerySet[Referral]:
    """Referrals this user made, and (for a DSL or team manager) their agency's sent referrals."""
    if not _is_active_staff(user):
        return Referral.objects.none()
    # the referrer sees their own referrals, drafts included
    mine = Q(referrer=user)
    if user.role in (Role.DSL, Role.TEAM_MANAGER):
        # a DSL or manager oversees what their agency has sent (not colleagues' drafts)
        mine |= Q(referrer_agency_id=user.agency_id) & ~Q(status=Status.DRAFT)
    return Referral.objects.filter(mine)


def contacts_visible_to(user) -> QuerySet[Referral]:
    """Referrals this user's team receives: the front door's contacts, or a hub's panel."""
    if not _is_active_staff(user) or user.role not in _ACTIVE_STAFF_ROLES:
        return Referral.objects.none()
    received = ~Q(status=Status.DRAFT)  # a draft has not been sent to anyone
    if perms.works_at_front_door(user):
        # the front door (its workers and their managers) triages every contact to the front
        # door, whoever sent it
        return Referral.objects.filter(received, destination=Destination.FRONT_DOOR)
    # a family hub's staff see the referrals to their own hub's early help panel
    return Referral.objects.filter(
        received, destination=Destination.EARLY_HELP_PANEL, destination_agency_id=user.agency_id
    )


def works_at_front_door(user) -> bool:
    """Front door workers and the front door's team managers (who oversee their queue)."""
    return _is_active_staff(user) and bool(perms.works_at_front_door(user))


def referral_for_referrer(user, referral_id) -> Referral:
    try:
        return (
            referrals_sent_visible_to(user)
            .select_related(
                "child",
                "referrer",
                "referrer_agency",
                "destination_agency",
                "received_by",
                "decided_by",
                "level_of_need",
                "framework",
                "onward_agency",
                "lead_professional",
            )
            .get(pk=int(referral_id))
        )
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise Http404("No referral found") from None


def contact_for_user(user, referral_id, *, lock: bool = False) -> Referral:
    try:
        return (
            contacts_visible_to(user)
            .select_related(
                "child",
                "household",
                "referrer",
                "referrer_agency",
                "destination_agency",
                "received_by",
                "decided_by",
                "level_of_need",
                "framework",
                "onward_agency",
                "lead_professional",
                "previous",
            )
            .get(pk=int(referral_id))
        )
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise Http404("No contact found") from None


def can_act_on_contact(user) -> bool:
    """Receiving staff may act on contacts they can see; volunteers and analysts never can."""
    return _is_active_staff(user) and user.role in _ACTIVE_STAFF_ROLES


def information_requests_visible_to(user) -> QuerySet[InformationRequest]:
    """Requests to the user's agency. They see the request, not the contact it came from."""
    if not _is_active_staff(user) or user.role not in (*_ACTIVE_STAFF_ROLES,):
        return InformationRequest.objects.none()
    return InformationRequest.objects.filter(to_agency_id=user.agency_id)


def information_request_for_user(user, request_id) -> InformationRequest:
    try:
        return (
            information_requests_visible_to(user)
            .select_related(
                "referral",
                "referral__child",
                "to_agency",
                "requested_by",
                "acknowledged_by",
                "answered_by",
            )
            .get(pk=int(request_id))
        )
    except (InformationRequest.DoesNotExist, ValueError, TypeError):
        raise Http404("No information request found") from None


def can_see_register(user) -> bool:
    """The referral register holds every referral in the area: front door, managers, analysts."""
    return bool(
        user
        and user.is_authenticated
        and user.role in (Role.FRONT_DOOR, Role.TEAM_MANAGER, Role.ANALYST, Role.DPO)
    )


def can_set_receiving_team(user) -> bool:
    """Which team receives an agency's hand-overs: its administrator or a team manager."""
    return _is_active_staff(user) and user.role in (Role.ADMINISTRATOR, Role.TEAM_MANAGER)
