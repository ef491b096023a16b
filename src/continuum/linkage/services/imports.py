"""Importing agency extracts: upload, column mapping, and the run — validated, matched and
stored a chunk at a time (one transaction each, `rows_done` the resume point)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.utils import timezone

from continuum.audit.models import AuditAction
from continuum.audit.services import AuditEntry, audit_record, audit_record_many
from continuum.core import csvsafe
from continuum.core.db import bulk_insert
from continuum.core.identifiers import is_valid_nhs_number
from continuum.directory.models import CatchmentArea
from continuum.linkage.access import require_import_for
from continuum.linkage.engine.layout import ALL_COLUMNS, validate_row
from continuum.linkage.engine.pairs import PairScorer
from continuum.linkage.engine.realtime import places_of, prepare
from continuum.linkage.matching import (
    Scored,
    StoredFeatures,
    Version,
    VersionSource,
    active_params,
    frozen,
    identity,
    people_by_key,
    query_keys,
    ranked,
    scorer_for,
    stored_features,
    thresholds,
    version_keys,
)
from continuum.linkage.models import (
    ImportJob,
    ImportStatus,
    LinkStatus,
    MatchReview,
    SourceRecord,
)
from continuum.linkage.services.features import features_add, features_refresh
from continuum.people import services as people_services
from continuum.people.models import AgencyIdentifier, Person, PersonKind

logger = logging.getLogger(__name__)
#: Rows matched and stored together, in one transaction.
CHUNK_SIZE = 1000
MAX_REVIEW_CANDIDATES = 3
#: The longest record_id kept: it is the source record's id and the agency's identifier.
RECORD_ID_LENGTH = min(
    SourceRecord._meta.get_field("record_id").max_length,
    AgencyIdentifier._meta.get_field("value").max_length,
)
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
    if not mapping.get("record_id"):
        problems["record_id"] = "Choose the column that holds record id"
    if not mapping.get("family_name") and not mapping.get("given_name"):
        # A row needs a name; a date of birth helps but a row without one is still kept.
        problems["family_name"] = "Choose the column that holds family name (or given name)"
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
    """Store the upload outside the web root and create the job (not yet run). Only the
    agency's data steward may import its records (403 otherwise)."""
    require_import_for(actor, agency)
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
def import_create_checked(*, actor, agency, filename: str, content: bytes) -> ImportJob:
    """`import_create` for a file that must already have the person-extract v1 columns (an
    agency system's upload, with no page to choose columns on): a file without them is
    refused, naming the missing columns, and nothing is kept."""
    job = import_create(actor=actor, agency=agency, filename=filename, content=content)
    header, _rows = read_table(Path(job.stored_path))
    problems = mapping_problems(job.column_mapping, header)
    if problems:
        Path(job.stored_path).unlink(missing_ok=True)
        raise ValidationError(problems)  # the transaction rolls the job back
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


def can_make_person(row: dict) -> bool:
    """Whether an agency row holds enough to record a new person from: a date of birth, or an
    expected date of delivery (an unborn child). A row without either that matches nobody is
    kept as a source record, not linked (`LinkStatus.UNLINKED`)."""
    return bool(row.get("date_of_birth") or row.get("expected_date_of_delivery"))


def _person_kind(row: dict) -> str:
    if not row.get("date_of_birth"):
        return PersonKind.UNBORN
    dob = dt.date.fromisoformat(row["date_of_birth"])
    age = (timezone.localdate() - dob).days // 365.25
    return PersonKind.ADULT if age >= 18 else PersonKind.CHILD


def _new_person(row: dict, catchments: list) -> people_services.NewPerson:
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
            address = people_services.address_check(
                people_services.address_values(
                    line1=row["address_line1"], postcode=row["postcode"], catchments=catchments
                )
            )
        except ValidationError:
            address = None  # the person is still created, without an address
    previous = [
        ("", p.strip()) for p in (row.get("previous_family_names") or "").split(";") if p.strip()
    ]
    return people_services.NewPerson(data, address, previous)


def _people_from_rows(*, actor, agency, rows: list[dict]) -> list[Person | ValidationError]:
    """New people from agency rows (no existing person matches them), created together."""
    catchments = list(CatchmentArea.objects.all())
    return people_services.persons_create_many(
        actor=actor,
        agency=agency,
        entries=[_new_person(row, catchments) for row in rows],
        reason=f"Record received from {agency.name}",
    )


