"""Who may import, review matches and merge records. Pages for other roles answer 404."""

from __future__ import annotations

import rules
from django.http import Http404

from continuum.directory.models import Role
from continuum.governance import rules as perms
from continuum.linkage.models import ImportJob, MatchReview, Merge

is_administrator = rules.predicate(
    lambda user: bool(user and user.is_authenticated and user.role == Role.ADMINISTRATOR),
    name="is_administrator",
)
# Analysts load agencies' extracts; managers and administrators may too, for their agency.
can_import = perms.is_analyst | perms.is_manager | is_administrator
# Reviewing a possible match means seeing both records side by side: data-quality roles only.
can_review = perms.is_analyst | perms.is_manager | perms.is_front_door
# Merging changes whose record is whose: a manager, or the front door, who see the whole case.
can_merge = perms.is_manager | perms.is_front_door


def require(predicate, user) -> None:
    if not predicate(user):
        raise Http404("Not found")


def imports_visible_to(user):
    require(can_import, user)
    jobs = ImportJob.objects.select_related("agency", "uploaded_by")
    if perms.is_analyst(user):
        return jobs  # the area's analysts load every agency's data
    return jobs.filter(agency_id=user.agency_id)


def import_for_user(user, job_id: int) -> ImportJob:
    try:
        return imports_visible_to(user).get(pk=job_id)
    except ImportJob.DoesNotExist:
        raise Http404("No import found") from None


def review_for_user(user, review_id: int) -> MatchReview:
    require(can_review, user)
    try:
        return MatchReview.objects.select_related("record", "record__agency", "candidate").get(
            pk=review_id
        )
    except MatchReview.DoesNotExist:
        raise Http404("No review found") from None


def merge_for_user(user, merge_id: int) -> Merge:
    require(can_merge, user)
    try:
        return Merge.objects.select_related("kept", "merged", "performed_by").get(pk=merge_id)
    except Merge.DoesNotExist:
        raise Http404("No merge found") from None
