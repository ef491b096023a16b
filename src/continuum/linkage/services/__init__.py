"""Writes for linkage: importing agency extracts, deciding reviews, merging and unmerging."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import uuid
from collections.abc import Callable
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.core.identifiers import is_valid_nhs_number
from continuum.governance.models import AccessLevel, Involvement, InvolvementSource
from continuum.linkage.engine.layout import ALL_COLUMNS, REQUIRED_COLUMNS, validate_row
from continuum.linkage.engine.realtime import blocking_keys
from continuum.linkage.matching import active_params, find_matches, thresholds
from continuum.linkage.models import (
    ImportJob,
    ImportStatus,
    LinkageModel,
    LinkStatus,
    MatchReview,
    Merge,
    ReviewStatus,
    SourceRecord,
    SourceRecordKey,
)
from continuum.people import services as people_services
from continuum.people.models import (
    AgencyIdentifier,
    NameKind,
    Person,
    PersonKind,
    PersonName,
)

logger = logging.getLogger(__name__)
CHUNK_SIZE = 200
MAX_REVIEW_CANDIDATES = 3
ALLOWED_SUFFIXES = {".csv", ".xlsx"}
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


# --------------------------------------------------------------------------------------------
# Reading extracts with a column mapping
# --------------------------------------------------------------------------------------------


def read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV or XLSX file, as text."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        book.close()
        if not rows:
            return [], []
        header = [str(c or "").strip() for c in rows[0]]

        def cell(value) -> str:
            if value is None:
                return ""
            if isinstance(value, dt.datetime):
                return value.date().isoformat()
            if isinstance(value, dt.date):
                return value.isoformat()
            if isinstance(value, float) and value.is_integer():
                return str(int(value))
            return str(value).strip()

        return header, [
            [cell(c) for c in row] for row in rows[1:] if any(c is not None for c in row)
        ]
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        rows = list(reader)
    if not rows:
        return [], []
    return [h.strip() for h in rows[0]], [row for row in rows[1:] if any(c.strip() for c in row)]


def default_mapping(header: list[str]) -> dict[str, str]:
    """person-extract v1 columns found in the header, matched case-insensitively."""
    lowered = {h.strip().lower(): h for h in header}
    return {col: lowered[col] for col in ALL_COLUMNS if col in lowered}


def mapping_problems(mapping: dict[str, str], header: list[str]) -> dict[str, str]:
    problems = {}
    for col in ("record_id", "family_name", "date_of_birth"):
        if not mapping.get(col):
            problems[col] = f"Choose the column that holds {col.replace('_', ' ')}"
    for col, source in mapping.items():
        if source and source not in header:
            problems[col] = f"There is no column called {source!r} in the file"
    return problems


def _mapped_rows(job: ImportJob) -> list[dict[str, str | None]]:
    header, rows = read_table(Path(job.stored_path))
    index = {h: i for i, h in enumerate(header)}
    out = []
    for row in rows:
        mapped: dict[str, str | None] = {}
        for col in ALL_COLUMNS:
            source = job.column_mapping.get(col)
            value = row[index[source]] if source and index.get(source, 99999) < len(row) else ""
            mapped[col] = (value or "").strip() or None
        out.append(mapped)
    return out


@transaction.atomic
def import_create(*, actor, agency, filename: str, content: bytes, mapping: dict | None = None):
    """Store the upload outside the web root and create the job (not yet run)."""
    suffix = Path(filename).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise ValidationError({"file": "The file must be a CSV or an Excel (.xlsx) file"})
    if not content:
        raise ValidationError({"file": "The selected file is empty"})
    if len(content) > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": "The file must be smaller than 50 MB"})
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / f"{uuid.uuid4().hex}{suffix}"
    stored.write_bytes(content)
    try:
        header, rows = read_table(stored)
    except Exception as exc:  # a corrupt workbook or a binary file named .csv
        stored.unlink(missing_ok=True)
        raise ValidationError({"file": "The file could not be read as CSV or Excel"}) from exc
    if not header:
        stored.unlink(missing_ok=True)
        raise ValidationError({"file": "The file has no header row"})
    job = ImportJob.objects.create(
        agency=agency,
        uploaded_by=actor,
        filename=Path(filename).name[:200],
        stored_path=str(stored),
        column_mapping=mapping if mapping is not None else default_mapping(header),
        rows_total=len(rows),
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="import_job",
        object_id=job.pk,
        details={"agency_id": agency.pk, "rows": len(rows)},
    )
    return job


@transaction.atomic
def import_set_mapping(*, actor, job: ImportJob, mapping: dict[str, str]) -> ImportJob:
    header, _rows = read_table(Path(job.stored_path))
    problems = mapping_problems(mapping, header)
    if problems:
        raise ValidationError(problems)
    if job.status != ImportStatus.PENDING:
        raise ValidationError("The columns cannot be changed once the import has started")
    job.column_mapping = {k: v for k, v in mapping.items() if v}
    job.save(update_fields=["column_mapping"])
    return job


def _person_kind(row: dict) -> str:
    if not row.get("date_of_birth"):
        return PersonKind.UNBORN
    dob = dt.date.fromisoformat(row["date_of_birth"])
    age = (timezone.localdate() - dob).days // 365.25
    return PersonKind.ADULT if age >= 18 else PersonKind.CHILD


def _person_from_row(*, actor, agency, row: dict) -> Person:
    """A new person from an agency's row (when no existing person matches)."""
    nhs = row.get("nhs_number") or ""
    data = {
        "kind": _person_kind(row),
        "given_name": ""
        if (row.get("given_name") or "").lower() == "baby"
        else row.get("given_name") or "",
        "middle_names": row.get("middle_names") or "",
        "family_name": row.get("family_name") or "",
        "date_of_birth": dt.date.fromisoformat(row["date_of_birth"])
        if row.get("date_of_birth")
        else None,
        "expected_date_of_delivery": (
            dt.date.fromisoformat(row["expected_date_of_delivery"])
            if row.get("expected_date_of_delivery") and not row.get("date_of_birth")
            else None
        ),
        "sex": (row.get("sex") or "U")[:1].upper()
        if (row.get("sex") or "U")[:1].upper() in "MFU"
        else "U",
        "nhs_number": nhs if is_valid_nhs_number(nhs) else "",
        "upn": row.get("upn") or "",
    }
    if data["kind"] == PersonKind.UNBORN:
        data["sex"] = "U"
    address = None
    if row.get("postcode") and row.get("address_line1"):
        try:
            address = people_services.address_build(
                line1=row["address_line1"], postcode=row["postcode"]
            )
        except ValidationError:
            address = None
    previous = [
        ("", p.strip()) for p in (row.get("previous_family_names") or "").split(";") if p.strip()
    ]
    return people_services.person_create(
        actor=actor,
        data=data,
        address=address,
        previous_names=previous,
        agency=agency,
        involvement_source=InvolvementSource.DATA_SHARING,
        involvement_access=AccessLevel.READ,  # an agency's extract shares, it does not edit
        reason=f"Record received from {agency.name}",
    )


