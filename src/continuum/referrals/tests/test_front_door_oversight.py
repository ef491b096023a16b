"""Issue 15: the front door team manager oversees the queue, and the queue's clocks are right.

Times are UTC, which is London time in November. 20 November 2026 is a Friday; the 23rd a Monday.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from continuum.directory.models import Role
from continuum.directory.tests.factories import UserFactory
from continuum.governance.access import persons_visible_to
from continuum.referrals import selectors, services
from continuum.referrals.models import Notification, Outcome, Rag, Status
from continuum.referrals.tests.conftest import COMPLETE

pytestmark = pytest.mark.django_db

ROUTINE = {**COMPLETE, "urgency": "routine", "referrer_level": 3}


def at(d, h, mi=0):
    return dt.datetime(2026, 11, d, h, mi, tzinfo=dt.UTC)


@pytest.fixture
def manager(agencies, front_door_worker):
    """The MASH team manager, in the same team as the worker (the receiving team)."""
    return UserFactory(
        username="mash.manager", agency=agencies.front_door, role=Role.TEAM_MANAGER,
        team=front_door_worker.team, first_name="Claire", last_name="Hardcastle",
    )  # fmt: skip


def _send(referrer, child, data, when):
    with time_machine.travel(when, tick=False):
        draft = services.referral_create(actor=referrer, child=child, data=data)
        return services.referral_submit(actor=referrer, referral=draft)


def _receive(worker, referral, rag, when):
    with time_machine.travel(when, tick=False):
        return services.referral_receive(actor=worker, referral=referral, rag=rag)


@pytest.fixture
def queue(family, referrer, front_door_worker):
    """Four open contacts, looked at on Monday 23 November at 13:45:

    late_ack  routine, sent Mon 09:00, not acknowledged: acknowledge by 13:00 (overdue)
    late_red  routine, sent Fri 10:00, rated red at 10:30: RAG due Fri 14:00 (overdue)
    urgent    urgent, sent Mon 10:00, rated amber at 10:05: decision due 14:00
    new       routine, sent Mon 11:00, not acknowledged: acknowledge by 15:00
    """
    late_red = _send(referrer, family.twin2, ROUTINE, at(20, 10))
    late_red = _receive(front_door_worker, late_red, Rag.RED, at(20, 10, 30))
    late_ack = _send(referrer, family.twin1, ROUTINE, at(23, 9))
    urgent = _send(referrer, family.twin1, COMPLETE, at(23, 10))
    urgent = _receive(front_door_worker, urgent, Rag.AMBER, at(23, 10, 5))
    new = _send(referrer, family.twin2, ROUTINE, at(23, 11))
    return {"late_ack": late_ack, "late_red": late_red, "urgent": urgent, "new": new}


def test_queue_is_in_deadline_order_and_counts_late_acknowledgements_as_overdue(
    queue, front_door_worker
):
    rows, _, counts, overdue = selectors.front_door_queue(front_door_worker, now=at(23, 13, 45))
    assert counts == {"": 2, "red": 1, "amber": 1}
    names = {r.pk: name for name, r in queue.items()}
    assert [names[row.referral.pk] for row in rows] == ["late_red", "late_ack", "urgent", "new"]
    assert [row.overdue for row in rows] == [True, True, False, False]
    assert overdue == 2  # the unacknowledged contact past its acknowledge-by time counts
    assert rows[1].deadline == at(23, 13)  # its deadline is the acknowledge-by time
    assert rows[2].deadline == at(23, 14)  # urgent: decision within 4 working hours


def test_the_front_door_manager_sees_the_queue_the_workers_see(
    queue, manager, front_door_worker, login
):
    with time_machine.travel(at(23, 13, 45), tick=False):
        page = login(manager).get(reverse("referrals:queue"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Front door contacts" in html and "2 overdue" in html
    positions = [html.index(queue[name].reference) for name in ("late_red", "late_ack", "new")]
    assert positions == sorted(positions)
    assert html.count(">Overdue</strong>") == 2
    assert "Nobody yet" in html and front_door_worker.get_full_name() in html  # who holds what
    worker_rows, *_ = selectors.front_door_queue(front_door_worker)
    manager_rows, *_ = selectors.front_door_queue(manager)
    assert [r.referral.pk for r in manager_rows] == [r.referral.pk for r in worker_rows]
    assert len(manager_rows) == 4


def test_the_front_door_manager_finds_people_and_opens_contacts_from_the_inbox(
    queue, manager, family, login
):
    client = login(manager)
    assert persons_visible_to(manager).filter(pk=family.twin1.pk).exists()
    search = client.get(reverse("people:search"), {"name": "Jayden"})
    assert reverse("people:detail", args=[family.twin1.pk]) in search.content.decode()

    item = Notification.objects.get(referral=queue["new"], subject__startswith="New referral")
    assert item.agency_id or item.team_id  # shared with the front door
    opened = client.post(reverse("referrals:inbox_read", args=[item.pk]), follow=True)
    assert opened.status_code == 200
    assert opened.redirect_chain[-1][0] == reverse("referrals:contact", args=[queue["new"].pk])
    item.refresh_from_db()
    assert item.read_by == manager


def test_a_team_member_who_cannot_see_the_contact_leaves_the_item_unread(
    queue, agencies, front_door_worker, login
):
    clerk = UserFactory(
        username="mash.clerk", agency=agencies.front_door, role=Role.PRACTITIONER,
        team=front_door_worker.team,
    )  # fmt: skip
    item = Notification.objects.get(referral=queue["new"], subject__startswith="New referral")
    client = login(clerk)
    response = client.post(reverse("referrals:inbox_read", args=[item.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("referrals:inbox")
    assert "You cannot open this item" in response.content.decode()
    item.refresh_from_db()
    assert item.read_at is None  # still new for the colleagues who can act on it
    assert client.get(reverse("referrals:contact", args=[queue["new"].pk])).status_code == 404


def test_a_level_4_contact_rated_green_asks_for_confirmation(submitted, front_door_worker, login):
    client = login(front_door_worker)
    page = client.get(reverse("referrals:contact", args=[submitted.pk])).content.decode()
    assert "govuk-warning-text" in page and "judged this contact level 4" in page
    assert 'name="confirm_low_rating"' in page
    url = reverse("referrals:receive", args=[submitted.pk])
    refused = client.post(url, {"rag": Rag.GREEN})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "govuk-error-summary" in html and "Confirm that you mean to rate it Green" in html
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert client.post(url, {"rag": Rag.GREEN, "confirm_low_rating": "on"}).status_code == 302
    submitted.refresh_from_db()
    assert submitted.rag == Rag.GREEN and submitted.status == Status.RECEIVED


def test_the_decision_reports_its_target_from_arrival_and_a_late_acknowledgement(
    family, referrer, front_door_worker, login
):
    referral = _send(referrer, family.twin1, ROUTINE, at(23, 10))
    referral = _receive(front_door_worker, referral, Rag.AMBER, at(30, 10))  # 5 days late
    with time_machine.travel(at(30, 11), tick=False):
        services.referral_decide(
            actor=front_door_worker, referral=referral, outcome=Outcome.S17, level=3,
            rationale="Assess.",
        )  # fmt: skip
    html = login(front_door_worker).get(reverse("referrals:contact", args=[referral.pk]))
    text = html.content.decode()
    assert "outside the 1 working day target" in text
    assert "within the 1 working day target" not in text
    assert "acknowledged late" in text


def test_a_manager_elsewhere_does_not_see_the_front_door_or_the_whole_area(
    queue, agencies, family, login
):
    """Only a manager of the front door (an agency of kind front door) gets its view."""
    from continuum.governance import rules as perms

    hub_manager = UserFactory(
        username="hub.manager", agency=agencies.other_hub, role=Role.TEAM_MANAGER
    )  # a hub not involved with the family
    assert not perms.is_front_door_manager(hub_manager)
    assert not perms.sees_whole_area(hub_manager)
    rows, _, counts, overdue = selectors.front_door_queue(hub_manager)
    assert rows == [] and counts == {} and overdue == 0
    response = login(hub_manager).get(reverse("referrals:contact", args=[queue["new"].pk]))
    assert response.status_code == 404
    assert not persons_visible_to(hub_manager).filter(pk=family.unborn.pk).exists()