def _person_from_row(*, actor, agency, row: dict) -> Person:
    """A new person from one agency row (a reviewer found it matches nobody)."""
    [result] = _people_from_rows(actor=actor, agency=agency, rows=[row])
    if isinstance(result, ValidationError):
        raise result
    return result


def _linked_entry(person_id: int, record: SourceRecord, status: str, job_id) -> AuditEntry:
    """The audit event of an agency record linked to a person: it names the person, so the
    data protection officer's page for them shows which agency's record was put with theirs.
    A link records that the agency holds a record; it opens nothing (docs/adr/0006)."""
    return AuditEntry(
        action=AuditAction.UPDATE,
        object_type="person",
        object_id=person_id,
        changed_fields=["source_records"],
        reason=f"{record.agency.name} record linked ({LinkStatus(status).label.lower()})",
        details={
            "source_record_id": record.pk,
            "agency_id": record.agency_id,
            "link_status": status,
            "import_job_id": job_id,
        },
    )


def _link(record: SourceRecord, person: Person, status: str, actor) -> None:
    record.person = person
    record.link_status = status
    record.save(update_fields=["person", "link_status", "match_probability", "model_version"])
    AgencyIdentifier.objects.get_or_create(
        agency=record.agency, value=record.record_id, defaults={"person": person}
    )
    features_refresh([person.pk])
    audit_record_many(
        actor=actor, events=[_linked_entry(person.pk, record, status, record.import_job_id)]
    )


# --------------------------------------------------------------------------------------------
# Running an import: a chunk of rows at a time
# --------------------------------------------------------------------------------------------


@dataclass
class _Row:
    number: int  # in the file; the header is row 1
    data: dict
    features: dict | None = None
    keys: set[str] = field(default_factory=set)
    identity: tuple | None = None  # what its keys are made of (`matching.identity`)
    people: set[int] = field(default_factory=set)  # the people its keys found
    best: dict[int, Scored] | None = None  # its scored candidates among them, by person
    outcome: str = ""
    person_ref: int | None = None  # an existing person's id, or a new person's negative ref
    candidates: list[Scored] = field(default_factory=list)
    stored_keys: set[str] | None = None  # the keys its stored version will have
    person_id: int | None = None  # once stored: the person it is linked to
    error: str = ""


@dataclass
class _Chunk:
    """A chunk of rows validated, and for the rows whose record_id the agency has not sent
    before, their features and keys and the area's candidates: what can be read before the
    chunk's own transaction (`_prepare_chunk`), even while the chunk before is being stored."""

    errors: list[dict]
    passes: list[list[_Row]]
    hits: dict[str, list[int]] = field(default_factory=dict)  # key -> people
    looked_up: set[str] = field(default_factory=set)  # keys whose people are in `hits`
    stored: dict[int, list[StoredFeatures]] = field(default_factory=dict)
    read_people: set[int] = field(default_factory=set)  # people whose versions are in `stored`

    def candidates_for(self, rows: list[_Row], extra_people: set[int], params: dict) -> None:
        """Look up whatever these rows (and `extra_people`) need that was not read ahead."""
        keys = set().union(*(r.keys for r in rows)) - self.looked_up
        if keys:
            self.hits.update(people_by_key(keys))
            self.looked_up |= keys
        people = {pid for r in rows for k in r.keys for pid in self.hits.get(k, ())}
        people = (people | extra_people) - self.read_people
        if people:
            self.stored.update(stored_features(people, params))
            self.read_people |= people


@dataclass
class _Carried:
    """The rows the chunk before linked or created (their versions and keys), for a chunk whose
    candidates were read before that chunk was stored: it meets them as it meets earlier rows
    of its own."""

    keys: dict[str, set[int]] = field(default_factory=dict)
    versions: dict[int, list[Version]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: list[_Row]) -> _Carried:
        carried = cls()
        for row in rows:
            if row.error or row.person_id is None or row.outcome not in ("linked", "new"):
                continue
            carried.versions.setdefault(row.person_id, []).append(
                Version(row.person_id, None, row.features)
            )
            for key in row.stored_keys or ():
                carried.keys.setdefault(key, set()).add(row.person_id)
        return carried


