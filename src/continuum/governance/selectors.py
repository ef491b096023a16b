"""Reads for break-glass (emergency) access and restricted records, each behind its gatekeeper."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.governance import rules as perms
from continuum.governance.access import (
    not_restricted_filter,
    persons_visible_to,
    require_dpo,
    running_break_glass,
)
from continuum.governance.models import BreakGlassAccess, Restriction
from continuum.people.models import Person, PersonName
from continuum.people.names import normalise_name


def require_break_glass(user) -> None:
    """The emergency access pages are for staff who may use it (404 for anyone else)."""
    if not perms.can_break_glass(user):
        raise Http404("Not found")


@dataclass
class BreakGlassLookup:
    """What an emergency access request found: exactly one person, or why not."""

    person: Person | None = None
    already_visible: bool = False
    problem: str = ""


NO_MATCH = (
    "No single record matches these details. Check them with the person who gave them to you, "
    "or ask the front door."
)


def break_glass_find(
    user,
    *,
    reason: str,
    continuum_id: int | None = None,
    given_name: str = "",
    family_name: str = "",
    date_of_birth: dt.date | None = None,
) -> BreakGlassLookup:
    """The one person these exact details describe, for an emergency access request.

    Not a search: the Continuum id, or a full name with the date of birth, must match exactly
    (no misspellings, no lists), and a request that finds nobody, several people or a record
    restricted from this user gets the same answer. Every request is audited with its reason,
    found or not, so the DPO sees fishing as well as access."""
    require_break_glass(user)
    candidates = Person.objects.filter(merged_into__isnull=True).filter(
        not_restricted_filter(user)  # break-glass never opens a restricted record
    )
    if continuum_id is not None:
        candidates = candidates.filter(pk=continuum_id)
        criteria = ["continuum_id"]
    else:
        names = PersonName.objects.filter(
            given_norm=normalise_name(given_name), family_norm=normalise_name(family_name)
        )
        candidates = candidates.filter(
            pk__in=names.values("person_id"), date_of_birth=date_of_birth
        )
        criteria = ["given_name", "family_name", "date_of_birth"]
    found = list(candidates.distinct()[:2])
    result = BreakGlassLookup()
    if len(found) == 1:
        result.person = found[0]
        result.already_visible = persons_visible_to(user).filter(pk=found[0].pk).exists()
        outcome = "already_visible" if result.already_visible else "found"
    else:
        result.problem = NO_MATCH
        outcome = "several" if found else "none"
    audit_record(
        actor=user,
        action=AuditAction.SEARCH,
        object_type="break_glass_lookup",
        reason=(reason or "")[:300],
        details={
            "criteria": criteria,
            "outcome": outcome,
            "result_ids": [result.person.pk] if result.person else [],
        },
    )
    return result


def my_break_glass(user) -> list[BreakGlassAccess]:
    """The user's emergency accesses running now (the banner, and the page to end them)."""
    if not user or not user.is_authenticated:
        return []
    return list(running_break_glass(user).select_related("person").order_by("expires_at"))


def break_glass_for_worker(user, access_id) -> BreakGlassAccess:
    """The worker's own emergency access (to end it early); 404 for anyone else's."""
    try:
        return BreakGlassAccess.objects.get(pk=int(access_id), user=user)
    except (BreakGlassAccess.DoesNotExist, ValueError, TypeError):
        raise Http404("Not found") from None


def break_glass_reviews(user, *, reviewed: bool = False) -> QuerySet[BreakGlassAccess]:
    """Emergency accesses open for review (or already reviewed), for the DPO only."""
    require_dpo(user)
    accesses = BreakGlassAccess.objects.select_related(
        "user", "user__agency", "person", "reviewed_by"
    )
    if reviewed:
        return accesses.filter(reviewed_at__isnull=False).order_by("-reviewed_at")
    return accesses.filter(reviewed_at__isnull=True).order_by("started_at")


def break_glass_for_review(user, access_id) -> BreakGlassAccess:
    require_dpo(user)
    try:
        return BreakGlassAccess.objects.select_related(
            "user", "user__agency", "user__team", "person", "reviewed_by"
        ).get(pk=int(access_id))
    except (BreakGlassAccess.DoesNotExist, ValueError, TypeError):
        raise Http404("Not found") from None


def require_restrict(user) -> None:
    """The restriction pages are for the DPO and front door managers (404 for anyone else)."""
    if not perms.can_restrict(user):
        raise Http404("Not found")


def restrictions_visible_to(user) -> QuerySet[Restriction]:
    """Restrictions in force on people this user may see (a manager the restriction does not
    name no longer sees the person, so no longer sees the restriction either)."""
    require_restrict(user)
    return (
        Restriction.objects.filter(lifted_at__isnull=True, person__in=persons_visible_to(user))
        .select_related("person", "created_by")
        .prefetch_related("allowed_users")
        .order_by("-created_at")
    )


def restriction_for_user(user, restriction_id) -> Restriction:
    try:
        return restrictions_visible_to(user).get(pk=int(restriction_id))
    except (Restriction.DoesNotExist, ValueError, TypeError):
        raise Http404("Not found") from None


def restrictions_of(person: Person) -> list[Restriction]:
    """The restrictions in force on a person the caller has already been allowed to see."""
    return list(
        Restriction.objects.filter(person=person, lifted_at__isnull=True).prefetch_related(
            "allowed_users"
        )
    )


# --- the pages, each audited with the people it names ---------------------------------------


def _shown(user, object_type: str, people: list[int], object_id: object = "") -> None:
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=object_type,
        object_id=object_id,
        person_ids=sorted(set(people)),
    )


def break_glass_page(user) -> list[BreakGlassAccess]:
    """The emergency access page: the user's running accesses, audited as a view of the
    people it names."""
    running = my_break_glass(user)
    _shown(user, "governance.break_glass", [a.person_id for a in running])
    return running


def break_glass_review_list(user, *, reviewed: bool = False) -> list[BreakGlassAccess]:
    accesses = list(break_glass_reviews(user, reviewed=reviewed)[:200])
    _shown(user, "governance.break_glass_reviews", [a.person_id for a in accesses])
    return accesses


def break_glass_review_page(user, access_id) -> BreakGlassAccess:
    access = break_glass_for_review(user, access_id)
    _shown(user, "governance.break_glass", [access.person_id], access.pk)
    return access


def restriction_list(user) -> list[Restriction]:
    restrictions = list(restrictions_visible_to(user)[:500])
    _shown(user, "governance.restrictions", [r.person_id for r in restrictions])
    return restrictions


def restriction_page(user, restriction_id) -> Restriction:
    restriction = restriction_for_user(user, restriction_id)
    _shown(user, "governance.restriction", [restriction.person_id], restriction.pk)
    return restriction
