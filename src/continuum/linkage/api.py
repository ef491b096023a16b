"""Linkage over HTTP: real-time matching (POST /api/people/match) and an agency system's
extracts (POST /api/linkage/imports, GET /api/linkage/imports/{id})."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from ninja import Field, File, Router, Schema, UploadedFile
from ninja.errors import HttpError

from continuum.governance import rules as perms
from continuum.linkage import access, selectors, services
from continuum.linkage.matching import record_from_fields

router = Router(tags=["linkage"])


class MatchIn(Schema):
    given_name: str = ""
    middle_names: str = ""
    family_name: str
    date_of_birth: dt.date | None = None
    expected_date_of_delivery: dt.date | None = None
    sex: str = ""
    postcode: str = ""
    address_line1: str = ""
    nhs_number: str = ""
    upn: str = ""


class FieldScoreOut(Schema):
    field: str
    level_label: str
    weight: float
    bayes_factor: float


class MatchCandidateOut(Schema):
    person_id: int
    name: str
    date_of_birth: dt.date | None
    probability: float
    match_weight: float
    breakdown: list[FieldScoreOut]


class MatchOut(Schema):
    model_version: str
    candidates: list[MatchCandidateOut]
    known_elsewhere: bool = Field(
        description="A likely match exists among people you may not see (never who, or how many)"
    )
    message: str = Field(description="What to do about it, when known_elsewhere is true")


def _finite(value: float) -> float:
    return value if value not in (float("inf"), float("-inf")) else (-1e9 if value < 0 else 1e9)


@router.post("/people/match", response=MatchOut, summary="Who might this person already be?")
def match_person(request, payload: MatchIn):
    """Scores the people you may see against the details given, best first, with why.
    Of people held only by other agencies you learn only that one may be this person
    (`known_elsewhere`): ask the front door to link. Each check is audited with what you
    asked, and each user may make 20 checks in 10 minutes (429 with Retry-After beyond)."""
    if not perms.can_create_people(request.user):
        raise HttpError(403, "Matching is for staff who register people")
    result = selectors.possible_matches(request.user, record_from_fields(payload.dict()))
    return MatchOut(
        model_version=result.model_version,
        known_elsewhere=result.known_elsewhere,
        message=result.message,
        candidates=[
            MatchCandidateOut(
                person_id=c.person.pk,
                name=c.person.display_name,
                date_of_birth=c.person.date_of_birth,
                probability=round(c.probability, 4),
                match_weight=round(_finite(c.match_weight), 3),
                breakdown=[
                    FieldScoreOut(
                        field=b["field"],
                        level_label=b["level_label"],
                        weight=round(_finite(b["weight"]), 3),
                        bayes_factor=round(_finite(b["bayes_factor"]), 4),
                    )
                    for b in c.breakdown
                ],
            )
            for c in result.visible
        ],
    )


# -- agency extracts, for an agency's system (its data steward's token) -------------------------


class ImportOut(Schema):
    id: int
    agency: str
    filename: str
    status: str
    rows_total: int
    rows_done: int
    linked_automatically: int
    sent_to_review: int
    new_people: int
    updated_records: int
    row_problems: int


def _import_out(job) -> ImportOut:
    return ImportOut(
        id=job.pk, agency=job.agency.code, filename=job.filename, status=job.status,
        rows_total=job.rows_total, rows_done=job.rows_done,
        linked_automatically=job.linked_automatically, sent_to_review=job.sent_to_review,
        new_people=job.new_people, updated_records=job.updated_records,
        row_problems=len(job.row_errors),
    )  # fmt: skip


@router.post(
    "/linkage/imports", response={201: ImportOut}, summary="Send your agency's extract"
)
def create_import(request, file: UploadedFile = File(None)):  # noqa: B008 (ninja's marker)
    """An agency's extract (CSV or XLSX, person-extract v1 columns) for the agency whose data
    steward the token (or the signed-in user) belongs to; it runs in the background (read its
    progress at `GET /linkage/imports/{id}`). Only the agency's data steward may send it (403).
    Linking a record opens no one's record to the agency (docs/adr/0006)."""
    user = request.user
    access.require_import_for(user, user.agency)
    if file is None:
        raise ValidationError({"file": "Send the extract as the multipart field 'file'"})
    job = services.import_create_checked(
        actor=user, agency=user.agency, filename=file.name or "extract.csv", content=file.read()
    )
    services.import_start_in_background(job)
    return 201, _import_out(job)


@router.get("/linkage/imports/{job_id}", response=ImportOut, summary="An extract's progress")
def read_import(request, job_id: int):
    """Your agency's import (data stewards): how far it has gone and what it found."""
    return _import_out(access.import_for_user(request.user, job_id))
