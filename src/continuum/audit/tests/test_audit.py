"""The audit log: every read and write of personal data leaves an event (who, agency, role,
action, object, fields, request id); the hash chain verifies and names the first broken entry;
the database refuses to change or delete events; the DPO sees who has looked at a record."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from continuum.audit.models import AuditAction, AuditEvent
from continuum.audit.services import audit_verify
from continuum.people.tests.helpers import new_person_data, person_edit_data

pytestmark = pytest.mark.django_db


def _new_events(since: int):
    return list(AuditEvent.objects.filter(seq__gt=since).order_by("seq"))


def _last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _one(events, action, object_type):
    matching = [e for e in events if e.action == action and e.object_type == object_type]
    assert len(matching) == 1, [(e.action, e.object_type) for e in events]
    return matching[0]


def test_viewing_a_person_is_audited(family, read_only_partner, login):
    client = login(read_only_partner)
    since = _last_seq()
    response = client.get(
        reverse("people:detail", args=[family.mother.pk]), headers={"X-Request-ID": "req-view-0001"}
    )
    event = _one(_new_events(since), AuditAction.VIEW, "person")
    assert event.object_id == str(family.mother.pk)
    assert (event.actor_id, event.actor_username) == (read_only_partner.pk, "police.officer")
    assert event.agency_id == read_only_partner.agency_id
    assert event.role == "practitioner"
    assert event.request_id == "req-view-0001" == response["X-Request-ID"]


def test_request_id_is_generated_when_absent_or_malformed(family, read_only_partner, login):
    client = login(read_only_partner)
    since = _last_seq()
    response = client.get(
        reverse("people:detail", args=[family.mother.pk]), headers={"X-Request-ID": "bad id!"}
    )
    event = _one(_new_events(since), AuditAction.VIEW, "person")
    assert event.request_id == response["X-Request-ID"] != "bad id!"
    assert len(event.request_id) == 32


def test_viewing_a_household_is_audited(family, volunteer, login):
    since = _last_seq()
    login(volunteer).get(reverse("people:household", args=[family.household.pk]))
    event = _one(_new_events(since), AuditAction.VIEW, "household")
    assert (event.object_id, event.actor_id, event.role) == (
        str(family.household.pk),
        volunteer.pk,
        "volunteer",
    )


def test_refused_views_are_not_logged_as_views(family, uninvolved_worker, login):
    since = _last_seq()
    assert (
        login(uninvolved_worker).get(reverse("people:detail", args=[family.mother.pk])).status_code
        == 404
    )
    assert not [e for e in _new_events(since) if e.action == AuditAction.VIEW]


def test_search_is_audited_with_its_results(family, involved_practitioner, login):
    since = _last_seq()
    login(involved_practitioner).get(reverse("people:search"), {"name": "Jayden Smith"})
    event = _one(_new_events(since), AuditAction.SEARCH, "person_search")
    assert event.details["criteria"] == ["name"]
    assert family.twin1.pk in event.details["result_ids"]
    assert event.actor_id == involved_practitioner.pk
    assert "Jayden" not in json.dumps(event.details)  # the search terms themselves are not kept


def test_create_is_audited(family, involved_practitioner, login):
    since = _last_seq()
    response = login(involved_practitioner).post(
        reverse("people:add"), new_person_data(nhs_number="9434765919")
    )
    assert response.status_code == 302
    events = _new_events(since)
    # The agency's involvement with the new person is its own event on the person (ADR 0006).
    started = [e for e in events if e.changed_fields == ["involvement"]]
    assert [(e.object_type, e.details["source"]) for e in started] == [("person", "registration")]
    created = _one([e for e in events if e not in started], AuditAction.CREATE, "person")
    assert {"given_name", "family_name", "date_of_birth", "nhs_number"} <= set(
        created.changed_fields
    )
    assert created.agency_id == involved_practitioner.agency_id
    assert started[0].object_id == created.object_id
    _one(events, AuditAction.CREATE, "household")


def test_update_is_audited_with_the_changed_fields(family, involved_practitioner, login):
    since = _last_seq()
    login(involved_practitioner).post(
        reverse("people:edit", args=[family.mother.pk]),
        person_edit_data(family.mother, known_as="Kez", first_language="English"),
    )
    event = _one(_new_events(since), AuditAction.UPDATE, "person")
    assert event.object_id == str(family.mother.pk)
    assert event.changed_fields == ["first_language", "known_as"]


def test_api_reads_and_writes_are_audited(family, involved_practitioner, api_client):
    client = api_client(involved_practitioner)
    since = _last_seq()
    client.get(reverse("api:read_person", args=[family.twin2.pk]))
    client.patch(
        reverse("api:update_person", args=[family.twin2.pk]),
        data=json.dumps({"version": 1, "known_as": "JoJo"}),
        content_type="application/json",
    )
    events = _new_events(since)
    assert _one(events, AuditAction.VIEW, "person").object_id == str(family.twin2.pk)
    assert _one(events, AuditAction.UPDATE, "person").changed_fields == ["known_as"]


def test_sign_in_and_failed_sign_in_are_audited(involved_practitioner, client):
    from continuum.directory.tests.factories import TEST_PASSWORD

    since = _last_seq()
    client.post(reverse("login"), {"login": "hub.practitioner", "password": "wrong password"})
    client.post(reverse("login"), {"login": "hub.practitioner", "password": TEST_PASSWORD})
    events = _new_events(since)
    failed = _one(events, AuditAction.SIGN_IN_FAILED, "session")
    assert failed.details == {"username": "hub.practitioner"}
    assert _one(events, AuditAction.SIGN_IN, "session").actor_id == involved_practitioner.pk
    assert "wrong password" not in json.dumps([e.payload() for e in events])


def test_verify_passes_on_a_good_chain(family, capsys):
    assert AuditEvent.objects.count() >= 6
    call_command("audit", "verify")
    assert "Audit chain intact" in capsys.readouterr().out
    assert audit_verify().ok


def _allow_tampering():
    """Switch off the append-only trigger for this test's transaction only (rolled back after)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute("DROP TRIGGER audit_event_no_delete")


