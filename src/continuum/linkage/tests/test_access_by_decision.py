"""Access is granted only by a recorded decision (issue 11, findings 1 and 2; docs/adr/0006).

Holding an agency record about a person never opens the shared record: no import, review
decision, real-time match or merge shows anyone a person they could not already see. Only an
agency's data steward imports for that agency; identity review is the front door's, audited
per person shown; analysts and managers see counts, never names.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from continuum.audit.models import AuditEvent
from continuum.audit.selectors import person_access_log
from continuum.directory.models import Role
from continuum.directory.tests.factories import TeamFactory, UserFactory
from continuum.governance.access import households_visible_to, persons_visible_to
from continuum.governance.models import Involvement
from continuum.linkage import services
from continuum.linkage.models import LinkStatus, MatchReview, ReviewStatus, SourceRecord

pytestmark = pytest.mark.django_db

HEADER = "record_id,given_name,family_name,date_of_birth,sex,postcode,address_line1,nhs_number\n"
# The attack of finding 1: only the child's name and date of birth.
CHILD_ONLY = "X1,Jayden,Smith,2021-03-04,,,,\n"
# A full record of the mother, which certainly links.
MOTHER = "X2,Kerry,Smith,1996-06-14,F,NB1 4QT,12 Mill Lane,9434765919\n"
NEW_PERSON = "X3,Amara,Okafor,2019-08-30,F,NB1 4QX,7 Brook Street,\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _member(agency, role: str, username: str):
    return UserFactory(
        username=username, agency=agency, role=role,
        team=TeamFactory(agency=agency, name=f"{username} team"),
    )  # fmt: skip


@pytest.fixture
def south(agencies, uninvolved_worker):
    """Southbrook hub, which has no relationship with the Smiths: its practitioner (the
    `uninvolved_worker`), its team manager and its data steward."""
    return type(
        "South", (), {
            "agency": agencies.other_hub,
            "practitioner": uninvolved_worker,
            "manager": _member(agencies.other_hub, Role.TEAM_MANAGER, "south.manager"),
            "steward": _member(agencies.other_hub, Role.DATA_STEWARD, "south.steward"),
        },
    )  # fmt: skip


def _import(steward, rows: str):
    job = services.import_create(
        actor=steward, agency=steward.agency, filename="extract.csv",
        content=(HEADER + rows).encode(),
    )  # fmt: skip
    return services.import_run(job.pk)


def _record_pages(family, person):
    return [
        reverse("people:detail", args=[person.pk]),
        reverse("people:household", args=[family.household.pk]),
        reverse("casework:household_chronology", args=[family.household.pk]),
        reverse("casework:person_chronology", args=[person.pk]),
    ]


def _visible(user) -> tuple[set[int], set[int]]:
    return (
        set(persons_visible_to(user).values_list("pk", flat=True)),
        set(households_visible_to(user).values_list("pk", flat=True)),
    )


# -- finding 1: an import granted access ----------------------------------------------------


def test_a_team_manager_or_analyst_cannot_upload_an_extract(family, south, analyst, login):
    """The attack as reported: a manager (or an analyst) who cannot see a child uploads a
    one-row extract of the child's name and date of birth. The import page is not theirs."""
    for user in (south.manager, analyst):
        client = login(user)
        assert client.get(reverse("people:detail", args=[family.twin1.pk])).status_code == 404
        upload = SimpleUploadedFile("x.csv", (HEADER + CHILD_ONLY).encode(), "text/csv")
        response = client.post(
            reverse("linkage:imports"), {"agency": user.agency_id, "file": upload}
        )
        assert response.status_code == 404
    assert not SourceRecord.objects.exists()


