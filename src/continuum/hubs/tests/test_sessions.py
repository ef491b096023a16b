"""Sessions, registers (taken online and uploaded offline), walk-ins and engagement."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from continuum.hubs import services
from continuum.hubs.models import Attendance, EngagementEvent, Register, Session

pytestmark = pytest.mark.django_db


def test_a_programme_runs_for_its_n_weeks(programme):
    sessions = list(programme.sessions.order_by("starts_at"))
    assert len(sessions) == 6
    assert [s.week_number for s in sessions] == [1, 2, 3, 4, 5, 6]
    assert (sessions[1].starts_at - sessions[0].starts_at).days == 7


def test_a_parenting_programme_needs_its_weeks(involved_practitioner, agencies, login):
    response = login(involved_practitioner).post(
        reverse("hubs:activity_add"),
        {
            "name": "Stay and play",
            "kind": "stay_and_play",
            "first_date_0": "5",
            "first_date_1": "1",
            "first_date_2": "2026",
            "start_time": "9:30",
            "duration_minutes": "90",
            "weeks": "0",
        },
    )
    assert response.status_code == 200
    assert "Enter a number of weeks from 1 to 52" in response.text


def test_taking_the_register_twice_with_the_same_id_counts_once(
    session, family, involved_practitioner, login
):
    services.enrol(actor=involved_practitioner, activity=session.activity, person=family.mother)
    services.enrol(actor=involved_practitioner, activity=session.activity, person=family.twin1)
    client = login(involved_practitioner)
    url = reverse("hubs:register", args=[session.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert f'id="attended-{family.mother.pk}"' in page.text
    token = str(uuid.uuid4())
    body = {"register_uuid": token, "attended": [family.mother.pk, family.twin1.pk]}
    assert client.post(url, body).status_code == 302
    response = client.post(url, body, follow=True)
    assert "already saved: nothing was counted twice" in response.text
    assert Attendance.objects.filter(session=session).count() == 2
    assert Register.objects.filter(session=session).count() == 1


def test_offline_upload_is_idempotent(session, family, involved_practitioner, api_client):
    client = api_client(involved_practitioner)
    url = reverse("api:upload_register", args=[session.pk])
    body = json.dumps(
        {"register_uuid": str(uuid.uuid4()), "attended": [family.mother.pk, family.twin2.pk]}
    )
    first = client.post(url, body, content_type="application/json")
    assert first.status_code == 201, first.content
    assert first.json()["already_uploaded"] is False
    again = client.post(url, body, content_type="application/json")
    assert again.status_code == 200
    assert again.json() == {**first.json(), "already_uploaded": True}
    assert Attendance.objects.filter(session=session).count() == 2
    # a second device's register naming the same person does not count them twice either
    other = json.dumps({"register_uuid": str(uuid.uuid4()), "attended": [family.mother.pk]})
    assert (
        client.post(url, other, content_type="application/json").json()["attended_at_session"] == 2
    )


def test_attendance_for_a_cancelled_session_is_refused(
    session, family, involved_practitioner, login, api_client
):
    services.session_cancel(actor=involved_practitioner, session=session, reason="Heating failed")
    with pytest.raises(ValidationError) as exc:
        services.register_submit(
            actor=involved_practitioner,
            session=session,
            register_uuid=uuid.uuid4(),
            attended=[family.mother.pk],
        )
    assert "was cancelled on" in exc.value.messages[0]
    assert "so no attendance can be recorded" in exc.value.messages[0]
    response = login(involved_practitioner).post(
        reverse("hubs:register", args=[session.pk]),
        {"register_uuid": str(uuid.uuid4()), "attended": [family.mother.pk]},
    )
    assert response.status_code == 422
    assert "so no attendance can be recorded" in response.text
    api = api_client(involved_practitioner).post(
        reverse("api:upload_register", args=[session.pk]),
        json.dumps({"register_uuid": str(uuid.uuid4()), "attended": [family.mother.pk]}),
        content_type="application/json",
    )
    assert api.status_code == 422
    assert "cancelled" in api.json()["errors"]["__all__"][0]
    assert not Attendance.objects.exists()


def test_someone_the_hub_may_not_see_cannot_be_put_on_the_register(session, involved_practitioner):
    from continuum.people.tests.factories import PersonFactory

    stranger = PersonFactory()
    with pytest.raises(ValidationError):
        services.register_submit(
            actor=involved_practitioner,
            session=session,
            register_uuid=uuid.uuid4(),
            attended=[stranger.pk],
        )


def test_walk_in_found_by_search_and_quick_added(session, family, involved_practitioner, login):
    client = login(involved_practitioner)
    url = reverse("hubs:walk_in", args=[session.pk])
    found = client.get(url + "?name=Kerry Smith")
    assert found.status_code == 200
    assert "Mark Kerry Smith as here" in found.text
    response = client.post(
        url, {"register_uuid": str(uuid.uuid4()), "person": family.mother.pk, "enrol": "1"}
    )
    assert response.status_code == 302
    attendance = Attendance.objects.get(session=session)
    assert attendance.walk_in and attendance.person == family.mother
    response = client.post(
        reverse("hubs:quick_add", args=[session.pk]),
        {
            "kind": "child",
            "given_name": "Ava",
            "family_name": "Jones",
            "date_of_birth_0": "1",
            "date_of_birth_1": "6",
            "date_of_birth_2": "2024",
            "line1": "4 Brook Road",
            "postcode": "NB1 4AB",
            "consent": "on",
            "consent_given_by": "Sam Jones",
        },
    )
    assert response.status_code == 302, response.content
    assert Attendance.objects.filter(session=session).count() == 2
    register_page = client.get(reverse("hubs:register", args=[session.pk]))
    assert "Ava Jones" in register_page.text  # the walk-in is now on the register


def test_stopping_attending_is_a_significant_event(programme, family, involved_practitioner, login):
    services.enrol(actor=involved_practitioner, activity=programme, person=family.mother)
    sessions = list(programme.sessions.order_by("starts_at"))
    services.register_submit(
        actor=involved_practitioner,
        session=sessions[0],
        register_uuid=uuid.uuid4(),
        attended=[family.mother.pk],
    )
    for s in sessions[1:3]:
        services.register_submit(
            actor=involved_practitioner, session=s, register_uuid=uuid.uuid4(), attended=[]
        )
    event = EngagementEvent.objects.get()
    assert event.person == family.mother and event.kind == "stopped_attending"
    page = login(involved_practitioner).get(reverse("hubs:engagement", args=[family.household.pk]))
    assert page.status_code == 200
    assert "Stopped attending" in page.text
    assert "Incredible Years" in page.text
    # ... and on the family's chronology, once (a later register does not repeat it)
    services.register_submit(
        actor=involved_practitioner, session=sessions[3], register_uuid=uuid.uuid4(), attended=[]
    )
    from continuum.casework.models import ChronologyEntry

    entry = ChronologyEntry.objects.get(source_type="engagementevent")
    assert (entry.household, entry.person, entry.significant) == (
        family.household, family.mother, True,
    )  # fmt: skip
    assert entry.summary.startswith("Stopped attending Incredible Years at Northbrook North")
    chronology = login(involved_practitioner).get(
        reverse("casework:household_chronology", args=[family.household.pk])
    )
    assert "Stopped attending Incredible Years" in chronology.text


def test_timetable_shows_this_weeks_sessions(programme, involved_practitioner, login):
    this_week = Session.objects.filter(activity=programme).order_by("starts_at")[3]
    page = login(involved_practitioner).get(
        reverse("hubs:timetable") + f"?week={this_week.starts_at:%Y-%m-%d}"
    )
    assert page.status_code == 200
    assert "week 4 of 6" in page.text


@pytest.mark.parametrize(
    ("persona", "read", "change"),
    [
        ("involved_practitioner", 200, 200),
        ("hub_admin", 200, 403),
        ("uninvolved_worker", 404, 404),
        ("read_only_partner", 404, 404),
        ("volunteer", 404, 404),
        ("analyst", 404, 404),
    ],
)
def test_session_pages_access(persona, read, change, session, personas, hub_admin, login):
    client = login(hub_admin if persona == "hub_admin" else personas[persona])
    assert client.get(reverse("hubs:register", args=[session.pk])).status_code == read
    for name in ("walk_in", "quick_add", "cancel"):
        assert client.get(reverse(f"hubs:{name}", args=[session.pk])).status_code == change, name
