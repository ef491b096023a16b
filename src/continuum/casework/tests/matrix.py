"""Casework rows for the project's permission matrix (governance/tests/test_permission_matrix.py).

Each URL is built from the matrix's Smith family: the hub practitioner (`involved_practitioner`)
is lead professional of an early help episode, with a plan, an action, a visit with an adult
to identify, a draft and a submitted assessment, and a second TAF member to remove."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from continuum.casework import services
from continuum.casework.codes import EpisodeKind
from continuum.casework.models import Assessment, Episode, IdentifyPrompt, TafMember
from continuum.directory.models import User
from continuum.directory.tests.factories import AgencyFactory, UserFactory

SEES = {
    "involved_practitioner": 200,
    "read_only_partner": 200,
    "uninvolved_worker": 404,
    "front_door_worker": 200,
    "dpo": 200,
    "analyst": 404,
    "volunteer": 200,
    "unmatched_volunteer": 404,
}
CHANGES = {**SEES, "read_only_partner": 403, "dpo": 403, "volunteer": 403}
# The agencies' chronology: a volunteer sees what their visits need, never this (404).
CHRONOLOGY = {**SEES, "volunteer": 404}
# Runs the episode: only the lead professional (or a manager of their agency).
MANAGES = {**CHANGES, "front_door_worker": 403}
# Approvals: only a team manager of the lead's agency (none among the personas).
APPROVES = {p: 403 if s == 200 else s for p, s in SEES.items()}
EVERYONE = dict.fromkeys(SEES, 200)


def _days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def episode(f) -> Episode:
    """The family's episode, created once per test (lead: the hub practitioner)."""
    existing = Episode.objects.filter(household=f.household).first()
    if existing:
        return existing
    lead = User.objects.get(username="hub.practitioner")
    ep = services.episode_open(
        actor=lead,
        household=f.household,
        kind=EpisodeKind.EARLY_HELP,
        children=[f.twin1, f.twin2],
        referral_date=_days_ago(60),
        start_date=_days_ago(50),
        level_of_need=2,
    )
    plan = services.plan_create(
        actor=lead, episode=ep, start_date=_days_ago(40), outcomes_sought="Twins settle at school"
    )
    services.action_add(
        actor=lead,
        plan=plan,
        description="Parenting course",
        due_date=_days_ago(-7),
        owner_person=f.mother,
    )
    services.visit_record(
        actor=lead,
        episode=ep,
        date=_days_ago(2),
        kind="home",
        present=[f.mother],
        children=[{"person": f.twin1, "seen": True, "seen_alone": True, "child_said": "OK"}],
        unknown_adult="A man in the kitchen",
    )
    services.assessment_start(actor=lead, episode=ep, start_date=_days_ago(30))
    services.attachment_add(
        actor=lead,
        episode=ep,
        visit=ep.visits.first(),
        description="School report",
        upload=SimpleUploadedFile("report.pdf", b"%PDF-1.4 synthetic", "application/pdf"),
    )
    school = AgencyFactory(code="matrix-school", name="Matrix School")
    services.taf_invite(
        actor=lead,
        episode=ep,
        user=UserFactory(username="matrix.school", agency=school),
        role_in_taf="School DSL",
    )
    return ep


def _weekday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def cin_episode(f) -> Episode:
    """A child in need episode for twin 1 (same lead): its child in need plan ended, then a
    section 47 enquiry, a conference and a child protection plan."""
    existing = Episode.objects.filter(household=f.household, kind=EpisodeKind.CHILD_IN_NEED)
    if existing.exists():
        return existing.get()
    lead = User.objects.get(username="hub.practitioner")
    ep = services.episode_open(
        actor=lead, household=f.household, kind=EpisodeKind.CHILD_IN_NEED, children=[f.twin1],
        referral_date=_days_ago(60), start_date=_days_ago(50), level_of_need=3,
        primary_need="N1",
    )  # fmt: skip
    plan = services.plan_create(
        actor=lead, episode=ep, start_date=_days_ago(45), outcomes_sought="Twin 1 is safe"
    )
    services.cin_plan_end(actor=lead, plan=plan, end_date=_days_ago(30))
    s47 = services.s47_start(
        actor=lead, episode=ep, child=ep.children.get(), start_date=_days_ago(29)
    )
    services.icpc_record(
        actor=lead, s47=s47, date=_weekday_on_or_after(_days_ago(20)), plan_agreed=True,
        category_of_abuse="NEG",
    )  # fmt: skip
    return ep


def _s47(name):
    return lambda f: _u(name, cin_episode(f).pk, cin_episode(f).s47_enquiries.get().pk)


def _cp(name):
    return lambda f: _u(name, cin_episode(f).pk, cin_episode(f).cp_plans.get().pk)


def _submitted(f) -> Assessment:
    ep = episode(f)
    a = ep.assessments.first()
    if a.status == "draft":
        lead = ep.lead_professional
        services.assessment_update(
            actor=lead, assessment=a, expected_version=a.version, entries={}, summary="Summary"
        )
        a.refresh_from_db()
        services.assessment_submit(
            actor=lead, assessment=a, factors=["21"], completed_date=_days_ago(1)
        )
    return a


def _u(name, *args):
    return reverse(f"casework:{name}", args=args)


def _ep(name):
    return lambda f: _u(name, episode(f).pk)


def _draft(f) -> Assessment:
    return episode(f).assessments.first()


