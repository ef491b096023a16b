"""Browser tests for issue 15: each role's home page (axe-clean, where sign-in lands), and
recording a visit from the child's page in two page loads and at most eight interactions."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import _user, sign_in, sign_out

pytestmark = pytest.mark.browser


@pytest.fixture
def area(transactional_db):
    from continuum.casework import services as casework
    from continuum.casework.codes import EpisodeKind
    from continuum.directory.models import Agency, AgencyKind, Role
    from continuum.people import services

    hub = Agency.objects.create(code="hub", name="Millbrook Family Hub", kind=AgencyKind.FAMILY_HUB)
    front = Agency.objects.create(
        code="fd", name="Northbrook Front Door", kind=AgencyKind.FRONT_DOOR
    )
    school = Agency.objects.create(code="school", name="Millbrook Primary", kind=AgencyKind.SCHOOL)
    charity = Agency.objects.create(code="hs", name="Home-Start", kind=AgencyKind.VOLUNTARY)
    people = SimpleNamespace(
        lead=_user("hub.lead", hub, Role.PRACTITIONER, "Lena", "Lead"),
        manager=_user("hub.manager", hub, Role.TEAM_MANAGER, "Mo", "Manager"),
        front_door=_user("fd.worker", front, Role.FRONT_DOOR, "Fran", "Door"),
        dsl=_user("school.dsl", school, Role.DSL, "Sam", "Stone"),
        analyst=_user("analyst", front, Role.ANALYST, "Ana", "Lyst"),
        dpo=_user("dpo", front, Role.DPO, "Dee", "Pio"),
        volunteer=_user("volunteer", charity, Role.VOLUNTEER, "Val", "Untier"),
    )
    today = timezone.localdate()
    address = services.address_build(line1="3 Mill Lane", town="Northbrook", postcode="nb14qt")
    household = services.household_create(actor=people.lead, address=address)
    child = services.person_create(
        actor=people.lead, household=household,
        data={"kind": "child", "given_name": "Kai", "family_name": "Marsh",
              "date_of_birth": today.replace(year=today.year - 7), "sex": "M"},
    )  # fmt: skip
    episode = casework.episode_open(
        actor=people.lead, household=household, kind=EpisodeKind.EARLY_HELP, children=[child],
        referral_date=today - dt.timedelta(days=70), start_date=today - dt.timedelta(days=60),
        level_of_need=2,
    )  # fmt: skip
    plan = casework.plan_create(
        actor=people.lead, episode=episode, start_date=today - dt.timedelta(days=50),
        outcomes_sought="Kai goes to school every day",
    )  # fmt: skip
    casework.action_add(
        actor=people.lead, plan=plan, description="Attendance meeting at school",
        due_date=today - dt.timedelta(days=3), owner_user=people.lead,
    )  # fmt: skip
    return SimpleNamespace(**vars(people), child=child, episode=episode)


def test_each_roles_home_page_is_axe_clean(area, new_page, a11y):
    expected = {
        "lead": "Today",
        "manager": "Today",
        "front_door": "Today",
        "dsl": "Today",
        "analyst": "Data and reports",
        "dpo": "Access to review",
        "volunteer": "Your families",
    }
    for who, heading in expected.items():
        page = new_page()
        a11y.watch(page)
        sign_in(page, a11y, getattr(area, who))  # sign-in lands on the home page: checked there
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))  # the home page, at /
        if who == "lead":
            expect(page.get_by_role("link", name="Attendance meeting at school")).to_be_visible()
            expect(page.get_by_text("Kai Marsh").first).to_be_visible()
        sign_out(page, a11y)
    a11y.assert_all_checked()


def test_record_a_visit_from_the_childs_page(area, page, a11y):
    a11y.watch(page)
    sign_in(page, a11y, area.lead)
    page.goto(f"/people/{area.child.pk}/")
    a11y.check(page, label="the child's page with its banner")
    expect(page.get_by_text("Early help: level 2")).to_be_visible()

    loads: list[str] = []
    page.on("framenavigated", lambda fr: loads.append(fr.url) if fr == page.main_frame else None)
    interactions = 0

    def act(locator, how: str, *args):
        nonlocal interactions
        interactions += 1
        getattr(locator, how)(*args)

    act(page.get_by_role("link", name="Record a visit"), "click")
    page.wait_for_url("**/visits/new/**")
    a11y.check(page, label="visit form from the child's page")
    # The child is already ticked as seen: no need to find them on the form.
    expect(page.get_by_label("Kai Marsh was seen", exact=True)).to_be_checked()
    act(page.get_by_label("Home visit", exact=True), "check")
    act(page.get_by_label("Observations"), "fill", "Kai tired, no breakfast")
    act(page.get_by_role("button", name="Save the visit"), "click")
    expect(page.get_by_text("The visit has been recorded")).to_be_visible()
    a11y.check(page, label="episode after the visit")
    print(f"visit from the child's page: {len(loads)} page loads, {interactions} interactions")
    assert len(loads) <= 2, f"recording a visit took {len(loads)} page loads: {loads}"
    assert interactions <= 8, f"recording a visit took {interactions} interactions"
    a11y.assert_all_checked()


def test_a_hand_over_is_acknowledged_in_one_click_from_the_home_page(area, page, a11y):
    """Issue 15: an information request waiting on the home page, acknowledged there."""
    from continuum.referrals import services as referrals

    referral = referrals.referral_create(
        actor=area.lead, child=area.child,
        data={"destination": "front_door", "concerns": "Bruising seen at the hub",
              "what_has_been_tried": "Talked with mother", "child_views": "Kai said he fell",
              "parents_views": "Mother worried", "referrer_level": 3, "consent": "given",
              "urgency": "routine", "source": "1D"},
    )  # fmt: skip
    referral = referrals.referral_submit(actor=area.lead, referral=referral)
    referral = referrals.referral_receive(actor=area.front_door, referral=referral, rag="amber")
    referrals.referral_request_information(
        actor=area.front_door, referral=referral, to_agency=area.dsl.agency,
        question="Is Kai in school?", due_at=timezone.now() + dt.timedelta(days=1),
    )  # fmt: skip
    a11y.watch(page)
    sign_in(page, a11y, area.dsl)  # lands on the home page, axe-checked with the button on it
    item = page.get_by_role("listitem").filter(has_text="Information request about Kai Marsh")
    item.get_by_role("button", name=re.compile("^Acknowledge")).click()  # the one click
    expect(page.get_by_text("You have acknowledged the request about Kai Marsh")).to_be_visible()
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))
    a11y.check(page, label="home after acknowledging")
    expect(page.get_by_text("Information request about Kai Marsh")).to_have_count(0)
    a11y.assert_all_checked()


# The first few elements, outside a table's own scroll box, that stick out past the page.
WIDER_THAN_THE_PAGE = """
[...document.querySelectorAll('body *')]
  .filter(e => !e.closest('.app-table-wrap')
    && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .slice(0, 5)
  .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
"""


def test_wide_tables_never_make_the_page_scroll_sideways_at_320_px(area, new_page, a11y):
    """WCAG 1.4.10 Reflow: at 320 CSS px the episode page, the household chronology, the front
    door queue, the hub timetable and reach each scrolled sideways because of one wide table.
    The table now scrolls in its own labelled, focusable box; the page does not."""
    from django.urls import reverse

    from continuum.casework import services as casework

    casework.visit_record(
        actor=area.lead, episode=area.episode, date=timezone.localdate(), kind="home",
        present=[area.child], children=[{"person": area.child, "seen": True,
                                         "seen_alone": False, "child_said": ""}],
        observations="A long observation " * 20,
    )  # fmt: skip
    household = area.episode.household_id
    pages = {
        area.lead: [reverse("casework:episode", args=[area.episode.pk]),
                    reverse("casework:household_chronology", args=[household]),
                    reverse("hubs:timetable")],
        area.front_door: [reverse("referrals:queue")],
        area.manager: [reverse("hubs:reach")],
    }  # fmt: skip
    page = new_page()
    page.set_viewport_size({"width": 320, "height": 800})
    a11y.watch(page)
    wrapped = 0
    for user, urls in pages.items():
        sign_in(page, a11y, user)
        for url in urls:
            page.goto(url)
            a11y.check(page, label=f"{url} at 320 px")
            sideways = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            wide = page.evaluate(WIDER_THAN_THE_PAGE)
            assert sideways <= 0, f"{url} scrolls {sideways} px sideways at 320 px: {wide}"
            wrapped += page.locator(".app-table-wrap").count()
        sign_out(page, a11y)
    assert wrapped >= 3  # the episode's visits, the chronology and reach were really tables