def _ensure_involvement(*, agency, person: Person, actor, reason: str) -> None:
    exists = Involvement.objects.filter(
        agency=agency, person=person, ended_at__isnull=True
    ).exists()
    if not exists:
        Involvement.objects.create(
            agency=agency,
            person=person,
            access=AccessLevel.READ,
            source=InvolvementSource.DATA_SHARING,
            reason=reason,
            started_by=actor,
        )


def _link(record: SourceRecord, person: Person, status: str, actor) -> None:
    record.person = person
    record.link_status = status
    record.save(update_fields=["person", "link_status", "match_probability", "model_version"])
    AgencyIdentifier.objects.get_or_create(
        agency=record.agency, value=record.record_id, defaults={"person": person}
    )
    _ensure_involvement(
        agency=record.agency,
        person=person,
        actor=actor,
        reason=f"{record.agency.name} holds a record of this person",
    )


def _store_keys(record: SourceRecord, params: dict) -> None:
    record.keys.all().delete()
    SourceRecordKey.objects.bulk_create(
        SourceRecordKey(record=record, key=key[:160]) for key in blocking_keys(record.data, params)
    )


def _process_row(job: ImportJob, row: dict, params: dict, upper: float, lower: float) -> str:
    """Store one validated row and link it. Returns what happened."""
    existing = (
        SourceRecord.objects.select_for_update()
        .filter(agency=job.agency, record_id=row["record_id"])
        .first()
    )
    now = timezone.now()
    if existing is not None:
        if existing.data == row:
            return "unchanged"
        existing.previous_versions = [
            *existing.previous_versions,
            {"data": existing.data, "replaced_at": now.isoformat()},
        ]
        existing.data = row
        existing.updated_at = now
        existing.import_job = job
        existing.save(update_fields=["data", "previous_versions", "updated_at", "import_job"])
        _store_keys(existing, params)
        return "updated"
    record = SourceRecord.objects.create(
        agency=job.agency,
        record_id=row["record_id"],
        data=row,
        import_job=job,
        link_status=LinkStatus.NEW_PERSON,
        model_version=str(params.get("model_version", "")),
    )
    _store_keys(record, params)
    candidates = find_matches(row, params=params, limit=MAX_REVIEW_CANDIDATES)
    best = candidates[0] if candidates else None
    if best is not None and best.probability >= upper:
        record.match_probability = best.probability
        _link(record, best.person, LinkStatus.AUTOMATIC, job.uploaded_by)
        return "linked"
    if best is not None and best.probability >= lower:
        record.link_status = LinkStatus.REVIEW
        record.match_probability = best.probability
        record.save(update_fields=["link_status", "match_probability"])
        MatchReview.objects.bulk_create(
            MatchReview(
                record=record,
                candidate=c.person,
                probability=c.probability,
                match_weight=c.match_weight,
                breakdown=c.breakdown,
            )
            for c in candidates
        )
        return "review"
    person = _person_from_row(actor=job.uploaded_by, agency=job.agency, row=row)
    record.match_probability = best.probability if best else None
    _link(record, person, LinkStatus.NEW_PERSON, job.uploaded_by)
    return "new"


