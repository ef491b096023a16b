"""Identity resolution in the browser: the duplicate warning, and the review queue."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from continuum.people.models import Person
from tests.browser.conftest import _user, sign_in, sign_out
from tests.browser.test_journeys import fill_date

pytestmark = pytest.mark.browser


def test_registering_a_known_child_shows_the_existing_record_first(page, a11y, northbrook):
    a11y.watch(page)
    sign_in(page, a11y, northbrook.health_visitor)
    page.goto("/people/add/")
    a11y.check(page, label="add a person")
    page.get_by_role("group", name="Who are you recording?").get_by_label(
        "Child", exact=True
    ).check()
    page.get_by_label("Given name").fill("Maisy")  # the record says Maisie
    page.get_by_label("Family name").fill("Whittaker")
    fill_date(page, "Date of birth", 3, 9, 2022)
    page.get_by_role("group", name="Sex").get_by_label("Female", exact=True).check()
    page.get_by_label("Address line 1").fill("12 Mill Lane")
    page.get_by_label("Postcode").fill("NB1 4QT")
    before = Person.objects.count()
    page.get_by_role("button", name="Save").click()
    a11y.check(page, label="possible duplicate")
    banner = page.get_by_role("region", name="Check this person is not already known")
    expect(banner).to_be_visible()
    expect(banner.get_by_role("link", name="Maisie Whittaker")).to_be_visible()
    assert Person.objects.count() == before  # nothing saved yet

    # It is her: open the existing record instead of creating a duplicate.
    banner.get_by_role("link", name="Maisie Whittaker").click()
    page.wait_for_url(f"**/people/{northbrook.child.pk}/")
    a11y.check(page, label="the existing child")
    assert Person.objects.count() == before
    sign_out(page, a11y)


def test_the_front_door_works_the_review_queue_and_an_analyst_sees_only_counts(
    page, a11y, northbrook
):
    """Only the front door, who may already see every person in the area, reviews possible
    matches (docs/adr/0006); an analyst sees how many wait, never who."""
    from continuum.directory.models import Agency, AgencyKind, Role
    from continuum.linkage.models import LinkStatus, MatchReview, SourceRecord

    analyst = _user("analyst", northbrook.dpo.agency, Role.ANALYST, "Ali", "Noor")
    front_door = Agency.objects.create(
        code="fd", name="Northbrook Front Door", kind=AgencyKind.FRONT_DOOR
    )
    worker = _user("fd.worker", front_door, Role.FRONT_DOOR, "Farah", "Doyle")
    record = SourceRecord.objects.create(
        agency=northbrook.health_visitor.agency, record_id="GP-4471",
        link_status=LinkStatus.REVIEW,
        data={"record_id": "GP-4471", "given_name": "M", "family_name": "Whittaker",
              "date_of_birth": "2022-09-03", "postcode": "NB1 4QX"},
    )  # fmt: skip
    review = MatchReview.objects.create(
        record=record, candidate=northbrook.child, probability=0.93, match_weight=3.7,
        breakdown=[{"field": "given_name", "level_label": "initial", "weight": -1.2,
                    "bayes_factor": 0.43}],
    )  # fmt: skip
    a11y.watch(page)

    # The analyst: the count, no names and no way into a review.
    sign_in(page, a11y, analyst)
    page.get_by_role("link", name="Review queue").click()
    page.wait_for_url("**/linkage/reviews/")
    a11y.check(page, label="review queue, as an analyst")
    main = page.get_by_role("main")
    expect(main.locator(".govuk-summary-list__row").filter(has_text="To review")).to_contain_text(
        "1"
    )
    expect(main.get_by_text("Whittaker")).to_have_count(0)
    expect(main.get_by_role("link", name=re.compile("Review"))).to_have_count(0)
    response = page.goto(f"/linkage/reviews/{review.pk}/")
    assert response.status == 404
    a11y.check(page, label="a review, refused to an analyst")
    sign_out(page, a11y)

    # The front door works it.
    sign_in(page, a11y, worker)
    page.get_by_role("link", name="Review queue").click()
    page.wait_for_url("**/linkage/reviews/")
    a11y.check(page, label="review queue, as the front door")
    # in the page, not the menu (the front door's menu has "Review queue")
    page.get_by_role("main").get_by_role("link", name=re.compile("Review")).first.click()
    a11y.check(page, label="a review")
    expect(page.get_by_role("heading", level=1)).to_have_text("Are these the same person?")
    expect(page.get_by_role("cell", name="Maisie")).to_be_visible()
    page.get_by_role("button", name="Save decision").click()  # nothing chosen
    a11y.check(page, label="review with an error")
    expect(page.get_by_text("There is a problem")).to_be_visible()
    page.get_by_label("Yes, the same person").check()
    page.get_by_role("button", name="Save decision").click()
    page.wait_for_url("**/linkage/reviews/")
    a11y.check(page, label="queue after deciding")
    expect(page.get_by_text("Nothing to review.")).to_be_visible()
    record.refresh_from_db()
    assert record.person == northbrook.child
    sign_out(page, a11y)
