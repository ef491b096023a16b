"""Who may import, review matches and merge records. Pages for other roles answer 404.

Access to a person comes only from an involvement a named person started (docs/adr/0006), so
everything here is arranged so that no import, review or merge shows anyone a person they could
not already see:
- an agency's extracts are loaded by that agency's data steward (or its system, with the
  steward's API token), who sees their own agency's imports and never the shared record;
- identity review (an agency record beside the person it may be) is for the front door, who
  sees every person in the area anyway; analysts, team managers and data stewards see counts.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from continuum.governance import rules as perms
from continuum.linkage.models import ImportJob, MatchReview, Merge

# An agency's extracts are loaded by its data steward, for that agency only.
can_import = perms.is_data_steward
# Reviewing a possible match shows both records side by side: the front door only, who may see
# every person already, so a review shows them no one new.
can_review = perms.is_front_door
# How many matches wait for review, never who: the roles answerable for data quality.
can_see_review_counts = (
    perms.is_front_door | perms.is_analyst | perms.is_manager | perms.is_data_steward
)
# Merging changes whose record is whose: a manager, or the front door, who see the whole case
# (the merge pages also need the right to change both people).
can_merge = perms.is_manager | perms.is_front_door


def require(predicate, user) -> None:
    if not predicate(user):
        raise Http404("Not found")


def may_import_for(user, agency) -> bool:
    """Only the agency's own data steward (signed in, or through their API token, which is how
    the agency's system calls Continuum) loads the agency's records."""
    return bool(
        user is not None
        and getattr(user, "is_active", False)
        and can_import(user)
        and agency is not None
        and user.agency_id == agency.pk
    )


def require_import_for(user, agency) -> None:
    """For services: refuse (403) an import for an agency the user does not steward."""
    if not may_import_for(user, agency):
        raise PermissionDenied("Only the agency's data steward may import its records")


def imports_visible_to(user) -> QuerySet[ImportJob]:
    require(can_import, user)
    return ImportJob.objects.select_related("agency", "uploaded_by").filter(
        agency_id=user.agency_id
    )


def import_for_user(user, job_id: int) -> ImportJob:
    try:
        return imports_visible_to(user).get(pk=int(job_id))
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise Http404("No import found") from None


def review_for_user(user, review_id: int) -> MatchReview:
    require(can_review, user)
    try:
        return MatchReview.objects.select_related("record", "record__agency", "candidate").get(
            pk=int(review_id)
        )
    except (MatchReview.DoesNotExist, ValueError, TypeError):
        raise Http404("No review found") from None


def merge_for_user(user, merge_id: int) -> Merge:
    require(can_merge, user)
    try:
        return Merge.objects.select_related("kept", "merged", "performed_by").get(pk=int(merge_id))
    except (Merge.DoesNotExist, ValueError, TypeError):
        raise Http404("No merge found") from None