_COUNTERS = {
    "unchanged": "unchanged_records",
    "updated": "updated_records",
    "linked": "linked_automatically",
    "review": "sent_to_review",
    "new": "new_people",
}


def import_run(job_id: int, *, chunk_size: int = CHUNK_SIZE, after_chunk: Callable | None = None):
    """Process the job from its resume point, one chunk per transaction.

    A job killed half way has committed whole chunks only, so running it again continues
    from `rows_done` with nothing lost or doubled; rows already stored are recognised by
    record_id either way.
    """
    job = ImportJob.objects.get(pk=job_id)
    if job.status == ImportStatus.COMPLETED:
        return job
    rows = _mapped_rows(job)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING,
        rows_total=len(rows),
        started_at=job.started_at or timezone.now(),
    )
    params = active_params()
    upper, lower = thresholds(params)
    try:
        for start in range(job.rows_done, len(rows), chunk_size):
            with transaction.atomic():
                job = ImportJob.objects.select_for_update().get(pk=job.pk)
                if job.rows_done != start:  # another worker got here first
                    continue
                errors = list(job.row_errors)
                counts: dict[str, int] = {}
                for offset, raw in enumerate(rows[start : start + chunk_size]):
                    row_number = start + offset + 2  # the header is row 1
                    clean, row_errors = validate_row(raw, row_number, source=job.filename)
                    errors.extend(
                        {"row": e.row, "field": e.field, "reason": e.reason} for e in row_errors
                    )
                    if clean is None:
                        continue
                    try:
                        with transaction.atomic():
                            outcome = _process_row(job, clean, params, upper, lower)
                    except ValidationError as exc:
                        for message in exc.messages:
                            errors.append({"row": row_number, "field": "record", "reason": message})
                        continue
                    counts[outcome] = counts.get(outcome, 0) + 1
                job.rows_done = min(start + chunk_size, len(rows))
                job.row_errors = errors
                fields = ["rows_done", "row_errors"]
                for outcome, number in counts.items():
                    attr = _COUNTERS[outcome]
                    setattr(job, attr, getattr(job, attr) + number)
                    fields.append(attr)
                job.created_records = job.linked_automatically + job.sent_to_review + job.new_people
                job.save(update_fields=[*fields, "created_records"])
            if after_chunk is not None:
                after_chunk(job)
    except Exception as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, failure=str(exc)[:500]
        )
        raise
    with transaction.atomic():
        job.refresh_from_db()
        job.status = ImportStatus.COMPLETED
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "finished_at"])
        audit_record(
            actor=job.uploaded_by,
            action=AuditAction.UPDATE,
            object_type="import_job",
            object_id=job.pk,
            changed_fields=["status"],
            details={
                k: getattr(job, k)
                for k in (
                    "rows_done",
                    "new_people",
                    "linked_automatically",
                    "sent_to_review",
                    "updated_records",
                )
            },
        )
    return job


