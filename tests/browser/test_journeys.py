"""End-to-end journeys in Chromium, with an axe-core check on every page visited."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from continuum.audit.models import AuditAction, AuditEvent
from continuum.people.models import HouseholdMembership, Person
from tests.browser.conftest import find_a_person, sign_in, sign_out

pytestmark = pytest.mark.browser


def fill_date(page, legend: str, day: int, month: int, year: int) -> None:
    """Fill a GOV.UK date input (three boxes inside a fieldset named by its legend)."""
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def test_health_visitor_adds_a_baby_and_the_dpo_sees_who_viewed_the_child(page, a11y, northbrook):
    a11y.watch(page)
    sign_in(page, a11y, northbrook.health_visitor)
    find_a_person(page, a11y)

    # Search with a misspelt name: "Maisy Whitaker" for Maisie Whittaker.
    page.get_by_label("Name").fill("Maisy Whitaker")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/people/\?"))
    a11y.check(page, label="search results")
    expect(page.get_by_role("heading", name="1 person found")).to_be_visible()

    # Open the child.
    page.get_by_role("link", name="Maisie Whittaker").click()
    page.wait_for_url(f"**/people/{northbrook.child.pk}/")
    a11y.check(page, label="the child's page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Maisie Whittaker")
    expect(page.get_by_text("Northbrook Health Visiting", exact=True)).to_be_visible()

    # Go to the household and add a new baby.
    page.get_by_role("link", name=f"household {northbrook.household.reference}", exact=True).click()
    page.wait_for_url(f"**/people/households/{northbrook.household.pk}/")
    a11y.check(page, label="household")
    page.get_by_role("link", name="Add a household member").click()
    a11y.check(page, label="add a household member")
    page.get_by_role("group", name="Who are you recording?").get_by_label(
        "Child", exact=True
    ).check()
    page.get_by_label("Given name").fill("Alfie")
    page.get_by_label("Family name").fill("Whittaker")
    fill_date(page, "Date of birth", 2, 1, 2026)
    page.get_by_role("group", name="Sex").get_by_label("Male", exact=True).check()
    page.get_by_label("Their parent in this household (optional)").select_option(
        label="Leanne Whittaker"
    )
    page.get_by_role("button", name="Add to household").click()

    # Back on the household page, with the success banner and the baby in the table.
    page.wait_for_url(f"**/people/households/{northbrook.household.pk}/")
    a11y.check(page, label="household after adding the baby")
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("Alfie Whittaker has been added to the household")
    expect(page.get_by_role("link", name="Alfie Whittaker")).to_be_visible()
    baby = Person.objects.get(given_name="Alfie", family_name="Whittaker")
    assert HouseholdMembership.objects.filter(
        household=northbrook.household, person=baby, end_date__isnull=True
    ).exists()
    sign_out(page, a11y)

    # The data protection officer sees exactly who has viewed the child, and why.
    sign_in(page, a11y, northbrook.dpo)
    find_a_person(page, a11y)
    page.get_by_label("Name").fill("Maisie Whittaker")
    page.get_by_role("button", name="Search").click()
    a11y.check(page, label="DPO search results")
    page.get_by_role("link", name="Maisie Whittaker").click()
    a11y.check(page, label="the child's page (DPO)")
    page.get_by_role("link", name="Who has seen this record").click()
    page.wait_for_url(f"**/audit/people/{northbrook.child.pk}/")
    a11y.check(page, label="who has seen this record")
    expect(page.get_by_role("heading", level=1)).to_have_text("Who has seen or changed this record")
    hv_views = (
        page.get_by_role("row").filter(has_text="hv.practitioner").filter(has_text="Viewed person")
    )
    expect(hv_views).to_have_count(1)
    expect(hv_views).to_contain_text("Northbrook Health Visiting")
    # The page shows what the audit log holds: one view of the child by the health visitor.
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="person", object_id=str(northbrook.child.pk),
        actor_username="hv.practitioner",
    ).count() == 1  # fmt: skip


def test_an_invalid_nhs_number_is_refused_with_an_error_summary_that_leads_to_the_field(
    page, a11y, northbrook
):
    a11y.watch(page)
    sign_in(page, a11y, northbrook.health_visitor)
    page.goto(f"/people/{northbrook.child.pk}/")
    a11y.check(page, label="the child's page")
    page.get_by_role("link", name="Change details").click()
    a11y.check(page, label="change details")
    page.get_by_label("NHS number (optional)").fill("943 476 5918")  # wrong check digit
    page.get_by_role("button", name="Save changes").click()

    a11y.check(page, label="change details with an error")
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary
    link = summary.get_by_role("link", name=re.compile("NHS number is not valid"))
    expect(link).to_have_attribute("href", "#id_nhs_number")
    expect(page.locator("#id_nhs_number-error")).to_contain_text("check digit does not match")
    link.click()
    expect(page.locator("#id_nhs_number")).to_be_focused()
    # Nothing was saved.
    northbrook.child.refresh_from_db()
    assert northbrook.child.nhs_number == ""
    assert northbrook.child.version == 1


def test_the_second_of_two_simultaneous_edits_is_refused_with_what_changed(
    new_page, a11y, northbrook
):
    first, second = new_page(), new_page()  # two browser contexts: two separate sign-ins
    for page in (first, second):
        a11y.watch(page)
        sign_in(page, a11y, northbrook.health_visitor)
        page.goto(f"/people/{northbrook.child.pk}/edit/")
        a11y.check(page, label="change details")

    first.get_by_label("Known as (optional)").fill("Mai")
    first.get_by_role("button", name="Save changes").click()
    first.wait_for_url(f"**/people/{northbrook.child.pk}/")
    a11y.check(first, label="the child's page after the first save")
    expect(first.locator(".govuk-notification-banner--success")).to_contain_text(
        "The record has been updated"
    )

    second.get_by_label("First language").fill("Polish")
    second.get_by_role("button", name="Save changes").click()
    a11y.check(second, label="change details with a conflict")
    expect(second.locator(".govuk-error-summary")).to_contain_text(
        "Someone else changed this record while you were editing it"
    )
    conflict = second.locator("#conflict")
    expect(conflict.get_by_role("row").filter(has_text="Known as")).to_contain_text("Mai")

    # Nothing was silently overwritten: the first change stands, the second was not saved.
    northbrook.child.refresh_from_db()
    assert (northbrook.child.known_as, northbrook.child.first_language) == ("Mai", "")
    assert northbrook.child.version == 2
