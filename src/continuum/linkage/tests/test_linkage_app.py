"""The linkage app: real-time matching, imports, the review queue, merge and unmerge."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import transaction
from django.forms.models import model_to_dict
from django.urls import reverse

from conftest import TWINS_DOB
from continuum.directory.models import Role
from continuum.directory.tests.factories import UserFactory
from continuum.hubs.models import RiskFlag, RiskFlagKind
from continuum.linkage import services
from continuum.linkage.engine.model import LinkageConfig, settings_hash
from continuum.linkage.matching import DEFAULT_MODEL_PATH, find_matches, record_from_fields
from continuum.linkage.models import (
    ImportStatus,
    LinkStatus,
    MatchKey,
    MatchReview,
    MatchVersion,
    Merge,
    ReviewStatus,
    SourceRecord,
)
from continuum.people.models import Person

HEADER = (
    "record_id,given_name,middle_names,family_name,date_of_birth,sex,postcode,"
    "address_line1,nhs_number\n"
)


def _record(**fields):
    base = {"given_name": "", "family_name": "", "postcode": "NB1 4QT", "line1": "12 Mill Lane"}
    return record_from_fields({**base, **fields})


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def manager(agencies):
    return UserFactory(username="hub.manager", agency=agencies.hub, role=Role.TEAM_MANAGER)


# -- the packaged model -------------------------------------------------------------------


def test_packaged_default_model_matches_the_engine():
    """If the engine's comparisons change, the default model must be retrained
    (`python -m continuum.linkage.default_model`)."""
    data = json.loads(DEFAULT_MODEL_PATH.read_text("utf-8"))
    assert data["params"]["settings_hash"] == settings_hash(LinkageConfig())


# -- real-time matching -------------------------------------------------------------------


def test_misspelt_name_finds_the_child(family):
    matches = find_matches(
        _record(given_name="Jaden", family_name="Smiht", date_of_birth=TWINS_DOB)
    )
    assert matches
    assert matches[0].person == family.twin1
    assert matches[0].probability > 0.8


def test_twin_is_not_matched_to_the_other_twin(family):
    matches = find_matches(
        _record(given_name="Jordan", family_name="Smith", date_of_birth=TWINS_DOB)
    )
    assert matches[0].person == family.twin2
    assert family.twin1 not in [m.person for m in matches]


def test_day_and_month_transposed_still_matches(family):
    swapped = dt.date(TWINS_DOB.year, TWINS_DOB.day, TWINS_DOB.month)
    matches = find_matches(_record(given_name="Jayden", family_name="Smith", date_of_birth=swapped))
    assert matches and matches[0].person == family.twin1


def test_match_api_names_only_people_the_user_may_see(
    family, api_client, uninvolved_worker, involved_practitioner
):
    body = {
        "given_name": "Kerry",
        "family_name": "Smith",
        "date_of_birth": "1996-06-14",
        "postcode": "NB1 4QT",
        "nhs_number": "9434765919",
    }
    seen = api_client(involved_practitioner).post(
        "/api/people/match", body, content_type="application/json"
    )
    assert seen.status_code == 200, seen.content
    data = seen.json()
    assert data["candidates"][0]["person_id"] == family.mother.pk
    assert data["candidates"][0]["probability"] > 0.99
    assert {b["field"] for b in data["candidates"][0]["breakdown"]} >= {"given_name", "nhs_number"}
    hidden = (
        api_client(uninvolved_worker)
        .post("/api/people/match", body, content_type="application/json")
        .json()
    )
    assert hidden["candidates"] == []
    assert hidden["known_elsewhere"] is True and "front door" in hidden["message"]


def test_registration_warns_of_a_possible_duplicate(family, login, involved_practitioner):
    client = login(involved_practitioner)
    form = {
        "kind": "child",
        "given_name": "Jayden",
        "family_name": "Smith",
        "sex": "M",
        "date_of_birth_0": "4",
        "date_of_birth_1": "3",
        "date_of_birth_2": "2021",
        "address-line1": "12 Mill Lane",
        "address-postcode": "NB1 4QT",
    }
    before = Person.objects.count()
    page = client.post(reverse("people:add"), form)
    assert page.status_code == 200
    assert "Check this person is not already known" in page.content.decode()
    assert Person.objects.count() == before  # nothing saved yet
    saved = client.post(reverse("people:add"), {**form, "confirm_new": "yes"})
    assert saved.status_code == 302
    assert Person.objects.count() == before + 1


# -- imports ------------------------------------------------------------------------------


def _csv(rows: list[str]) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


EXTRACT = [
    "HV1,Kerry,,Smith,14/06/1996,F,NB1 4QT,12 Mill Lane,9434765919",  # exact, with NHS number
    "HV2,Jaydon,,Smith,2021-03-04,M,NB1 4QT,12 Mill Lane,",  # misspelt twin
    "HV3,Amara,,Okafor,2019-08-30,F,NB1 4QX,7 Brook Street,",  # nobody yet: a new person
    "HV4,,,,2019-01-01,F,NB1 4QX,7 Brook Street,",  # no family name: a row error
    "HV5,Leon,,Baxter,2018-02-11,M,NB1 4QT,,123",  # a bad NHS number: reported, row kept
]


def _outcome():
    """What an import produced, independent of database ids."""
    return sorted(
        (
            sr.record_id,
            sr.link_status,
            sr.person.given_name if sr.person else None,
            sr.person.family_name if sr.person else None,
        )
        for sr in SourceRecord.objects.select_related("person")
    ), Person.objects.count()


def test_import_links_reviews_creates_and_reports(family, agencies, data_steward, media):
    job = services.import_create(
        actor=data_steward, agency=agencies.police, filename="police.csv", content=_csv(EXTRACT)
    )
    job = services.import_run(job.pk)
    assert job.status == ImportStatus.COMPLETED
    assert job.rows_done == 5
    records = {sr.record_id: sr for sr in SourceRecord.objects.all()}
    assert records["HV1"].person == family.mother
    assert records["HV1"].link_status == LinkStatus.AUTOMATIC
    assert records["HV3"].link_status == LinkStatus.NEW_PERSON
    assert records["HV3"].person.family_name == "Okafor"
    assert "HV4" not in records
    fields = {(e["row"], e["field"]) for e in job.row_errors}
    assert (5, "family_name") in fields
    assert (6, "nhs_number") in fields
    assert "HV5" in records
    csv_text = services.import_errors_csv(job)
    assert csv_text.splitlines()[0] == "row,field,reason"


def test_reimport_is_idempotent(family, agencies, data_steward, media):
    for _ in range(2):
        job = services.import_create(
            actor=data_steward, agency=agencies.police, filename="p.csv", content=_csv(EXTRACT)
        )
        job = services.import_run(job.pk)
    assert job.unchanged_records == 4
    assert SourceRecord.objects.count() == 4
    changed = [EXTRACT[0].replace("12 Mill Lane", "14 Mill Lane")]
    job = services.import_create(
        actor=data_steward, agency=agencies.police, filename="p2.csv", content=_csv(changed)
    )
    job = services.import_run(job.pk)
    assert job.updated_records == 1
    record = SourceRecord.objects.get(record_id="HV1")
    assert record.data["address_line1"] == "14 Mill Lane"
    assert record.previous_versions[0]["data"]["address_line1"] == "12 Mill Lane"


def test_killed_import_rerun_gives_the_clean_result(family, agencies, data_steward, media):
    with transaction.atomic():
        job = services.import_create(
            actor=data_steward, agency=agencies.police, filename="p.csv", content=_csv(EXTRACT)
        )
        services.import_run(job.pk, chunk_size=2)
        clean = _outcome()
        transaction.set_rollback(True)
    assert SourceRecord.objects.count() == 0

    class Killed(Exception):
        pass

    def kill(job):
        raise Killed

    job = services.import_create(
        actor=data_steward, agency=agencies.police, filename="p.csv", content=_csv(EXTRACT)
    )
    with pytest.raises(Killed):
        services.import_run(job.pk, chunk_size=2, after_chunk=kill)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.rows_done == 2
    services.import_run(job.pk, chunk_size=2)
    assert _outcome() == clean


def test_upload_refuses_other_file_types(agencies, data_steward, media):
    with pytest.raises(Exception, match="CSV or an Excel"):
        services.import_create(
            actor=data_steward, agency=agencies.police, filename="x.exe", content=b"MZ"
        )


# -- reviews ------------------------------------------------------------------------------


def _review_for(family, agencies):
    record = SourceRecord.objects.create(
        agency=agencies.police,
        record_id="P77",
        link_status=LinkStatus.REVIEW,
        data=_record(given_name="Kerri", family_name="Smyth", date_of_birth="1996-06-14"),
    )
    return MatchReview.objects.create(
        record=record, candidate=family.mother, probability=0.9, match_weight=3.2, breakdown=[]
    )


def test_accepting_a_review_links_the_record(family, agencies, front_door_worker):
    review = _review_for(family, agencies)
    services.review_decide(actor=front_door_worker, review=review, decision=ReviewStatus.ACCEPTED)
    review.record.refresh_from_db()
    assert review.record.person == family.mother
    assert review.record.link_status == LinkStatus.REVIEWED
    with pytest.raises(Exception, match="already decided"):
        services.review_decide(
            actor=front_door_worker, review=review, decision=ReviewStatus.REJECTED
        )


def test_rejecting_the_last_candidate_creates_a_new_person(family, agencies, front_door_worker):
    review = _review_for(family, agencies)
    before = Person.objects.count()
    services.review_decide(actor=front_door_worker, review=review, decision=ReviewStatus.REJECTED)
    review.record.refresh_from_db()
    assert Person.objects.count() == before + 1
    assert review.record.person.family_name == "Smyth"


def test_review_pages(family, agencies, front_door_worker, login, involved_practitioner):
    review = _review_for(family, agencies)
    client = login(front_door_worker)
    queue = client.get(reverse("linkage:review_queue"))
    assert queue.status_code == 200
    # Dates as people read them, not as the agency's file stored them (ISO).
    assert "14 Jun 1996" in queue.text and "1996-06-14" not in queue.text
    page = client.get(reverse("linkage:review_detail", args=[review.pk]))
    assert page.status_code == 200
    assert "Kerri" in page.content.decode()
    assert "14 Jun 1996" in page.text and "1996-06-14" not in page.text
    posted = client.post(reverse("linkage:review_detail", args=[review.pk]), {"decision": ""})
    assert "Choose whether they are the same person" in posted.content.decode()
    ok = client.post(
        reverse("linkage:review_detail", args=[review.pk]), {"decision": ReviewStatus.ACCEPTED}
    )
    assert ok.status_code == 302
    outsider = login(involved_practitioner)
    assert outsider.get(reverse("linkage:review_queue")).status_code == 404
    assert outsider.get(reverse("linkage:review_detail", args=[review.pk])).status_code == 404


def test_import_pages(family, agencies, data_steward, login, involved_practitioner, media):
    client = login(data_steward)
    assert client.get(reverse("linkage:imports")).status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("hv.csv", _csv(EXTRACT[:3]), content_type="text/csv")
    response = client.post(
        reverse("linkage:imports"), {"agency": agencies.police.pk, "file": upload}
    )
    assert response.status_code == 302
    job_url = response["Location"]
    assert client.get(job_url).status_code == 200
    assert login(involved_practitioner).get(reverse("linkage:imports")).status_code == 404


# -- merge and unmerge --------------------------------------------------------------------


def _related_state(*people):
    """Every row that points at these people, by model, with all its values."""
    ids = {p.pk for p in people}
    state = {}
    for relation in Person._meta.get_fields(include_hidden=True):
        if not relation.is_relation or relation.concrete or relation.many_to_many:
            continue
        model, fk = relation.related_model, relation.field
        if model in (Person, Merge, MatchVersion, MatchKey):
            continue  # merged_into and the Merge row record what happened; match features
            # are derived rows that features_refresh rebuilds
        rows = model.objects.filter(**{f"{fk.attname}__in": ids}).order_by("pk")
        state[model._meta.label + "." + fk.name] = [model_to_dict(r) for r in rows]
    persons = {
        p.pk: model_to_dict(Person.objects.get(pk=p.pk), exclude=["version"]) for p in people
    }
    return state, persons


def test_merge_moves_everything_and_unmerge_restores_it_exactly(family, front_door_worker):
    duplicate = services.people_services.person_create(
        actor=front_door_worker,
        data={
            "kind": "child",
            "given_name": "Jaydon",
            "family_name": "Smith",
            "date_of_birth": TWINS_DOB,
            "sex": "M",
        },
        household=family.household,
    )
    # a row from another app whose foreign key is hidden (related_name="+") must follow too
    flag = RiskFlag.objects.create(
        person=duplicate,
        kind=RiskFlagKind.DOMESTIC_ABUSE,
        recorded_by_agency=front_door_worker.agency,
        recorded_by=front_door_worker,
    )
    before = _related_state(family.twin1, duplicate)
    merge = services.person_merge(
        actor=front_door_worker,
        kept=family.twin1,
        merged=duplicate,
        reason="Same child, name misspelt by the hub",
    )
    duplicate.refresh_from_db()
    assert duplicate.merged_into == family.twin1
    assert duplicate.names.count() == 0  # the name moved to the kept record, as an alias
    assert family.twin1.names.filter(given_name="Jaydon").exists()
    assert merge.moved
    flag.refresh_from_db()
    assert flag.person_id == family.twin1.pk
    services.merge_undo(actor=front_door_worker, merge=merge, reason="Wrong merge")
    assert _related_state(family.twin1, duplicate) == before


def test_unsafe_merges_are_blocked_with_the_reason(family, front_door_worker):
    other = services.people_services.person_create(
        actor=front_door_worker,
        data={
            "kind": "adult",
            "given_name": "Kerry",
            "family_name": "Smith",
            "date_of_birth": dt.date(1996, 6, 14),
            "sex": "F",
            "nhs_number": "4010232137",
        },
    )
    reasons = services.merge_blockers(family.mother, other)
    assert any("different NHS numbers" in r for r in reasons)
    with pytest.raises(Exception, match="different NHS numbers"):
        services.person_merge(actor=front_door_worker, kept=family.mother, merged=other, reason="x")
    other.nhs_number = ""
    other.date_of_death = dt.date(2024, 1, 1)
    other.save()
    assert any("date of death" in r for r in services.merge_blockers(family.mother, other))


def test_merge_pages(family, front_door_worker, login, involved_practitioner, manager):
    duplicate = services.people_services.person_create(
        actor=front_door_worker,
        data={
            "kind": "child",
            "given_name": "Jordon",
            "family_name": "Smith",
            "date_of_birth": TWINS_DOB,
            "sex": "M",
        },
    )
    client = login(front_door_worker)
    start = reverse("linkage:merge_start", args=[family.twin2.pk])
    assert client.get(start).status_code == 200
    assert client.post(start, {"other": duplicate.pk}).status_code == 302
    confirm = reverse("linkage:merge_confirm", args=[family.twin2.pk, duplicate.pk])
    assert client.get(confirm).status_code == 200
    assert "Enter why" in client.post(confirm, {"reason": ""}).content.decode()
    assert client.post(confirm, {"reason": "Same child"}).status_code == 302
    merge = family.twin2.merges_kept.get()
    undo = reverse("linkage:merge_undo", args=[merge.pk])
    assert client.get(undo).status_code == 200
    assert client.post(undo, {"reason": "Mistake"}).status_code == 302
    # A practitioner is not a manager: the merge pages do not exist for them.
    assert login(involved_practitioner).get(start).status_code == 404


def test_a_new_baby_is_matched_to_the_household_unborn_record(family):
    """Unborn → born: the baby's date of birth is within the window of the expected date."""
    born = family.unborn.expected_date_of_delivery - dt.timedelta(days=10)
    matches = find_matches(_record(given_name="Mia", family_name="Smith", date_of_birth=born))
    assert matches and matches[0].person == family.unborn