def import_errors_csv(job: ImportJob) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["row", "field", "reason"])
    for error in job.row_errors:
        writer.writerow([error["row"], error["field"], error["reason"]])
    return out.getvalue()


def import_start_in_background(job: ImportJob) -> None:
    """Run the import after the current transaction commits, in a background thread (the
    embedded default). `continuum linkage_resume` finishes any job a restart interrupted."""
    import threading

    from django.db import connection

    def run():
        try:
            import_run(job.pk)
        except Exception:  # recorded on the job as FAILED and shown on its page
            logger.exception("Import %s failed", job.pk)
        finally:
            connection.close()

    transaction.on_commit(lambda: threading.Thread(target=run, daemon=True).start())


# --------------------------------------------------------------------------------------------
# Reviews
# --------------------------------------------------------------------------------------------


@transaction.atomic
def review_decide(*, actor, review: MatchReview, decision: str, note: str = "") -> MatchReview:
    """Accept (same person), reject (different people) or mark not sure."""
    review = (
        MatchReview.objects.select_for_update()
        .select_related("record", "record__agency")
        .get(pk=review.pk)
    )
    if review.status not in (ReviewStatus.OPEN, ReviewStatus.NOT_SURE):
        raise ValidationError(
            f"This match was already decided: {review.get_status_display().lower()} "
            f"by {review.decided_by.get_full_name() if review.decided_by else 'someone'}"
        )
    if decision not in (ReviewStatus.ACCEPTED, ReviewStatus.REJECTED, ReviewStatus.NOT_SURE):
        raise ValidationError({"decision": "Choose same person, different people or not sure"})
    record = review.record
    review.status = decision
    review.decided_by = actor
    review.decided_at = timezone.now()
    review.note = note[:300]
    review.save(update_fields=["status", "decided_by", "decided_at", "note"])
    if decision == ReviewStatus.ACCEPTED:
        record.match_probability = review.probability
        _link(record, review.candidate, LinkStatus.REVIEWED, actor)
        record.reviews.filter(status__in=[ReviewStatus.OPEN, ReviewStatus.NOT_SURE]).exclude(
            pk=review.pk
        ).update(
            status=ReviewStatus.REJECTED,
            decided_by=actor,
            decided_at=timezone.now(),
            note="Another candidate was accepted",
        )
    elif decision == ReviewStatus.REJECTED:
        pending = record.reviews.filter(status__in=[ReviewStatus.OPEN, ReviewStatus.NOT_SURE])
        if not pending.exists() and record.person_id is None:
            person = _person_from_row(actor=actor, agency=record.agency, row=record.data)
            _link(record, person, LinkStatus.NEW_PERSON, actor)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="match_review",
        object_id=review.pk,
        changed_fields=["status"],
        reason=note,
        details={
            "decision": decision,
            "source_record_id": record.pk,
            "candidate_person_id": review.candidate_id,
        },
    )
    return review