def test_only_the_agencys_own_data_steward_may_import(family, south, analyst, data_steward):
    for user, agency in [
        (south.manager, south.agency),
        (analyst, south.agency),
        (data_steward, south.agency),  # a steward, but of the police
        (south.practitioner, south.agency),
    ]:
        with pytest.raises(PermissionDenied):
            services.import_create(
                actor=user, agency=agency, filename="x.csv", content=(HEADER + MOTHER).encode()
            )
    job = services.import_create(
        actor=south.steward, agency=south.agency, filename="x.csv",
        content=(HEADER + MOTHER).encode(),
    )  # fmt: skip
    assert job.uploaded_by == south.steward


def test_the_command_line_import_needs_the_agencys_data_steward(family, south, tmp_path):
    extract = tmp_path / "x.csv"
    extract.write_text(HEADER + MOTHER)
    with pytest.raises(CommandError, match="data steward"):
        call_command(
            "linkage_import", str(extract), agency=south.agency.code,
            user=south.manager.username, stdout=StringIO(),
        )  # fmt: skip
    out = StringIO()
    call_command(
        "linkage_import", str(extract), agency=south.agency.code, user=south.steward.username,
        stdout=out,
    )  # fmt: skip
    assert "Imported 1 rows" in out.getvalue()


def test_an_import_opens_no_record_to_the_agency_or_the_uploader(
    family, south, login, api_client
):
    """Even the agency's own steward's import, which links the child and the mother
    automatically, gives the agency's staff nothing: no involvement, no page, no API."""
    before = {u.username: _visible(u) for u in (south.practitioner, south.manager, south.steward)}
    job = _import(south.steward, CHILD_ONLY + MOTHER + NEW_PERSON)
    assert job.rows_done == 3
    mother_record = SourceRecord.objects.get(record_id="X2")
    assert (mother_record.person, mother_record.link_status) == (
        family.mother, LinkStatus.AUTOMATIC
    )  # fmt: skip
    assert not Involvement.objects.filter(agency=south.agency).exists()
    for user in (south.practitioner, south.manager, south.steward):
        assert _visible(user) == before[user.username]
        client = login(user)
        for person in (family.twin1, family.mother):
            for url in _record_pages(family, person):
                assert client.get(url).status_code == 404, (user.username, url)
        api = api_client(user)
        for person in (family.twin1, family.mother):
            assert api.get(reverse("api:read_person", args=[person.pk])).status_code == 404
    # A new person from the extract is seen by no one in the agency either.
    new = SourceRecord.objects.get(record_id="X3").person
    assert new is not None
    assert all(new.pk not in _visible(u)[0] for u in (south.practitioner, south.manager))


def test_an_import_is_audited_against_each_person_it_links(family, south, dpo):
    job = _import(south.steward, MOTHER)
    record = SourceRecord.objects.get(record_id="X2")
    event = AuditEvent.objects.get(
        object_type="person", object_id=str(family.mother.pk), changed_fields=["source_records"]
    )
    assert event.actor_id == south.steward.pk
    assert event.details["import_job_id"] == job.pk
    assert event.details["source_record_id"] == record.pk
    assert event in person_access_log(dpo, family.mother.pk).events  # the DPO's page shows it


# -- finding 2: the review queue showed names to analysts and managers ----------------------


@pytest.fixture
def review(family, south):
    record = SourceRecord.objects.create(
        agency=south.agency, record_id="R7", link_status=LinkStatus.REVIEW,
        data={"record_id": "R7", "given_name": "Kerri", "family_name": "Smyth",
              "date_of_birth": "1996-06-14", "postcode": "NB1 4QT",
              "address_line1": "12 Mill Lane", "nhs_number": "9434765919"},
    )  # fmt: skip
    return MatchReview.objects.create(
        record=record, candidate=family.mother, probability=0.9, match_weight=3.2, breakdown=[]
    )


PERSONAL = ["Kerri", "Smyth", "Kerry", "9434765919", "Mill Lane", "1996-06-14"]


