"""Casework services: episodes, TAF access, visits, plans (concurrency), assessments, closure."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from continuum.audit.models import AuditEvent
from continuum.casework import selectors, services
from continuum.casework.codes import (
    ActionStatus,
    AssessmentStatus,
    ChronologyKind,
    EpisodeKind,
    EpisodeStatus,
)
from continuum.casework.models import ChronologyEntry, Episode, IdentifyPrompt
from continuum.casework.tests.conftest import days_ago
from continuum.governance.access import household_for_user, person_for_user
from continuum.governance.models import Involvement, InvolvementSource
from continuum.people.errors import ConflictError

pytestmark = pytest.mark.django_db


def test_opening_an_episode_gives_each_child_a_record_and_makes_lead_a_taf_member(
    episode, lead, child, baby
):
    assert sorted(episode.children.values_list("person_id", flat=True)) == sorted(
        [child.pk, baby.pk]
    )
    member = episode.taf_members.get()
    assert member.user == lead
    assert member.involvement.source == InvolvementSource.TEAM_AROUND_FAMILY
    assert member.involvement.ended_at is None
    assert ChronologyEntry.objects.filter(episode=episode, kind=ChronologyKind.EPISODE_START)
    assert AuditEvent.objects.filter(object_type="casework.episode", object_id=str(episode.pk))


def test_cin_episode_needs_primary_need(lead, household, child):
    with pytest.raises(ValidationError) as exc:
        services.episode_open(
            actor=lead,
            household=household,
            kind=EpisodeKind.CHILD_IN_NEED,
            children=[child],
            referral_date=days_ago(10),
            start_date=days_ago(5),
            level_of_need=4,
        )
    assert "primary_need" in exc.value.error_dict


def test_second_open_cin_episode_for_a_child_is_refused(lead, household, child):
    kwargs = {
        "actor": lead,
        "household": household,
        "kind": EpisodeKind.CHILD_IN_NEED,
        "children": [child],
        "referral_date": days_ago(10),
        "start_date": days_ago(5),
        "level_of_need": 4,
        "primary_need": "N4",
    }
    services.episode_open(**kwargs)
    with pytest.raises(ValidationError, match="already has an open child in need episode"):
        services.episode_open(
            **{**kwargs, "kind": EpisodeKind.CHILD_PROTECTION, "category_of_abuse": "NEG"}
        )


def test_taf_member_sees_the_family_and_loses_access_on_leaving(
    episode, lead, school_worker, child
):
    with pytest.raises(Http404):
        household_for_user(school_worker, episode.household_id)
    member = services.taf_invite(
        actor=lead, episode=episode, user=school_worker, role_in_taf="School DSL"
    )
    assert household_for_user(school_worker, episode.household_id)
    assert person_for_user(school_worker, child.pk)
    services.taf_leave(actor=school_worker, member=member)
    with pytest.raises(Http404):
        household_for_user(school_worker, episode.household_id)
    with pytest.raises(Http404):
        person_for_user(school_worker, child.pk)
    assert Involvement.objects.get(pk=member.involvement_id).ended_at is not None


def test_only_the_lead_or_manager_invites(episode, school_worker, outsider):
    services.taf_invite(
        actor=episode.lead_professional, episode=episode, user=school_worker, role_in_taf="School"
    )
    with pytest.raises(PermissionDenied):
        services.taf_invite(actor=school_worker, episode=episode, user=outsider, role_in_taf="x")


def test_lead_cannot_leave_the_team(episode, lead):
    with pytest.raises(ValidationError, match="lead professional cannot leave"):
        services.taf_leave(actor=lead, member=episode.taf_members.get(user=lead))


def test_visit_with_unknown_adult_creates_a_prompt(episode, lead, mother, child, baby):
    visit = services.visit_record(
        actor=lead,
        episode=episode,
        date=days_ago(1),
        kind="home",
        present=[mother, child],
        children=[
            {"person": child, "seen": True, "seen_alone": True, "child_said": "I like school"},
            {"person": baby, "seen": True, "seen_alone": False, "child_said": ""},
        ],
        observations="Warm home",
        unknown_adult="Man in kitchen, called Dean",
    )
    prompt = IdentifyPrompt.objects.get(visit=visit)
    assert prompt.description == "Man in kitchen, called Dean"
    assert selectors.my_work(lead).prompts == [prompt]
    assert visit.children.get(person=child).child_said == "I like school"


def test_visit_before_the_episode_is_refused_with_a_clear_message(episode, lead):
    with pytest.raises(ValidationError) as exc:
        services.visit_record(
            actor=lead, episode=episode, date=days_ago(95), kind="home", present=[], children=[]
        )
    assert "Visit date must be on or after the start of the episode" in exc.value.messages[0]


def test_assessment_before_the_episode_is_refused_with_a_clear_message(episode, lead):
    with pytest.raises(ValidationError) as exc:
        services.assessment_start(actor=lead, episode=episode, start_date=days_ago(91))
    assert exc.value.message_dict["start_date"][0].startswith(
        "Assessment start date must be on or after the start of the episode"
    )


def test_seen_alone_requires_seen(episode, lead, child):
    with pytest.raises(ValidationError, match="cannot be seen alone"):
        services.visit_record(
            actor=lead,
            episode=episode,
            date=days_ago(1),
            kind="home",
            present=[],
            children=[{"person": child, "seen": False, "seen_alone": True}],
        )


def test_plan_second_editor_sees_the_conflict(plan, lead, school_worker, episode):
    services.taf_invite(actor=lead, episode=episode, user=school_worker, role_in_taf="School")
    opened_version = plan.version
    services.plan_update(
        actor=lead,
        plan=plan,
        expected_version=opened_version,
        outcomes_sought="Kai attends 95%",
        review_interval_weeks=6,
        next_review_date=plan.next_review_date,
    )
    with pytest.raises(ConflictError) as exc:
        services.plan_update(
            actor=school_worker,
            plan=plan,
            expected_version=opened_version,
            outcomes_sought="Something else",
            review_interval_weeks=6,
            next_review_date=plan.next_review_date,
        )
    assert "outcomes_sought" in exc.value.changed
    plan.refresh_from_db()
    assert plan.outcomes_sought == "Kai attends 95%"  # no lost update


def test_action_needs_one_owner_in_the_taf_or_family(plan, lead, mother, outsider):
    services.action_add(
        actor=lead,
        plan=plan,
        description="Attend parenting course",
        due_date=days_ago(-10),
        owner_person=mother,
    )
    with pytest.raises(ValidationError):
        services.action_add(
            actor=lead, plan=plan, description="x", due_date=days_ago(-10), owner_user=outsider
        )
    with pytest.raises(ValidationError):
        services.action_add(actor=lead, plan=plan, description="x", due_date=days_ago(-10))


def test_overdue_action_on_owner_and_lead_work_lists(plan, lead, school_worker, episode):
    services.taf_invite(actor=lead, episode=episode, user=school_worker, role_in_taf="School")
    action = services.action_add(
        actor=lead,
        plan=plan,
        description="Attendance meeting",
        due_date=days_ago(5),
        owner_user=school_worker,
    )
    assert selectors.my_work(school_worker).overdue_mine == [action]
    assert selectors.my_work(lead).overdue_as_lead == [action]


def test_review_before_the_plan_is_refused(plan, lead):
    with pytest.raises(ValidationError) as exc:
        services.review_record(
            actor=lead,
            plan=plan,
            review_date=days_ago(85),
            what_changed="x",
            child_view="y",
            next_review_date=None,
            progress={},
        )
    assert "review_date" in exc.value.message_dict


def test_review_records_progress_and_sets_next_review(plan, lead, mother):
    action = services.action_add(
        actor=lead, plan=plan, description="Course", due_date=days_ago(-10), owner_person=mother
    )
    review = services.review_record(
        actor=lead,
        plan=plan,
        review_date=days_ago(1),
        what_changed="Mum started",
        child_view="Kai: happier",
        next_review_date=None,
        progress={action.pk: (ActionStatus.IN_PROGRESS, "Week 2 of 6")},
    )
    plan.refresh_from_db()
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    assert plan.next_review_date == review.review_date + dt.timedelta(weeks=6)


def _complete_assessment(episode, lead, manager, factors):
    a = services.assessment_start(actor=lead, episode=episode, start_date=days_ago(60))
    services.assessment_update(
        actor=lead, assessment=a, expected_version=a.version, entries={}, summary="Analysis"
    )
    a.refresh_from_db()
    services.assessment_submit(
        actor=lead, assessment=a, factors=factors, completed_date=days_ago(30)
    )
    return services.assessment_sign_off(actor=manager, assessment=a)


def test_assessment_is_final_only_after_manager_sign_off(episode, lead, manager):
    a = services.assessment_start(actor=lead, episode=episode, start_date=days_ago(60))
    services.assessment_update(
        actor=lead,
        assessment=a,
        expected_version=a.version,
        entries={(None, "housing"): ("Stable tenancy", "Damp")},
        summary="Analysis",
        parents_view="Mum wants help",
    )
    a.refresh_from_db()
    with pytest.raises(ValidationError, match="cannot be combined"):
        services.assessment_submit(
            actor=lead, assessment=a, factors=["21", "4B"], completed_date=days_ago(30)
        )
    services.assessment_submit(
        actor=lead, assessment=a, factors=["4B"], completed_date=days_ago(30)
    )
    with pytest.raises(PermissionDenied):
        services.assessment_sign_off(actor=lead, assessment=a)
    services.assessment_sign_off(actor=manager, assessment=a)
    assert a.status == AssessmentStatus.COMPLETED
    assert a.entries.get(dimension="housing").needs == "Damp"


def test_closure_with_open_actions_asks_what_happens_and_needs_approval(
    plan, lead, manager, mother, school_worker, episode
):
    services.taf_invite(actor=lead, episode=episode, user=school_worker, role_in_taf="School")
    action = services.action_add(
        actor=lead, plan=plan, description="Course", due_date=days_ago(-10), owner_person=mother
    )
    with pytest.raises(ValidationError, match="Say what happens to each open action"):
        services.episode_request_closure(
            actor=lead, episode=episode, end_date=days_ago(0), outcome="needs_met"
        )
    services.episode_request_closure(
        actor=lead,
        episode=episode,
        end_date=days_ago(0),
        outcome="needs_met",
        action_dispositions={action.pk: (ActionStatus.NOT_DONE, "Mum will self-refer")},
    )
    assert episode.status == EpisodeStatus.CLOSURE_REQUESTED
    with pytest.raises(PermissionDenied):
        services.episode_approve_closure(actor=lead, episode=episode)
    services.episode_approve_closure(actor=manager, episode=episode)
    episode.refresh_from_db()
    action.refresh_from_db()
    assert episode.status == EpisodeStatus.CLOSED
    assert action.status == ActionStatus.NOT_DONE
    assert action.closed_note == "Mum will self-refer"
    # The TAF ends: the school no longer sees the family.
    with pytest.raises(Http404):
        household_for_user(school_worker, episode.household_id)
    # No activity after closure (8565).
    with pytest.raises(ValidationError, match="closed"):
        services.visit_record(
            actor=lead, episode=episode, date=days_ago(0), kind="home", present=[], children=[]
        )


def test_cannot_close_with_an_unfinished_assessment(episode, lead):
    services.assessment_start(actor=lead, episode=episode, start_date=days_ago(60))
    with pytest.raises(ValidationError, match="not finished"):
        services.episode_request_closure(
            actor=lead, episode=episode, end_date=days_ago(0), outcome="needs_met"
        )


def test_cin_closure_after_factor_21_must_be_rc8_or_rc9(lead, manager, household, child):
    ep = services.episode_open(
        actor=lead,
        household=household,
        kind=EpisodeKind.CHILD_IN_NEED,
        children=[child],
        referral_date=days_ago(100),
        start_date=days_ago(90),
        level_of_need=4,
        primary_need="N9",
    )
    _complete_assessment(ep, lead, manager, ["21"])
    with pytest.raises(ValidationError, match="RC8"):
        services.episode_request_closure(
            actor=lead, episode=ep, end_date=days_ago(0), reason_for_closure="RC7"
        )
    services.episode_request_closure(
        actor=lead, episode=ep, end_date=days_ago(0), reason_for_closure="RC8"
    )


def test_closure_date_before_last_activity_is_refused(episode, lead, child):
    services.visit_record(
        actor=lead, episode=episode, date=days_ago(2), kind="phone", present=[], children=[]
    )
    with pytest.raises(ValidationError, match="last recorded activity"):
        services.episode_request_closure(
            actor=lead, episode=episode, end_date=days_ago(3), outcome="needs_met"
        )


def test_chronology_merges_agencies_births_and_moves(episode, lead, school_worker, child):
    services.taf_invite(actor=lead, episode=episode, user=school_worker, role_in_taf="School")
    services.chronology_add(
        actor=school_worker,
        household=episode.household,
        date=days_ago(3),
        kind="education",
        summary="Fixed-term exclusion",
        person=child,
        significant=True,
    )
    c = selectors.household_chronology(lead, episode.household_id, selectors.ChronologyFilters())
    kinds = {i.kind for i in c.items}
    assert {"episode_start", "education", "birth", "taf"} <= kinds
    only_school = selectors.household_chronology(
        lead,
        episode.household_id,
        selectors.ChronologyFilters(agency_id=school_worker.agency_id),
    )
    assert [i.summary for i in only_school.items] == ["Fixed-term exclusion"]
    assert Episode.objects.count() == 1