# --------------------------------------------------------------------------------------------
# Merge and unmerge
# --------------------------------------------------------------------------------------------

# Other apps register checks that make a merge unsafe (e.g. casework: overlapping child
# protection plans). Each takes (kept, merged) and returns reasons; any reason blocks.
MERGE_CHECKS: list[Callable[[Person, Person], list[str]]] = []


def register_merge_check(check: Callable[[Person, Person], list[str]]):
    MERGE_CHECKS.append(check)
    return check


def merge_blockers(kept: Person, merged: Person) -> list[str]:
    reasons = []
    if kept.pk == merged.pk:
        return ["A record cannot be merged with itself"]
    if kept.merged_into_id or merged.merged_into_id:
        reasons.append("One of these records has already been merged into another")
    if (
        is_valid_nhs_number(kept.nhs_number)
        and is_valid_nhs_number(merged.nhs_number)
        and kept.nhs_number != merged.nhs_number
    ):
        reasons.append(
            "They have different NHS numbers, and both are valid: they are probably different "
            "people (twins or siblings). Check with health colleagues before merging"
        )
    if bool(kept.date_of_death) != bool(merged.date_of_death):
        reasons.append(
            "A date of death is recorded on one record only. Confirm the death before merging"
        )
    if kept.date_of_birth and merged.date_of_birth and kept.date_of_birth != merged.date_of_birth:
        d1, d2 = kept.date_of_birth, merged.date_of_birth
        transposed = (d1.day, d1.month, d1.year) == (d2.month, d2.day, d2.year)
        if not transposed and abs((d1 - d2).days) > 366:
            reasons.append("Their dates of birth are more than a year apart")
    for check in MERGE_CHECKS:
        reasons.extend(check(kept, merged))
    return reasons


def _person_relations():
    """Every foreign key to Person in the project, except bookkeeping that must not move."""
    skip = {("people", "Person"), ("linkage", "Merge")}
    for relation in Person._meta.related_objects:
        model = relation.related_model
        if (model._meta.app_label, model.__name__) in skip:
            continue
        if relation.many_to_many or not relation.field.concrete:
            continue
        yield model, relation.field


def _extra_changes(model, row) -> dict:
    """Changes beyond re-pointing: the merged person's current names become aliases, so the
    kept person keeps one legal name but is still found by the other."""
    if model is PersonName and row.kind in (NameKind.LEGAL, NameKind.KNOWN_AS):
        return {"kind": NameKind.ALIAS}
    return {}


@transaction.atomic
def person_merge(*, actor, kept: Person, merged: Person, reason: str) -> Merge:
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why these records are the same person"})
    locked = {
        p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[kept.pk, merged.pk])
    }
    kept, merged = locked[kept.pk], locked[merged.pk]
    blockers = merge_blockers(kept, merged)
    if blockers:
        raise ValidationError(blockers)
    moved = []
    for model, fk in _person_relations():
        for row in model.objects.filter(**{fk.attname: merged.pk}).order_by("pk"):
            extra = _extra_changes(model, row)
            old = {fk.attname: merged.pk, **{k: getattr(row, k) for k in extra}}
            try:
                with transaction.atomic():
                    model.objects.filter(pk=row.pk).update(**{fk.attname: kept.pk}, **extra)
            except IntegrityError:
                continue  # would duplicate a row the kept person already has: left where it is
            moved.append({"model": model._meta.label, "pk": row.pk, "old": old})
    Person.objects.filter(pk=merged.pk).update(merged_into=kept, version=merged.version + 1)
    Person.objects.filter(pk=kept.pk).update(version=kept.version + 1)
    merge = Merge.objects.create(
        kept=kept, merged=merged, moved=moved, reason=reason, performed_by=actor
    )
    for person in (kept, merged):
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="person",
            object_id=person.pk,
            changed_fields=["merged"],
            reason=reason,
            details={"merge_id": merge.pk, "kept": kept.pk, "merged": merged.pk},
        )
    return merge