def _prepare_chunk(
    agency_id: int, filename: str, raw_rows: list[dict], first_row: int, params: dict,
    pairs: PairScorer,
) -> _Chunk:  # fmt: skip
    """Validate a chunk's rows and, for the rows whose record_id the agency has not sent
    before, derive features and keys, read their candidates (one key lookup and one read of
    stored versions) and score them. Reads only, so it may run on its own connection (with its
    own `pairs`) ahead of the chunk.
    A record_id repeated within the chunk goes in a second pass, stored as an update."""
    errors: list[dict] = []
    passes: list[list[_Row]] = []
    seen: dict[str, int] = {}
    for offset, raw in enumerate(raw_rows):
        number = first_row + offset + 2  # the header is row 1
        clean, row_errors = validate_row(raw, number, source=filename)
        errors.extend({"row": e.row, "field": e.field, "reason": e.reason} for e in row_errors)
        if clean is not None and len(clean["record_id"]) > RECORD_ID_LENGTH:
            errors.append({"row": number, "field": "record_id",
                           "reason": f"longer than {RECORD_ID_LENGTH} characters"})  # fmt: skip
            continue
        if clean is None:
            continue
        depth = seen.get(clean["record_id"], 0)
        seen[clean["record_id"]] = depth + 1
        if depth == len(passes):
            passes.append([])
        passes[depth].append(_Row(number, clean))
    chunk = _Chunk(errors, passes)
    if passes:
        sent = set(
            SourceRecord.objects.filter(
                agency_id=agency_id, record_id__in=[r.data["record_id"] for r in passes[0]]
            ).values_list("record_id", flat=True)
        )
        fresh = [row for row in passes[0] if row.data["record_id"] not in sent]
        for row in fresh:
            _derive(row, params)
        chunk.candidates_for(fresh, set(), params)
        _score_stored(fresh, chunk, params, pairs)
    return chunk


def _derive(row: _Row, params: dict) -> None:
    row.features = frozen(prepare(row.data, params))
    row.identity = identity(row.data)
    row.keys = query_keys(row.data, of=row.identity)


def _score_stored(rows: list[_Row], chunk: _Chunk, params: dict, pairs: PairScorer) -> None:
    """Each row's candidates among the people the area already holds, scored (`row.best`, and
    the people its keys found, `row.people`): every (row, stored version) pair's model weight
    worked out together (`engine.pairs`), and only the pairs that could reach the review
    threshold (or meet an unborn record) scored in full with the hard rules."""
    if not rows:
        return
    people = [{pid for k in r.keys for pid in chunk.hits.get(k, ())} for r in rows]
    right: list[StoredFeatures] = []
    indices: dict[int, list[int]] = {}
    for pid in set().union(*people):
        versions = chunk.stored.get(pid, ())
        indices[pid] = list(range(len(right), len(right) + len(versions)))
        right.extend(versions)
    left_index, right_index = [], []
    for i, found in enumerate(people):
        for pid in found:
            for j in indices[pid]:
                left_index.append(i)
                right_index.append(j)
    scored = pairs.weights([r.features for r in rows], [v.features_json for v in right],
                           np.array(left_index), np.array(right_index))  # fmt: skip
    scorer = scorer_for(params)
    floor = scorer.lower_weight - 1e-6
    # A version at another postcode may reach the threshold at another of its person's
    # addresses (`Scorer.rank`): those within reach are scored at each of them.
    left_postcode = np.array([r.features.get("postcode") for r in rows], dtype=object)
    right_postcode = np.array([v.postcode for v in right] or [], dtype=object)
    elsewhere = np.zeros(len(left_index), dtype=bool)
    if len(left_index):
        lp, rp = left_postcode[np.array(left_index)], right_postcode[np.array(right_index)]
        elsewhere = np.array([a is not None and a != b for a, b in zip(lp, rp, strict=True)])
    reach = elsewhere & (scored.weights >= floor - scorer.move_gain)
    worth = np.flatnonzero((scored.weights >= floor) | scored.unborn | reach)
    parsed: dict[int, Version] = {}
    places: dict[int, set] = {}

    def version_at(j: int) -> Version:
        return parsed.get(j) or parsed.setdefault(j, right[j].version())

    def places_for(pid: int) -> set:
        if pid not in places:
            places[pid] = places_of([version_at(j).features for j in indices[pid]])
        return places[pid]

    best: list[dict[int, Scored]] = [{} for _ in rows]
    for n in worth:  # in pair order: each row's versions own record first, as `Scorer.rank`
        i, j = left_index[n], right_index[n]
        version = version_at(j)
        history = places_for(version.person_id) if elsewhere[n] else None
        result = scorer.in_full(rows[i].features, version, history)
        held = best[i].get(version.person_id)
        if result is not None and (held is None or result.probability > held.probability):
            best[i][version.person_id] = result
    for row, found, scored_people in zip(rows, people, best, strict=True):
        row.people, row.best = found, scored_people


