"""Registration with consent, reach, outreach to new families, and volunteers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from continuum.directory.models import Role
from continuum.directory.tests.factories import UserFactory
from continuum.governance.access import persons_visible_to
from continuum.governance.models import Involvement, InvolvementSource
from continuum.hubs import selectors, services
from continuum.hubs.models import HubRegistration, OutreachEntry, RiskFlag, VolunteerProfile
from continuum.people.codes import RelationshipKind
from continuum.people.models import Person
from continuum.people.tests.factories import AddressFactory, HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db

WALK_IN = {
    "adult_given_name": "Priya",
    "adult_family_name": "Shah",
    "adult_date_of_birth_0": "2",
    "adult_date_of_birth_1": "3",
    "adult_date_of_birth_2": "1995",
    "adult_first_language": "Gujarati",
    "child_given_name": "Aarav",
    "child_date_of_birth_0": "9",
    "child_date_of_birth_1": "9",
    "child_date_of_birth_2": "2024",
    "line1": "8 Mill Lane",
    "postcode": "NB1 4QT",
    "consent": "on",
    "consent_given_by": "Priya Shah",
}


def test_a_hub_worker_registers_a_walk_in_family_with_consent(
    involved_practitioner, agencies, login
):
    client = login(involved_practitioner)
    refused = client.post(reverse("hubs:family_register"), {**WALK_IN, "consent": ""})
    assert refused.status_code == 200
    assert "Confirm the family agree to the hub holding their details" in refused.text
    assert not HubRegistration.objects.exists()
    response = client.post(reverse("hubs:family_register"), WALK_IN)
    assert response.status_code == 302
    registration = HubRegistration.objects.get()
    assert registration.hub == agencies.hub and registration.consent_given_by == "Priya Shah"
    involvement = Involvement.objects.get(household=registration.household)
    assert (
        involvement.source == InvolvementSource.REGISTRATION and involvement.agency == agencies.hub
    )
    child = Person.objects.get(given_name="Aarav")
    assert persons_visible_to(involved_practitioner).filter(pk=child.pk).exists()
    assert client.get(response["Location"]).status_code == 200


def test_walk_in_dates_are_checked_together_each_against_its_own_field(
    involved_practitioner, login
):
    """Regression: a child's date of birth in the future reached the service, whose message
    named an "Unborn child" option this form does not have, in the summary with no link to a
    field; and a second bad date was shown only after the first was fixed."""
    next_year = str(timezone.localdate().year + 1)
    bad = {
        **WALK_IN,
        "child_date_of_birth_2": next_year,
        "adult_date_of_birth_2": next_year,
        "expected_date_of_delivery_0": "1",
        "expected_date_of_delivery_1": "1",
        "expected_date_of_delivery_2": "2020",
    }
    response = login(involved_practitioner).post(reverse("hubs:family_register"), bad)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "expected date of delivery" in errors["child_date_of_birth"][0]
    assert "Unborn child" not in response.text
    assert errors["adult_date_of_birth"] == ["Parent or carer's date of birth must be in the past"]
    assert "today or in the future" in errors["expected_date_of_delivery"][0]
    assert not errors.get("__all__")
    # Each message in the summary links to its field.
    assert 'href="#id_child_date_of_birth' in response.text
    assert not HubRegistration.objects.exists() and not Person.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("involved_practitioner", 200),
        ("hub_admin", 403),
        ("read_only_partner", 404),
        ("volunteer", 404),
    ],
)
def test_register_family_access(persona, status, personas, hub_admin, login):
    user = hub_admin if persona == "hub_admin" else personas[persona]
    assert login(user).get(reverse("hubs:family_register")).status_code == status


def test_register_an_existing_household(family, involved_practitioner, read_only_partner, login):
    url = reverse("hubs:household_register", args=[family.household.pk])
    assert login(read_only_partner).get(url).status_code == 404  # police are not a hub
    response = login(involved_practitioner).post(
        url, {"consent": "on", "consent_given_by": "Kerry Smith"}
    )
    assert response.status_code == 302
    assert HubRegistration.objects.filter(household=family.household).count() == 1


# --- Reach ---------------------------------------------------------------------------------------


@pytest.fixture
def catchment_families(family, agencies, catchment, involved_practitioner):
    """In the catchment: the Smiths (twins aged 5+, an unborn baby; registered), and
    - the Lees: a baby of 3 months with a 17-year-old mother (not registered);
    - the Khans: a child of 2 (registered), where an agency flagged domestic abuse;
    - the Owens: a child of 4 living outside the catchment (not counted)."""
    today = timezone.localdate()
    services.household_register(
        actor=involved_practitioner,
        hub=agencies.hub,
        household=family.household,
        consent_given_by="Kerry Smith",
    )
    lees = HouseholdFactory(address=AddressFactory(catchment=catchment))
    mum = PersonFactory(
        adult=True, household=lees, date_of_birth=today - dt.timedelta(days=17 * 365)
    )
    baby = PersonFactory(household=lees, date_of_birth=today - dt.timedelta(days=90))
    from continuum.people import services as people_services

    people_services.relationship_record(
        actor=None, from_person=mum, to_person=baby, kind=RelationshipKind.PARENT, lives_with=True
    )
    khans = HouseholdFactory(address=AddressFactory(catchment=catchment))
    dad = PersonFactory(adult=True, household=khans)
    PersonFactory(household=khans, date_of_birth=today - dt.timedelta(days=2 * 365))
    services.household_register(
        actor=involved_practitioner,
        hub=agencies.hub,
        household=khans,
        consent_given_by="Imran Khan",
    )
    services.risk_flag_record(actor=involved_practitioner, person=dad, kind="domestic_abuse")
    owens = HouseholdFactory(address=AddressFactory(postcode="NB9 1AA", postcode_sector="NB9 1"))
    PersonFactory(household=owens, date_of_birth=today - dt.timedelta(days=4 * 365))
    return lees, khans


def test_reach_counts_and_percentages(catchment_families, agencies, analyst):
    dates, rows = selectors.reach(analyst, agencies.hub)
    by_label = {row.label: row.cells[-1] for row in rows}
    under5 = by_label["Children under 5"]
    assert (under5.known, under5.registered, under5.pct) == (2, 1, 50.0)  # Lee baby, Khan child
    teen = by_label["Families with a teenage parent"]
    assert (teen.known, teen.registered, teen.pct) == (1, 0, 0.0)
    under1 = by_label["Families with a child under 1 (or expecting)"]
    assert (under1.known, under1.registered) == (2, 1)  # Lees (baby) and Smiths (unborn)
    da = by_label["Families where an agency has recorded domestic abuse"]
    assert (da.known, da.registered, da.pct) == (1, 1, 100.0)
    assert len(dates) == 5


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("involved_practitioner", 200),
        ("analyst", 200),
        ("dpo", 200),
        ("read_only_partner", 404),
        ("volunteer", 404),
        ("uninvolved_worker", 404),
    ],
)
def test_reach_page_access_and_no_names(persona, status, catchment_families, personas, login):
    response = login(personas[persona]).get(reverse("hubs:reach"))
    assert response.status_code == status
    if status == 200:
        assert "50.0%" in response.text
        assert "Smith" not in response.text and "Khan" not in response.text


# --- Outreach ------------------------------------------------------------------------------------


def test_outreach_list_from_new_pregnancies_and_births(
    catchment_families, family, agencies, involved_practitioner, login
):
    added = services.outreach_refresh(actor=involved_practitioner, hub=agencies.hub)
    assert added == 1  # the Smiths' unborn baby; the Lee baby is over 8 weeks old
    entry = OutreachEntry.objects.get()
    assert entry.person == family.unborn and entry.status == "registered"
    today = timezone.localdate()
    newborn_home = HouseholdFactory(address=AddressFactory(catchment=agencies.hub.catchment))
    mum = PersonFactory(
        adult=True, household=newborn_home, date_of_birth=today - dt.timedelta(days=6000)
    )
    baby = PersonFactory(household=newborn_home, date_of_birth=today - dt.timedelta(days=10))
    from continuum.people import services as people_services

    people_services.relationship_record(
        actor=None, from_person=mum, to_person=baby, kind=RelationshipKind.PARENT, lives_with=True
    )
    services.risk_flag_record(actor=involved_practitioner, person=mum, kind="mental_ill_health")
    assert services.outreach_refresh(actor=involved_practitioner, hub=agencies.hub) == 1
    assert services.outreach_refresh(actor=involved_practitioner, hub=agencies.hub) == 0
    new = OutreachEntry.objects.get(household=newborn_home)
    assert new.priority and new.priority_reasons == ["Parental mental ill-health", "Teenage parent"]
    client = login(involved_practitioner)
    page = client.get(reverse("hubs:outreach"))
    assert page.status_code == 200 and "Priority" in page.text
    url = reverse("hubs:outreach_entry", args=[new.pk])
    response = client.post(
        url,
        {
            "attempted_on_0": str(today.day),
            "attempted_on_1": str(today.month),
            "attempted_on_2": str(today.year),
            "method": "phone",
            "result": "no_answer",
        },
    )
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.status == "trying"
    assert "Asha Patel" in client.get(url).text  # who made contact


def test_outreach_access(
    catchment_families, agencies, involved_practitioner, hub_admin, personas, login
):
    services.outreach_refresh(actor=involved_practitioner, hub=agencies.hub)
    entry = OutreachEntry.objects.get()
    url = reverse("hubs:outreach_entry", args=[entry.pk])
    admin = login(hub_admin)
    assert admin.post(reverse("hubs:outreach")).status_code == 403  # sees the list, cannot refresh
    listing = admin.get(reverse("hubs:outreach"))
    assert listing.status_code == 200 and "Smith" not in listing.text  # administrators see no names
    assert admin.get(url).status_code == 404
    assert login(involved_practitioner).get(url).status_code == 200
    assert login(personas["uninvolved_worker"]).get(url).status_code == 404
    assert login(personas["read_only_partner"]).get(reverse("hubs:outreach")).status_code == 404


# --- Volunteers ----------------------------------------------------------------------------------


@pytest.fixture
def scheme(agencies, family):
    coordinator = UserFactory(
        username="coordinator",
        agency=agencies.home_start,
        role=Role.TEAM_MANAGER,
        first_name="Cora",
        last_name="Dean",
    )
    # the scheme needs a legitimate relationship with the family to offer them a volunteer
    Involvement.objects.create(
        agency=agencies.home_start,
        household=family.household,
        source=InvolvementSource.REFERRAL,
        reason="Referred to Home-Start",
    )
    gujarati = UserFactory(
        username="vol.g",
        agency=agencies.home_start,
        role=Role.VOLUNTEER,
        first_name="Gita",
        last_name="Rao",
    )
    VolunteerProfile.objects.create(
        user=gujarati,
        languages=["Gujarati", "English"],
        availability=["tue"],
        postcode_sector="NB1 4",
        dbs_checked_on=timezone.localdate() - dt.timedelta(days=100),
        training_completed_on=timezone.localdate(),
    )
    far = UserFactory(
        username="vol.f",
        agency=agencies.home_start,
        role=Role.VOLUNTEER,
        first_name="Fred",
        last_name="Ash",
    )
    VolunteerProfile.objects.create(
        user=far,
        languages=["English"],
        availability=["sat"],
        postcode_sector="NB7 2",
        dbs_checked_on=timezone.localdate() - dt.timedelta(days=100),
        training_completed_on=timezone.localdate(),
    )
    lapsed = UserFactory(username="vol.l", agency=agencies.home_start, role=Role.VOLUNTEER)
    VolunteerProfile.objects.create(
        user=lapsed,
        languages=["Gujarati"],
        postcode_sector="NB1 4",
        dbs_checked_on=timezone.localdate() - dt.timedelta(days=4 * 365),
        training_completed_on=timezone.localdate(),
    )
    return coordinator, gujarati, far


def test_matching_stages_and_the_volunteers_limited_view(scheme, family, login):
    coordinator, gujarati, far = scheme
    family.mother.first_language = "Gujarati"
    family.mother.save(update_fields=["first_language"])
    client = login(coordinator)
    response = client.post(
        reverse("hubs:match_start", args=[family.household.pk]),
        {"needs": "Isolation and routines", "preferred_days": ["tue"]},
    )
    assert response.status_code == 302
    match_url = response["Location"]
    page = client.get(match_url)
    assert page.text.index("Gita Rao") < page.text.index("Fred Ash")  # language, distance, days
    assert "Speaks Gujarati" in page.text
    assert "vol.l" not in page.text  # lapsed DBS: not suggested
    volunteer_client = login(gujarati)
    assert volunteer_client.get(match_url).status_code == 404  # not matched yet
    assert client.post(match_url, {"action": "assign", "volunteer": gujarati.pk}).status_code == 302
    involvement = Involvement.objects.get(worker=gujarati)
    assert involvement.source == InvolvementSource.VOLUNTEER_MATCH
    assert (
        volunteer_client.get(reverse("people:household", args=[family.household.pk])).status_code
        == 200
    )
    assert (
        login(far).get(reverse("people:household", args=[family.household.pk])).status_code == 404
    )
    assert volunteer_client.post(match_url, {"action": "move", "to": "support"}).status_code == 403
    assert client.post(match_url, {"action": "move", "to": "support"}).status_code == 302
    today = timezone.localdate()
    diary = {
        "action": "diary",
        "visited_on_0": str(today.day),
        "visited_on_1": str(today.month),
        "visited_on_2": str(today.year),
        "notes": "Went to the park together",
    }
    assert volunteer_client.post(match_url, diary).status_code == 302
    home = volunteer_client.get(reverse("hubs:volunteering"))
    assert family.household.reference in home.text
    assert "Waiting for the co-ordinator" in volunteer_client.get(match_url).text
    from continuum.hubs.models import VisitDiary

    d = VisitDiary.objects.get()
    assert (
        client.post(match_url, {"action": "review", "diary": d.pk, "comment": "Good"}).status_code
        == 302
    )
    d.refresh_from_db()
    assert d.reviewed_by == coordinator
    # ending → ended closes the volunteer's access
    client.post(match_url, {"action": "move", "to": "ending"})
    client.post(match_url, {"action": "move", "to": "ended"})
    involvement.refresh_from_db()
    assert involvement.ended_at is not None
    assert (
        volunteer_client.get(reverse("people:household", args=[family.household.pk])).status_code
        == 404
    )
    assert volunteer_client.get(match_url).status_code == 404


def test_stage_rules_refuse_skipping(scheme, family):
    coordinator, _g, _f = scheme
    match = services.match_start(actor=coordinator, household=family.household)
    with pytest.raises(ValidationError, match="cannot move to support"):
        services.match_move(actor=coordinator, match=match, to="support")


def test_volunteering_page_access(scheme, personas, login):
    assert login(personas["volunteer"]).get(reverse("hubs:volunteering")).status_code == 200
    assert login(scheme[0]).get(reverse("hubs:volunteering")).status_code == 200
    assert login(personas["analyst"]).get(reverse("hubs:volunteering")).status_code == 404


def test_coordinator_records_a_volunteers_skills_and_checks(scheme, personas, login):
    coordinator, gujarati, _far = scheme
    url = reverse("hubs:volunteer_profile", args=[gujarati.pk])
    client = login(coordinator)
    assert client.get(url).status_code == 200
    future = timezone.localdate() + dt.timedelta(days=3)
    data = {
        "skills": "budgeting, twins",
        "languages": "Gujarati, English",
        "availability": ["tue"],
        "postcode_sector": "nb1 4",
        "dbs_checked_on_0": str(future.day),
        "dbs_checked_on_1": str(future.month),
        "dbs_checked_on_2": str(future.year),
    }
    response = client.post(url, data)
    assert "The DBS check date must be today or in the past" in response.text
    data.update(dbs_checked_on_0="1", dbs_checked_on_1="2", dbs_checked_on_2="2026")
    assert client.post(url, data).status_code == 302
    profile = VolunteerProfile.objects.get(user=gujarati)
    assert profile.skills == ["budgeting", "twins"] and profile.postcode_sector == "NB1 4"
    assert login(gujarati).get(url).status_code == 404
    assert login(personas["involved_practitioner"]).get(url).status_code == 404


def test_reach_over_time_follows_registrations_and_flags_as_they_start_and_end(
    agencies, catchment, involved_practitioner, read_only_partner, analyst
):
    """Each column counts what was true at the end of that quarter (2026-01-15 is 'today')."""
    today = dt.date(2026, 1, 15)
    tz = timezone.get_current_timezone()

    def at(day):
        return dt.datetime.combine(day, dt.time(12), tzinfo=tz)

    # A baby born on 1 August 2025, registered on 15 October 2025.
    babies = HouseholdFactory(address=AddressFactory(catchment=catchment))
    PersonFactory(adult=True, household=babies, move_in_date=dt.date(2020, 1, 1))
    born = dt.date(2025, 8, 1)
    PersonFactory(household=babies, date_of_birth=born, move_in_date=born)
    registration = services.household_register(
        actor=involved_practitioner, hub=agencies.hub, household=babies, consent_given_by="Mum"
    )
    HubRegistration.objects.filter(pk=registration.pk).update(
        registered_at=at(dt.date(2025, 10, 15))
    )
    # Domestic abuse recorded on 1 May 2025, withdrawn on 1 November; the family was registered
    # from January to 1 July 2025.
    flagged = HouseholdFactory(address=AddressFactory(catchment=catchment))
    adult = PersonFactory(adult=True, household=flagged, move_in_date=dt.date(2020, 1, 1))
    registration = services.household_register(
        actor=involved_practitioner, hub=agencies.hub, household=flagged, consent_given_by="Dad"
    )
    HubRegistration.objects.filter(pk=registration.pk).update(
        registered_at=at(dt.date(2025, 1, 2)), ended_at=at(dt.date(2025, 7, 1))
    )
    flag = services.risk_flag_record(actor=read_only_partner, person=adult, kind="domestic_abuse")
    services.risk_flag_withdraw(actor=read_only_partner, flag=flag, reason="No longer a concern")
    RiskFlag.objects.filter(pk=flag.pk).update(
        recorded_at=at(dt.date(2025, 5, 1)), ended_at=at(dt.date(2025, 11, 1))
    )

    dates, rows = selectors.reach(analyst, agencies.hub, today=today)
    assert dates == [dt.date(2025, 3, 31), dt.date(2025, 6, 30), dt.date(2025, 9, 30),
                     dt.date(2025, 12, 31), today]  # fmt: skip
    by_label = {row.label: [(c.known, c.registered) for c in row.cells] for row in rows}
    assert by_label["Children under 5"] == [(0, 0), (0, 0), (1, 0), (1, 1), (1, 1)]
    assert by_label["Families with a child under 1 (or expecting)"] == by_label["Children under 5"]
    assert by_label["Families where an agency has recorded domestic abuse"] == [
        (0, 0), (1, 1), (1, 0), (0, 0), (0, 0),
    ]  # fmt: skip
    assert by_label["Families with a teenage parent"] == [(0, 0)] * 5


def test_reach_page_queries_do_not_grow_with_the_area(
    catchment_families, catchment, involved_practitioner, login
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(involved_practitioner)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("hubs:reach")).status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    for _ in range(5):
        home = HouseholdFactory(address=AddressFactory(catchment=catchment))
        PersonFactory(adult=True, household=home)
        PersonFactory(household=home, date_of_birth=timezone.localdate() - dt.timedelta(days=60))
    assert queries() == before


def test_a_walk_in_family_already_known_is_caught_by_the_duplicate_check(
    involved_practitioner, agencies, login
):
    """Regression (issue 15): registering Amy and Harper Pryce where Amy and Harper Price live
    made a new household with no warning, though "Add a person" warns of the same match."""
    address = AddressFactory(line1="8 Mill Lane", postcode="NB1 4QT")
    household = HouseholdFactory(address=address)
    amy = PersonFactory(adult=True, given_name="Amy", family_name="Price", household=household,
                        date_of_birth=dt.date(1995, 3, 2), actor=involved_practitioner)
    harper = PersonFactory(given_name="Harper", family_name="Price", household=household,
                           date_of_birth=dt.date(2024, 9, 9), actor=involved_practitioner)
    walk_in = {**WALK_IN, "adult_given_name": "Amy", "adult_family_name": "Pryce",
               "child_given_name": "Harper"}  # fmt: skip
    client = login(involved_practitioner)
    people_before = Person.objects.count()
    warned = client.post(reverse("hubs:family_register"), walk_in)
    assert warned.status_code == 200
    assert "Check this person is not already known" in warned.text
    shown = {c.person.pk for c in warned.context["matches"].visible}
    assert {amy.pk, harper.pk} <= shown
    assert Person.objects.count() == people_before and not HubRegistration.objects.exists()
    # each check is audited with what was asked
    from continuum.audit.models import AuditEvent

    assert AuditEvent.objects.filter(object_type="person_match").count() >= 2
    # the worker confirms they are new people (having checked): then it registers
    confirmed = client.post(reverse("hubs:family_register"), {**walk_in, "confirm_new": "yes"})
    assert confirmed.status_code == 302
    assert HubRegistration.objects.count() == 1
