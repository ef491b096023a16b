"""Section 47 enquiries, initial child protection conferences, child protection plans and their
reviews, and the end of a child in need plan: the CIN census rules (standards.md 1.6) applied
in `rules.py`, each refusal naming the field to fix."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from continuum.audit.models import AuditAction
from continuum.casework import rules
from continuum.casework.access import require_manage
from continuum.casework.codes import (
    CategoryOfAbuse,
    ChronologyKind,
    EpisodeKind,
    S47Outcome,
)
from continuum.casework.models import (
    ChildProtectionPlan,
    CPPlanReview,
    Episode,
    EpisodeChild,
    InitialConference,
    Plan,
    Section47Enquiry,
)
from continuum.casework.services._common import _audit, _chronology, _today


def _d(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _check(actor, episode: Episode) -> None:
    require_manage(actor, episode)
    rules.episode_is_open(episode)
    rules.statutory_episode(episode)


def cin_plans_of(person_id: int, *, exclude_episode_plan: int | None = None) -> list:
    """(start, end) of the child in need plans of the child: the plans of the CIN episodes
    they are in."""
    plans = Plan.objects.filter(
        episode__kind=EpisodeKind.CHILD_IN_NEED, episode__children__person_id=person_id
    )
    if exclude_episode_plan:
        plans = plans.exclude(pk=exclude_episode_plan)
    return list(plans.values_list("start_date", "end_date"))


@transaction.atomic
def s47_start(
    *, actor, episode: Episode, child: EpisodeChild, start_date: dt.date
) -> Section47Enquiry:
    """Start a section 47 enquiry about a child in the episode, on the day of the strategy
    discussion; the conference is due 15 working days later."""
    _check(actor, episode)
    if child.episode_id != episode.pk:
        raise ValidationError({"child": "Choose a child in this episode"})
    rules.child_in_episode(child)
    rules.activity_date(
        what="Strategy discussion", day=start_date, episode=episode, today=_today(),
        field="start_date",
    )  # fmt: skip
    # Two enquiries started at once for the same child: the second waits, then sees the first.
    list(EpisodeChild.objects.select_for_update().filter(person_id=child.person_id))
    unresolved = Section47Enquiry.objects.filter(
        child__person_id=child.person_id, icpc_not_required=False, icpc__isnull=True
    )
    rules.no_open_s47(child_name=child.person.display_name, unresolved=unresolved)
    s47 = Section47Enquiry(
        episode=episode,
        child=child,
        start_date=start_date,
        icpc_target=rules.icpc_target(start_date),
        recorded_by=actor,
    )
    s47.full_clean()
    s47.save()
    _chronology(
        actor=actor, episode=episode, date=start_date, kind=ChronologyKind.S47,
        person=child.person, significant=True, source=s47,
        summary=f"Strategy discussion: section 47 enquiry started; initial child protection "
        f"conference due by {_d(s47.icpc_target)}",
    )  # fmt: skip
    _audit(actor, AuditAction.CREATE, s47, details={"episode": episode.pk})
    return s47


@transaction.atomic
def s47_conclude(
    *, actor, s47: Section47Enquiry, outcome: str, outcome_date: dt.date
) -> Section47Enquiry:
    """Record the outcome of the enquiry. Any outcome but a conference means no conference is
    needed (ICPCnotRequired)."""
    episode = s47.episode
    _check(actor, episode)
    if outcome not in S47Outcome.values:
        raise ValidationError({"outcome": "Choose the outcome of the enquiry"})
    rules.s47_outcome(s47=s47, outcome=outcome, outcome_date=outcome_date, today=_today())
    rules.activity_date(
        what="Outcome", day=outcome_date, episode=episode, today=_today(), field="outcome_date"
    )
    s47.outcome = outcome
    s47.outcome_date = outcome_date
    s47.icpc_not_required = outcome != S47Outcome.ICPC
    s47.version += 1
    s47.full_clean()
    s47.save(update_fields=["outcome", "outcome_date", "icpc_not_required", "version"])
    _chronology(
        actor=actor, episode=episode, date=outcome_date, kind=ChronologyKind.S47,
        person=s47.child.person, source=s47,
        summary=f"Section 47 enquiry concluded: {s47.get_outcome_display()}",
    )  # fmt: skip
    _audit(actor, AuditAction.UPDATE, s47, fields=["outcome", "outcome_date", "icpc_not_required"])
    return s47


@transaction.atomic
def icpc_record(
    *,
    actor,
    s47: Section47Enquiry,
    date: dt.date,
    plan_agreed: bool,
    category_of_abuse: str = "",
) -> InitialConference:
    """Record the initial child protection conference of an enquiry. When it decides on a plan,
    the child protection plan starts the same day (2885) with the category of abuse given."""
    episode = s47.episode
    _check(actor, episode)
    s47 = Section47Enquiry.objects.select_for_update().get(pk=s47.pk)
    rules.icpc_once(s47=s47)
    rules.activity_date(what="Conference", day=date, episode=episode, today=_today())
    rules.icpc_date(s47=s47, day=date)
    if plan_agreed and category_of_abuse not in CategoryOfAbuse.values:
        raise ValidationError({"category_of_abuse": "Choose the category of abuse for the plan"})
    if not plan_agreed and category_of_abuse:
        raise ValidationError(
            {"category_of_abuse": "Only give a category of abuse when the conference decided on "
             "a plan"}
        )  # fmt: skip
    icpc = InitialConference(s47=s47, date=date, plan_agreed=plan_agreed, recorded_by=actor)
    icpc.full_clean()
    icpc.save()
    if not s47.outcome:
        s47.outcome, s47.outcome_date = S47Outcome.ICPC, date
        s47.save(update_fields=["outcome", "outcome_date"])
    child = s47.child
    late = date > s47.icpc_target
    _chronology(
        actor=actor, episode=episode, date=date, kind=ChronologyKind.ICPC, person=child.person,
        significant=True, source=icpc,
        summary="Initial child protection conference: "
        + ("child protection plan" if plan_agreed else "no child protection plan")
        + (f" (held after its target date, {_d(s47.icpc_target)})" if late else ""),
    )  # fmt: skip
    _audit(actor, AuditAction.CREATE, icpc, details={"s47": s47.pk, "plan": plan_agreed})
    if plan_agreed:
        _cp_plan_start(actor=actor, icpc=icpc, category_of_abuse=category_of_abuse)
    return icpc


def _cp_plan_start(*, actor, icpc: InitialConference, category_of_abuse: str):
    s47 = icpc.s47
    episode, child = s47.episode, s47.child
    name = child.person.display_name
    rules.cp_plan_from_icpc(icpc=icpc, start_date=icpc.date)
    others = ChildProtectionPlan.objects.select_for_update().filter(
        child__person_id=child.person_id
    )
    rules.one_open_cp_plan(child_name=name, open_plans=[p for p in others if p.is_open])
    rules.cp_plans_do_not_overlap(child_name=name, start=icpc.date, end=None, others=others)
    rules.no_cin_plan_during_cp(
        cin_plans=cin_plans_of(child.person_id), cp_start=icpc.date, cp_end=None,
        field="plan_agreed",
    )  # fmt: skip
    plan = ChildProtectionPlan(
        episode=episode, child=child, icpc=icpc, start_date=icpc.date,
        category_of_abuse=category_of_abuse, recorded_by=actor,
    )  # fmt: skip
    plan.full_clean()
    plan.save()
    _chronology(
        actor=actor, episode=episode, date=plan.start_date, kind=ChronologyKind.CP_PLAN,
        person=child.person, significant=True, source=plan,
        summary=f"Child protection plan started: {plan.get_category_of_abuse_display()}",
    )  # fmt: skip
    _audit(actor, AuditAction.CREATE, plan, details={"icpc": icpc.pk})
    return plan


@transaction.atomic
def cp_review_record(*, actor, plan: ChildProtectionPlan, date: dt.date) -> CPPlanReview:
    """Record a review conference of a child protection plan."""
    episode = plan.episode
    _check(actor, episode)
    rules.activity_date(what="Review conference", day=date, episode=episode, today=_today())
    rules.cp_review_date(plan=plan, day=date, today=_today())
    rules.no_cin_plan_during_cp(
        cin_plans=cin_plans_of(plan.child.person_id), cp_start=date, cp_end=date, field="date"
    )
    if plan.reviews.filter(date=date).exists():
        raise ValidationError({"date": f"A review conference on {_d(date)} is already recorded"})
    review = CPPlanReview(plan=plan, date=date, recorded_by=actor)
    review.full_clean()
    review.save()
    _chronology(
        actor=actor, episode=episode, date=date, kind=ChronologyKind.CP_PLAN,
        person=plan.child.person, source=review,
        summary="Child protection review conference held",
    )  # fmt: skip
    _audit(actor, AuditAction.CREATE, review, details={"plan": plan.pk})
    return review


@transaction.atomic
def cp_plan_end(
    *, actor, plan: ChildProtectionPlan, end_date: dt.date, expected_version: int
) -> ChildProtectionPlan:
    """End a child protection plan."""
    episode = plan.episode
    _check(actor, episode)
    plan = ChildProtectionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.version != expected_version:
        raise ValidationError("Someone else changed this plan. Check it and try again")
    if plan.end_date:
        raise ValidationError(f"This plan ended on {_d(plan.end_date)}")
    rules.activity_date(
        what="Plan end", day=end_date, episode=episode, today=_today(), field="end_date"
    )
    last = plan.reviews.order_by("-date").values_list("date", flat=True).first()
    rules.cp_plan_end(start_date=plan.start_date, end_date=end_date, last_review=last,
                      today=_today())  # fmt: skip
    plan.end_date = end_date
    plan.version += 1
    plan.full_clean()
    plan.save(update_fields=["end_date", "version"])
    _chronology(
        actor=actor, episode=episode, date=end_date, kind=ChronologyKind.CP_PLAN,
        person=plan.child.person, significant=True, source=plan,
        summary="Child protection plan ended",
    )  # fmt: skip
    _audit(actor, AuditAction.UPDATE, plan, fields=["end_date"])
    return plan


@transaction.atomic
def cin_plan_end(*, actor, plan: Plan, end_date: dt.date) -> Plan:
    """End the child in need plan (the plan of a child in need episode), for example before a
    child protection plan starts."""
    episode = plan.episode
    require_manage(actor, episode)
    rules.episode_is_open(episode)
    if episode.kind != EpisodeKind.CHILD_IN_NEED:
        raise ValidationError("Only a child in need episode has a child in need plan to end")
    if plan.end_date:
        raise ValidationError(f"The child in need plan ended on {_d(plan.end_date)}")
    rules.cin_plan_end(plan_start=plan.start_date, end_date=end_date, today=_today())
    plan.end_date = end_date
    plan.version = F("version") + 1
    plan.save(update_fields=["end_date", "version"])
    plan.refresh_from_db()
    _chronology(
        actor=actor, episode=episode, date=end_date, kind=ChronologyKind.PLAN,
        summary="Child in need plan ended", source=plan,
    )  # fmt: skip
    _audit(actor, AuditAction.UPDATE, plan, fields=["end_date"])
    return plan

