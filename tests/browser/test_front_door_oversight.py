"""The front door team manager oversees the queue (issue 15): signs in, sees the contacts the
workers see in deadline order with the overdue ones first (an unacknowledged contact past its
acknowledge-by time among them), and opens a contact from the team's inbox. axe-core on every
page visited.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import _user, sign_in, sign_out
from tests.browser.test_referrals import front_door_area  # noqa: F401  (a fixture)

pytestmark = pytest.mark.browser

DATA = {
    "concerns": "Maisie had a bruise on her cheek at the 2-year review; mum said she fell.",
    "what_has_been_tried": "Extra health visiting contacts since March.",
    "child_views": "Maisie is too young to say.",
    "parents_views": "Leanne agrees she needs more help at home.",
    "referrer_level": 3,
    "consent": "given",
    "urgency": "routine",
}


def _send(referrer, child, *, days_ago: int = 0):
    from continuum.referrals import services

    with time_machine.travel(timezone.now() - dt.timedelta(days=days_ago), tick=False):
        draft = services.referral_create(actor=referrer, child=child, data=dict(DATA))
        return services.referral_submit(actor=referrer, referral=draft)


def test_the_front_door_manager_oversees_the_queue(new_page, a11y, front_door_area):  # noqa: F811
    from continuum.directory.models import Role
    from continuum.referrals import services

    area = front_door_area
    manager = _user(
        "mash.manager", area.worker.agency, Role.TEAM_MANAGER, "Claire", "Hardcastle"
    )
    # Three open contacts: one nobody acknowledged for ten days (overdue by its acknowledge-by
    # time), one rated red five days ago (overdue by its RAG deadline), one that came in now.
    unacknowledged = _send(area.health_visitor, area.child, days_ago=10)
    red = _send(area.health_visitor, area.child, days_ago=5)
    with time_machine.travel(timezone.now() - dt.timedelta(days=5), tick=False):
        services.referral_receive(actor=area.worker, referral=red, rag="red")
    fresh = _send(area.health_visitor, area.child)

    page = new_page()
    a11y.watch(page)
    sign_in(page, a11y, manager)
    page.get_by_role("link", name="Contacts", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Front door contacts")
    a11y.check(page, label="the front door queue, as its manager")
    expect(page.get_by_text("2 overdue")).to_be_visible()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(3)
    # deadline order: the longest overdue first, the new contact last
    expect(rows.nth(0)).to_contain_text(unacknowledged.reference)
    expect(rows.nth(0)).to_contain_text("Overdue")
    expect(rows.nth(0)).to_contain_text("Acknowledge by")
    expect(rows.nth(0)).to_contain_text("Nobody yet")
    expect(rows.nth(1)).to_contain_text(red.reference)
    expect(rows.nth(1)).to_contain_text("Overdue")
    expect(rows.nth(1)).to_contain_text("Farah Doyle")  # who acknowledged it
    expect(rows.nth(2)).to_contain_text(fresh.reference)
    expect(rows.nth(2)).not_to_contain_text("Overdue")

    # The inbox holds the front door's "new referral" items; the manager opens the newest.
    page.get_by_role("link", name=re.compile(r"^Inbox")).click()
    a11y.check(page, label="the manager's inbox")
    item = page.locator("li").filter(has_text=f"New referral {fresh.reference}")
    item.get_by_role("button", name=re.compile(r"^Open")).click()
    page.wait_for_url(f"**/referrals/contacts/{fresh.pk}/")
    a11y.check(page, label="the contact, opened from the inbox")
    expect(page.get_by_role("heading", level=1)).to_have_text("Maisie Whittaker")
    expect(page.get_by_role("button", name="Acknowledge receipt")).to_be_visible()

    # Person search finds the child for the manager too.
    page.get_by_role("link", name="Find a person").click()
    a11y.check(page, label="find a person")
    page.get_by_label("Name").fill("Maisie Whittaker")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/people/\?"))
    a11y.check(page, label="search results")
    expect(page.get_by_role("link", name="Maisie Whittaker")).to_be_visible()
    sign_out(page, a11y)
