"""HTTP tests: journeys 1 and 2 through the pages, and who may see what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from continuum.referrals import services
from continuum.referrals.models import Notification, Outcome, Rag, Referral, Status
from continuum.referrals.tests.conftest import COMPLETE

pytestmark = pytest.mark.django_db


def _form_data(**overrides):
    data = {k: str(v) for k, v in COMPLETE.items()} | {"source": "5D"}
    data.update(overrides)
    return data


def test_journey_referrer_front_door_police_and_back(
    family,
    referrer,
    front_door_worker,
    read_only_partner,
    agencies,
    login,
    django_capture_on_commit_callbacks,
):
    hv = login(referrer)
    # 1. the person page offers a referral; the form is pre-filled with what is known
    page = hv.get(reverse("people:detail", args=[family.twin1.pk]))
    assert reverse("referrals:new", args=[family.twin1.pk]).encode() in page.content
    form = hv.get(reverse("referrals:new", args=[family.twin1.pk]))
    assert form.status_code == 200
    assert b"12 Mill Lane" in form.content and b"Kerry Smith" in form.content
    # save a draft with almost nothing
    response = hv.post(
        reverse("referrals:new", args=[family.twin1.pk]), {"concerns": "Bruise", "save": "1"}
    )
    draft = Referral.objects.get(child=family.twin1)
    assert response.status_code == 302 and draft.status == Status.DRAFT
    # submitting names the missing fields
    response = hv.post(
        reverse("referrals:edit", args=[draft.pk]), {"concerns": "Bruise", "submit": "1"}
    )
    assert response.status_code == 200
    assert b"Enter what has been tried so far" in response.content
    assert b"Select your view of the level of need" in response.content
    # complete and submit
    response = hv.post(reverse("referrals:edit", args=[draft.pk]), {**_form_data(), "submit": "1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED

    # 2. the front door sees it in the queue, acknowledges and rates it
    fd = login(front_door_worker)
    queue = fd.get(reverse("referrals:queue"))
    assert draft.reference.encode() in queue.content
    contact = fd.get(reverse("referrals:contact", args=[draft.pk]))
    assert contact.status_code == 200
    assert b"Northbrook Police" in contact.content  # what every agency holds: involvements
    assert (
        fd.post(reverse("referrals:receive", args=[draft.pk]), {"rag": Rag.RED}).status_code == 302
    )
    # asks the police
    due = timezone.localtime() + dt.timedelta(days=2)
    response = fd.post(
        reverse("referrals:request_information", args=[draft.pk]),
        {
            "to_agency": agencies.police.pk,
            "question": "Any call-outs?",
            "due_date_0": due.day,
            "due_date_1": due.month,
            "due_date_2": due.year,
            "due_time": "15:00",
        },
    )
    assert response.status_code == 302
    fd.post(reverse("referrals:note", args=[draft.pk]), {"text": "INTERNAL: discuss with manager"})

    # the police answer inside Continuum, seeing the request but not the contact
    police = login(read_only_partner)
    request = draft.information_requests.get()
    assert police.get(reverse("referrals:contact", args=[draft.pk])).status_code == 404
    page = police.get(reverse("referrals:request", args=[request.pk]))
    assert page.status_code == 200 and b"Any call-outs?" in page.content
    assert b"INTERNAL" not in page.content and b"bruising" not in page.content
    assert (
        police.post(reverse("referrals:request_acknowledge", args=[request.pk])).status_code == 302
    )
    police.post(reverse("referrals:request", args=[request.pk]), {"answer": "Two call-outs in May"})
    assert b"Two call-outs in May" in fd.get(reverse("referrals:contact", args=[draft.pk])).content

    # the decision, sent to the referrer
    with django_capture_on_commit_callbacks(execute=True):
        response = fd.post(
            reverse("referrals:decide", args=[draft.pk]),
            {
                "outcome": Outcome.S47,
                "level": "4",
                "rationale": "Injury with disclosure",
            },
        )
    assert response.status_code == 302
    assert any(referrer.email in m.to for m in mail.outbox)

    # the referrer sees the outcome and who acknowledged, not the internal note
    page = hv.get(reverse("referrals:detail", args=[draft.pk]))
    assert b"Strategy discussion (section 47)" in page.content
    assert b"Fay Doyle" in page.content
    assert b"INTERNAL" not in page.content
    assert b"Two call-outs" not in page.content
    assert hv.get(reverse("referrals:contact", args=[draft.pk])).status_code == 404
    inbox = hv.get(reverse("referrals:inbox"))
    assert b"Outcome of your referral" in inbox.content


def test_two_workers_deciding_the_second_sees_the_first(
    received, front_door_worker, second_front_door_worker, login
):
    first, second = login(front_door_worker), login(second_front_door_worker)
    url = reverse("referrals:decide", args=[received.pk])
    assert second.get(url).status_code == 200  # both have the form open
    first.post(url, {"outcome": Outcome.S17, "level": "3", "rationale": "Complex"})
    response = second.post(
        url, {"outcome": Outcome.NFA, "level": "1", "rationale": "x", "signposting": "y"}
    )
    assert response.status_code == 409
    assert b"already been decided by Fay Doyle" in response.content
    received.refresh_from_db()
    assert received.outcome == Outcome.S17


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("referrer", 200),
        ("front_door_worker", 404),
        ("uninvolved_worker", 404),
        ("read_only_partner", 404),
    ],
)
def test_referrer_page_permissions(submitted, persona, expected, request, login):
    client = login(request.getfixturevalue(persona))
    assert client.get(reverse("referrals:detail", args=[submitted.pk])).status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("front_door_worker", 200),
        ("referrer", 404),
        ("uninvolved_worker", 404),
        ("read_only_partner", 404),
        ("analyst", 404),
        ("volunteer", 404),
    ],
)
def test_contact_page_permissions(submitted, persona, expected, request, login):
    client = login(request.getfixturevalue(persona))
    assert client.get(reverse("referrals:contact", args=[submitted.pk])).status_code == expected


def test_drafts_are_not_contacts(draft, front_door_worker, login):
    assert (
        login(front_door_worker).get(reverse("referrals:contact", args=[draft.pk])).status_code
        == 404
    )


def test_information_request_seen_only_by_the_asked_agency(
    received, front_door_worker, agencies, login, uninvolved_worker, referrer
):
    request = services.referral_request_information(
        actor=front_door_worker,
        referral=received,
        to_agency=agencies.police,
        question="Q?",
        due_at=timezone.now() + dt.timedelta(hours=5),
    )
    for user in (uninvolved_worker, referrer):
        assert login(user).get(reverse("referrals:request", args=[request.pk])).status_code == 404


def test_awaiting_acknowledgement_lists_overdue_hand_overs(
    submitted, front_door_worker, referrer, login
):
    Referral.objects.filter(pk=submitted.pk).update(
        acknowledgement_due_at=timezone.now() - dt.timedelta(hours=1)
    )
    page = login(front_door_worker).get(reverse("referrals:awaiting"))
    assert submitted.reference.encode() in page.content and b"Overdue" in page.content
    mine = login(referrer).get(reverse("referrals:awaiting"))
    assert submitted.reference.encode() in mine.content


def test_queue_shows_rag_and_overdue(received, front_door_worker, login):
    Referral.objects.filter(pk=received.pk).update(
        rag_due_at=timezone.now() - dt.timedelta(hours=1)
    )
    page = login(front_door_worker).get(reverse("referrals:queue"))
    assert b"Overdue" in page.content and b"Red" in page.content
    assert (
        login(front_door_worker)
        .get(reverse("referrals:queue") + "?rag=green")
        .content.count(received.reference.encode())
        == 0
    )


def test_withdraw_through_the_page(submitted, referrer, login):
    client = login(referrer)
    url = reverse("referrals:withdraw", args=[submitted.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Duplicate"}).status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.WITHDRAWN


def test_register_report_and_csv(received, front_door_worker, analyst, referrer, login):
    services.referral_decide(
        actor=front_door_worker, referral=received, outcome=Outcome.S17, level=3, rationale="x"
    )
    page = login(analyst).get(reverse("referrals:register"))
    assert page.status_code == 200
    assert b"Child in need assessment" in page.content
    assert b"Jayden" not in page.content  # the register carries no names
    csv_response = login(analyst).get(reverse("referrals:register_csv"))
    body = b"".join(csv_response.streaming_content).decode()
    assert body.splitlines()[0].startswith("reference,submitted_at,source")
    assert received.reference in body and ",s17," in body
    assert login(referrer).get(reverse("referrals:register")).status_code == 404


def test_re_referral_within_12_months_is_counted(family, referrer, front_door_worker):
    from continuum.referrals import selectors
    from continuum.referrals.tests.conftest import COMPLETE as DATA

    for _ in range(2):
        r = services.referral_create(actor=referrer, child=family.twin1, data=dict(DATA))
        services.referral_submit(actor=referrer, referral=r)
    report = selectors.register_report(selectors.register(front_door_worker))
    assert report.total == 2
    assert report.re_referrals == 1


def test_inbox_read_marks_and_redirects(submitted, front_door_worker, login):
    note = Notification.objects.get(referral=submitted, agency=submitted.destination_agency)
    response = login(front_door_worker).post(reverse("referrals:inbox_read", args=[note.pk]))
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None


def test_thresholds_and_my_referrals_pages(submitted, referrer, login):
    client = login(referrer)
    assert b"Children in acute need" in client.get(reverse("referrals:thresholds")).content
    assert submitted.reference.encode() in client.get(reverse("referrals:mine")).content


def test_panel_journey_allocate_then_step_up(
    received, front_door_worker, involved_practitioner, agencies, login
):
    services.referral_decide(
        actor=front_door_worker,
        referral=received,
        outcome=Outcome.EARLY_HELP,
        level=2,
        rationale="Family support",
        onward_agency=agencies.hub,
    )
    panel = Referral.objects.get(previous=received)
    hub = login(involved_practitioner)
    assert panel.reference.encode() in hub.get(reverse("referrals:queue")).content
    hub.post(reverse("referrals:receive", args=[panel.pk]), {"rag": Rag.GREEN})
    response = hub.post(
        reverse("referrals:decide", args=[panel.pk]),
        {
            "outcome": Outcome.PANEL_ALLOCATED,
            "level": "2",
            "rationale": "Parenting",
            "lead_professional": involved_practitioner.pk,
            "service": "Parenting programme",
        },
    )
    assert response.status_code == 302
    assert hub.get(reverse("referrals:step_up", args=[panel.pk])).status_code == 200
    assert (
        hub.post(
            reverse("referrals:step_up", args=[panel.pk]), {"reason": "New injury"}
        ).status_code
        == 302
    )
    up = Referral.objects.get(previous=panel)
    page = login(front_door_worker).get(reverse("referrals:contact", args=[up.pk]))
    assert b"Carried from earlier" in page.content and panel.reference.encode() in page.content


def test_close_after_decision(received, front_door_worker, login):
    services.referral_decide(
        actor=front_door_worker, referral=received, outcome=Outcome.S17, level=3, rationale="x"
    )
    assert (
        login(front_door_worker).post(reverse("referrals:close", args=[received.pk])).status_code
        == 302
    )
    received.refresh_from_db()
    assert received.status == Status.CLOSED


def test_an_incomplete_new_referral_is_refused_without_making_drafts(family, referrer, login):
    """Issue 15 (forms): a new referral sent with an answer missing was saved as a draft and
    re-rendered at the same address, so each reload made another draft (0, 1, 2, ...)."""
    client = login(referrer)
    url = reverse("referrals:new", args=[family.twin1.pk])
    for _ in range(3):  # the first send, then two reloads that send the form again
        response = client.post(url, {"concerns": "Bruise", "submit": "1"})
        assert response.status_code == 200
        assert b"Enter what has been tried so far" in response.content
        assert b"Nothing has been sent or saved yet" in response.content
        assert b"\nBruise</textarea>" in response.content  # the answers are kept
    assert not Referral.objects.filter(child=family.twin1).exists()


def test_starting_again_carries_on_with_the_draft(family, referrer, login):
    """Issue 15 (forms): starting again from the child's page left the first draft orphaned."""
    client = login(referrer)
    url = reverse("referrals:new", args=[family.twin1.pk])
    assert client.post(url, {"concerns": "Bruise", "save": "1"}).status_code == 302
    draft = Referral.objects.get(child=family.twin1)
    again = client.get(url)
    assert again.status_code == 302 and again["Location"] == reverse(
        "referrals:edit", args=[draft.pk]
    )
    # the form sent to the new-referral address again (another tab) updates the same draft
    client.post(url, {"concerns": "Bruise and a burn", "save": "1"})
    draft.refresh_from_db()
    assert draft.concerns == "Bruise and a burn"
    assert Referral.objects.filter(child=family.twin1).count() == 1
    # another child, or another referrer, starts their own
    assert client.get(reverse("referrals:new", args=[family.twin2.pk])).status_code == 200