def _decide(rows: list[_Row], chunk: _Chunk, carried: _Carried, params: dict, upper: float,
            pairs: PairScorer) -> None:  # fmt: skip
    """Match each new row against the area and against the rows before it in the chunk (two
    agency records of one new person link to one person), and, when the chunk's candidates
    were read ahead, the rows the chunk before stored."""
    todo = [row for row in rows if row.best is None]  # not prepared: it seemed sent before
    for row in todo:
        if row.features is None:
            _derive(row, params)
    extra = {ref for r in rows for k in r.keys for ref in carried.keys.get(k, ())}
    chunk.candidates_for(todo, extra, params)
    _score_stored(todo, chunk, params, pairs)
    scorer = scorer_for(params)
    local_keys: dict[str, set[int]] = {}  # versions added by earlier rows of the chunk
    local: dict[int, list[Version]] = {}
    for index, row in enumerate(rows):
        found = row.best
        refs = {ref for k in row.keys for ref in local_keys.get(k, ())}
        refs |= {ref for k in row.keys for ref in carried.keys.get(k, ())}
        if refs:  # rows stored just before, and stored versions of people only they find
            versions = {
                ref: [v.version() for v in chunk.stored.get(ref, ()) if ref not in row.people]
                + carried.versions.get(ref, [])
                + local.get(ref, [])
                for ref in refs
            }
            for result in scorer.rank(row.features, versions):
                held = found.get(result.person_id)
                if held is None or result.probability > held.probability:
                    found[result.person_id] = result
        row.candidates = ranked(found)[:MAX_REVIEW_CANDIDATES]
        best_match = row.candidates[0] if row.candidates else None
        if best_match is not None and best_match.probability >= upper:
            row.outcome, row.person_ref = "linked", best_match.person_id
        elif best_match is not None:
            row.outcome = "review"
            continue
        elif not can_make_person(row.data):
            row.outcome = "unlinked"  # kept as a source record; matched again when read
            continue
        else:
            row.outcome, row.person_ref = "new", -(index + 1)
        local.setdefault(row.person_ref, []).append(Version(row.person_ref, None, row.features))
        row.stored_keys = version_keys(row.data, of=row.identity)
        for key in row.stored_keys:
            local_keys.setdefault(key, set()).add(row.person_ref)


def _write(job: ImportJob, rows: list[_Row], params: dict) -> None:
    """Store the decided rows: new people (through people services, in bulk, audited), then
    the source records, review items, agency identifiers, involvements and match versions in
    bulk."""
    actor, agency = job.uploaded_by, job.agency
    created: dict[int, int] = {}
    failed: dict[int, str] = {}
    new = [row for row in rows if row.outcome == "new"]
    if new:
        results = _people_from_rows(actor=actor, agency=agency, rows=[row.data for row in new])
        for row, result in zip(new, results, strict=True):
            if isinstance(result, ValidationError):
                failed[row.person_ref] = row.error = "; ".join(result.messages)
            else:
                created[row.person_ref] = result.pk

    def real(ref: int) -> int | None:
        return created.get(ref) if ref < 0 else ref

    for row in rows:
        if row.outcome == "linked" and row.person_ref in failed:
            row.error = (
                f"The record it matched earlier in this file was rejected: {failed[row.person_ref]}"
            )
        if row.outcome == "review":
            row.candidates = [c for c in row.candidates if real(c.person_id) is not None]
            if not row.candidates:
                row.error = "The records it may match earlier in this file were rejected"
    kept = [r for r in rows if not r.error]
    status = {"linked": LinkStatus.AUTOMATIC, "review": LinkStatus.REVIEW,
              "new": LinkStatus.NEW_PERSON, "unlinked": LinkStatus.UNLINKED}  # fmt: skip
    now = timezone.now()
    records = [
        SourceRecord(
            agency=agency, record_id=r.data["record_id"], data=r.data, import_job=job,
            person_id=real(r.person_ref) if r.person_ref is not None else None,
            link_status=status[r.outcome],
            match_probability=(
                r.candidates[0].probability
                if r.outcome in ("linked", "review") and r.candidates
                else None
            ),
            model_version=str(params.get("model_version", "")),
            first_seen_at=now, updated_at=now,
        )
        for r in kept
    ]  # fmt: skip
    bulk_insert(records)
    bulk_insert([
        MatchReview(record=record, candidate_id=real(c.person_id), probability=c.probability,
                    match_weight=c.match_weight, breakdown=[dict(b) for b in c.breakdown])
        for record, r in zip(records, kept, strict=True) if r.outcome == "review"
        for c in r.candidates
    ])  # fmt: skip
    linked = [(rec, r) for rec, r in zip(records, kept, strict=True) if rec.person_id]
    for rec, r in linked:
        r.person_id = rec.person_id
    AgencyIdentifier.objects.bulk_create(
        [AgencyIdentifier(agency=agency, value=rec.record_id, person_id=rec.person_id)
         for rec, _r in linked],
        ignore_conflicts=True,
    )  # fmt: skip
    # The agency holds a record of these people: that is recorded (the source record, the
    # agency identifier, an audit event on each person), and it opens no one's record to the
    # agency or to the uploader (docs/adr/0006). New people were audited when created.
    audit_record_many(
        actor=actor,
        events=[
            _linked_entry(rec.person_id, rec, rec.link_status, job.pk)
            for rec, r in linked
            if r.outcome == "linked"
        ],
    )
    versions = [
        VersionSource(rec.person_id, rec.pk, r.data, features=r.features, keys=r.stored_keys)
        for rec, r in linked
    ]
    features_add(versions, params=params)


