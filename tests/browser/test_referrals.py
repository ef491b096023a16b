"""Referral journeys 1 and 2 (issue 4) across three people in three browser contexts:

a health visitor refers a child known to Continuum to the front door; a front door worker
acknowledges and rates the contact, asks the police for information and records the decision;
a police officer sees only the request and answers it; the health visitor sees the outcome on
the referral and in their inbox, but never the front door's internal notes. axe-core on every
page visited.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import _user, sign_in, sign_out
from tests.browser.test_journeys import fill_date

pytestmark = pytest.mark.browser

CONCERNS = "Maisie had a bruise on her cheek at the 2-year review; mum said she fell."
TRIED = "Extra health visiting contacts since March and a referral to the parenting group."
CHILD_VIEWS = "Maisie is too young to say; she was clingy and quiet with mum."
PARENT_VIEWS = "Leanne agrees she needs more help at home and agreed to the referral."
POLICE_QUESTION = "Any domestic abuse call-outs to 12 Mill Lane in the last 12 months?"
POLICE_ANSWER = "Two call-outs in June: verbal argument, no arrests. DASH risk standard."
INTERNAL_NOTE = "Internal: check whether the partner is known to probation."
RATIONALE = "Unexplained injury to a non-mobile-age child with domestic abuse call-outs."


def _ensure_continuum_of_need() -> None:
    """The London levels come from a data migration; a transactional test's flush removes them."""
    from django.apps import apps

    from continuum.referrals.models import ThresholdFramework

    if not ThresholdFramework.objects.filter(is_current=True).exists():
        migration = importlib.import_module(
            "continuum.referrals.migrations.0002_london_continuum_of_need"
        )
        migration.create(apps, None)


@pytest.fixture
def front_door_area(transactional_db):
    """Health visiting (involved with the Whittakers through registering them), the front
    door, and the police (a data-sharing involvement with the household)."""
    from continuum.directory.models import Agency, AgencyKind, CatchmentArea, Role
    from continuum.governance.models import AccessLevel, Involvement, InvolvementSource
    from continuum.people import services
    from continuum.people.codes import RelationshipKind, Sex
    from continuum.people.models import PersonKind

    _ensure_continuum_of_need()
    catchment = CatchmentArea.objects.create(
        code="north", name="Northbrook North", postcode_sectors=["NB1 4"]
    )
    health_visiting = Agency.objects.create(
        code="hv", name="Northbrook Health Visiting", kind=AgencyKind.HEALTH_VISITING,
        catchment=catchment,
    )  # fmt: skip
    front_door = Agency.objects.create(
        code="front-door", name="Northbrook Children's Services", kind=AgencyKind.FRONT_DOOR
    )
    police = Agency.objects.create(code="police", name="Northbrook Police", kind=AgencyKind.POLICE)
    health_visitor = _user(
        "hv.practitioner", health_visiting, Role.PRACTITIONER, "Hannah", "Vaughan"
    )
    worker = _user("front.door", front_door, Role.FRONT_DOOR, "Farah", "Doyle")
    officer = _user("police.officer", police, Role.PRACTITIONER, "Pete", "Rowe")

    address = services.address_build(line1="12 Mill Lane", town="Northbrook", postcode="nb14qt")
    household = services.household_create(actor=health_visitor, address=address)
    mother = services.person_create(
        actor=health_visitor, household=household,
        data={"kind": PersonKind.ADULT, "given_name": "Leanne", "family_name": "Whittaker",
              "date_of_birth": dt.date(1995, 6, 14), "sex": Sex.FEMALE},
    )  # fmt: skip
    child = services.person_create(
        actor=health_visitor, household=household,
        data={"kind": PersonKind.CHILD, "given_name": "Maisie", "family_name": "Whittaker",
              "date_of_birth": dt.date(2023, 9, 3), "sex": Sex.FEMALE},
    )  # fmt: skip
    services.relationship_record(
        actor=health_visitor, from_person=mother, to_person=child, kind=RelationshipKind.PARENT,
        lives_with=True, parental_responsibility=True,
    )  # fmt: skip
    Involvement.objects.create(
        agency=police, household=household, access=AccessLevel.READ,
        source=InvolvementSource.SERVICE, reason="Attended a domestic abuse incident at the home",
        started_by=officer,
    )  # fmt: skip
    return SimpleNamespace(
        health_visitor=health_visitor, worker=worker, officer=officer, household=household,
        mother=mother, child=child,
    )  # fmt: skip