def test_adding_a_member_offers_the_unborn_record_when_the_baby_arrives(
    family, login, involved_practitioner
):
    from django.utils import timezone

    from continuum.people.models import Person as PersonModel

    edd = timezone.localdate() + dt.timedelta(days=5)
    services.people_services.person_update(
        actor=involved_practitioner, person=family.unborn, expected_version=family.unborn.version,
        data={"expected_date_of_delivery": edd}, reason="New scan date",
    )  # fmt: skip
    born = timezone.localdate() - dt.timedelta(days=1)
    form = {"kind": "child", "given_name": "Mia", "family_name": "Smith", "sex": "F",
            "date_of_birth_0": str(born.day), "date_of_birth_1": str(born.month),
            "date_of_birth_2": str(born.year)}  # fmt: skip
    client = login(involved_practitioner)
    url = reverse("people:household_add_member", args=[family.household.pk])
    before = PersonModel.objects.count()
    page = client.post(url, form)
    assert "Check this person is not already known" in page.content.decode()
    assert f'href="/people/{family.unborn.pk}/"' in page.content.decode()
    assert PersonModel.objects.count() == before
    assert client.post(url, {**form, "confirm_new": "yes"}).status_code == 302
    assert PersonModel.objects.count() == before + 1


def test_the_column_mapping_names_columns_as_people_read_them():
    from continuum.linkage.forms import MappingForm

    form = MappingForm(header=["id"])
    assert form.fields["nhs_number"].label == "NHS number"
    assert form.fields["upn"].label == "Unique pupil number (UPN) (optional)"
    assert form.fields["date_of_birth"].label == "Date of birth"
    labels = " ".join(f.label for f in form.fields.values())
    assert "Nhs" not in labels and "Upn" not in labels
