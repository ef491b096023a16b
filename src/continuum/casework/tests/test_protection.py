"""Section 47 enquiries, conferences and child protection plans through the services and the
pages: the CIN census rules refused with a message naming the field, the chronology entries,
closure blocked by an unresolved enquiry (8868), and who may record them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from continuum.casework import services
from continuum.casework.codes import EpisodeKind
from continuum.casework.models import (
    ChildProtectionPlan,
    ChronologyEntry,
    InitialConference,
    Section47Enquiry,
)

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 6, 15)


def d(day: int, month: int = 6) -> dt.date:
    return dt.date(2026, month, day)


@pytest.fixture(autouse=True)
def monday():
    with time_machine.travel(dt.datetime(2026, 6, 15, 11, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def cin(lead, household, child, baby):
    return services.episode_open(
        actor=lead, household=household, kind=EpisodeKind.CHILD_IN_NEED, children=[child, baby],
        referral_date=d(1, 5), start_date=d(4, 5), level_of_need=3, primary_need="N1",
    )  # fmt: skip


def kai(episode):
    return episode.children.get(person__given_name="Kai")


def test_an_enquiry_through_conference_to_plan_review_and_end(cin, lead, child):
    s47 = services.s47_start(actor=lead, episode=cin, child=kai(cin), start_date=d(15, 5))
    assert s47.icpc_target == d(8)  # 15 working days, the Spring bank holiday skipped
    icpc = services.icpc_record(
        actor=lead, s47=s47, date=d(5), plan_agreed=True, category_of_abuse="NEG"
    )
    plan = ChildProtectionPlan.objects.get()
    assert (plan.icpc, plan.start_date, plan.category_of_abuse) == (icpc, d(5), "NEG")
    assert plan.next_review_due() == d(5, 9)  # within 3 months of the conference
    services.cp_review_record(actor=lead, plan=plan, date=d(12))
    assert plan.next_review_due() == d(12, 12)  # then every 6 months
    services.cp_plan_end(actor=lead, plan=plan, end_date=d(15), expected_version=plan.version)
    summaries = list(
        ChronologyEntry.objects.filter(person=child).order_by("date", "pk").values_list(
            "kind", "summary"
        )
    )  # fmt: skip
    assert [k for k, _ in summaries] == ["s47", "icpc", "cp_plan", "cp_plan", "cp_plan"]
    assert "conference due by 8 June 2026" in summaries[0][1]
    assert summaries[2][1] == "Child protection plan started: Neglect"


def test_an_enquiry_only_in_a_statutory_episode(episode, lead, child):
    with pytest.raises(ValidationError, match="child in need or child protection episode"):
        services.s47_start(actor=lead, episode=episode, child=kai(episode), start_date=d(1))


def test_a_second_enquiry_while_one_is_unresolved_is_refused_8890(cin, lead):
    services.s47_start(actor=lead, episode=cin, child=kai(cin), start_date=d(1))
    with pytest.raises(ValidationError) as exc:
        services.s47_start(actor=lead, episode=cin, child=kai(cin), start_date=d(2))
    assert "start_date" in exc.value.message_dict
    assert Section47Enquiry.objects.count() == 1


def test_the_conference_cannot_be_before_the_enquiry_or_on_a_weekend(cin, lead):
    s47 = services.s47_start(actor=lead, episode=cin, child=kai(cin), start_date=d(8))
    with pytest.raises(ValidationError) as exc:
        services.icpc_record(actor=lead, s47=s47, date=d(5), plan_agreed=False)
    assert "on or after the strategy discussion" in exc.value.message_dict["date"][0]
    with pytest.raises(ValidationError) as exc:
        services.icpc_record(actor=lead, s47=s47, date=d(13), plan_agreed=False)
    assert "weekend" in exc.value.message_dict["date"][0]
    assert not InitialConference.objects.exists()  # nothing half-saved


def test_a_plan_needs_a_category_and_a_no_plan_conference_has_none(cin, lead):
    s47 = services.s47_start(actor=lead, episode=cin, child=kai(cin), start_date=d(1))
    with pytest.raises(ValidationError) as exc:
        services.icpc_record(actor=lead, s47=s47, date=d(10), plan_agreed=True)
    assert "category_of_abuse" in exc.value.message_dict
    assert not InitialConference.objects.exists()
    services.icpc_record(actor=lead, s47=s47, date=d(10), plan_agreed=False)
    assert not ChildProtectionPlan.objects.exists()


def test_no_conference_after_an_outcome_that_needs_none(cin, lead):
    s47 = services.s47_start(actor=lead, episode=cin, child=kai(cin), start_date=d(1))
    services.s47_conclude(actor=lead, s47=s47, outcome="services", outcome_date=d(8))
    assert s47.icpc_not_required
    with pytest.raises(ValidationError, match="no conference was needed"):
        services.icpc_record(actor=lead, s47=s47, date=d(10), plan_agreed=False)
    # and it no longer blocks another enquiry
    services.s47_start(actor=lead, episode=cin, child=kai(cin), start_date=d(9))


def test_cp_plan_refused_while_the_cin_plan_is_open_4001(cin, lead):
    services.plan_create(actor=lead, episode=cin, start_date=d(10, 5), outcomes_sought="Safe")
    s47 = services.s47_start(actor=lead, episode=cin, child=kai(cin), start_date=d(1))
    with pytest.raises(ValidationError, match="End the child in need plan first"):
        services.icpc_record(
            actor=lead, s47=s47, date=d(10), plan_agreed=True, category_of_abuse="EMO"
        )
    assert not InitialConference.objects.exists()
    services.cin_plan_end(actor=lead, plan=cin.plan, end_date=d(9))
    services.icpc_record(actor=lead, s47=s47, date=d(10), plan_agreed=True, category_of_abuse="EMO")
    assert ChildProtectionPlan.objects.count() == 1


def test_cin_plan_refused_while_a_cp_plan_runs_4016(cin, lead):
    s47 = services.s47_start(actor=lead, episode=cin, child=kai(cin), start_date=d(1))
    services.icpc_record(actor=lead, s47=s47, date=d(10), plan_agreed=True, category_of_abuse="NEG")
    with pytest.raises(ValidationError) as exc:
        services.plan_create(actor=lead, episode=cin, start_date=d(12), outcomes_sought="Safe")
    assert "cannot run at the same time" in exc.value.message_dict["start_date"][0]


def test_a_second_open_cp_plan_is_refused_8935(cin, lead):
    first = services.s47_start(actor=lead, episode=cin, child=kai(cin), start_date=d(1))
    services.icpc_record(
        actor=lead, s47=first, date=d(3), plan_agreed=True, category_of_abuse="NEG"
    )
    second = services.s47_start(actor=lead, episode=cin, child=kai(cin), start_date=d(8))
    with pytest.raises(ValidationError, match="already has an open child protection plan"):
        services.icpc_record(
            actor=lead, s47=second, date=d(10), plan_agreed=True, category_of_abuse="PHY"
        )
    assert InitialConference.objects.count() == 1


def test_closure_is_blocked_by_an_unresolved_enquiry_8868_and_an_open_plan(cin, lead):
    s47 = services.s47_start(actor=lead, episode=cin, child=kai(cin), start_date=d(1))
    with pytest.raises(ValidationError) as exc:
        services.episode_request_closure(
            actor=lead, episode=cin, end_date=d(15), reason_for_closure="RC7"
        )
    assert "has no conference and is not marked as needing none" in str(exc.value)
    services.icpc_record(actor=lead, s47=s47, date=d(10), plan_agreed=True, category_of_abuse="NEG")
    with pytest.raises(ValidationError, match=r"child protection plan .* is still open"):
        services.episode_request_closure(
            actor=lead, episode=cin, end_date=d(15), reason_for_closure="RC7"
        )
    plan = ChildProtectionPlan.objects.get()
    services.cp_plan_end(actor=lead, plan=plan, end_date=d(12), expected_version=plan.version)
    services.episode_request_closure(
        actor=lead, episode=cin, end_date=d(15), reason_for_closure="RC7"
    )


def test_only_the_lead_or_their_manager_records_them(cin, lead, school_worker):
    services.taf_invite(actor=lead, episode=cin, user=school_worker, role_in_taf="School")
    with pytest.raises(PermissionDenied):
        services.s47_start(actor=school_worker, episode=cin, child=kai(cin), start_date=d(1))


def test_the_pages_record_an_enquiry_and_its_conference(cin, lead, school_worker):
    services.taf_invite(actor=lead, episode=cin, user=school_worker, role_in_taf="School")
    c = Client()
    c.force_login(lead)
    url = reverse("casework:s47_start", args=[cin.pk])
    r = c.post(url, {"child": str(kai(cin).pk), "start_date_0": "13", "start_date_1": "6",
                     "start_date_2": "2026"})  # fmt: skip
    assert r.status_code == 302
    s47 = Section47Enquiry.objects.get()
    r = c.get(reverse("casework:episode", args=[cin.pk]))
    assert "Due by 3 Jul 2026" in r.text and "Record the conference" in r.text
    url = reverse("casework:icpc_record", args=[cin.pk, s47.pk])
    r = c.post(url, {"date_0": "13", "date_1": "6", "date_2": "2026", "plan_agreed": "yes",
                     "category_of_abuse": "NEG"})  # fmt: skip
    assert r.status_code == 200
    assert "Date of the conference cannot be a weekend" in r.text  # the field, and the fix
    assert "govuk-error-summary" in r.text
    r = c.post(url, {"date_0": "15", "date_1": "6", "date_2": "2026", "plan_agreed": "yes",
                     "category_of_abuse": "NEG"})  # fmt: skip
    assert r.status_code == 302
    page = c.get(reverse("casework:episode", args=[cin.pk])).text
    assert "Child protection plans" in page and "Neglect" in page
    # a TAF member sees it but cannot record
    member = Client()
    member.force_login(school_worker)
    assert "Neglect" in member.get(reverse("casework:episode", args=[cin.pk])).text
    assert member.get(reverse("casework:s47_start", args=[cin.pk])).status_code == 403


def test_a_merge_moves_the_childs_casework_and_undo_restores_it(cin, lead, child, household):
    from continuum.linkage import services as linkage
    from continuum.people.tests.factories import PersonFactory

    duplicate = PersonFactory(
        actor=lead, household=household, given_name="Kai", family_name=child.family_name,
        date_of_birth=child.date_of_birth, sex=child.sex,
    )  # fmt: skip
    s47 = services.s47_start(actor=lead, episode=cin, child=kai(cin), start_date=d(1))
    services.icpc_record(actor=lead, s47=s47, date=d(10), plan_agreed=True, category_of_abuse="NEG")
    merge = linkage.person_merge(actor=lead, kept=duplicate, merged=child, reason="Same child")
    assert Section47Enquiry.objects.get().child.person == duplicate
    assert ChildProtectionPlan.objects.get().child.person == duplicate
    assert ChronologyEntry.objects.filter(person=duplicate, kind="cp_plan").exists()
    linkage.merge_undo(actor=lead, merge=merge, reason="Wrong merge")
    assert ChildProtectionPlan.objects.get().child.person == child
    assert not ChronologyEntry.objects.filter(person=duplicate).exists()


def test_one_childs_part_ends_while_the_episode_goes_on(cin, lead, child, baby):
    record = kai(cin)
    s47 = services.s47_start(actor=lead, episode=cin, child=record, start_date=d(1))
    with pytest.raises(ValidationError, match="has no conference"):
        services.episode_child_end(
            actor=lead, episode=cin, child=record, end_date=d(12), reason_for_closure="RC7"
        )
    services.s47_conclude(actor=lead, s47=s47, outcome="nfa", outcome_date=d(5))
    services.episode_child_end(
        actor=lead, episode=cin, child=record, end_date=d(12), reason_for_closure="RC7"
    )
    record.refresh_from_db()
    assert (record.end_date, record.reason_for_closure) == (d(12), "RC7")
    cin.refresh_from_db()
    assert cin.is_open
    assert ChronologyEntry.objects.filter(person=child, kind="episode_close").exists()
    # Nothing new about Kai after he left; the episode goes on for the baby.
    with pytest.raises(ValidationError, match="left this episode on 12 June 2026"):
        services.visit_record(
            actor=lead, episode=cin, date=d(15), kind="home", present=[],
            children=[{"person": child, "seen": True}],
        )  # fmt: skip
    services.visit_record(
        actor=lead, episode=cin, date=d(15), kind="home", present=[],
        children=[{"person": baby, "seen": True}],
    )  # fmt: skip
    with pytest.raises(ValidationError, match="close the episode instead"):
        services.episode_child_end(
            actor=lead, episode=cin, child=cin.children.get(person=baby), end_date=d(15),
            reason_for_closure="RC7",
        )  # fmt: skip


def test_the_page_ends_a_childs_part_with_a_note_in_early_help(episode, lead, child):
    c = Client()
    c.force_login(lead)
    record = kai(episode)
    url = reverse("casework:episode_child_end", args=[episode.pk, record.pk])
    r = c.post(url, {"end_date_0": "14", "end_date_1": "6", "end_date_2": "2026"})
    assert r.status_code == 200 and "Say why their part in the episode ended" in r.text
    r = c.post(url, {"end_date_0": "14", "end_date_1": "6", "end_date_2": "2026",
                     "note": "Moved to live with his father"})  # fmt: skip
    assert r.status_code == 302
    page = c.get(reverse("casework:episode", args=[episode.pk])).text
    assert "Left this episode on 14 June 2026: Moved to live with his father" in page
