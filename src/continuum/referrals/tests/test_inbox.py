"""Team inboxes: hand-overs to an agency go to its receiving team, whose members see them (with
the unread count); a member of another team does not. Email only after the commit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from conftest import _staff
from continuum.directory.models import Role
from continuum.directory.tests.factories import UserFactory
from continuum.referrals import selectors, services
from continuum.referrals.demo import configure_receiving_teams
from continuum.referrals.models import Notification, ReceivingTeam, Referral
from continuum.referrals.tests.conftest import COMPLETE

pytestmark = pytest.mark.django_db


@pytest.fixture
def mash(agencies, front_door_worker):
    """The front door's receiving team is the front door worker's team."""
    front_door_worker.team.email = "mash@front-door.example"
    front_door_worker.team.save()
    ReceivingTeam.objects.create(agency=agencies.front_door, team=front_door_worker.team)
    return front_door_worker.team


@pytest.fixture
def team_mate(agencies, front_door_worker):
    return UserFactory(
        username="front.mate", agency=agencies.front_door, role=Role.FRONT_DOOR,
        team=front_door_worker.team, first_name="Ola", last_name="Ade",
    )  # fmt: skip


def _submit(family, referrer):
    draft = services.referral_create(actor=referrer, child=family.twin1, data=dict(COMPLETE))
    return services.referral_submit(actor=referrer, referral=draft)


def test_a_new_referral_goes_to_the_receiving_teams_inbox(
    mash, family, referrer, front_door_worker, login, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = _submit(family, referrer)
    note = Notification.objects.get(referral=referral)
    assert (note.team, note.agency, note.recipient) == (mash, None, None)
    assert [m.to for m in mail.outbox] == [["mash@front-door.example"]]

    page = login(front_door_worker).get(reverse("referrals:inbox"))
    assert page.status_code == 200
    text = page.content.decode()
    assert f"For {mash.name}" in text and "1 unread" in text
    assert f"New referral {referral.reference}" in text


def test_a_member_of_another_team_does_not_see_a_teams_item(
    mash, family, referrer, second_front_door_worker, login
):
    referral = _submit(family, referrer)
    note = Notification.objects.get(referral=referral)
    assert second_front_door_worker.team_id != mash.pk
    other = login(second_front_door_worker)
    assert referral.reference.encode() not in other.get(reverse("referrals:inbox")).content
    assert other.post(reverse("referrals:inbox_read", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_one_member_reads_a_teams_item_for_the_team(
    mash, family, referrer, front_door_worker, team_mate, login
):
    referral = _submit(family, referrer)
    note = Notification.objects.get(referral=referral)
    response = login(team_mate).post(reverse("referrals:inbox_read", args=[note.pk]))
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.read_by == team_mate and note.read_at is not None
    page = login(front_door_worker).get(reverse("referrals:inbox")).content.decode()
    assert "read by Ola Ade" in page
    sections = {s.key: s for s in selectors.inbox_sections(front_door_worker)}
    assert sections["team"].unread == 0


def test_without_a_receiving_team_the_agency_inbox_gets_it(family, referrer, agencies):
    referral = _submit(family, referrer)
    note = Notification.objects.get(referral=referral)
    assert (note.team, note.agency) == (None, agencies.front_door)


def test_an_information_request_goes_to_the_asked_agencys_receiving_team(
    received, front_door_worker, read_only_partner, agencies, login
):
    ReceivingTeam.objects.create(agency=agencies.police, team=read_only_partner.team)
    services.referral_request_information(
        actor=front_door_worker, referral=received, to_agency=agencies.police,
        question="Any call-outs to the address?",
        due_at=timezone.now() + dt.timedelta(days=1),
    )  # fmt: skip
    note = Notification.objects.get(subject__startswith="Information request")
    assert note.team == read_only_partner.team
    page = login(read_only_partner).get(reverse("referrals:inbox")).content.decode()
    assert "Information request about contact" in page and "1 unread" in page


def test_escalation_reaches_the_team_and_its_manager_after_commit(
    mash, family, referrer, agencies, django_capture_on_commit_callbacks
):
    manager = _staff("mash.manager", agencies.front_door, Role.TEAM_MANAGER, email="m@x.example")
    manager.team = mash
    manager.save()
    other_manager = _staff("other.manager", agencies.front_door, Role.TEAM_MANAGER)
    referral = _submit(family, referrer)
    later = referral.acknowledgement_due_at + dt.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.escalate_unacknowledged(now=later) == 1
    escalations = Notification.objects.filter(subject__startswith="Escalation", referral=referral)
    assert {(n.recipient, n.team) for n in escalations} == {(manager, None), (None, mash)}
    assert not escalations.filter(recipient=other_manager).exists()  # the team's manager only
    assert mail.outbox == []  # nothing is sent before the commit
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["m@x.example"]]


def test_no_email_when_the_transaction_rolls_back(
    mash, family, referrer, django_capture_on_commit_callbacks
):
    def submit_then_fail():
        with transaction.atomic():
            _submit(family, referrer)
            raise RuntimeError("the request failed after the submission")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        submit_then_fail()
    assert mail.outbox == []
    assert not Referral.objects.exclude(status="draft").exists()


def test_the_demo_names_the_receiving_teams(agencies, front_door_worker, involved_practitioner):
    # one team each in the test directory: that team receives
    assert configure_receiving_teams() >= 2
    assert ReceivingTeam.objects.get(agency=agencies.front_door).team == front_door_worker.team


def test_the_menu_shows_the_unread_count_on_every_page(
    mash, family, referrer, front_door_worker, second_front_door_worker, team_mate, login
):
    client = login(front_door_worker)
    menu = '<strong class="govuk-tag govuk-tag--red app-nav-count">'
    assert menu not in client.get(reverse("people:search")).content.decode()  # nothing yet
    referral = _submit(family, referrer)
    page = client.get(reverse("people:search")).content.decode()
    assert f'{menu}1<span class="govuk-visually-hidden"> unread</span></strong>' in page
    # another team's member is not told about it
    other = login(second_front_door_worker).get(reverse("people:search"))
    assert menu not in other.content.decode()
    # once a team mate has read it, the count goes for everyone in the team
    note = Notification.objects.get(referral=referral)
    login(team_mate).post(reverse("referrals:inbox_read", args=[note.pk]))
    assert menu not in client.get(reverse("people:search")).content.decode()


@pytest.fixture
def front_door_manager(agencies, front_door_worker):
    return UserFactory(
        username="front.manager", agency=agencies.front_door, role=Role.TEAM_MANAGER,
        team=front_door_worker.team,
    )  # fmt: skip


def test_a_manager_chooses_the_receiving_team_and_hand_overs_follow(
    front_door_manager, front_door_worker, family, referrer, agencies, login
):
    client = login(front_door_manager)
    url = reverse("referrals:receiving_team")
    page = client.get(url).content.decode()
    assert "has no receiving team" in page and front_door_worker.team.name in page
    assert url in client.get(reverse("referrals:inbox")).content.decode()

    missing = client.post(url, {})
    assert missing.status_code == 400
    assert "Select the team that receives hand-overs, or none" in missing.content.decode()

    response = client.post(url, {"team": str(front_door_worker.team.pk)})
    assert response.status_code == 302
    assert ReceivingTeam.objects.get(agency=agencies.front_door).team == front_door_worker.team
    referral = _submit(family, referrer)
    assert Notification.objects.get(referral=referral).team == front_door_worker.team

    client.post(url, {"team": "none"})
    assert not ReceivingTeam.objects.filter(agency=agencies.front_door).exists()
    assert selectors.receiving_team_of(agencies.front_door.pk) is None


def test_only_a_team_of_the_managers_own_agency_can_be_chosen(
    front_door_manager, involved_practitioner, login
):
    other_team = involved_practitioner.team
    response = login(front_door_manager).post(
        reverse("referrals:receiving_team"), {"team": str(other_team.pk)}
    )
    assert response.status_code == 400  # not one of the choices
    with pytest.raises(ValidationError):
        services.receiving_team_set(actor=front_door_manager, team=other_team)


def test_staff_who_are_not_managers_cannot_choose(front_door_worker, login):
    assert login(front_door_worker).get(reverse("referrals:receiving_team")).status_code == 404
    with pytest.raises(ValidationError):
        services.receiving_team_set(actor=front_door_worker, team=front_door_worker.team)
