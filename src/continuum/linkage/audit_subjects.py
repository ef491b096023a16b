"""Who the records named in linkage's URLs are about, for the audit backstop (audit/pages.py)."""

from continuum.audit.pages import subjects
from continuum.linkage.models import Merge


@subjects("merge_id")
def merge(merge_id: int) -> list[int]:
    row = Merge.objects.filter(pk=merge_id).values_list("kept_id", "merged_id").first()
    return list(row or [])


@subjects("job_id")  # an agency extract: its records and errors (too many people to list)
def import_job(job_id: int) -> list[int]:
    return []