def test_escalate_command(submitted, front_door_manager, capsys):
    from django.core.management import call_command

    Referral.objects.filter(pk=submitted.pk).update(
        acknowledgement_due_at=timezone.now() - dt.timedelta(minutes=5)
    )
    call_command("escalate")
    assert "Escalated 1" in capsys.readouterr().out
    assert Notification.objects.filter(recipient=front_door_manager).exists()
    submitted.refresh_from_db()
    assert submitted.escalated_at is not None


def test_queue_query_count_does_not_grow_with_contacts(family, referrer, front_door_worker, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(front_door_worker)
    draft = services.referral_create(actor=referrer, child=family.twin1, data=dict(COMPLETE))
    first = services.referral_submit(actor=referrer, referral=draft)

    def queries(url):
        client.get(url)  # the session and the user are cached after the first request
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries), response

    one, _ = queries(reverse("referrals:queue"))
    fields = {
        f.attname: getattr(first, f.attname)
        for f in Referral._meta.concrete_fields
        if f.attname != "id"
    }
    now = timezone.now()
    clones = [  # 130 open contacts: three pages, rated and not, some overdue
        Referral(
            **{
                **fields,
                "reference": f"R-Q{n:04d}",
                "rag": ["", Rag.RED, Rag.AMBER, Rag.GREEN][n % 4],
                "rag_due_at": now + dt.timedelta(hours=n - 60) if n % 4 else None,
            }
        )
        for n in range(129)
    ]
    Referral.objects.bulk_create(clones)
    many, response = queries(reverse("referrals:queue"))
    later, later_page = queries(reverse("referrals:queue") + "?page=3")
    filtered, _ = queries(reverse("referrals:queue") + "?rag=red")
    assert many == one == later == filtered
    assert response.content.count(b"/referrals/contacts/") == 50
    assert later_page.content.count(b"/referrals/contacts/") == 30
    assert b"Page 3 of 3" in later_page.content
