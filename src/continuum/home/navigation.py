"""The menu: each role sees its tools and not what it cannot use. Each item asks the app that
owns the page (its gatekeeper or role predicate) whether this user may use it, so the menu and
the pages cannot disagree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from continuum.directory.models import AgencyKind, Role
from continuum.governance import rules as perms
from continuum.linkage import access as linkage_access
from continuum.referrals import access as referrals_access


@dataclass(frozen=True)
class NavItem:
    key: str  # the `nav` a page puts in its context to mark its item as the current one
    label: str
    url: str


def _sees_named_records(user) -> bool:
    # Analysts, data stewards and administrators work with aggregates, never named records.
    return not (
        perms.is_analyst(user) or perms.is_data_steward(user) or user.role == Role.ADMINISTRATOR
    )


def _does_casework(user) -> bool:
    # Volunteers have their own families page; the DPO only reads.
    return bool(perms.is_casework_staff(user) and not perms.is_volunteer(user))


def _receives_contacts(user) -> bool:
    # The front door triages every contact; a family hub's staff receive their panel's. Other
    # agencies (health visiting, police, schools) are never sent contacts: no empty tab for them.
    if not referrals_access.can_act_on_contact(user):
        return False
    # The front door's team manager oversees its queue (issue 15), under the label "Contacts".
    return perms.works_at_front_door(user) or bool(
        user.agency_id and user.agency.kind == AgencyKind.FAMILY_HUB
    )


def _hub_staff(user) -> bool:
    return bool(
        user.agency_id
        and user.agency.kind == AgencyKind.FAMILY_HUB
        and not perms.is_volunteer(user)
    )


def _volunteering(user) -> bool:
    return perms.is_volunteer(user) or bool(
        user.agency_id and user.agency.kind == AgencyKind.VOLUNTARY and not perms.is_analyst(user)
    )


# (key, label or a function of the user giving it, url name, who sees it)
ITEMS: list[tuple[str, str | Callable, str, Callable]] = [
    ("home", "Home", "home", lambda user: True),
    ("search", "Find a person", "people:search", _sees_named_records),
    ("my_work", "My work", "casework:my_work", _does_casework),
    ("referrals", "Referrals", "referrals:mine", referrals_access.can_act_on_contact),
    (
        "front_door",
        lambda user: "Front door" if perms.is_front_door(user) else "Contacts",
        "referrals:queue",
        _receives_contacts,
    ),
    ("inbox", "Inbox", "referrals:inbox", lambda user: True),
    ("hub", "Family hub", "hubs:timetable", _hub_staff),
    (
        "volunteering",
        lambda user: "My families" if perms.is_volunteer(user) else "Volunteers",
        "hubs:volunteering",
        _volunteering,
    ),
    ("linkage", "Imports", "linkage:imports", linkage_access.can_import),
    # The front door reviews; analysts, managers and data stewards see how many wait there.
    ("reviews", "Review queue", "linkage:review_queue", linkage_access.can_see_review_counts),
    ("model", "Matching model", "linkage:model", perms.is_analyst),
    ("register", "Referral register", "referrals:register", referrals_access.can_see_register),
    ("reach", "Reach", "hubs:reach", perms.is_analyst | perms.is_manager),
    ("outcomes", "Outcomes", "outcomes:cohort", lambda user: not perms.is_volunteer(user)),
    ("directory", "Local services", "servicedirectory:search", lambda user: True),
    # Governance: emergency access for those who may use it, its review for the DPO, and the
    # restricted records for those who may restrict one.
    ("break_glass", "Emergency access", "governance:break_glass", perms.can_break_glass),
    (
        "break_glass_reviews",
        "Emergency access reviews",
        "governance:break_glass_reviews",
        perms.is_dpo,
    ),
    ("restrictions", "Restricted records", "governance:restrictions", perms.can_restrict),
]


def menu_for(user) -> list[NavItem]:
    if not user or not user.is_authenticated:
        return []
    items = []
    for key, label, url_name, shows in ITEMS:
        if shows(user):
            text = label(user) if callable(label) else label
            items.append(NavItem(key, text, reverse(url_name)))
    return items


def menu(request):
    """Context processor: `nav_items`, worked out only when a page renders the menu, and
    `header_search`: whether the header shows the person search (for those who may search)."""
    user = getattr(request, "user", None)
    return {
        "nav_items": SimpleLazyObject(lambda: menu_for(user)),
        "header_search": SimpleLazyObject(
            lambda: bool(user and user.is_authenticated and _sees_named_records(user))
        ),
    }
