"""Real-time matching over HTTP: POST /api/people/match."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Router, Schema
from ninja.errors import HttpError

from continuum.governance import rules as perms
from continuum.linkage import selectors
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
