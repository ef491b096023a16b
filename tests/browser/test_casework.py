"""Browser journeys for issue 5 with three agencies (family hub, school, health visiting), an
axe-core check on every page, and the quick visit record on a phone-sized screen, counting page
loads and form interactions. Uses the project's browser fixtures (tests/browser/conftest.py):
Debian Chromium, skipped with a reason when it is not installed."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from continuum.casework.models import Episode, Visit
from tests.browser.conftest import _user, sign_in, sign_out

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 667}


@pytest.fixture
def family_work(transactional_db):
    from continuum.directory.models import Agency, AgencyKind, Role
    from continuum.people import services

    hub = Agency.objects.create(code="hub", name="Millbrook Family Hub", kind=AgencyKind.FAMILY_HUB)
    school = Agency.objects.create(code="school", name="Millbrook Primary", kind=AgencyKind.SCHOOL)
    hv = Agency.objects.create(
        code="hv", name="Northbrook Health Visiting", kind=AgencyKind.HEALTH_VISITING
    )
    lead = _user("hub.lead", hub, Role.PRACTITIONER, "Lena", "Lead")
    manager = _user("hub.manager", hub, Role.TEAM_MANAGER, "Mo", "Manager")
    teacher = _user("school.dsl", school, Role.PRACTITIONER, "Sam", "Stone")
    health_visitor = _user("hv.worker", hv, Role.PRACTITIONER, "Hana", "Vale")
    address = services.address_build(line1="3 Mill Lane", town="Northbrook", postcode="nb14qt")
    household = services.household_create(actor=lead, address=address)
    today = timezone.localdate()
    mother = services.person_create(
        actor=lead, household=household,
        data={"kind": "adult", "given_name": "Jade", "family_name": "Marsh",
              "date_of_birth": dt.date(1994, 2, 2), "sex": "F"},
    )  # fmt: skip
    child = services.person_create(
        actor=lead, household=household,
        data={"kind": "child", "given_name": "Kai", "family_name": "Marsh",
              "date_of_birth": today.replace(year=today.year - 7), "sex": "M"},
    )  # fmt: skip
    return SimpleNamespace(
        lead=lead, manager=manager, teacher=teacher, health_visitor=health_visitor,
        household=household, mother=mother, child=child,
    )  # fmt: skip


def _fill_date(page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_lead_opens_episode_invites_taf_assesses_plans_and_partner_records_visit_on_phone(
    new_page, a11y, family_work
):
    f = family_work
    today = timezone.localdate()
    page = new_page()
    a11y.watch(page)
    sign_in(page, a11y, f.lead)

    # Journey 1: open an early help episode from the household page.
    page.goto(f"/people/households/{f.household.pk}/")
    a11y.check(page, label="household")
    page.get_by_role("link", name=re.compile("Open an early help episode")).click()
    a11y.check(page, label="episodes list")
    page.get_by_role("link", name="Open an episode").click()
    a11y.check(page, label="open an episode")
    _fill_date(page, "Referral or request date", today - dt.timedelta(days=20))
    _fill_date(page, "Start date", today - dt.timedelta(days=14))
    page.get_by_role("button", name="Open the episode").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Early help episode")
    a11y.check(page, label="episode")
    episode = Episode.objects.get()

    # Invite two other agencies into the Team Around the Family.
    for user, role in ((f.teacher, "School DSL"), (f.health_visitor, "Health visitor")):
        page.get_by_role("link", name="Invite a practitioner").click()
        a11y.check(page, label="invite")
        page.get_by_label("Practitioner").select_option(value=str(user.pk))
        page.get_by_label("Their role in the team").fill(role)
        page.get_by_role("button", name="Invite").click()
        expect(page.get_by_text(role, exact=False).first).to_be_visible()
        a11y.check(page, label="episode after invite")

    # Early help assessment: the child's voice, then finish it with factors.
    page.get_by_role("link", name="Start an early help assessment").click()
    a11y.check(page, label="start assessment")
    page.get_by_role("button", name="Start the assessment").click()
    a11y.check(page, label="assessment")
    page.get_by_role("link", name=re.compile("Change.*Kai Marsh")).click()
    a11y.check(page, label="child section")
    page.get_by_label("The child was seen", exact=True).check()
    page.get_by_label("The child was seen alone").check()
    page.get_by_label("Wishes and feelings, in the child's own words").fill("I want to play out")
    page.get_by_role("button", name="Save").click()
    a11y.check(page, label="assessment after child")
    page.get_by_role("link", name="Parents and family sections").click()
    a11y.check(page, label="family section")
    page.get_by_label("What the parents say").fill("Mum wants help with mornings")
    page.get_by_label("Analysis and summary").fill("Routines are the main need")
    page.get_by_role("button", name="Save").click()
    a11y.check(page, label="assessment after family")
    page.get_by_role("link", name="Finish and send for sign-off").click()
    a11y.check(page, label="finish assessment")
    page.get_by_label("21 No factors identified").check()
    page.get_by_label("4B Mental health: parent/carer").check()
    page.get_by_role("button", name="Send for sign-off").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("cannot be combined")
    a11y.check(page, label="finish assessment with errors")
    page.get_by_label("21 No factors identified").uncheck()
    page.get_by_role("button", name="Send for sign-off").click()
    expect(page.get_by_text("Awaiting manager sign-off").first).to_be_visible()
    a11y.check(page, label="assessment submitted")

    # Journey 2: the plan, with an action owned by the school.
    page.goto(f"/casework/episodes/{episode.pk}/plan/")
    a11y.check(page, label="agree plan")
    page.get_by_label("Outcomes sought").fill("Kai gets to school on time every day")
    page.get_by_role("button", name="Agree the plan").click()
    a11y.check(page, label="plan")
    page.get_by_role("link", name="Add an action").click()
    a11y.check(page, label="add action")
    page.get_by_label("What will be done").fill("Morning club place for Kai")
    page.get_by_label("Who is responsible").select_option(value=f"u{f.teacher.pk}")
    _fill_date(page, "Due by", today + dt.timedelta(days=7))
    page.get_by_role("button", name="Save the action").click()
    a11y.check(page, label="plan with action")
    expect(page.get_by_role("cell", name=re.compile("Sam Stone"))).to_be_visible()
    sign_out(page, a11y)

    # Journey 3: the school records a visit on a phone-sized screen.
    phone = new_page()
    phone.set_viewport_size(PHONE)
    a11y.watch(phone)
    sign_in(phone, a11y, f.teacher)
    phone.goto(f"/casework/episodes/{episode.pk}/")
    a11y.check(phone, label="episode on phone")
    expect(phone.get_by_text("Morning club place for Kai")).to_be_visible()  # who does what

    loads: list[str] = []
    phone.on("framenavigated", lambda fr: loads.append(fr.url) if fr == phone.main_frame else None)
    interactions = 0

    def act(locator, how: str, *args):
        nonlocal interactions
        interactions += 1
        getattr(locator, how)(*args)

    act(phone.get_by_role("link", name="Record a visit or contact"), "click")
    phone.wait_for_url("**/visits/new/")
    a11y.check(phone, label="visit form on phone")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the visit form scrolls sideways on a phone ({width}px)"
    interactions -= 1  # reaching the form is a page load, not a form interaction
    act(phone.get_by_label("At school", exact=True), "check")
    act(phone.get_by_label("Kai Marsh", exact=True), "check")
    act(phone.get_by_label("Kai Marsh was seen", exact=True), "check")
    act(phone.get_by_label("Kai Marsh was seen alone"), "check")
    act(phone.get_by_label("What Kai Marsh said, in their own words"), "fill", "Mum shouts")
    act(phone.get_by_label("Observations"), "fill", "Kai tired, no breakfast")
    act(phone.get_by_role("button", name="Save the visit"), "click")
    expect(phone.get_by_text("The visit has been recorded")).to_be_visible()
    a11y.check(phone, label="episode after visit")
    print(f"quick visit on a 375px screen: {len(loads)} page loads, {interactions} interactions")
    assert len(loads) <= 2, f"recording a visit took {len(loads)} page loads: {loads}"
    assert interactions <= 8, f"recording a visit took {interactions} form interactions"
    visit = Visit.objects.get()
    assert visit.children.get().child_said == "Mum shouts"
    sign_out(phone, a11y)
