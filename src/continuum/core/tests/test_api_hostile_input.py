"""The API is no weaker than the forms (issue 11, finding 7): every write endpoint in the
OpenAPI document is sent hostile values (null, a null character, text-direction overrides,
huge strings, wrong types, whitespace-only names, a birth year of 1800) and must answer 2xx
or a 4xx in the API's error shape; never a 500, never a half-saved record.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from continuum.api import api
from continuum.people.models import Person

pytestmark = pytest.mark.django_db

HOSTILE_TEXT = [
    None,
    "",
    "   ",
    "Smi\x00th",
    "\u202eevil\u202c",
    "Ann\u2066a",
    "x" * 100_000,
    12345,
    ["a"],
    {"a": 1},
    True,
]
HOSTILE_NUMBER = [None, "1", "one", -1, 0, 10**30, 1.5, [], {}]
HOSTILE_DATE = [None, "1800-01-01", "0001-01-01", "9999-12-31", "2020-02-30", "today", 20200101]


def test_every_write_endpoint_is_walked():
    """The walk below covers every write endpoint the API documents (a new one fails here)."""
    paths = api.get_openapi_schema()["paths"]
    writes = {(m.upper(), p) for p, ops in paths.items() for m in ops if m != "get"}
    assert writes == set(ENDPOINTS)


ENDPOINTS = {
    ("POST", "/api/people"): "people",
    ("PATCH", "/api/people/{person_id}"): "person",
    ("POST", "/api/households/{household_id}/members"): "member",
    ("POST", "/api/people/match"): "match",
    ("POST", "/api/referrals"): "referral",
    ("POST", "/api/casework/episodes/{episode_id}/visits"): "visit",
    ("POST", "/api/hubs/sessions/{session_id}/registers"): "register",
    ("POST", "/api/people/{person_id}/birth"): "birth",
    # multipart (a file), not JSON: walked by test_hostile_extracts_never_answer_500 below
    ("POST", "/api/linkage/imports"): "import",
}
JSON_KINDS = sorted(set(ENDPOINTS.values()) - {"import"})


@pytest.fixture
def world(family, involved_practitioner, agencies):
    from continuum.casework.models import EpisodeKind
    from continuum.casework.services import episode_open
    from continuum.hubs import services as hub_services

    episode = episode_open(
        actor=involved_practitioner,
        household=family.household,
        kind=EpisodeKind.EARLY_HELP,
        children=[family.twin1, family.twin2],
        referral_date=timezone.localdate() - dt.timedelta(days=20),
        start_date=timezone.localdate() - dt.timedelta(days=10),
        level_of_need=2,
    )
    activity = hub_services.activity_create(
        actor=involved_practitioner,
        hub=agencies.hub,
        name="Stay and play",
        kind="parenting_programme",
        first_starts_at=timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
        - dt.timedelta(weeks=1),
        duration_minutes=60,
        weeks=2,
        venue="Hall",
    )
    session = activity.sessions.order_by("starts_at")[0]
    return family, episode, session


def _valid(kind: str, family, episode, session) -> tuple[str, str, dict]:
    person = {"kind": "child", "given_name": "Ava", "family_name": "Stone",
              "date_of_birth": "2021-03-04", "sex": "F"}  # fmt: skip
    return {
        "people": ("post", "/api/people",
                   {**person, "address": {"line1": "1 High St", "postcode": "NB1 4QT"}}),
        "person": ("patch", f"/api/people/{family.mother.pk}",
                   {"version": family.mother.version, "given_name": "Kerry"}),
        "member": ("post", f"/api/households/{family.household.pk}/members", {"person": person}),
        "match": ("post", "/api/people/match", {"family_name": "Smith", "given_name": "Jayden"}),
        "referral": ("post", "/api/referrals", {
            "child_id": family.twin1.pk, "concerns": "Worried", "what_has_been_tried": "Talks",
            "child_views": "Quiet", "parents_views": "Agree", "referrer_level": 2,
            "consent": "given"}),
        "visit": ("post", f"/api/casework/episodes/{episode.pk}/visits", {
            "date": (timezone.localdate() - dt.timedelta(days=1)).isoformat(), "kind": "home",
            "observations": "Fine"}),
        "register": ("post", f"/api/hubs/sessions/{session.pk}/registers",
                     {"register_uuid": str(uuid.uuid4()), "attended": []}),
        "birth": ("post", f"/api/people/{family.unborn.pk}/birth", {
            "date_of_birth": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            "given_name": "Ava", "sex": "F"}),
    }[kind]  # fmt: skip


def _hostile_values(field: str, value) -> list:
    if field in {"date_of_birth", "expected_date_of_delivery", "date_of_death", "date"}:
        return HOSTILE_DATE
    if isinstance(value, bool):
        return [None, "maybe", 2, []]
    if isinstance(value, int):
        return HOSTILE_NUMBER
    if isinstance(value, dict):
        return [None, "x", [], {}, dict.fromkeys(value, "\x00")]
    if isinstance(value, list):
        return [None, "x", [None], ["\x00"], [10**30], {}]
    return HOSTILE_TEXT


def _cases(body: dict):
    extra = {"middle_names": "", "known_as": "", "nhs_number": "", "first_language": "",
             "ethnicity": "NOBT", "interpreter_needed": False, "disabilities": []}  # fmt: skip
    for field, value in {**body, **extra}.items():
        for hostile in _hostile_values(field, value):
            yield field, {**body, field: hostile}
        if isinstance(value, dict):  # one level down: the address, the person
            for sub, sub_value in value.items():
                for hostile in _hostile_values(sub, sub_value):
                    yield f"{field}.{sub}", {**body, field: {**value, sub: hostile}}


@pytest.mark.parametrize("kind", JSON_KINDS)
def test_hostile_values_never_answer_500(
    kind, world, involved_practitioner, api_client, settings
):
    settings.CONTINUUM_MATCH_LIMIT = 100_000  # walk the match endpoint, not its rate limit
    family, episode, session = world
    client = api_client(involved_practitioner)
    method, url, body = _valid(kind, family, episode, session)

    def send(payload):
        headers = {"Idempotency-Key": str(uuid.uuid4())} if kind == "referral" else {}
        return getattr(client, method)(
            url, payload, content_type="application/json", headers=headers
        )

    baseline = send(body)
    assert baseline.status_code < 300, (kind, baseline.status_code, baseline.content[:300])
    problems = []
    for field, payload in _cases(body):
        if kind == "person":  # the version moves on with every successful save
            payload = {**payload, "version": Person.objects.get(pk=family.mother.pk).version}
            if field == "version":
                continue
        if kind == "register" and field != "register_uuid":
            payload = {**payload, "register_uuid": str(uuid.uuid4())}
        response = send(payload)
        if response.status_code >= 500:
            problems.append((field, repr(payload.get(field.split(".")[0]))[:60], "500"))
        elif response.status_code == 429:
            problems.append((field, "rate limited: the walk did not reach the endpoint", ""))
        elif response.status_code == 422:
            errors = response.json().get("errors")
            if not errors or response.json().get("detail") != "Invalid input":
                problems.append((field, "422 without the error shape", response.content[:120]))
    assert not problems, problems


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("given_name", None, None),  # null clears an optional text field (was a 500)
        ("known_as", None, None),
        ("family_name", None, "Enter the family name"),
        ("family_name", "   ", "Enter the family name"),
        ("given_name", "Ker\x00ry", "null character"),
        ("given_name", "\u202eyrreK", "text-direction"),
        ("family_name", "Smith\u2067", "text-direction"),
        ("date_of_birth", "1800-06-14", "after 1 January 1900"),
        # found from outside: an adult's expected date of delivery of 1800 was stored
        ("expected_date_of_delivery", "1800-01-01", "after 1 January 1900"),
        ("interpreter_needed", None, "interpreter"),
    ],
)
def test_patch_person_refuses_or_clears_with_a_field_message(
    field, value, message, family, involved_practitioner, api_client
):
    mother = family.mother
    response = api_client(involved_practitioner).patch(
        f"/api/people/{mother.pk}",
        {"version": mother.version, field: value},
        content_type="application/json",
    )
    saved = Person.objects.get(pk=mother.pk)
    if message is None:
        assert response.status_code == 200, response.content
        assert getattr(saved, field) == ""
        return
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"] == "Invalid input"
    assert message in " ".join(body["errors"][field])
    assert saved.version == mother.version  # nothing saved


def test_create_person_refuses_hostile_names_before_saving(involved_practitioner, api_client):
    before = Person.objects.count()
    response = api_client(involved_practitioner).post(
        "/api/people",
        {"kind": "child", "given_name": "\u202eAva", "family_name": "  ", "sex": "F",
         "date_of_birth": "1800-01-01",
         "address": {"line1": "1 High\x00 St", "postcode": "NB1 4QT"}},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert "address.line1" in errors  # a null character is refused before anything runs
    assert Person.objects.count() == before
    response = api_client(involved_practitioner).post(
        "/api/people",
        {"kind": "child", "given_name": "\u202eAva", "family_name": "  ", "sex": "F",
         "date_of_birth": "1800-01-01", "address": {"line1": "1 High St", "postcode": "NB1 4QT"}},
        content_type="application/json",
    )  # fmt: skip
    errors = response.json()["errors"]
    assert set(errors) >= {"given_name", "family_name"}
    assert Person.objects.count() == before


def test_the_form_and_the_api_refuse_the_same_name(involved_practitioner, login, family):
    """The add-person form reaches the same service rule as the API."""
    response = login(involved_practitioner).post(
        reverse("people:add"),
        {"kind": "child", "given_name": "Ava\u202e", "family_name": "Stone", "sex": "F",
         "date_of_birth_0": "4", "date_of_birth_1": "3", "date_of_birth_2": "2021",
         "address-line1": "1 High St", "address-postcode": "NB1 4QT", "confirm_new": "yes"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Given name must not contain control or text-direction characters" in response.text
    assert not Person.objects.filter(family_name="Stone").exists()


def test_the_address_form_shows_the_address_rule_against_its_field(involved_practitioner, login):
    response = login(involved_practitioner).post(
        reverse("people:add"),
        {"kind": "child", "given_name": "Ava", "family_name": "Stone", "sex": "F",
         "date_of_birth_0": "4", "date_of_birth_1": "3", "date_of_birth_2": "2021",
         "address-line1": "1 High St\u202e", "address-postcode": "NB1 4QT", "confirm_new": "yes"},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["address_form"].errors["line1"] == [
        "Address line 1 must not contain control or text-direction characters: "
        "type it again rather than pasting it"
    ]
    assert not Person.objects.filter(family_name="Stone").exists()


HOSTILE_EXTRACTS = [
    b"",  # empty
    b"\x00\x01\x02\xff\xfe",  # binary
    b"record_id,given_name,family_name\n",  # a header and nothing else
    b"record_id,given_name,family_name\nR1,Ava\x00,Stone\n",  # a null character in a cell
    "record_id,given_name,family_name\nR1,Zo\u00eb,Stone\n".encode("utf-16"),  # not UTF-8
    b"record_id,given_name,family_name\nR1," + b"A" * 100_000 + b",Stone\n",  # a huge cell
    b"PK\x03\x04 not really a workbook",  # looks like XLSX, is not
    b'record_id,given_name,family_name\n"R1,Ava,Stone\n',  # an unclosed quote
]


@pytest.mark.parametrize("content", HOSTILE_EXTRACTS, ids=range(len(HOSTILE_EXTRACTS)))
def test_hostile_extracts_never_answer_500(content, data_steward, api_client):
    """The multipart import endpoint: a bad file is refused with the error shape (or accepted
    and reported row by row), never a 500."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    for name in ("extract.csv", "extract.xlsx"):
        response = api_client(data_steward).post(
            "/api/linkage/imports", {"file": SimpleUploadedFile(name, content, "text/csv")}
        )
        assert response.status_code in (201, 422), (name, response.status_code, response.content)
        if response.status_code == 422:
            body = response.json()
            assert body["detail"] == "Invalid input" and body["errors"], body
