"""Linkage rows for the project's permission matrix (governance/tests/test_permission_matrix.py).

Imports are for the agency's data steward; the review queue lists matches for the front door
(who may see every person anyway) and shows analysts and data stewards only counts; the
per-review page is the front door's; merging for managers and the front door. Everyone else is
told the page does not exist (404). `STEWARD` is what the police's data steward gets."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from continuum.directory.models import Agency, Role, User
from continuum.directory.tests.factories import UserFactory
from continuum.linkage import services
from continuum.linkage.models import ImportJob, LinkStatus, MatchReview, Merge, SourceRecord
from continuum.people import services as people_services

PERSONAS = [
    "involved_practitioner", "read_only_partner", "uninvolved_worker", "front_door_worker",
    "dpo", "analyst", "volunteer", "unmatched_volunteer",
]  # fmt: skip
NOBODY = dict.fromkeys(PERSONAS, 404)
ANALYST_ONLY = NOBODY | {"analyst": 200}
STEWARD_ONLY = NOBODY  # the data steward's own agency's imports (see STEWARD)
COUNTS = NOBODY | {"analyst": 200, "front_door_worker": 200}  # the front door sees the list
FRONT_DOOR_ONLY = NOBODY | {"front_door_worker": 200}
MERGERS = NOBODY | {"front_door_worker": 200}
REGISTRARS = dict.fromkeys(PERSONAS, 200) | {
    "dpo": 403, "analyst": 403, "volunteer": 403, "unmatched_volunteer": 403,
}  # fmt: skip

CSV = (
    b"record_id,given_name,middle_names,family_name,date_of_birth,sex,postcode,address_line1,"
    b"nhs_number\nP1,Kerry,,Smith,1996-06-14,F,NB1 4QT,12 Mill Lane,9434765919\n,,,,,,,,\n"
)


def _user(username: str, role: str) -> User:
    """The persona if the test has it, otherwise a stand-in with the same role."""
    existing = User.objects.filter(username=username).first()
    if existing:
        return existing
    return UserFactory(username=username, role=role, agency=Agency.objects.get(code="police"))


def job(f) -> ImportJob:
    existing = ImportJob.objects.first()
    if existing:
        return existing
    return services.import_create(
        actor=_user("police.steward", Role.DATA_STEWARD),
        agency=Agency.objects.get(code="police"),
        filename="extract.csv", content=CSV,
    )  # fmt: skip


def review(f) -> MatchReview:
    existing = MatchReview.objects.first()
    if existing:
        return existing
    record = SourceRecord.objects.create(
        agency=Agency.objects.get(code="police"), record_id="R1",
        link_status=LinkStatus.REVIEW,
        data={"record_id": "R1", "given_name": "Kerri", "family_name": "Smith",
              "date_of_birth": "1996-06-14"},
    )  # fmt: skip
    return MatchReview.objects.create(record=record, candidate=f.mother, probability=0.9,
                                      match_weight=3.0, breakdown=[])  # fmt: skip


def duplicate(f):
    existing = f.mother.merged_records.first() or (
        Merge.objects.first().merged if Merge.objects.exists() else None
    )
    if existing:
        return existing
    return people_services.person_create(
        actor=None,
        data={"kind": "adult", "given_name": "Kerri", "family_name": "Smith",
              "date_of_birth": dt.date(1996, 6, 14), "sex": "F"},
    )  # fmt: skip


def merge(f) -> Merge:
    existing = Merge.objects.first()
    if existing:
        return existing
    front_door = _user("front.door", Role.FRONT_DOOR)
    kept = people_services.person_create(
        actor=None, data={"kind": "adult", "given_name": "Sam", "family_name": "Hill",
                          "date_of_birth": dt.date(1980, 1, 1), "sex": "M"},
    )  # fmt: skip
    other = people_services.person_create(
        actor=None, data={"kind": "adult", "given_name": "Samuel", "family_name": "Hill",
                          "date_of_birth": dt.date(1980, 1, 1), "sex": "M"},
    )  # fmt: skip
    return services.person_merge(actor=front_door, kept=kept, merged=other, reason="Same man")


UI = {
    "linkage:imports": ("get", lambda f: reverse("linkage:imports"), None, STEWARD_ONLY),
    "linkage:import_detail": (
        "get", lambda f: reverse("linkage:import_detail", args=[job(f).pk]), None, STEWARD_ONLY,
    ),
    "linkage:import_mapping": (
        "get", lambda f: reverse("linkage:import_mapping", args=[job(f).pk]), None, STEWARD_ONLY,
    ),
    "linkage:import_errors": (
        "get", lambda f: reverse("linkage:import_errors", args=[job(f).pk]), None, STEWARD_ONLY,
    ),
    "linkage:model": ("get", lambda f: reverse("linkage:model"), None, ANALYST_ONLY),
    "linkage:review_queue": ("get", lambda f: reverse("linkage:review_queue"), None, COUNTS),
    "linkage:review_detail": (
        "get", lambda f: reverse("linkage:review_detail", args=[review(f).pk]), None,
        FRONT_DOOR_ONLY,
    ),
    "linkage:merge_start": (
        "get", lambda f: reverse("linkage:merge_start", args=[f.mother.pk]), None, MERGERS,
    ),
    "linkage:merge_confirm": (
        "get",
        lambda f: reverse("linkage:merge_confirm", args=[f.mother.pk, duplicate(f).pk]),
        None,
        MERGERS,
    ),
    "linkage:merge_undo": (
        "get", lambda f: reverse("linkage:merge_undo", args=[merge(f).pk]), None, MERGERS,
    ),
}  # fmt: skip

API = {
    "api:match_person": (
        "post",
        lambda f: reverse("api:match_person"),
        {"given_name": "Kerry", "family_name": "Smith", "date_of_birth": "1996-06-14"},
        REGISTRARS,
    ),
    # An agency system's extract: only the agency's data steward (403 for every other role;
    # the steward, sending no file, is told which field is missing: 422).
    "api:create_import": ("post", lambda f: reverse("api:create_import"), None,
                          dict.fromkeys(PERSONAS, 403)),
    "api:read_import": (
        "get", lambda f: reverse("api:read_import", args=[job(f).pk]), None, NOBODY,
    ),
}

# The police's data steward: their agency's imports, the review counts, nothing else.
STEWARD = {
    "linkage:imports": 200,
    "linkage:import_detail": 200,
    "linkage:import_mapping": 200,
    "linkage:import_errors": 200,
    "linkage:model": 404,
    "linkage:review_queue": 200,
    "linkage:review_detail": 404,
    "linkage:merge_start": 404,
    "linkage:merge_confirm": 404,
    "linkage:merge_undo": 404,
    "api:match_person": 403,
    "api:create_import": 422,
    "api:read_import": 200,
}
