"""Emergency (break-glass) access and restricted records in Chromium, axe-core on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from continuum.audit.models import AuditEvent
from continuum.governance.models import BreakGlassAccess, ReviewOutcome
from continuum.referrals.models import Notification
from tests.browser.conftest import _user, find_a_person, sign_in, sign_out
from tests.browser.test_journeys import fill_date

pytestmark = pytest.mark.browser

REASON = "Maisie brought to the school office injured; her mother cannot be reached"


@pytest.fixture
def school_dsl(northbrook):
    """A school's designated safeguarding lead: no involvement with the Whittakers."""
    from continuum.directory.models import Agency, AgencyKind, Role

    school = Agency.objects.create(code="school", name="Northbrook Primary", kind=AgencyKind.SCHOOL)
    return _user("school.dsl", school, Role.DSL, "Sam", "Ellis")


def search_for(page, a11y, name: str) -> None:
    find_a_person(page, a11y)
    page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/people/\?"))
    a11y.check(page, label=f"search for {name}")


def test_break_glass_journey_with_banner_and_dpo_review(page, a11y, northbrook, school_dsl):
    a11y.watch(page)
    sign_in(page, a11y, school_dsl)
    # Search does not list a child the school has no relationship with.
    search_for(page, a11y, "Maisie Whittaker")
    expect(page.get_by_role("heading", name="0 people found")).to_be_visible()

    page.get_by_role("link", name="Emergency access").click()
    page.wait_for_url("**/governance/break-glass/")
    a11y.check(page, label="emergency access")
    expect(page.get_by_role("heading", level=1)).to_have_text("Emergency access to a record")

    # A one-word reason and no confirmation: the error summary names both, nothing is opened.
    page.get_by_label("Given name").fill("Maisie")
    page.get_by_label("Family name").fill("Whittaker")
    fill_date(page, "Date of birth", 3, 9, 2022)
    page.get_by_label("Why do you need to see this record now?").fill("urgent")
    page.get_by_role("button", name="Open the record in an emergency").click()
    a11y.check(page, label="emergency access with errors")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("at least 20 characters")
    expect(summary).to_contain_text("Confirm that you understand")
    assert not BreakGlassAccess.objects.exists()

    page.get_by_label("Why do you need to see this record now?").fill(REASON)
    page.get_by_label(re.compile("I have no other way to see this record")).check()
    page.get_by_role("button", name="Open the record in an emergency").click()
    page.wait_for_url(f"**/people/{northbrook.child.pk}/")
    a11y.check(page, label="the child's page under emergency access")
    expect(page.get_by_role("heading", level=1)).to_have_text("Maisie Whittaker")
    banner = page.locator(".app-break-glass-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("You are using emergency access")
    expect(banner).to_contain_text(f"Your reason: {REASON}")
    expect(banner).to_contain_text("reported to the data protection officer and your manager")
    access = BreakGlassAccess.objects.get(user=school_dsl)
    assert AuditEvent.objects.filter(
        object_type="person", object_id=str(northbrook.child.pk), details={"break_glass": access.pk}
    ).exists()

    # The banner stays on every page while the access lasts; search still does not list her.
    search_for(page, a11y, "Maisie Whittaker")
    expect(page.locator(".app-break-glass-banner")).to_contain_text("Maisie Whittaker")
    sign_out(page, a11y)

    # The data protection officer was told, and closes the review with an outcome.
    assert Notification.objects.filter(recipient=northbrook.dpo).exists()
    sign_in(page, a11y, northbrook.dpo)
    page.get_by_role("link", name="Emergency access reviews").click()
    page.wait_for_url("**/governance/break-glass/reviews/")
    a11y.check(page, label="emergency access reviews")
    page.get_by_role("link", name=re.compile("Sam Ellis")).click()
    a11y.check(page, label="review one emergency access")
    expect(page.get_by_text(REASON)).to_be_visible()
    page.get_by_role("group", name="Was the emergency access justified?").get_by_label(
        "Justified", exact=True
    ).check()
    page.get_by_label("Note").fill("Confirmed with the school: Maisie was taken to hospital")
    page.get_by_role("button", name="Close the review").click()
    page.wait_for_url("**/governance/break-glass/reviews/")
    a11y.check(page, label="reviews after closing one")
    expect(page.get_by_text("No emergency access is waiting for review.")).to_be_visible()
    access.refresh_from_db()
    assert access.review_outcome == ReviewOutcome.JUSTIFIED
    assert access.reviewed_by == northbrook.dpo


def test_a_restricted_record_is_absent_from_search_for_an_unnamed_worker(
    new_page, a11y, northbrook
):
    from continuum.directory.models import Role
    from continuum.governance import services

    colleague = _user(
        "hv.colleague", northbrook.health_visitor.agency, Role.PRACTITIONER, "Hugh", "Vance"
    )
    services.restriction_create(
        actor=northbrook.dpo,
        person=northbrook.child,
        scope="record",
        reason="Adoptive placement",
        allowed=[northbrook.health_visitor],
    )

    # The colleague works for the same service, which registered the family, but is not named.
    page = new_page()
    a11y.watch(page)
    sign_in(page, a11y, colleague)
    search_for(page, a11y, "Maisie Whittaker")
    expect(page.get_by_role("heading", name="0 people found")).to_be_visible()
    search_for(page, a11y, "Leanne Whittaker")  # her mother is not restricted
    expect(page.get_by_role("heading", name="1 person found")).to_be_visible()
    page.get_by_role("link", name="Leanne Whittaker").click()
    page.wait_for_url(f"**/people/{northbrook.mother.pk}/")
    a11y.check(page, label="the mother's page, unnamed")
    expect(page.get_by_text("Maisie")).to_have_count(0)  # not in household or relationships
    sign_out(page, a11y)

    # The health visitor the restriction names still finds her.
    page = new_page()
    a11y.watch(page)
    sign_in(page, a11y, northbrook.health_visitor)
    search_for(page, a11y, "Maisie Whittaker")
    expect(page.get_by_role("heading", name="1 person found")).to_be_visible()
    expect(page.get_by_role("link", name="Maisie Whittaker")).to_be_visible()
    sign_out(page, a11y)