@transaction.atomic
def merge_undo(*, actor, merge: Merge, reason: str) -> Merge:
    """Put back every row exactly as it was before the merge."""
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at:
        raise ValidationError("This merge has already been undone")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the merge was wrong"})
    later = Merge.objects.filter(
        Q(kept=merge.kept) | Q(merged=merge.kept),
        performed_at__gt=merge.performed_at,
        undone_at__isnull=True,
    )
    if later.exists():
        raise ValidationError("Undo the later merges of this person first")
    for entry in reversed(merge.moved):
        model = apps.get_model(entry["model"])
        model.objects.filter(pk=entry["pk"]).update(**entry["old"])
    Person.objects.filter(pk=merge.merged_id).update(merged_into=None)
    merge.undone_at = timezone.now()
    merge.undone_by = actor
    merge.undo_reason = reason
    merge.save(update_fields=["undone_at", "undone_by", "undo_reason"])
    for person_id in (merge.kept_id, merge.merged_id):
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="person",
            object_id=person_id,
            changed_fields=["unmerged"],
            reason=reason,
            details={"merge_id": merge.pk},
        )
    return merge


# --------------------------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------------------------


def model_train(
    *, actor=None, activate: bool = True, upper: float | None = None, lower: float | None = None
) -> LinkageModel:
    """Train on the area's own agency records (unsupervised EM) and store the new version."""
    from continuum.linkage.engine import model as engine_model

    records = [
        {**sr.data, "source": sr.agency.code}
        for sr in SourceRecord.objects.select_related("agency").only("data", "agency__code")
    ]
    if len(records) < 200:
        raise ValidationError("At least 200 agency records are needed to train a model")
    config = engine_model.LinkageConfig()
    if upper is not None:
        config.threshold_upper = upper
    if lower is not None:
        config.threshold_lower = lower
    trained = engine_model.train(
        engine_model.prepare_frame(records, config.feature_options), config
    )
    with transaction.atomic():
        version = trained.model_version
        LinkageModel.objects.filter(version=version).delete()
        if activate:
            LinkageModel.objects.filter(is_active=True).update(is_active=False)
        model = LinkageModel.objects.create(
            version=version,
            params=trained.params,
            threshold_upper=config.threshold_upper,
            threshold_lower=config.threshold_lower,
            trained_on=len(records),
            is_active=activate,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="linkage_model",
            object_id=model.pk,
            details={"version": version, "records": len(records)},
        )
    return model


__all__ = [
    "REQUIRED_COLUMNS",
    "import_create",
    "import_run",
    "merge_blockers",
    "merge_undo",
    "model_train",
    "person_merge",
    "review_decide",
]


@transaction.atomic
def model_set_thresholds(*, actor, upper: float, lower: float) -> LinkageModel:
    """Change the auto-link and review thresholds of the active model. The packaged default
    model is copied into the database the first time, so the change is versioned with it."""
    errors = {}
    if not 0.5 <= upper <= 1:
        errors["upper"] = "The auto-link threshold must be between 0.5 and 1"
    if not 0.5 <= lower <= 1:
        errors["lower"] = "The review threshold must be between 0.5 and 1"
    if not errors and lower > upper:
        errors["lower"] = "The review threshold must not be above the auto-link threshold"
    if errors:
        raise ValidationError(errors)
    model = LinkageModel.objects.select_for_update().filter(is_active=True).first()
    if model is None:
        from continuum.linkage.matching import _default_params

        params = _default_params()
        model = LinkageModel.objects.create(
            version=str(params["model_version"]), params=params, threshold_upper=upper,
            threshold_lower=lower, trained_on=0, is_active=True,
        )  # fmt: skip
    old = (model.threshold_upper, model.threshold_lower)
    model.threshold_upper, model.threshold_lower = upper, lower
    model.full_clean()
    model.save(update_fields=["threshold_upper", "threshold_lower"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, object_type="linkage_model", object_id=model.pk,
        changed_fields=["threshold_upper", "threshold_lower"],
        details={"before": list(old), "after": [upper, lower]},
    )  # fmt: skip
    return model
