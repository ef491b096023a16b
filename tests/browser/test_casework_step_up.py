"""Browser journey for issue 5, journey 5 (step up): the lead professional of an early help
episode steps a child up to the front door from the episode page; the referral form is
pre-filled from the episode (assessment, plan, visits, the child's words, source 5D, level of
need); it is submitted; the front door sees it in its queue with what came from the episode.
axe-core checks every page (tests/browser/conftest.py)."""

from __future__ import annotations

import datetime as dt
import importlib
import re
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import _user, sign_in, sign_out

pytestmark = pytest.mark.browser

SUMMARY = "Jade is isolated and the mornings are chaotic since the move."
OUTCOME = "Kai gets to school on time, fed and rested."
SAID = "I get scared when they shout at night."


def _ensure_continuum_of_need() -> None:
    """The levels of need come from a data migration; a transactional test's flush removes them."""
    from django.apps import apps

    from continuum.referrals.models import ThresholdFramework

    if not ThresholdFramework.objects.filter(is_current=True).exists():
        importlib.import_module(
            "continuum.referrals.migrations.0002_london_continuum_of_need"
        ).create(apps, None)


@pytest.fixture
def episode_to_step_up(transactional_db):
    from continuum.casework import services as casework
    from continuum.casework.codes import EpisodeKind
    from continuum.directory.models import Agency, AgencyKind, Role
    from continuum.people import services

    _ensure_continuum_of_need()
    hub = Agency.objects.create(code="hub", name="Millbrook Family Hub", kind=AgencyKind.FAMILY_HUB)
    front_door = Agency.objects.create(
        code="front-door", name="Northbrook Children's Services", kind=AgencyKind.FRONT_DOOR
    )
    lead = _user("hub.lead", hub, Role.PRACTITIONER, "Lena", "Lead")
    worker = _user("front.door", front_door, Role.FRONT_DOOR, "Farah", "Doyle")
    today = timezone.localdate()
    address = services.address_build(line1="3 Mill Lane", town="Northbrook", postcode="nb14qt")
    household = services.household_create(actor=lead, address=address)
    services.person_create(
        actor=lead, household=household,
        data={"kind": "adult", "given_name": "Jade", "family_name": "Marsh",
              "date_of_birth": dt.date(1994, 2, 2), "sex": "F"},
    )  # fmt: skip
    child = services.person_create(
        actor=lead, household=household,
        data={"kind": "child", "given_name": "Kai", "family_name": "Marsh",
              "date_of_birth": today.replace(year=today.year - 7), "sex": "M"},
    )  # fmt: skip
    days_ago = lambda n: today - dt.timedelta(days=n)  # noqa: E731
    episode = casework.episode_open(
        actor=lead, household=household, kind=EpisodeKind.EARLY_HELP, children=[child],
        referral_date=days_ago(100), start_date=days_ago(90), level_of_need=3,
    )  # fmt: skip
    assessment = casework.assessment_start(actor=lead, episode=episode, start_date=days_ago(80))
    casework.assessment_update(
        actor=lead, assessment=assessment, expected_version=assessment.version, entries={},
        summary=SUMMARY,
    )  # fmt: skip
    plan = casework.plan_create(
        actor=lead, episode=episode, start_date=days_ago(60), outcomes_sought=OUTCOME
    )
    casework.action_add(
        actor=lead, plan=plan, description="Morning routine plan", due_date=days_ago(10),
        owner_user=lead,
    )  # fmt: skip
    casework.visit_record(
        actor=lead, episode=episode, date=days_ago(2), kind="home", present=[child],
        children=[{"person": child, "seen": True, "seen_alone": True, "child_said": SAID}],
    )  # fmt: skip
    return SimpleNamespace(lead=lead, worker=worker, child=child, episode=episode)


def test_lead_steps_an_early_help_episode_up_to_the_front_door(new_page, a11y, episode_to_step_up):
    from continuum.referrals.models import Referral, Status

    f = episode_to_step_up
    page = new_page()
    a11y.watch(page)
    sign_in(page, a11y, f.lead)

    # From the episode page, "Step up to the front door": refer Kai.
    page.goto(f"/casework/episodes/{f.episode.pk}/")
    a11y.check(page, label="the episode")
    page.get_by_role("link", name="Refer Kai Marsh").click()
    page.wait_for_url(re.compile(rf"/referrals/new/{f.child.pk}/\?from_episode={f.episode.pk}"))
    a11y.check(page, label="the referral form, pre-filled from the episode")
    expect(
        page.get_by_text(re.compile("This referral steps up from the early help episode"))
    ).to_be_visible()

    # Pre-filled from the episode: the source, the route, the level, and the casework so far.
    expect(page.get_by_label("Referral source")).to_have_value("5D")
    expect(page.get_by_label("Children's social care front door")).to_be_checked()
    concerns = page.get_by_label("What are you worried about?")
    expect(concerns).to_have_value(
        re.compile("Stepped up from the early help episode led by Lena Lead")
    )
    expect(concerns).to_have_value(re.compile(re.escape(SUMMARY)))
    expect(page.get_by_label("What has been tried so far?")).to_have_value(
        re.compile(re.escape(OUTCOME))
    )
    expect(page.get_by_label("The child's views")).to_have_value(re.compile(re.escape(SAID)))
    expect(
        page.get_by_role("group", name="Your view of the level of need").get_by_label(
            re.compile(r"^Level 3")
        )
    ).to_be_checked()

    # The lead adds what has changed, answers the rest and submits.
    concerns.fill(concerns.input_value() + "\nLast night police were called to a fight at home.")
    page.get_by_label("The parents' or carers' views").fill("Jade says she is frightened.")
    page.get_by_role("group", name="Urgency").get_by_label("Urgent", exact=False).check()
    page.get_by_role("group", name="Consent").get_by_label("Given", exact=True).check()
    page.get_by_role("button", name="Submit referral").click()
    page.wait_for_url(re.compile(r"/referrals/\d+/$"))
    a11y.check(page, label="referral sent")
    referral = Referral.objects.get(child=f.child)
    expect(page.get_by_text(f"Referral {referral.reference} has been sent")).to_be_visible()
    assert referral.status == Status.SUBMITTED
    assert referral.episode_id == f.episode.pk and referral.source == "5D"
    sign_out(page, a11y)

    # The front door sees it in the queue, and what came from the episode in the contact.
    fd = new_page()
    a11y.watch(fd)
    sign_in(fd, a11y, f.worker)
    fd.get_by_role("link", name="Front door", exact=True).click()
    expect(fd.get_by_role("heading", level=1)).to_have_text("Front door contacts")
    a11y.check(fd, label="front door queue")
    row = fd.get_by_role("row").filter(has_text=referral.reference)
    expect(row).to_contain_text("Kai Marsh")
    expect(row).to_contain_text("Millbrook Family Hub")
    row.get_by_role("link", name=referral.reference).click()
    fd.wait_for_url(f"**/referrals/contacts/{referral.pk}/")
    a11y.check(fd, label="the contact")
    expect(fd.get_by_text(re.compile(re.escape(SUMMARY))).first).to_be_visible()
    expect(fd.get_by_text(re.compile("police were called")).first).to_be_visible()