UI = {
    "casework:my_work": ("get", lambda f: _u("my_work"), None, EVERYONE),
    "casework:household": ("get", lambda f: _u("household", f.household.pk), None, SEES),
    "casework:episode_open": ("get", lambda f: _u("episode_open", f.household.pk), None, CHANGES),
    "casework:household_chronology": (
        "get",
        lambda f: _u("household_chronology", episode(f).household_id),
        None,
        CHRONOLOGY,
    ),
    "casework:chronology_add": (
        "get",
        lambda f: _u("chronology_add", f.household.pk),
        None,
        CHANGES,
    ),
    "casework:person_chronology": (
        "get",
        lambda f: _u("person_chronology", f.twin1.pk),
        None,
        CHRONOLOGY,
    ),
    "casework:episode": ("get", _ep("episode"), None, SEES),
    "casework:taf_invite": ("get", _ep("taf_invite"), None, MANAGES),
    "casework:change_lead": ("get", _ep("change_lead"), None, MANAGES),
    "casework:taf_leave": (
        "post",
        lambda f: _u(
            "taf_leave",
            episode(f).pk,
            TafMember.objects.get(episode=episode(f), user__username="matrix.school").pk,
        ),
        None,
        {**MANAGES, "involved_practitioner": 302},
    ),
    "casework:visit_record": ("get", _ep("visit_record"), None, CHANGES),
    "casework:visit": (
        "get",
        lambda f: _u("visit", episode(f).pk, episode(f).visits.first().pk),
        None,
        SEES,
    ),
    "casework:prompt_resolve": (
        "get",
        lambda f: _u(
            "prompt_resolve", episode(f).pk, IdentifyPrompt.objects.get(episode=episode(f)).pk
        ),
        None,
        MANAGES,
    ),
    "casework:plan": ("get", _ep("plan"), None, SEES),
    "casework:plan_edit": ("get", _ep("plan_edit"), None, CHANGES),
    "casework:action_add": ("get", _ep("action_add"), None, CHANGES),
    "casework:action_edit": (
        "get",
        lambda f: _u("action_edit", episode(f).pk, episode(f).plan.actions.first().pk),
        None,
        CHANGES,
    ),
    "casework:review_add": ("get", _ep("review_add"), None, CHANGES),
    "casework:assessment_start": ("get", _ep("assessment_start"), None, CHANGES),
    "casework:episode_close": ("get", _ep("episode_close"), None, MANAGES),
    "casework:episode_close_decide": ("get", _ep("episode_close_decide"), None, APPROVES),
    "casework:assessment": ("get", lambda f: _u("assessment", _draft(f).pk), None, SEES),
    "casework:assessment_family": (
        "get",
        lambda f: _u("assessment_family", _draft(f).pk),
        None,
        CHANGES,
    ),
    "casework:assessment_child": (
        "get",
        lambda f: _u("assessment_child", _draft(f).pk, f.twin1.pk),
        None,
        CHANGES,
    ),
    "casework:assessment_submit": (
        "get",
        lambda f: _u("assessment_submit", _draft(f).pk),
        None,
        CHANGES,
    ),
    "casework:assessment_sign_off": (
        "post",
        lambda f: _u("assessment_sign_off", _submitted(f).pk),
        None,
        APPROVES,
    ),
    "casework:visit_attachment_add": (
        "get",
        lambda f: _u("visit_attachment_add", episode(f).pk, episode(f).visits.first().pk),
        None,
        CHANGES,
    ),
    "casework:assessment_attachment_add": (
        "get",
        lambda f: _u("assessment_attachment_add", _draft(f).pk),
        None,
        CHANGES,
    ),
    "casework:attachment": (
        "get",
        lambda f: _u("attachment", episode(f).pk, episode(f).attachments.first().pk),
        None,
        SEES,
    ),
    "casework:assessment_return": (
        "post",
        lambda f: _u("assessment_return", _submitted(f).pk),
        None,
        APPROVES,
    ),
    "casework:s47_start": ("get", lambda f: _u("s47_start", cin_episode(f).pk), None, MANAGES),
    "casework:s47_outcome": ("get", _s47("s47_outcome"), None, MANAGES),
    "casework:icpc_record": ("get", _s47("icpc_record"), None, MANAGES),
    "casework:cp_review_add": ("get", _cp("cp_review_add"), None, MANAGES),
    "casework:cp_plan_end": ("get", _cp("cp_plan_end"), None, MANAGES),
    "casework:episode_child_end": (
        "get",
        lambda f: _u("episode_child_end", episode(f).pk, episode(f).children.first().pk),
        None,
        MANAGES,
    ),
    "casework:cin_plan_end": (
        "get",
        lambda f: _u("cin_plan_end", cin_episode(f).pk),
        None,
        MANAGES,
    ),
}


def _visit_body(f) -> dict:
    return {"date": str(timezone.localdate()), "kind": "phone", "children": []}


API = {
    "api:read_episode": (
        "get",
        lambda f: reverse("api:read_episode", args=[episode(f).pk]),
        None,
        SEES,
    ),
    "api:record_visit": (
        "post",
        lambda f: reverse("api:record_visit", args=[episode(f).pk]),
        _visit_body,
        {p: 201 if s == 200 else s for p, s in CHANGES.items()},
    ),
    "api:read_chronology": (
        "get",
        lambda f: reverse("api:read_chronology", args=[episode(f).household_id]),
        None,
        CHRONOLOGY,
    ),
}