def _update(job: ImportJob, existing: SourceRecord, data: dict) -> str:
    """A row whose record_id the agency sent before: keep the earlier version, store the new."""
    if existing.data == data:
        return "unchanged"
    now = timezone.now()
    existing.previous_versions = [
        *existing.previous_versions,
        {"data": existing.data, "replaced_at": now.isoformat()},
    ]
    existing.data = data
    existing.updated_at = now
    existing.import_job = job
    existing.save(update_fields=["data", "previous_versions", "updated_at", "import_job"])
    return "updated"


def _import_rows(job: ImportJob, rows: list[_Row], chunk: _Chunk, carried: _Carried,
                 params: dict, upper: float, pairs: PairScorer) -> None:  # fmt: skip
    """Store one pass of rows (each record_id at most once): updates and new records."""
    existing = {
        r.record_id: r
        for r in SourceRecord.objects.select_for_update().filter(
            agency=job.agency, record_id__in=[row.data["record_id"] for row in rows]
        )
    }
    new, changed_people = [], set()
    for row in rows:
        record = existing.get(row.data["record_id"])
        if record is None:
            new.append(row)
            continue
        row.outcome = _update(job, record, row.data)
        if row.outcome == "updated" and record.person_id:
            changed_people.add(record.person_id)
    features_refresh(changed_people, params=params)
    if new:
        _decide(new, chunk, carried, params, upper, pairs)
        _write(job, new, params)


def _import_chunk(job: ImportJob, chunk: _Chunk, carried: _Carried, params: dict, upper: float,
                  pairs: PairScorer) -> tuple[list[dict], dict[str, int]]:  # fmt: skip
    """Match and store a prepared chunk; returns its row errors and outcome counts."""
    errors = list(chunk.errors)
    counts: dict[str, int] = {}
    for rows in chunk.passes:
        _import_rows(job, rows, chunk, carried, params, upper, pairs)
        for row in rows:
            if row.error:
                errors.append({"row": row.number, "field": "record", "reason": row.error})
            else:
                counts[row.outcome] = counts.get(row.outcome, 0) + 1
    errors.sort(key=lambda e: e["row"])
    return errors, counts


class _ReadAhead:
    """Prepares the next chunk (`_prepare_chunk`: validation, features, keys, candidate reads
    and their scores) on a second connection, with its own DuckDB scorer, in a background
    thread while this one is matched and stored, so the database's reads, DuckDB and this
    process's work overlap. Only on PostgreSQL outside any transaction (the other connection
    must see what this one committed). The next chunk then does not see what this chunk
    stores: it meets this chunk's rows as it meets its own earlier rows (`_Carried`)."""

    def __init__(self, enabled: bool, params: dict):
        self.executor = ThreadPoolExecutor(max_workers=1) if enabled else None
        self.pairs = PairScorer(params) if enabled else None
        self.pending: dict[int, Future] = {}

    @property
    def enabled(self) -> bool:
        return self.executor is not None

    def start(self, start: int, prepare: Callable[[PairScorer], _Chunk]) -> None:
        if self.executor is not None and start not in self.pending:
            self.pending[start] = self.executor.submit(prepare, self.pairs)

    def take(self, start: int, prepare: Callable[[PairScorer], _Chunk],
             pairs: PairScorer) -> _Chunk:  # fmt: skip
        """The chunk, read ahead or (if it was not) prepared now with this thread's `pairs`."""
        future = self.pending.pop(start, None)
        return future.result() if future is not None else prepare(pairs)

    def close(self) -> None:
        if self.executor is None:
            return
        for future in self.pending.values():
            future.cancel()
        self.executor.submit(connections.close_all)  # the worker thread's own connection
        self.executor.shutdown(wait=True)
        self.pairs.close()


