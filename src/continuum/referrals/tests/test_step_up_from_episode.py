"""Step-up from a casework episode (issue 5, journey 5): the referral form is pre-filled from the
episode the lead professional may see, and the referral records the episode it came from. A user
who cannot see the episode (or a child who is not in it) gets the plain form: nothing from the
episode leaks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from conftest import _staff
from continuum.audit.models import AuditAction, AuditEvent
from continuum.casework import services as casework
from continuum.casework.codes import EpisodeKind
from continuum.directory.models import Role
from continuum.people.tests.factories import HouseholdFactory, PersonFactory
from continuum.referrals.models import Referral, ReferralSource, Status
from continuum.referrals.tests.conftest import COMPLETE

pytestmark = pytest.mark.django_db

SUMMARY = "Kerry is isolated and struggling with the twins' routines since the move."
NEEDS = "Rent arrears of six weeks; eviction notice served."
PARENTS = "Kerry says she cannot cope with Dean in the house."
WISHES = "Jayden wants Dean to stop shouting."
SAID = "I hide under the bed when they argue."
OUTCOME = "Jayden attends school every day and is safe at home."
ACTION = "Attend the Incredible Years parenting course"
OTHER_SECRET = "Secret note from another family's episode."


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture
def episode(family, involved_practitioner):
    """An early help episode for the Smiths led by the hub practitioner, with an assessment,
    a plan with an action, and a visit where Jayden (twin1) spoke."""
    lead = involved_practitioner
    ep = casework.episode_open(
        actor=lead, household=family.household, kind=EpisodeKind.EARLY_HELP,
        children=[family.twin1], referral_date=days_ago(100), start_date=days_ago(90),
        level_of_need=3,
    )  # fmt: skip
    a = casework.assessment_start(actor=lead, episode=ep, start_date=days_ago(60))
    casework.assessment_update(
        actor=lead, assessment=a, expected_version=a.version,
        entries={(None, "housing"): ("Settled street", NEEDS)},
        summary=SUMMARY, parents_view=PARENTS,
    )  # fmt: skip
    a.refresh_from_db()
    casework.assessment_update(
        actor=lead, assessment=a, expected_version=a.version, entries={},
        child=family.twin1, seen=True, seen_alone=True, wishes_and_feelings=WISHES,
    )  # fmt: skip
    plan = casework.plan_create(
        actor=lead, episode=ep, start_date=days_ago(50), outcomes_sought=OUTCOME
    )
    casework.action_add(
        actor=lead, plan=plan, description=ACTION, due_date=days_ago(5), owner_user=lead
    )
    casework.visit_record(
        actor=lead, episode=ep, date=days_ago(3), kind="home", present=[family.twin1],
        children=[{"person": family.twin1, "seen": True, "seen_alone": True, "child_said": SAID}],
    )  # fmt: skip
    return ep


@pytest.fixture
def other_episode(agencies):
    """Another family's episode, in another hub, that the Smiths' practitioner cannot see."""
    worker = _staff("south.lead", agencies.other_hub, Role.PRACTITIONER)
    household = HouseholdFactory()
    child = PersonFactory(actor=worker, household=household, given_name="Zara")
    ep = casework.episode_open(
        actor=worker, household=household, kind=EpisodeKind.EARLY_HELP, children=[child],
        referral_date=days_ago(40), start_date=days_ago(30), level_of_need=2,
    )  # fmt: skip
    casework.plan_create(
        actor=worker, episode=ep, start_date=days_ago(20), outcomes_sought=OTHER_SECRET
    )
    return ep


def _url(child, episode_id) -> str:
    return reverse("referrals:new", args=[child.pk]) + f"?from_episode={episode_id}"


def test_step_up_form_is_prefilled_from_the_episode(family, involved_practitioner, episode, login):
    client = login(involved_practitioner)
    page = client.get(_url(family.twin1, episode.pk))
    assert page.status_code == 200
    form = page.context["form"]
    assert page.context["episode"] == episode
    assert form.initial["source"] == ReferralSource.LA_EARLY_HELP
    assert form.initial["referrer_level"] == "3"
    concerns = form.initial["concerns"]
    assert "Stepped up from the early help episode" in concerns
    assert SUMMARY in concerns and NEEDS in concerns
    tried = form.initial["what_has_been_tried"]
    assert OUTCOME in tried and ACTION in tried and "1 visit" in tried
    assert WISHES in form.initial["child_views"] and SAID in form.initial["child_views"]
    assert form.initial["parents_views"] == PARENTS
    html = page.content.decode()
    assert "This referral steps up from the early help episode" in html
    assert escape(SUMMARY) in html and 'value="5D" selected' in html
    # Reading the episode to pre-fill the form is audited.
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="casework.episode", object_id=str(episode.pk),
        actor_id=involved_practitioner.pk,
    ).exists()  # fmt: skip


def test_step_up_referral_records_the_episode(
    family, involved_practitioner, front_door_worker, episode, login
):
    client = login(involved_practitioner)
    data = {k: str(v) for k, v in COMPLETE.items()} | {"source": "5D", "submit": "1"}
    response = client.post(_url(family.twin1, episode.pk), data)
    referral = Referral.objects.get(child=family.twin1)
    assert response.status_code == 302, response.content
    assert referral.episode == episode
    assert referral.status == Status.SUBMITTED
    assert referral.source == ReferralSource.LA_EARLY_HELP
    assert referral.household == family.household
    created = AuditEvent.objects.get(
        action=AuditAction.CREATE, object_type="referral", object_id=str(referral.pk)
    )
    assert created.details["episode_id"] == episode.pk
    # The front door and the referrer see where it stepped up from.
    contact = login(front_door_worker).get(reverse("referrals:contact", args=[referral.pk]))
    assert b"Steps up from" in contact.content
    assert b"Early help episode with Northbrook North Family Hub" in contact.content
    detail = client.get(reverse("referrals:detail", args=[referral.pk]))
    assert b"Early help episode with Northbrook North Family Hub" in detail.content


def test_episode_the_user_cannot_see_gives_the_plain_form(
    family, involved_practitioner, other_episode, login
):
    client = login(involved_practitioner)
    page = client.get(_url(family.twin1, other_episode.pk))
    assert page.status_code == 200
    assert page.context["episode"] is None
    html = page.content.decode()
    assert OTHER_SECRET not in html and "steps up from" not in html
    assert "concerns" not in page.context["form"].initial
    assert not AuditEvent.objects.filter(
        object_type="casework.episode", object_id=str(other_episode.pk),
        actor_id=involved_practitioner.pk,
    ).exists()
    # Posting with it does not link the referral to the episode either.
    data = {k: str(v) for k, v in COMPLETE.items()} | {"save": "1"}
    client.post(_url(family.twin1, other_episode.pk), data)
    assert Referral.objects.get(child=family.twin1).episode is None


@pytest.mark.parametrize("episode_id", ["not-a-number", "999999"])
def test_bad_episode_id_gives_the_plain_form(family, involved_practitioner, login, episode_id):
    page = login(involved_practitioner).get(_url(family.twin1, episode_id))
    assert page.status_code == 200
    assert page.context["episode"] is None
    assert "concerns" not in page.context["form"].initial


def test_child_not_in_the_episode_gets_the_plain_form(
    family, involved_practitioner, episode, login
):
    page = login(involved_practitioner).get(_url(family.twin2, episode.pk))
    assert page.status_code == 200
    assert page.context["episode"] is None
    assert escape(SUMMARY) not in page.content.decode()


def test_a_stranger_to_the_family_gets_404_not_the_episode(
    family, uninvolved_worker, episode, login
):
    page = login(uninvolved_worker).get(_url(family.twin1, episode.pk))
    assert page.status_code == 404
    assert escape(SUMMARY).encode() not in page.content


def test_the_casework_step_up_link_leads_to_the_prefilled_form(
    family, involved_practitioner, episode, login
):
    client = login(involved_practitioner)
    page = client.get(reverse("casework:episode", args=[episode.pk]))
    link = _url(family.twin1, episode.pk)
    assert link.encode() in page.content
    assert client.get(link).context["episode"] == episode
