"""The demo seed sends Northbrook's agency extracts through each data steward's import: the review
queue, the new people and the merges the demo shows come from the real model."""

from __future__ import annotations

import pytest

from continuum.audit.services import audit_verify
from continuum.demo.seed import seed_northbrook
from continuum.linkage.demo import seed_on_northbrook
from continuum.linkage.models import ImportJob, LinkStatus, Merge, ReviewStatus, SourceRecord

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def only_linkage_demo(demo_receivers):
    """Run only this app's demo receiver (other apps test their own)."""
    demo_receivers(seed_on_northbrook)


def test_demo_extracts_fill_the_review_queue_and_a_manager_merges_duplicates(only_linkage_demo):
    seed_northbrook(households=4000)
    jobs = list(ImportJob.objects.all())
    assert len(jobs) == 3 and {job.status for job in jobs} == {"completed"}
    assert all(job.row_errors for job in jobs)  # each extract has a row that cannot be read
    assert sum(job.linked_automatically for job in jobs) > 100
    open_reviews = SourceRecord.objects.filter(
        link_status=LinkStatus.REVIEW, reviews__status=ReviewStatus.OPEN
    ).distinct()
    assert open_reviews.count() >= 3
    merges = list(Merge.objects.select_related("kept", "merged", "performed_by"))
    assert len(merges) == 2
    for merge in merges:
        assert merge.merged.merged_into_id == merge.kept.pk
        assert merge.performed_by.role == "team_manager"
        assert f"is {merge.kept.display_name}: it had " in merge.reason  # what the record lacked
    assert audit_verify().ok