def test_analysts_and_managers_see_counts_never_names(family, south, review, analyst, login):
    for user in (analyst, south.manager, south.steward):
        client = login(user)
        page = client.get(reverse("linkage:review_queue"))
        assert page.status_code == 200
        text = page.content.decode()
        assert not [word for word in PERSONAL if word in text], user.username
        assert "To review" in text
        assert client.get(reverse("linkage:review_detail", args=[review.pk])).status_code == 404
        posted = client.post(
            reverse("linkage:review_detail", args=[review.pk]), {"decision": "accepted"}
        )
        assert posted.status_code == 404
    review.refresh_from_db()
    assert review.status == ReviewStatus.OPEN
    with pytest.raises(PermissionDenied):
        services.review_decide(actor=analyst, review=review, decision=ReviewStatus.ACCEPTED)


def test_a_data_stewards_counts_are_their_own_agencys(family, south, review, data_steward):
    from continuum.linkage import selectors

    assert selectors.review_counts(south.steward)["open"] == 1
    assert selectors.review_counts(data_steward)["open"] == 0  # the police hold none


def test_others_cannot_open_the_review_queue(family, review, login, involved_practitioner):
    for user in (involved_practitioner,):
        client = login(user)
        assert client.get(reverse("linkage:review_queue")).status_code == 404
        assert client.get(reverse("linkage:review_detail", args=[review.pk])).status_code == 404


def test_the_front_door_reviews_and_every_person_shown_is_audited(
    family, review, front_door_worker, login, dpo
):
    client = login(front_door_worker)
    seen = AuditEvent.objects.count()
    queue = client.get(reverse("linkage:review_queue"))
    assert queue.status_code == 200 and "Kerri" in queue.content.decode()
    listed = AuditEvent.objects.filter(seq__gt=seen, object_type="person", action="view")
    assert [(e.object_id, e.details["review_id"]) for e in listed] == [
        (str(family.mother.pk), review.pk)
    ]
    seen = AuditEvent.objects.order_by("-seq").first().seq
    page = client.get(reverse("linkage:review_detail", args=[review.pk]))
    assert page.status_code == 200 and "9434765919" in page.content.decode()
    viewed = AuditEvent.objects.get(seq__gt=seen, object_type="person", action="view")
    assert viewed.object_id == str(family.mother.pk)
    assert viewed.details["via"] == "match_review"
    assert viewed.details["source_record_id"] == review.record_id
    assert viewed in person_access_log(dpo, family.mother.pk).events


def test_a_review_decision_opens_no_record(family, south, review, front_door_worker):
    before = {u.username: _visible(u) for u in (south.practitioner, south.manager, south.steward)}
    services.review_decide(
        actor=front_door_worker, review=review, decision=ReviewStatus.ACCEPTED
    )
    review.record.refresh_from_db()
    assert review.record.person == family.mother
    assert not Involvement.objects.filter(agency=south.agency).exists()
    for user in (south.practitioner, south.manager, south.steward):
        assert _visible(user) == before[user.username]
    linked = AuditEvent.objects.get(
        object_type="person", object_id=str(family.mother.pk), changed_fields=["source_records"]
    )
    assert linked.details["link_status"] == LinkStatus.REVIEWED


# -- nothing widens what anyone sees ----------------------------------------------------------