_COUNTERS = {
    "unchanged": "unchanged_records",
    "updated": "updated_records",
    "linked": "linked_automatically",
    "review": "sent_to_review",
    "new": "new_people",
    "unlinked": "kept_unlinked",
}


def import_run(
    job_id: int,
    *,
    chunk_size: int = CHUNK_SIZE,
    after_chunk: Callable | None = None,
    read_ahead: bool | None = None,
):
    """Process the job from its resume point, one chunk per transaction.

    Each chunk is validated, matched (one key lookup and one read of candidates for the whole
    chunk, every pair's model weight worked out together in DuckDB) and stored in bulk; on
    PostgreSQL the next chunk's reads run meanwhile (`_ReadAhead`; `read_ahead` overrides
    that). A job killed half way has committed whole chunks only, so running it again
    continues from `rows_done` with nothing lost or doubled; rows already stored are recognised
    by record_id either way.
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
    upper, _lower = thresholds(params)
    pairs = PairScorer(params)
    if read_ahead is None:
        read_ahead = connection.vendor == "postgresql" and not connection.in_atomic_block
    ahead = _ReadAhead(read_ahead, params)
    carried = _Carried()

    def prepare(start: int) -> Callable[[PairScorer], _Chunk]:
        chunk_rows = rows[start : start + chunk_size]
        return lambda scorer: _prepare_chunk(
            job.agency_id, job.filename, chunk_rows, start, params, scorer
        )

    try:
        for start in range(job.rows_done, len(rows), chunk_size):
            chunk = ahead.take(start, prepare(start), pairs)
            if start + chunk_size < len(rows):
                ahead.start(start + chunk_size, prepare(start + chunk_size))
            with transaction.atomic():
                job = ImportJob.objects.select_for_update().get(pk=job.pk)
                if job.rows_done != start:  # another worker got here first
                    continue
                errors, counts = _import_chunk(job, chunk, carried, params, upper, pairs)
                job.rows_done = min(start + chunk_size, len(rows))
                job.row_errors = [*job.row_errors, *errors]
                fields = ["rows_done", "row_errors"]
                for outcome, number in counts.items():
                    attr = _COUNTERS[outcome]
                    setattr(job, attr, getattr(job, attr) + number)
                    fields.append(attr)
                job.created_records = (
                    job.linked_automatically + job.sent_to_review + job.new_people
                    + job.kept_unlinked
                )  # fmt: skip
                job.save(update_fields=[*fields, "created_records"])
            if ahead.enabled:
                carried = _Carried.from_rows([row for rows in chunk.passes for row in rows])
            if after_chunk is not None:
                after_chunk(job)
    except Exception as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, failure=str(exc)[:500]
        )
        raise
    finally:
        ahead.close()
        pairs.close()
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
                    "kept_unlinked",
                    "linked_automatically",
                    "sent_to_review",
                    "updated_records",
                )
            },
        )
    return job


def import_errors_csv(job: ImportJob) -> str:
    out = io.StringIO()
    writer = csvsafe.writer(out)  # a reason may quote the uploaded (hostile) value
    writer.writerow(["row", "field", "reason"])
    for error in job.row_errors:
        writer.writerow([error["row"], error["field"], error["reason"]])
    return out.getvalue()


def import_start_in_background(job: ImportJob) -> None:
    """Run the import after the current transaction commits, in a background thread (the
    embedded default). `continuum linkage_resume` finishes any job a restart interrupted."""
    import threading

    def run():
        try:
            import_run(job.pk)
        except Exception:  # recorded on the job as FAILED and shown on its page
            logger.exception("Import %s failed", job.pk)
        finally:
            connection.close()

    transaction.on_commit(lambda: threading.Thread(target=run, daemon=True).start())
