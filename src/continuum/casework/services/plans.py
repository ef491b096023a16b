"""The family's plan: actions with one named owner, reviews, optimistic concurrency."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from continuum.audit.models import AuditAction
from continuum.casework import rules
from continuum.casework.codes import (
    OPEN_ACTION_STATUSES,
    ActionStatus,
    ChronologyKind,
    EpisodeKind,
)
from continuum.casework.models import (
    ActionProgress,
    ChildProtectionPlan,
    Episode,
    Plan,
    PlanAction,
    PlanReview,
)
from continuum.casework.services._common import (
    _audit,
    _check_version,
    _chronology,
    _today,
)
from continuum.people.models import HouseholdMembership

# --- Plans --------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    actor,
    episode: Episode,
    start_date: dt.date,
    outcomes_sought: str,
    review_interval_weeks: int = 6,
) -> Plan:
    rules.episode_is_open(episode)
    if Plan.objects.filter(episode=episode).exists():
        raise ValidationError("This episode already has a plan")
    rules.activity_date(
        what="Plan", day=start_date, episode=episode, today=_today(), field="start_date"
    )
    if not (outcomes_sought or "").strip():
        raise ValidationError({"outcomes_sought": "Enter the outcomes sought"})
    if episode.kind == EpisodeKind.CHILD_IN_NEED:
        # The plan of a CIN episode is the child in need plan: not while a child protection
        # plan runs for any child in it (4016, 4017).
        for cp in ChildProtectionPlan.objects.filter(
            child__person__in=episode.children.values("person")
        ).filter(Q(end_date__isnull=True) | Q(end_date__gte=start_date)):
            raise ValidationError(
                {
                    "start_date": f"{cp.child.person.display_name} has a child protection plan "
                    f"from {cp.start_date:%-d %B %Y}"
                    + (f" to {cp.end_date:%-d %B %Y}" if cp.end_date else "")
                    + ": a child in need plan cannot run at the same time. Start it after "
                    "the child protection plan ends"
                }
            )
    plan = Plan(
        episode=episode,
        start_date=start_date,
        outcomes_sought=outcomes_sought.strip(),
        review_interval_weeks=review_interval_weeks,
        next_review_date=start_date + dt.timedelta(weeks=review_interval_weeks),
        updated_by=actor,
    )
    plan.full_clean()
    plan.save()
    _chronology(
        actor=actor,
        episode=episode,
        date=start_date,
        kind=ChronologyKind.PLAN,
        summary="Plan agreed",
        source=plan,
    )
    _audit(actor, AuditAction.CREATE, plan, details={"episode": episode.pk})
    return plan


@transaction.atomic
def plan_update(
    *,
    actor,
    plan: Plan,
    expected_version: int,
    outcomes_sought: str,
    review_interval_weeks: int,
    next_review_date: dt.date,
) -> Plan:
    """Change the plan. If someone else saved it since the editor opened it, refuse with a
    ConflictError (no lost update); the editor sees both versions and tries again."""
    plan = Plan.objects.select_for_update().select_related("episode").get(pk=plan.pk)
    rules.episode_is_open(plan.episode)
    values = {
        "outcomes_sought": (outcomes_sought or "").strip(),
        "review_interval_weeks": review_interval_weeks,
        "next_review_date": next_review_date,
    }
    _check_version(plan, expected_version, values)
    if not values["outcomes_sought"]:
        raise ValidationError({"outcomes_sought": "Enter the outcomes sought"})
    changed = [k for k, v in values.items() if getattr(plan, k) != v]
    for k, v in values.items():
        setattr(plan, k, v)
    plan.full_clean()
    plan.version = expected_version + 1
    plan.updated_at = timezone.now()
    plan.updated_by = actor
    plan.save(update_fields=[*values, "version", "updated_at", "updated_by"])
    _audit(actor, AuditAction.UPDATE, plan, fields=changed)
    return plan


def _owner_check(plan: Plan, owner_user, owner_person) -> None:
    if bool(owner_user) == bool(owner_person):
        raise ValidationError({"owner": "Choose one person to own this action"})
    if owner_person is not None:
        family = HouseholdMembership.objects.filter(
            household_id=plan.episode.household_id, person=owner_person, end_date__isnull=True
        )
        if not family.exists():
            raise ValidationError({"owner": "A family member who owns an action must live here"})
    if (
        owner_user is not None
        and not plan.episode.taf_members.filter(user=owner_user, left_on__isnull=True).exists()
    ):
        raise ValidationError({"owner": "A practitioner who owns an action must be in the TAF"})


@transaction.atomic
def action_add(
    *, actor, plan: Plan, description: str, due_date: dt.date, owner_user=None, owner_person=None
) -> PlanAction:
    rules.episode_is_open(plan.episode)
    _owner_check(plan, owner_user, owner_person)
    if due_date < plan.start_date:
        raise ValidationError({"due_date": "Due date must be on or after the plan was agreed"})
    action = PlanAction(
        plan=plan,
        description=(description or "").strip(),
        owner_user=owner_user,
        owner_person=owner_person,
        due_date=due_date,
    )
    action.full_clean()
    action.save()
    Plan.objects.filter(pk=plan.pk).update(version=F("version") + 1, updated_at=timezone.now())
    _audit(actor, AuditAction.CREATE, action, details={"plan": plan.pk})
    return action


@transaction.atomic
def action_update(
    *,
    actor,
    action: PlanAction,
    expected_version: int,
    description: str,
    due_date: dt.date,
    status: str,
    owner_user=None,
    owner_person=None,
) -> PlanAction:
    action = (
        PlanAction.objects.select_for_update().select_related("plan__episode").get(pk=action.pk)
    )
    rules.episode_is_open(action.plan.episode)
    values = {
        "description": (description or "").strip(),
        "due_date": due_date,
        "status": status,
        "owner_user": owner_user,
        "owner_person": owner_person,
    }
    _check_version(action, expected_version, values)
    _owner_check(action.plan, owner_user, owner_person)
    changed = [k for k, v in values.items() if getattr(action, k) != v]
    for k, v in values.items():
        setattr(action, k, v)
    action.full_clean()
    action.version = expected_version + 1
    action.save(update_fields=[*values, "version"])
    Plan.objects.filter(pk=action.plan_id).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    _audit(actor, AuditAction.UPDATE, action, fields=changed)
    return action


@transaction.atomic
def review_record(
    *,
    actor,
    plan: Plan,
    review_date: dt.date,
    what_changed: str,
    child_view: str,
    next_review_date: dt.date | None,
    progress: dict[int, tuple[str, str]],
) -> PlanReview:
    """Record a plan review: progress on each open action, what changed, the child's view and
    the next review (default: the plan's interval after this one)."""
    episode = plan.episode
    rules.episode_is_open(episode)
    rules.activity_date(
        what="Review", day=review_date, episode=episode, today=_today(), field="review_date"
    )
    rules.review_date(plan_start=plan.start_date, review_date=review_date, today=_today())
    next_review_date = next_review_date or review_date + dt.timedelta(
        weeks=plan.review_interval_weeks
    )
    rules.next_review_after(review_date=review_date, next_review=next_review_date)
    errors = {}
    if not (what_changed or "").strip():
        errors["what_changed"] = "Enter what has changed since the last review"
    if not (child_view or "").strip():
        errors["child_view"] = "Enter the child's view (if they could not give one, say why)"
    if errors:
        raise ValidationError(errors)
    review = PlanReview(
        plan=plan,
        review_date=review_date,
        what_changed=what_changed.strip(),
        child_view=child_view.strip(),
        next_review_date=next_review_date,
        recorded_by=actor,
    )
    review.full_clean()
    review.save()
    actions = {a.pk: a for a in plan.actions.filter(status__in=OPEN_ACTION_STATUSES)}
    for action_id, (status, note) in progress.items():
        action = actions.get(int(action_id))
        if action is None:
            continue
        if status not in ActionStatus.values:
            raise ValidationError({"progress": "Choose a status for each action"})
        ActionProgress.objects.create(review=review, action=action, status=status, note=note or "")
        if status != action.status:
            action.status = status
            action.version = action.version + 1
            action.save(update_fields=["status", "version"])
    plan.next_review_date = next_review_date
    plan.version = plan.version + 1
    plan.save(update_fields=["next_review_date", "version"])
    _chronology(
        actor=actor,
        episode=episode,
        date=review_date,
        kind=ChronologyKind.REVIEW,
        summary=f"Plan reviewed: {review.what_changed[:200]}",
        source=review,
    )
    _audit(actor, AuditAction.CREATE, review, details={"plan": plan.pk})
    return review
