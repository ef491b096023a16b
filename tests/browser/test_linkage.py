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


def test_an_analyst_works_the_review_queue(page, a11y, northbrook):
    from continuum.directory.models import Role
    from continuum.linkage.models import LinkStatus, MatchReview, SourceRecord

    analyst = _user("analyst", northbrook.dpo.agency, Role.ANALYST, "Ali", "Noor")
    record = SourceRecord.objects.create(
        agency=northbrook.health_visitor.agency, record_id="GP-4471",
        link_status=LinkStatus.REVIEW,
        data={"record_id": "GP-4471", "given_name": "M", "family_name": "Whittaker",
              "date_of_birth": "2022-09-03", "postcode": "NB1 4QX"},
    )  # fmt: skip
    MatchReview.objects.create(record=record, candidate=northbrook.child, probability=0.93,
                               match_weight=3.7, breakdown=[
                                   {"field": "given_name", "level_label": "initial",
                                    "weight": -1.2, "bayes_factor": 0.43}])  # fmt: skip
    a11y.watch(page)
    sign_in(page, a11y, analyst)
    page.goto("/linkage/reviews/")
    a11y.check(page, label="review queue")
    # in the page, not the menu (the analyst's menu has "Review queue")
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
