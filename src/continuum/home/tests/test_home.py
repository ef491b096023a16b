"""Each role's home page (where sign-in lands), the menu and the header search."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from continuum.casework import services
from continuum.casework.codes import EpisodeKind
from continuum.directory.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture
def led_family(family, involved_practitioner):
    """The hub practitioner leads the Smith twins' early help; an action of theirs is overdue
    and nobody has visited for eight weeks."""
    episode = services.episode_open(
        actor=involved_practitioner,
        household=family.household,
        kind=EpisodeKind.EARLY_HELP,
        children=[family.twin1, family.twin2],
        referral_date=days_ago(70),
        start_date=days_ago(60),
        level_of_need=2,
    )
    plan = services.plan_create(
        actor=involved_practitioner, episode=episode, start_date=days_ago(50),
        outcomes_sought="The twins go to school every day",
    )  # fmt: skip
    action = services.action_add(
        actor=involved_practitioner, plan=plan, description="Attendance meeting at school",
        due_date=days_ago(3), owner_user=involved_practitioner,
    )  # fmt: skip
    return episode, plan, action


def menu(html: str) -> list[str]:
    return [
        label.strip()
        for label in re.findall(r'govuk-service-navigation__link" href="[^"]*"[^>]*>([^<]*)', html)
    ]


def test_sign_in_lands_on_the_home_page(involved_practitioner, client):
    response = client.post(
        reverse("login"), {"login": "hub.practitioner", "password": TEST_PASSWORD}
    )
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_every_persona_has_a_home_page(personas, login):
    titles = {}
    for name, user in personas.items():
        response = login(user).get(reverse("home"))
        assert response.status_code == 200, name
        titles[name] = re.search(r"<h1[^>]*>([^<]*)</h1>", response.text).group(1)
    assert titles["involved_practitioner"] == "Today"
    assert titles["front_door_worker"] == "Today"
    assert titles["analyst"] == "Data and reports"
    assert titles["dpo"] == "Access to review"
    assert titles["volunteer"] == "Your families"


def test_lead_sees_overdue_work_by_the_family_name_one_click_from_it(
    led_family, involved_practitioner, login
):
    episode, _plan, _action = led_family
    html = login(involved_practitioner).get(reverse("home")).text
    plan_url = reverse("casework:plan", args=[episode.pk])
    assert f'href="{plan_url}">Attendance meeting at school</a>' in html
    assert "Jayden and Jordan Smith" in html  # the family by name, not "Household H…"
    assert "Household " + episode.household.reference not in html
    # No visit in the 30 working days an early help family should be seen in: due, linked to
    # the visit form.
    assert f'href="{reverse("casework:visit_record", args=[episode.pk])}"' in html
    assert "Record a visit to Jayden and Jordan Smith" in html


def test_empty_lists_say_what_to_do_next(family, involved_practitioner, login):
    html = login(involved_practitioner).get(reverse("home")).text
    assert "You are not lead professional for any family. Find a person to open an episode" in html
    assert "Nothing handed to your team is waiting to be acknowledged." in html


def test_front_door_home_has_the_queue(family, front_door_worker, login):
    html = login(front_door_worker).get(reverse("home")).text
    assert "The queue by deadline" in html
    assert "No open contacts. New referrals appear here as they arrive." in html
    assert "Information requests overdue" in html


def test_volunteer_sees_their_families_by_name(family, agencies, volunteer, login):
    from continuum.hubs.models import MatchStage, VolunteerMatch

    VolunteerMatch.objects.create(  # matching itself is tested in hubs
        scheme=agencies.home_start, household=family.household, volunteer=volunteer,
        stage=MatchStage.SUPPORT,
    )  # fmt: skip
    html = login(volunteer).get(reverse("home")).text
    label = re.search(r'href="/hubs/volunteering/\d+/">([^<]*)</a>', html).group(1)
    assert "Jayden" in label and "Kerry" in label and "Dean Walker" in label, label
    assert "Household" not in label


def test_the_menu_shows_each_role_its_tools(personas, login):
    menus = {name: menu(login(user).get(reverse("home")).text) for name, user in personas.items()}
    # The police are never sent contacts: no always-empty Contacts tab.
    assert "Contacts" not in menus["read_only_partner"]
    assert "Contacts" in menus["involved_practitioner"]  # a family hub receives its panel's
    assert "Front door" in menus["front_door_worker"]
    for tool in ("Review queue", "Matching model", "Referral register"):
        assert tool in menus["analyst"], tool
        assert tool not in menus["involved_practitioner"], tool
    # Only an agency's data steward loads its extracts (ADR 0006).
    assert "Imports" not in menus["analyst"] and "Imports" not in menus["involved_practitioner"]
    assert "Find a person" not in menus["analyst"]  # analysts never see named records
    assert "My work" not in menus["volunteer"]
    assert "My families" in menus["volunteer"]
    # Governance's pages stay in the menu of those who use them (lost in the per-role menu once).
    assert "Emergency access" in menus["involved_practitioner"]
    assert "Emergency access" not in menus["analyst"]
    assert "Emergency access reviews" in menus["dpo"]
    assert "Restricted records" in menus["dpo"]
    assert "Emergency access reviews" not in menus["involved_practitioner"]


def test_the_front_door_manager_has_the_queue_in_the_menu(agencies, login):
    from continuum.directory.models import Role
    from continuum.directory.tests.factories import UserFactory

    manager = UserFactory(agency=agencies.front_door, role=Role.TEAM_MANAGER)
    client = login(manager)
    html = client.get(reverse("home")).text
    assert "Contacts" in menu(html)
    assert client.get(reverse("referrals:queue")).status_code == 200


def test_the_menu_only_offers_pages_that_open(personas, login):
    """Every item in a persona's menu answers 200 for them."""
    for name, user in personas.items():
        client = login(user)
        html = client.get(reverse("home")).text
        for url in re.findall(r'govuk-service-navigation__link" href="([^"]*)"', html):
            if url == "/":
                continue
            assert client.get(url).status_code == 200, (name, url)


def test_header_search_on_every_page_goes_to_the_person_search(
    family, involved_practitioner, login
):
    client = login(involved_practitioner)
    html = client.get(reverse("servicedirectory:search")).text
    assert f'action="{reverse("people:search")}"' in html
    assert 'name="name"' in html
    response = client.get(reverse("people:search"), {"name": "Jayden Smith"})
    assert response.status_code == 200
    assert "Jayden" in response.text


def test_no_header_search_for_those_who_see_no_named_records(analyst, login):
    assert 'id="header-search-name"' not in login(analyst).get(reverse("home")).text


def test_a_data_steward_lands_on_their_agencys_imports_and_counts(data_steward, login):
    client = login(data_steward)
    page = client.get(reverse("home"))
    assert page.status_code == 200
    assert "Your agency's records" in html.unescape(page.text)
    assert "Recent imports" in page.text and "The review queue" in page.text
    items = menu(page.text)
    assert "Imports" in items and "Review queue" in items
    assert "Find a person" not in items  # a steward never sees a person's record
    assert 'id="header-search-name"' not in page.text
    for url in re.findall(r'govuk-service-navigation__link" href="([^"]*)"', page.text):
        assert client.get(url).status_code == 200, url
