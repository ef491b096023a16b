"""Browser journeys for family hub life: a register taken on a tablet, and a volunteer's view."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import _user, sign_in

pytestmark = pytest.mark.browser
TABLET = {"width": 768, "height": 1024}


@pytest.fixture
def hub(transactional_db):
    """A family hub running a parenting programme this week, with two registered families,
    and Home-Start with a volunteer matched to one of them."""
    from continuum.directory.models import Agency, AgencyKind, CatchmentArea, Role
    from continuum.hubs import services as hubs
    from continuum.people.models import PersonKind

    catchment = CatchmentArea.objects.create(code="north", name="North", postcode_sectors=["NB1 4"])
    hub_agency = Agency.objects.create(
        code="hub", name="Millbrook Family Hub", kind=AgencyKind.FAMILY_HUB, catchment=catchment
    )
    home_start = Agency.objects.create(
        code="hs", name="Home-Start Northbrook", kind=AgencyKind.VOLUNTARY
    )
    worker = _user("hub.worker", hub_agency, Role.PRACTITIONER, "Jess", "Whitfield")
    coordinator = _user("hs.coord", home_start, Role.TEAM_MANAGER, "Gill", "Evans")
    volunteer = _user("volunteer", home_start, Role.VOLUNTEER, "Margaret", "Holmes")
    families = []
    for surname, child in (("Whittaker", "Maisie"), ("Okoro", "Tobi")):
        reg = hubs.family_register(
            actor=worker,
            hub=hub_agency,
            address={"line1": f"{len(families) + 1} Mill Lane", "postcode": "NB1 4QT"},
            adults=[
                {
                    "given_name": "Parent",
                    "family_name": surname,
                    "date_of_birth": dt.date(1994, 1, 1),
                }
            ],
            children=[
                {
                    "kind": PersonKind.CHILD,
                    "given_name": child,
                    "family_name": surname,
                    "date_of_birth": dt.date(2023, 5, 1),
                }
            ],
            consent_given_by=f"Parent {surname}",
        )
        families.append(reg.household)
    activity = hubs.activity_create(
        actor=worker,
        hub=hub_agency,
        name="Incredible Years",
        kind="parenting_programme",
        first_starts_at=timezone.now().replace(minute=0, second=0, microsecond=0),
        duration_minutes=120,
        weeks=6,
    )
    from continuum.people.models import Person

    for person in Person.objects.filter(kind=PersonKind.CHILD):
        hubs.enrol(actor=worker, activity=activity, person=person)
    # Home-Start works with the Whittakers and matches the volunteer to them.
    from continuum.governance.models import Involvement, InvolvementSource

    Involvement.objects.create(
        agency=home_start,
        household=families[0],
        source=InvolvementSource.REFERRAL,
        reason="Referred",
    )
    match = hubs.match_start(actor=coordinator, household=families[0], needs="Routines")
    hubs.match_assign_volunteer(actor=coordinator, match=match, volunteer=volunteer)
    hubs.match_move(actor=coordinator, match=match, to="support")
    return type(
        "Hub",
        (),
        {
            "worker": worker,
            "volunteer": volunteer,
            "families": families,
            "session": activity.sessions.order_by("starts_at").first(),
            "match": match,
        },
    )


def test_taking_a_register_on_a_tablet(new_page, a11y, hub):
    page = new_page()
    page.set_viewport_size(TABLET)
    a11y.watch(page)
    sign_in(page, a11y, hub.worker)
    page.get_by_role("link", name="Family hub").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Timetable")
    a11y.check(page, label="timetable")
    page.get_by_role("link", name=re.compile("Take the register")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Incredible Years")
    a11y.check(page, label="register")
    maisie = page.get_by_label(re.compile("Maisie Whittaker"))
    tobi = page.get_by_label(re.compile("Tobi Okoro"))
    # Big touch targets: each person's row is at least 44px high on the tablet.
    for label in page.locator(".app-register .govuk-checkboxes__item").all():
        assert label.bounding_box()["height"] >= 44
    maisie.check()
    tobi.check()
    page.get_by_role("button", name="Save the register").click()
    expect(page.get_by_text("The register has been saved")).to_be_visible()
    a11y.check(page, label="register saved")
    expect(page.get_by_label(re.compile("Maisie Whittaker"))).to_be_disabled()
    # A ticked row is information, not a greyed-out control: its name and "Here" tag keep full
    # contrast (GOV.UK's 50% opacity on a disabled checkbox's label put them at 3.7:1).
    ticked = page.locator(".app-register .govuk-checkboxes__input:disabled + label").first
    assert ticked.evaluate("el => getComputedStyle(el).opacity") == "1"
    from continuum.hubs.models import Attendance

    assert Attendance.objects.filter(session=hub.session).count() == 2


def test_a_volunteer_sees_only_their_matched_family(new_page, a11y, hub):
    page = new_page()
    a11y.watch(page)
    sign_in(page, a11y, hub.volunteer)
    page.get_by_role("link", name="My families").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My families")
    a11y.check(page, label="my families")
    expect(page.get_by_role("link", name=f"Household {hub.families[0].reference}")).to_be_visible()
    expect(page.get_by_text(hub.families[1].reference)).to_have_count(0)
    page.get_by_role("link", name=f"Household {hub.families[0].reference}").click()
    a11y.check(page, label="the match")
    page.get_by_label("Day").fill(str(timezone.localdate().day))
    page.get_by_label("Month").fill(str(timezone.localdate().month))
    page.get_by_label("Year").fill(str(timezone.localdate().year))
    page.get_by_label("What happened").fill("Went to stay and play together")
    page.get_by_role("button", name="Save diary").click()
    expect(page.get_by_text("Waiting for the co-ordinator's review")).to_be_visible()
    a11y.check(page, label="diary saved")
    # The other family's household is not there for a volunteer: 404, as if it did not exist.
    response = page.goto(f"/people/households/{hub.families[1].pk}/")
    assert response.status == 404
    a11y.check(page, label="not found")


def test_a_familys_journey_and_the_outcomes_report_are_accessible(new_page, a11y, hub):
    from continuum.outcomes import services as outcomes
    from continuum.outcomes.models import Instrument

    instrument = Instrument.objects.get(code="continuum-family-outcomes")
    household = hub.families[0]
    today = timezone.localdate()
    for days, stage, value in ((120, "start", 3), (30, "review", 6)):
        outcomes.reading_record(
            actor=hub.worker,
            household=household,
            instrument=instrument,
            stage=stage,
            taken_on=today - dt.timedelta(days=days),
            scores={a.code: value for a in instrument.areas.all()},
        )
    page = new_page()
    a11y.watch(page)
    sign_in(page, a11y, hub.worker)
    page.goto(f"/people/households/{household.pk}/")
    a11y.check(page, label="household")
    page.get_by_role("link", name="Outcomes journey").click()
    expect(page.get_by_role("img", name=re.compile("Radar chart"))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Line chart"))).to_be_visible()
    a11y.check(page, label="journey")
    page.get_by_role("link", name="Outcomes", exact=True).click()
    expect(page.get_by_role("heading", name="Is anyone better off?")).to_be_visible()
    a11y.check(page, label="outcomes report")


def test_an_analyst_adds_an_instrument_and_a_hub_worker_records_a_reading_with_it(
    new_page, a11y, hub
):
    from continuum.directory.models import Agency, AgencyKind, Role
    from continuum.outcomes.models import Reading

    council = Agency.objects.create(code="council", name="Northbrook Council",
                                    kind=AgencyKind.SOCIAL_WORK)  # fmt: skip
    analyst = _user("analyst", council, Role.ANALYST, "Priya", "Sharma")
    page = new_page()
    a11y.watch(page)
    sign_in(page, a11y, analyst)
    page.goto("/outcomes/report/")
    a11y.check(page, label="outcomes report")
    page.get_by_role("link", name="Configure outcome instruments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Outcome instruments")
    a11y.check(page, label="instruments")
    page.get_by_role("link", name="Add an instrument").click()
    a11y.check(page, label="add an instrument")
    page.get_by_label("Name", exact=True).fill("Family Star Plus")
    page.get_by_label(re.compile("This is a licensed instrument")).check()
    page.get_by_label("Licence (optional)").fill("Licensed to Northbrook Council until 2027")
    page.get_by_label("Lowest score").fill("1")
    page.get_by_label("Highest score").fill("1")
    page.get_by_label("What the scores mean (optional)").fill("1-5: Stuck\n6-10: Getting there")
    page.get_by_label("Areas", exact=True).fill("Physical health\nFamily routine\nHome and money")
    page.get_by_role("button", name="Add instrument").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "The top of the scale must be above the bottom"
    )
    a11y.check(page, label="instrument with an error")
    page.get_by_label("Highest score").fill("10")
    page.get_by_role("button", name="Add instrument").click()
    expect(page.get_by_text("Family Star Plus has been added")).to_be_visible()
    expect(page.get_by_role("link", name="Family Star Plus")).to_be_visible()
    a11y.check(page, label="instrument added")

    worker = new_page()
    a11y.watch(worker)
    sign_in(worker, a11y, hub.worker)
    worker.goto(f"/outcomes/households/{hub.families[1].pk}/")
    a11y.check(worker, label="journey")
    worker.get_by_label("Instrument").select_option(label="Family Star Plus")
    worker.get_by_role("button", name="Show").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text("Journey: Family Star Plus")
    a11y.check(worker, label="journey on the new instrument")
    worker.get_by_role("link", name="Record a reading").click()
    a11y.check(worker, label="record a reading")
    worker.get_by_label("Start").check()
    today = timezone.localdate()
    worker.get_by_label("Day").fill(str(today.day))
    worker.get_by_label("Month").fill(str(today.month))
    worker.get_by_label("Year").fill(str(today.year))
    for area, score in (("Physical health", "4"), ("Family routine", "6"), ("Home and money", "3")):
        worker.get_by_label(area, exact=True).fill(score)
    worker.get_by_role("button", name="Save reading").click()
    expect(worker.get_by_text("The Family Star Plus reading has been recorded")).to_be_visible()
    a11y.check(worker, label="reading recorded")
    reading = Reading.objects.get()
    assert reading.instrument.name == "Family Star Plus"
    assert sorted(s.value for s in reading.scores.all()) == [3, 4, 6]