def test_verify_names_the_first_tampered_event(family):
    victim = AuditEvent.objects.order_by("seq")[5]
    _allow_tampering()
    AuditEvent.objects.filter(pk=victim.pk).update(reason="nothing to see here")
    with pytest.raises(
        CommandError, match=rf"BROKEN at event {victim.seq}: its contents do not match"
    ):
        call_command("audit", "verify")


def test_verify_names_a_deleted_event(family):
    victim = AuditEvent.objects.order_by("seq")[3]
    _allow_tampering()
    AuditEvent.objects.filter(pk=victim.pk).delete()
    with pytest.raises(
        CommandError, match=rf"BROKEN at event {victim.seq}: event {victim.seq} is missing"
    ):
        call_command("audit", "verify")


def test_verify_notices_the_newest_events_removed(family):
    newest = AuditEvent.objects.order_by("-seq").first()
    _allow_tampering()
    AuditEvent.objects.filter(pk=newest.pk).delete()
    report = audit_verify()
    assert (report.ok, report.first_broken_seq) == (False, newest.seq)


def test_verify_notices_a_rehashed_event(family):
    """Recomputing the tampered event's own hash still breaks the next event's link."""
    victim = AuditEvent.objects.order_by("seq")[2]
    _allow_tampering()
    victim.reason = "rewritten"
    victim.hash = victim.compute_hash()
    AuditEvent.objects.filter(pk=victim.pk).update(reason=victim.reason, hash=victim.hash)
    report = audit_verify()
    assert (report.ok, report.first_broken_seq) == (False, victim.seq + 1)


def test_database_refuses_update_and_delete(family):
    event = AuditEvent.objects.order_by("seq").first()
    original = (event.reason, event.hash)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = 'raw' WHERE id = %s", [event.pk])
    event.refresh_from_db()
    assert (event.reason, event.hash) == original
    assert audit_verify().ok


