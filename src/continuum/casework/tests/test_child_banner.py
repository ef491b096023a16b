"""The child's page as the hub of work: the banner (open episode and level, lead professional,
plan, child protection, last contact) and the quick actions each user may take."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from continuum.casework import services
from continuum.casework.codes import EpisodeKind

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture
def episode(family, involved_practitioner):
    return services.episode_open(
        actor=involved_practitioner,
        household=family.household,
        kind=EpisodeKind.EARLY_HELP,
        children=[family.twin1, family.twin2],
        referral_date=days_ago(70),
        start_date=days_ago(60),
        level_of_need=3,
    )


def test_lead_sees_the_banner_and_every_quick_action(episode, family, involved_practitioner, login):
    html = login(involved_practitioner).get(reverse("people:detail", args=[family.twin1.pk])).text
    assert "Early help: level 3" in html
    assert "Lead professional" in html and involved_practitioner.get_full_name() in html
    assert "No plan agreed yet" in html and "No visit recorded" in html
    visit_url = reverse("casework:visit_record", args=[episode.pk]) + f"?child={family.twin1.pk}"
    assert f'href="{visit_url}">Record a visit</a>' in html
    assert reverse("casework:chronology_add", args=[family.household.pk]) in html
    assert f'href="{reverse("referrals:new", args=[family.twin1.pk])}"' in html


def test_read_only_partner_sees_the_banner_but_cannot_record(
    episode, family, read_only_partner, login
):
    html = login(read_only_partner).get(reverse("people:detail", args=[family.twin1.pk])).text
    assert "Early help: level 3" in html
    assert ">Record a visit</a>" not in html
    assert ">Add a note</a>" not in html
    assert ">Make a referral</a>" in html  # the police may refer a child they can see


def test_volunteer_gets_no_actions(episode, family, volunteer, login):
    html = login(volunteer).get(reverse("people:detail", args=[family.twin1.pk])).text
    assert "Early help: level 3" in html
    for action in ("Record a visit", "Add a note", "Make a referral"):
        assert f">{action}</a>" not in html


def test_adults_get_no_banner(episode, family, involved_practitioner, login):
    html = login(involved_practitioner).get(reverse("people:detail", args=[family.mother.pk])).text
    assert "app-child-banner" not in html


def test_record_a_visit_from_the_childs_page_ticks_the_child_as_seen(
    episode, family, involved_practitioner, login
):
    url = reverse("casework:visit_record", args=[episode.pk]) + f"?child={family.twin1.pk}"
    html = login(involved_practitioner).get(url).text
    seen = f'name="c{family.twin1.pk}_seen"'
    other = f'name="c{family.twin2.pk}_seen"'
    tag = html[html.index(seen) - 200 : html.index(seen) + 200]
    assert "checked" in tag
    other_tag = html[html.index(other) : html.index(other) + 120]
    assert "checked" not in other_tag