def test_referral_to_the_front_door_across_three_people(new_page, a11y, front_door_area):
    from continuum.referrals.models import ContactNote, InformationRequest, Referral, Status

    area = front_door_area

    # --- 1. The health visitor finds Maisie and fills in the one referral form. ---
    hv = new_page()
    a11y.watch(hv)
    sign_in(hv, a11y, area.health_visitor)
    hv.get_by_role("link", name="Find a person").click()
    a11y.check(hv, label="find a person")
    hv.get_by_label("Name").fill("Maisie Whittaker")
    hv.get_by_role("button", name="Search").click()
    hv.wait_for_url(re.compile(r"/people/\?"))
    a11y.check(hv, label="search results")
    hv.get_by_role("link", name="Maisie Whittaker").click()
    hv.wait_for_url(f"**/people/{area.child.pk}/")
    a11y.check(hv, label="the child's page")
    hv.get_by_role("link", name="Make a referral").click()
    hv.wait_for_url(f"**/referrals/new/{area.child.pk}/")
    a11y.check(hv, label="the referral form")
    expect(hv.get_by_role("heading", level=1)).to_have_text("Referral for Maisie Whittaker")
    # Pre-filled: what Continuum knows about the child and household, the source and the route.
    expect(hv.get_by_text("Leanne Whittaker").first).to_be_visible()
    expect(hv.get_by_text(re.compile("12 Mill Lane")).first).to_be_visible()
    expect(hv.get_by_label("Children's social care front door")).to_be_checked()
    expect(hv.get_by_label("Referral source")).to_have_value("3B")

    hv.get_by_role("group", name="Urgency").get_by_label("Urgent", exact=False).check()
    hv.get_by_label("What are you worried about?").fill(CONCERNS)
    hv.get_by_label("What has been tried so far?").fill(TRIED)
    hv.get_by_label("The child's views").fill(CHILD_VIEWS)
    hv.get_by_label("The parents' or carers' views").fill(PARENT_VIEWS)
    hv.get_by_role("group", name="Your view of the level of need").get_by_label(
        re.compile(r"^Level 3")
    ).check()
    hv.get_by_role("group", name="Consent").get_by_label("Given", exact=True).check()
    hv.get_by_role("button", name="Submit referral").click()

    hv.wait_for_url(re.compile(r"/referrals/\d+/$"))
    a11y.check(hv, label="referral sent")
    referral = Referral.objects.get(child=area.child)
    expect(hv.get_by_text(f"Referral {referral.reference} has been sent")).to_be_visible()
    assert referral.status == Status.SUBMITTED
    assert referral.household_id == area.household.pk
    assert referral.referrer_level == 3 and referral.consent == "given"
    sign_out(hv, a11y)

    # --- 2. The front door worker finds it in the queue, acknowledges and rates it. ---
    fd = new_page()
    a11y.watch(fd)
    sign_in(fd, a11y, area.worker)
    fd.get_by_role("link", name="Front door", exact=True).click()
    expect(fd.get_by_role("heading", level=1)).to_have_text("Front door contacts")
    a11y.check(fd, label="front door queue (unrated)")
    row = fd.get_by_role("row").filter(has_text=referral.reference)
    expect(row).to_contain_text("Maisie Whittaker")
    expect(row).to_contain_text("Northbrook Health Visiting")
    expect(row).to_contain_text("Not rated")
    row.get_by_role("link", name=referral.reference).click()
    fd.wait_for_url(f"**/referrals/contacts/{referral.pk}/")
    a11y.check(fd, label="the contact")
    expect(fd.get_by_text(CONCERNS)).to_be_visible()
    fd.get_by_role("group", name="RAG rating").get_by_label(re.compile(r"^Amber")).check()
    fd.get_by_role("button", name="Acknowledge receipt").click()
    expect(fd.get_by_text("You have acknowledged this contact")).to_be_visible()
    a11y.check(fd, label="contact acknowledged")
    expect(fd.get_by_text(re.compile("Acknowledged by Farah Doyle"))).to_be_visible()

    # The queue now shows the contact with its RAG rating and its deadline.
    fd.get_by_role("link", name="Front door", exact=True).click()
    a11y.check(fd, label="front door queue (rated)")
    row = fd.get_by_role("row").filter(has_text=referral.reference)
    expect(row.locator(".govuk-tag--orange")).to_have_text("Amber")
    referral.refresh_from_db()
    assert referral.rag == "amber" and referral.rag_due_at is not None
    row.get_by_role("link", name=referral.reference).click()
    a11y.check(fd, label="the contact again")

    # An internal note, which the referrer must never see.
    fd.get_by_label("Add a note for the team").fill(INTERNAL_NOTE)
    fd.get_by_role("button", name="Add note").click()
    expect(fd.get_by_text("Your note has been added")).to_be_visible()
    a11y.check(fd, label="note added")

    # Ask the police.
    fd.get_by_role("link", name="Ask an agency for information").click()
    a11y.check(fd, label="information request form")
    fd.get_by_label("Agency to ask").select_option(label="Northbrook Police")
    fd.get_by_label("What do you need to know?").fill(POLICE_QUESTION)
    due = timezone.localdate() + dt.timedelta(days=3)
    fill_date(fd, "Due date", due.day, due.month, due.year)
    fd.get_by_label("Due time").fill("16:00")
    fd.get_by_role("button", name="Send request").click()
    expect(fd.get_by_text("Your request has been sent to Northbrook Police")).to_be_visible()
    a11y.check(fd, label="request sent")
    expect(fd.get_by_text("Not answered yet.")).to_be_visible()

    # --- 3. The police officer sees the request (not the contact) and answers it. ---
    police = new_page()
    a11y.watch(police)
    sign_in(police, a11y, area.officer)
    police.get_by_role("link", name="Inbox").click()
    a11y.check(police, label="police inbox")
    item = police.get_by_role("listitem").filter(
        has_text=f"Information request about contact {referral.reference}"
    )
    item.get_by_role("button", name="Open").click()
    info = InformationRequest.objects.get(referral=referral)
    police.wait_for_url(f"**/referrals/requests/{info.pk}/")
    a11y.check(police, label="the information request")
    expect(police.get_by_text(POLICE_QUESTION)).to_be_visible()
    # Only the question: not the referrer's concerns, views or the front door's notes.
    content = police.locator("main").inner_text()
    for private in (CONCERNS, TRIED, CHILD_VIEWS, PARENT_VIEWS, INTERNAL_NOTE):
        assert private not in content
    police.get_by_role("button", name="Acknowledge: I will answer this").click()
    expect(police.get_by_text("You have acknowledged this request")).to_be_visible()
    a11y.check(police, label="request acknowledged")
    police.get_by_label("Your answer").fill(POLICE_ANSWER)
    police.get_by_role("button", name="Send answer").click()
    expect(police.get_by_text("Your answer has been sent to the front door")).to_be_visible()
    a11y.check(police, label="request answered")
    # The contact itself is not theirs to see.
    response = police.goto(f"/referrals/contacts/{referral.pk}/")
    assert response.status == 404
    a11y.check(police, label="contact refused to the police")
    police.goto("/referrals/requests/")
    a11y.check(police, label="police information requests")
    expect(police.get_by_role("row").filter(has_text=referral.reference)).to_contain_text(
        "Pete Rowe"
    )
    sign_out(police, a11y)

    # --- 4. The front door sees the answer and records the decision. ---
    fd.reload()
    a11y.check(fd, label="contact with the police answer")
    card = fd.locator(".govuk-summary-card").filter(has_text="Northbrook Police")
    expect(card).to_contain_text(POLICE_ANSWER)
    expect(card).to_contain_text("Pete Rowe")
    fd.get_by_role("link", name="Record the decision").click()
    a11y.check(fd, label="decision form")
    fd.get_by_role("group", name="Decision").get_by_label(
        "Child in need assessment (section 17)"
    ).check()
    fd.get_by_role("group", name="Level of need").get_by_label(re.compile(r"^Level 3")).check()
    fd.get_by_label("Reasons for the decision").fill(RATIONALE)
    fd.get_by_role("button", name="Record decision and tell the referrer").click()
    sent = "The decision has been recorded and sent to the referrer"
    expect(fd.get_by_text(sent)).to_be_visible()
    a11y.check(fd, label="decision recorded")
    expect(
        fd.get_by_role("heading", name="Decision: Child in need assessment (section 17)")
    ).to_be_visible()
    sign_out(fd, a11y)

    referral.refresh_from_db()
    assert referral.status == Status.DECIDED and referral.outcome == "s17"
    assert referral.level_of_need.number == 3 and referral.framework_id is not None
    assert ContactNote.objects.filter(referral=referral, text=INTERNAL_NOTE).exists()

    # --- 5. The health visitor sees the outcome in their inbox and on the referral. ---
    sign_in(hv, a11y, area.health_visitor)
    hv.get_by_role("link", name="Inbox").click()
    a11y.check(hv, label="referrer's inbox")
    s17 = "Child in need assessment (section 17)"
    subject = f"Outcome of your referral {referral.reference}: {s17}"
    item = hv.get_by_role("listitem").filter(has_text=subject)
    expect(item).to_be_visible()
    item.get_by_role("button", name="Open").click()
    hv.wait_for_url(f"**/referrals/{referral.pk}/")
    a11y.check(hv, label="referral with its outcome")
    expect(
        hv.get_by_role("heading", name="Outcome: Child in need assessment (section 17)")
    ).to_be_visible()
    expect(hv.get_by_text("Decided by Farah Doyle")).to_be_visible()
    expect(hv.get_by_text(RATIONALE)).to_be_visible()
    expect(hv.get_by_text(re.compile("Acknowledged by"))).to_contain_text("Farah Doyle")
    # The front door's internal notes and the police answer are not the referrer's to see.
    content = hv.locator("main").inner_text()
    assert INTERNAL_NOTE not in content
    assert POLICE_ANSWER not in content
    # Nor can they open the contact.
    response = hv.goto(f"/referrals/contacts/{referral.pk}/")
    assert response.status == 404
    a11y.check(hv, label="contact refused to the referrer")