def test_dpo_sees_who_has_seen_the_record(
    family, involved_practitioner, read_only_partner, dpo, login
):
    login(involved_practitioner).get(reverse("people:detail", args=[family.mother.pk]))
    login(read_only_partner).get(reverse("people:detail", args=[family.mother.pk]))
    page = login(dpo).get(reverse("audit:person_log", args=[family.mother.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    rows = html.split("<tbody")[1].split("</tbody>")[0]
    assert "hub.practitioner" in rows
    assert "Northbrook North Family Hub" in rows
    assert "police.officer" in rows
    assert "Northbrook Police" in rows
    assert "Practitioner" in rows or "practitioner" in rows
    assert "Viewed" in rows
    # the DPO's own look at the log is itself audited
    assert AuditEvent.objects.filter(actor_id=dpo.pk, object_type="person_access_log").count() == 1


def test_dpo_page_link_on_person_page(family, dpo, login):
    html = login(dpo).get(reverse("people:detail", args=[family.mother.pk])).content.decode()
    assert reverse("audit:person_log", args=[family.mother.pk]) in html


def test_audit_log_of_unknown_person_is_404(family, dpo, login):
    assert login(dpo).get(reverse("audit:person_log", args=[424242])).status_code == 404


@pytest.mark.parametrize("index", range(6))
def test_every_write_page_is_audited(index, family, involved_practitioner, login):
    from continuum.people.tests.test_views import _writes

    name, url, data = _writes(family)[index]
    since = _last_seq()
    response = login(involved_practitioner).post(
        url, data, headers={"X-Request-ID": f"req-write-{index:04d}"}
    )
    assert response.status_code == 302, name
    writes = [e for e in _new_events(since) if e.action in (AuditAction.CREATE, AuditAction.UPDATE)]
    assert writes, name
    for event in writes:
        assert (event.actor_id, event.agency_id, event.role) == (
            involved_practitioner.pk,
            involved_practitioner.agency_id,
            "practitioner",
        )
        assert event.request_id == f"req-write-{index:04d}"
        assert (
            event.changed_fields
            or event.action == AuditAction.CREATE
            or event.object_type == "household"
        )


def test_the_chain_head_follows_every_appended_event(family, involved_practitioner):
    from continuum.audit.models import AuditChainHead
    from continuum.people import selectors

    selectors.person_search(involved_practitioner, selectors.SearchQuery(name="Smith"))
    selectors.person_record(involved_practitioner, family.mother.pk)
    newest = AuditEvent.objects.order_by("-seq").first()
    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_seq, head.last_hash) == (newest.seq, newest.hash)
    assert audit_verify().ok


@pytest.mark.parametrize("read", ["search", "person page"])
def test_a_read_whose_audit_event_cannot_be_written_fails(
    read, family, involved_practitioner, monkeypatch
):
    """The event is written in the read's own transaction: no event, no data."""
    from continuum.people import selectors

    def refuse(self, *args, **kwargs):
        raise DatabaseError("the audit log is unavailable")

    reads = {
        "search": lambda: selectors.person_search(
            involved_practitioner, selectors.SearchQuery(name="Smith")
        ),
        "person page": lambda: selectors.person_record(involved_practitioner, family.mother.pk),
    }
    since = _last_seq()
    monkeypatch.setattr(AuditEvent, "save", refuse)
    with pytest.raises(DatabaseError):
        reads[read]()
    assert _new_events(since) == []


def test_many_events_appended_at_once_extend_the_chain_in_order(family, analyst):
    from continuum.audit.models import AuditChainHead
    from continuum.audit.services import AuditEntry, audit_record_many

    before = AuditChainHead.objects.get(pk=1).last_seq
    events = audit_record_many(
        actor=analyst,
        events=[AuditEntry(AuditAction.CREATE, "person", n, ["given_name"], "Imported")
                for n in (101, 102, 103)],
    )  # fmt: skip
    stored = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))
    assert [e.seq for e in stored] == [before + 1, before + 2, before + 3]
    assert [e.object_id for e in stored] == ["101", "102", "103"]
    assert [e.pk for e in events] == [e.pk for e in stored]
    assert stored[1].prev_hash == stored[0].hash and stored[0].actor_username == analyst.username
    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_seq, head.last_hash) == (stored[-1].seq, stored[-1].hash)
    assert audit_verify().ok