def test_no_import_review_match_or_merge_widens_what_anyone_sees(
    family, south, analyst, data_steward, unmatched_volunteer, read_only_partner,
    front_door_worker, login, api_client,
):  # fmt: skip
    """The acting users, their agencies' staff and every persona without a relationship see
    no more after each of them than before (a merge may only take a record away)."""
    watched = [south.practitioner, south.manager, south.steward, analyst, data_steward,
               unmatched_volunteer, read_only_partner]  # fmt: skip

    def snapshot():
        return {u.username: _visible(u) for u in watched}

    def assert_not_wider(before, step):
        after = snapshot()
        for name, (people, households) in after.items():
            assert people <= before[name][0], (step, name, people - before[name][0])
            assert households <= before[name][1], (step, name, households - before[name][1])

    start = snapshot()
    # An import (links, a review, a new person).
    _import(south.steward, CHILD_ONLY + MOTHER + NEW_PERSON + "X4,Kerri,Smyth,1996-06-14,F,,,\n")
    assert_not_wider(start, "import")
    # A real-time match by someone who sees none of the Smiths.
    before = snapshot()
    response = api_client(south.practitioner).post(
        reverse("api:match_person"),
        {"given_name": "Kerry", "family_name": "Smith", "date_of_birth": "1996-06-14"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert family.mother.pk not in [c["person_id"] for c in response.json()["candidates"]]
    assert_not_wider(before, "match")
    # Review decisions by the front door: accept one, reject another (a new person).
    before = snapshot()
    for review in MatchReview.objects.filter(status=ReviewStatus.OPEN).order_by("pk"):
        review.refresh_from_db()
        if review.status == ReviewStatus.OPEN:
            services.review_decide(
                actor=front_door_worker, review=review, decision=ReviewStatus.REJECTED
            )
    assert_not_wider(before, "review")
    # A merge, by the front door, of a duplicate of the mother (which the front door's own
    # agency is involved with) into her record.
    before = snapshot()
    duplicate = services.people_services.person_create(
        actor=front_door_worker, reason="Contact about Kerri Smith",
        data={"kind": "adult", "given_name": "Kerri", "family_name": "Smith",
              "date_of_birth": family.mother.date_of_birth, "sex": "F"},
    )  # fmt: skip
    assert_not_wider(before, "a new person registered by the front door")
    merge = services.person_merge(
        actor=front_door_worker, kept=family.mother, merged=duplicate, reason="Same woman"
    )
    assert_not_wider(before, "merge")
    # Whatever the merge moved is named in its audit, against both people.
    moved = [m["pk"] for m in merge.moved if m["model"] == "governance.Involvement"]
    assert moved
    event = AuditEvent.objects.get(object_type="person", object_id=str(family.mother.pk),
                                   changed_fields=["merged"])  # fmt: skip
    assert event.details["involvements_moved"] == moved
    assert_not_wider(start, "the whole run")


# -- an agency system sends its extract with its data steward's token --------------------------


def test_an_agency_system_sends_its_extract_with_the_stewards_token(
    family, south, api_client, analyst, data_steward
):
    def send(user, content: bytes, name: str = "extract.csv"):
        return api_client(user).post(
            reverse("api:create_import"), {"file": SimpleUploadedFile(name, content, "text/csv")}
        )

    for user in (south.manager, analyst, south.practitioner):
        assert send(user, (HEADER + MOTHER).encode()).status_code == 403
    assert not SourceRecord.objects.exists()
    refused = send(south.steward, b"name,dob\nKerry,1996-06-14\n")
    assert refused.status_code == 422
    # a date of birth is not required (issue 12: rows without one are kept and linked on
    # their evidence); a record id and a name are
    assert set(refused.json()["errors"]) == {"record_id", "family_name"}
    from continuum.linkage.models import ImportJob

    assert not ImportJob.objects.exists()  # nothing half-saved
    sent = send(south.steward, (HEADER + MOTHER).encode())
    assert sent.status_code == 201
    body = sent.json()
    assert (body["agency"], body["status"], body["rows_total"]) == (south.agency.code,
                                                                     "pending", 1)  # fmt: skip
    services.import_run(body["id"])  # what the background thread does after the commit
    progress = api_client(south.steward).get(reverse("api:read_import", args=[body["id"]]))
    assert progress.json()["linked_automatically"] == 1
    # Another agency's steward, and everyone else, is told it does not exist.
    for user in (data_steward, south.manager, analyst):
        response = api_client(user).get(reverse("api:read_import", args=[body["id"]]))
        assert response.status_code == 404
    assert not Involvement.objects.filter(agency=south.agency).exists()
