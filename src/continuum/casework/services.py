"""Writes for casework. Keyword-only, typed, atomic, validated, audited in the same transaction;
status changes are named services that check the from-state and record a transition."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.casework import rules
from continuum.casework.access import require_manage, require_manager
from continuum.casework.codes import (
    DIMENSION_DOMAIN,
    MANUAL_CHRONOLOGY_KINDS,
    OPEN_ACTION_STATUSES,
    STATUTORY_KINDS,
    ActionStatus,
    AssessmentStatus,
    ChronologyKind,
    EpisodeStatus,
)
from continuum.casework.models import (
    ActionProgress,
    Assessment,
    AssessmentChild,
    AssessmentEntry,
    ChronologyEntry,
    Episode,
    EpisodeChild,
    EpisodeTransition,
    IdentifyPrompt,
    Plan,
    PlanAction,
    PlanReview,
    TafMember,
    Visit,
    VisitChild,
)
from continuum.governance.models import AccessLevel, Involvement, InvolvementSource
from continuum.people.errors import ConflictError
from continuum.people.models import Household, HouseholdMembership, Person, PersonKind


def _today() -> dt.date:
    return timezone.localdate()


def _audit(actor, action, obj, *, fields=None, reason="", details=None) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type=f"casework.{type(obj).__name__.lower()}",
        object_id=obj.pk,
        changed_fields=fields,
        reason=reason,
        details=details,
    )


def _chronology(
    *, actor, episode: Episode, date, kind, summary, person=None, significant=False, source=None
) -> ChronologyEntry:
    entry = ChronologyEntry(
        household_id=episode.household_id,
        episode=episode,
        person=person,
        date=date,
        kind=kind,
        summary=summary[:500],
        significant=significant,
        agency_id=actor.agency_id if actor and actor.agency_id else episode.agency_id,
        recorded_by=actor,
        source_type=type(source).__name__.lower() if source is not None else "",
        source_id=source.pk if source is not None else None,
    )
    entry.full_clean()
    entry.save()
    return entry


def _transition(episode: Episode, *, actor, to_status: str, note: str = "") -> None:
    from_status = episode.status
    EpisodeTransition.objects.create(
        episode=episode, from_status=from_status, to_status=to_status, actor=actor, note=note
    )
    episode.status = to_status


def _bump(obj) -> None:
    obj.version = F("version") + 1


# --- Episodes ----------------------------------------------------------------------------


def _current_children(household: Household) -> list[Person]:
    return [
        m.person
        for m in HouseholdMembership.objects.filter(household=household, end_date__isnull=True)
        .select_related("person")
        .order_by("person__date_of_birth")
        if m.person.kind in (PersonKind.CHILD, PersonKind.UNBORN)
    ]


@transaction.atomic
def episode_open(
    *,
    actor,
    household: Household,
    kind: str,
    children: list[Person],
    referral_date: dt.date,
    start_date: dt.date,
    level_of_need: int,
    primary_need: str = "",
    category_of_abuse: str = "",
    lead_professional=None,
    team=None,
) -> Episode:
    """Open an episode for a family. Each child chosen gets their own record in it; the lead
    professional joins the Team Around the Family (their agency gets access for its life)."""
    lead = lead_professional or actor
    if not lead.agency_id:
        raise ValidationError({"lead_professional": "The lead professional must be in an agency"})
    if not children:
        raise ValidationError({"children": "Choose at least one child in this episode"})
    family_children = {p.pk for p in _current_children(household)}
    if any(c.pk not in family_children for c in children):
        raise ValidationError({"children": "Choose children who live in this household"})
    rules.episode_dates(referral_date=referral_date, start_date=start_date, today=_today())
    rules.episode_codes(kind=kind, primary_need=primary_need, category_of_abuse=category_of_abuse)
    same_family = [kind] if kind not in STATUTORY_KINDS else list(STATUTORY_KINDS)
    for child in children:
        others = Episode.objects.filter(children__person=child, kind__in=same_family)
        rules.no_overlapping_episode(
            child_name=child.display_name, kind=kind, start_date=start_date, others=others
        )
    episode = Episode(
        household=household,
        kind=kind,
        lead_professional=lead,
        agency_id=lead.agency_id,
        team=team if team is not None else lead.team,
        referral_date=referral_date,
        start_date=start_date,
        level_of_need=level_of_need,
        primary_need=primary_need,
        category_of_abuse=category_of_abuse,
        created_by=actor,
    )
    episode.full_clean()
    episode.save()
    for child in children:
        EpisodeChild.objects.create(episode=episode, person=child, start_date=start_date)
    EpisodeTransition.objects.create(
        episode=episode, from_status="", to_status=EpisodeStatus.OPEN, actor=actor
    )
    _taf_add(actor=actor, episode=episode, user=lead, role_in_taf="Lead professional")
    _chronology(
        actor=actor,
        episode=episode,
        date=start_date,
        kind=ChronologyKind.EPISODE_START,
        summary=f"{episode.get_kind_display()} episode opened; lead professional "
        f"{lead.get_full_name() or lead.username}",
        source=episode,
    )
    _audit(actor, AuditAction.CREATE, episode, details={"kind": kind, "children": len(children)})
    return episode


@transaction.atomic
def episode_change_lead(*, actor, episode: Episode, lead_professional) -> Episode:
    require_manage(actor, episode)
    rules.episode_is_open(episode)
    if not lead_professional.agency_id:
        raise ValidationError({"lead_professional": "The lead professional must be in an agency"})
    episode.lead_professional = lead_professional
    episode.agency_id = lead_professional.agency_id
    episode.team = lead_professional.team
    _bump(episode)
    episode.save(update_fields=["lead_professional", "agency", "team", "version"])
    if not episode.taf_members.filter(user=lead_professional, left_on__isnull=True).exists():
        _taf_add(
            actor=actor, episode=episode, user=lead_professional, role_in_taf="Lead professional"
        )
    _audit(actor, AuditAction.UPDATE, episode, fields=["lead_professional"])
    episode.refresh_from_db()
    return episode


# --- Team Around the Family ---------------------------------------------------------------


def _taf_add(*, actor, episode: Episode, user, role_in_taf: str) -> TafMember:
    involvement = Involvement(
        agency_id=user.agency_id,
        household_id=episode.household_id,
        access=AccessLevel.EDIT,
        source=InvolvementSource.TEAM_AROUND_FAMILY,
        reason=f"Team Around the Family, episode {episode.pk}",
        started_by=actor,
    )
    involvement.full_clean()
    involvement.save()
    member = TafMember(
        episode=episode,
        user=user,
        agency_id=user.agency_id,
        role_in_taf=role_in_taf,
        involvement=involvement,
        invited_by=actor,
    )
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def taf_invite(*, actor, episode: Episode, user, role_in_taf: str) -> TafMember:
    """Invite a practitioner into the Team Around the Family: their agency gets access to the
    family (an open TAF involvement) for as long as they are a member."""
    require_manage(actor, episode)
    rules.episode_is_open(episode)
    if not user.is_active or not user.agency_id:
        raise ValidationError({"user": "Choose an active practitioner in an agency"})
    if not (role_in_taf or "").strip():
        raise ValidationError({"role_in_taf": "Enter their role in the team"})
    if episode.taf_members.filter(user=user, left_on__isnull=True).exists():
        raise ValidationError({"user": "They are already in the Team Around the Family"})
    member = _taf_add(actor=actor, episode=episode, user=user, role_in_taf=role_in_taf.strip())
    _chronology(
        actor=actor,
        episode=episode,
        date=_today(),
        kind=ChronologyKind.TAF,
        summary=f"{user.get_full_name() or user.username} ({user.agency.name}) joined the Team "
        f"Around the Family as {member.role_in_taf}",
        source=member,
    )
    _audit(actor, AuditAction.CREATE, member, details={"episode": episode.pk, "user": user.pk})
    return member


def _end_membership(member: TafMember, *, now) -> None:
    member.left_on = timezone.localdate(now)
    member.save(update_fields=["left_on"])
    Involvement.objects.filter(pk=member.involvement_id, ended_at__isnull=True).update(ended_at=now)


@transaction.atomic
def taf_leave(*, actor, member: TafMember) -> TafMember:
    """A member leaves the team (themselves, or removed by the lead): their TAF involvement ends,
    and with it their agency's access through this episode."""
    episode = member.episode
    if actor.pk != member.user_id:
        require_manage(actor, episode)
    if member.left_on:
        raise ValidationError("They have already left the team")
    if member.user_id == episode.lead_professional_id and episode.is_open:
        raise ValidationError(
            "The lead professional cannot leave the team. Change the lead professional first"
        )
    _end_membership(member, now=timezone.now())
    _chronology(
        actor=actor,
        episode=episode,
        date=_today(),
        kind=ChronologyKind.TAF,
        summary=f"{member.user.get_full_name() or member.user.username} ({member.agency.name}) "
        "left the Team Around the Family",
        source=member,
    )
    _audit(actor, AuditAction.UPDATE, member, fields=["left_on"])
    return member


# --- Visits -------------------------------------------------------------------------------


@transaction.atomic
def visit_record(
    *,
    actor,
    episode: Episode,
    date: dt.date,
    kind: str,
    present: list[Person],
    children: list[dict],
    observations: str = "",
    significant: bool = False,
    unknown_adult: str = "",
) -> Visit:
    """Record a visit or contact. `children` holds, for each child in the episode, a dict with
    person, seen, seen_alone, child_said. An adult not on the record raises a prompt for the lead
    professional to identify them."""
    rules.episode_is_open(episode)
    rules.activity_date(what="Visit", day=date, episode=episode, today=_today())
    family = set(
        HouseholdMembership.objects.filter(
            household_id=episode.household_id, end_date__isnull=True
        ).values_list("person_id", flat=True)
    )
    if any(p.pk not in family for p in present):
        raise ValidationError({"present": "Choose people who live in this household"})
    episode_children = set(episode.children.values_list("person_id", flat=True))
    for row in children:
        if row["person"].pk not in episode_children:
            raise ValidationError("A child in the visit is not in this episode")
        if row.get("seen_alone") and not row.get("seen"):
            raise ValidationError(
                {
                    "children": f"{row['person'].display_name} cannot be seen alone "
                    "without being seen"
                }
            )
    visit = Visit(
        episode=episode,
        date=date,
        kind=kind,
        unknown_adult=(unknown_adult or "").strip(),
        observations=observations,
        significant=significant,
        recorded_by=actor,
        agency_id=actor.agency_id,
    )
    visit.full_clean()
    visit.save()
    visit.present.set(present)
    VisitChild.objects.bulk_create(
        VisitChild(
            visit=visit,
            person=row["person"],
            seen=bool(row.get("seen")),
            seen_alone=bool(row.get("seen_alone")),
            child_said=row.get("child_said", ""),
        )
        for row in children
    )
    if visit.unknown_adult:
        IdentifyPrompt.objects.create(episode=episode, visit=visit, description=visit.unknown_adult)
    seen = [r["person"].display_name for r in children if r.get("seen")]
    summary = f"{visit.get_kind_display()}" + (
        f"; seen: {', '.join(seen)}" if seen else "; no child seen"
    )
    if visit.unknown_adult:
        summary += "; an adult not on the record was present"
    _chronology(
        actor=actor,
        episode=episode,
        date=date,
        kind=ChronologyKind.VISIT,
        summary=summary,
        significant=significant,
        source=visit,
    )
    _audit(actor, AuditAction.CREATE, visit, details={"episode": episode.pk})
    return visit


@transaction.atomic
def prompt_resolve(
    *, actor, prompt: IdentifyPrompt, person: Person | None, note: str
) -> IdentifyPrompt:
    """The lead professional identifies the adult (links a person) or explains (a note)."""
    require_manage(actor, prompt.episode)
    if prompt.resolved_at:
        raise ValidationError("This has already been resolved")
    if person is None and not (note or "").strip():
        raise ValidationError({"note": "Choose who they are, or say why they cannot be identified"})
    prompt.resolved_at = timezone.now()
    prompt.resolved_by = actor
    prompt.resolved_person = person
    prompt.resolution_note = (note or "").strip()
    prompt.save(update_fields=["resolved_at", "resolved_by", "resolved_person", "resolution_note"])
    _audit(actor, AuditAction.UPDATE, prompt, fields=["resolved_at", "resolved_person"])
    return prompt


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


def _check_version(obj, expected_version: int, fields: dict) -> None:
    """Optimistic concurrency: refuse a save made against an older version, naming what changed."""
    current = type(obj).objects.get(pk=obj.pk)
    if current.version != expected_version:
        changed = {
            name: (yours, getattr(current, name))
            for name, yours in fields.items()
            if getattr(current, name) != yours
        }
        raise ConflictError(changed=changed, current_version=current.version)


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


# --- Assessments --------------------------------------------------------------------------


@transaction.atomic
def assessment_start(*, actor, episode: Episode, start_date: dt.date) -> Assessment:
    rules.episode_is_open(episode)
    rules.activity_date(
        what="Assessment start",
        day=start_date,
        episode=episode,
        today=_today(),
        field="start_date",
    )
    rules.single_open_assessment(
        open_count=episode.assessments.exclude(status=AssessmentStatus.COMPLETED).count()
    )
    assessment = Assessment(episode=episode, start_date=start_date, created_by=actor)
    assessment.full_clean()
    assessment.save()
    for child in episode.children.select_related("person"):
        AssessmentChild.objects.create(assessment=assessment, person=child.person)
    _chronology(
        actor=actor,
        episode=episode,
        date=start_date,
        kind=ChronologyKind.ASSESSMENT,
        summary="Assessment started",
        source=assessment,
    )
    _audit(actor, AuditAction.CREATE, assessment, details={"episode": episode.pk})
    return assessment


def _require_draft(assessment: Assessment) -> None:
    if assessment.status != AssessmentStatus.DRAFT:
        raise ValidationError(
            "This assessment has been submitted for sign-off and cannot be changed. "
            "A manager can return it for changes"
        )


@transaction.atomic
def assessment_update(
    *,
    actor,
    assessment: Assessment,
    expected_version: int,
    entries: dict[tuple[int | None, str], tuple[str, str]],
    parents_view: str | None = None,
    summary: str | None = None,
    child: Person | None = None,
    seen: bool | None = None,
    seen_alone: bool | None = None,
    wishes_and_feelings: str | None = None,
) -> Assessment:
    """Save a section of a draft assessment. `entries` maps (person id or None, dimension) to
    (strengths, needs); for a child's section pass child= and their voice."""
    assessment = (
        Assessment.objects.select_for_update().select_related("episode").get(pk=assessment.pk)
    )
    rules.episode_is_open(assessment.episode)
    _require_draft(assessment)
    _check_version(assessment, expected_version, {})
    for (person_id, dimension), (strengths, needs) in entries.items():
        if dimension not in DIMENSION_DOMAIN:
            raise ValidationError("Unknown assessment dimension")
        AssessmentEntry.objects.update_or_create(
            assessment=assessment,
            person_id=person_id,
            dimension=dimension,
            defaults={
                "domain": DIMENSION_DOMAIN[dimension],
                "strengths": strengths or "",
                "needs": needs or "",
            },
        )
    fields = []
    if parents_view is not None:
        assessment.parents_view = parents_view
        fields.append("parents_view")
    if summary is not None:
        assessment.summary = summary
        fields.append("summary")
    if child is not None:
        row = assessment.children.get(person=child)
        if seen_alone and not seen:
            raise ValidationError({"seen_alone": "A child seen alone must also be seen"})
        row.seen = bool(seen)
        row.seen_alone = bool(seen_alone)
        row.wishes_and_feelings = wishes_and_feelings or ""
        row.save(update_fields=["seen", "seen_alone", "wishes_and_feelings"])
    assessment.version = expected_version + 1
    assessment.save(update_fields=[*fields, "version"])
    _audit(actor, AuditAction.UPDATE, assessment, fields=[*fields, "entries"])
    return assessment


@transaction.atomic
def assessment_submit(
    *, actor, assessment: Assessment, factors: list[str], completed_date: dt.date
) -> Assessment:
    """The practitioner finishes the assessment, with the factors identified, for sign-off."""
    episode = assessment.episode
    rules.episode_is_open(episode)
    _require_draft(assessment)
    rules.activity_date(
        what="Completion",
        day=completed_date,
        episode=episode,
        today=_today(),
        field="completed_date",
    )
    rules.assessment_dates(start_date=assessment.start_date, completed_date=completed_date)
    rules.assessment_factors(factors=factors, completed=True)
    if not (assessment.summary or "").strip():
        raise ValidationError("Write the analysis and summary before submitting the assessment")
    assessment.factors = factors
    assessment.completed_date = completed_date
    assessment.submitted_by = actor
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.version += 1
    assessment.save(
        update_fields=["factors", "completed_date", "submitted_by", "status", "version"]
    )
    _audit(actor, AuditAction.UPDATE, assessment, fields=["status", "factors"])
    return assessment


@transaction.atomic
def assessment_sign_off(*, actor, assessment: Assessment) -> Assessment:
    episode = assessment.episode
    require_manager(actor, episode)
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise ValidationError("Only a submitted assessment can be signed off")
    if assessment.submitted_by_id == actor.pk:
        raise ValidationError("A manager cannot sign off an assessment they submitted themselves")
    rules.assessment_factors(factors=assessment.factors, completed=True)
    assessment.status = AssessmentStatus.COMPLETED
    assessment.signed_off_by = actor
    assessment.version += 1
    assessment.save(update_fields=["status", "signed_off_by", "version"])
    _chronology(
        actor=actor,
        episode=episode,
        date=assessment.completed_date,
        kind=ChronologyKind.ASSESSMENT,
        summary="Assessment completed and signed off; factors: " + ", ".join(assessment.factors),
        source=assessment,
    )
    _audit(actor, AuditAction.UPDATE, assessment, fields=["status"], reason="Signed off")
    return assessment


@transaction.atomic
def assessment_return(*, actor, assessment: Assessment, note: str) -> Assessment:
    require_manager(actor, assessment.episode)
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise ValidationError("Only a submitted assessment can be returned")
    assessment.status = AssessmentStatus.DRAFT
    assessment.factors = []  # factors only on completed assessments (8614)
    assessment.completed_date = None
    assessment.version += 1
    assessment.save(update_fields=["status", "factors", "completed_date", "version"])
    _audit(actor, AuditAction.UPDATE, assessment, fields=["status"], reason=note[:300])
    return assessment


# --- Closure ------------------------------------------------------------------------------


def _last_activity(episode: Episode) -> dt.date | None:
    return (
        ChronologyEntry.objects.filter(episode=episode)
        .exclude(kind=ChronologyKind.TAF)
        .aggregate(last=Max("date"))["last"]
    )


@transaction.atomic
def episode_request_closure(
    *,
    actor,
    episode: Episode,
    end_date: dt.date,
    reason_for_closure: str = "",
    outcome: str = "",
    summary: str = "",
    action_dispositions: dict[int, tuple[str, str]] | None = None,
) -> Episode:
    """The lead professional asks to close the episode. Every open action must say what happens
    to it. A manager approves before the closure is final."""
    require_manage(actor, episode)
    if episode.status != EpisodeStatus.OPEN:
        raise ValidationError("Only an open episode can be closed")
    rules.closure_fields(
        kind=episode.kind, end_date=end_date, reason=reason_for_closure, outcome=outcome
    )
    rules.closure_date(
        referral_date=episode.referral_date,
        start_date=episode.start_date,
        end_date=end_date,
        last_activity=_last_activity(episode),
        today=_today(),
    )
    rules.no_incomplete_assessment(
        incomplete=episode.assessments.exclude(status=AssessmentStatus.COMPLETED).count()
    )
    if episode.kind in STATUTORY_KINDS:
        rules.closure_reason_after_no_factors(
            reason=reason_for_closure,
            completed_factor_sets=[
                a.factors for a in episode.assessments.filter(status=AssessmentStatus.COMPLETED)
            ],
        )
    dispositions = {int(k): v for k, v in (action_dispositions or {}).items()}
    open_actions = list(
        PlanAction.objects.filter(plan__episode=episode, status__in=OPEN_ACTION_STATUSES)
    )
    missing = [a for a in open_actions if a.pk not in dispositions]
    if missing:
        raise ValidationError(
            {"actions": f"Say what happens to each open action ({len(missing)} not answered)"}
        )
    for action in open_actions:
        status, note = dispositions[action.pk]
        if status not in (ActionStatus.DONE, ActionStatus.NOT_DONE):
            raise ValidationError({"actions": "Choose done or not done for each open action"})
        if status == ActionStatus.NOT_DONE and not (note or "").strip():
            raise ValidationError(
                {"actions": f"Say what happens next for '{action.description[:60]}'"}
            )
    episode.end_date = end_date
    episode.reason_for_closure = reason_for_closure
    episode.outcome = outcome
    episode.closure_summary = summary
    episode.pending_action_dispositions = {
        str(a.pk): list(dispositions[a.pk]) for a in open_actions
    }
    episode.closure_requested_by = actor
    _transition(episode, actor=actor, to_status=EpisodeStatus.CLOSURE_REQUESTED)
    episode.version += 1
    episode.full_clean()
    episode.save(
        update_fields=[
            "end_date",
            "reason_for_closure",
            "outcome",
            "closure_summary",
            "pending_action_dispositions",
            "closure_requested_by",
            "status",
            "version",
        ]
    )
    _audit(
        actor,
        AuditAction.UPDATE,
        episode,
        fields=["status", "end_date"],
        reason="Closure requested",
    )
    return episode


@transaction.atomic
def episode_approve_closure(*, actor, episode: Episode) -> Episode:
    """A manager approves closure: open actions are closed as agreed, every Team Around the
    Family membership (and the access it gave) ends, and the children's records in the episode
    close."""
    require_manager(actor, episode)
    if episode.status != EpisodeStatus.CLOSURE_REQUESTED:
        raise ValidationError("This episode is not awaiting closure approval")
    # Activity may have been recorded after the request: re-check no activity after closure.
    rules.closure_date(
        referral_date=episode.referral_date,
        start_date=episode.start_date,
        end_date=episode.end_date,
        last_activity=_last_activity(episode),
        today=_today(),
    )
    for action_id, (status, note) in episode.pending_action_dispositions.items():
        PlanAction.objects.filter(pk=int(action_id), status__in=OPEN_ACTION_STATUSES).update(
            status=status, closed_note=(note or "")[:300], version=F("version") + 1
        )
    still_open = PlanAction.objects.filter(plan__episode=episode, status__in=OPEN_ACTION_STATUSES)
    if still_open.exists():
        raise ValidationError("Actions were added after closure was requested; ask again")
    now = timezone.now()
    for member in episode.taf_members.filter(left_on__isnull=True):
        _end_membership(member, now=now)
    episode.children.filter(end_date__isnull=True).update(
        end_date=episode.end_date, reason_for_closure=episode.reason_for_closure
    )
    episode.closure_approved_by = actor
    _transition(episode, actor=actor, to_status=EpisodeStatus.CLOSED)
    episode.version += 1
    episode.save(update_fields=["closure_approved_by", "status", "version"])
    label = episode.get_reason_for_closure_display() or episode.get_outcome_display()
    _chronology(
        actor=actor,
        episode=episode,
        date=episode.end_date,
        kind=ChronologyKind.EPISODE_CLOSE,
        summary=f"{episode.get_kind_display()} episode closed: {label}",
        source=episode,
    )
    _audit(actor, AuditAction.UPDATE, episode, fields=["status"], reason="Closure approved")
    return episode


@transaction.atomic
def episode_reject_closure(*, actor, episode: Episode, note: str) -> Episode:
    require_manager(actor, episode)
    if episode.status != EpisodeStatus.CLOSURE_REQUESTED:
        raise ValidationError("This episode is not awaiting closure approval")
    if not (note or "").strip():
        raise ValidationError({"note": "Say why the episode should stay open"})
    episode.end_date = None
    episode.reason_for_closure = ""
    episode.outcome = ""
    episode.pending_action_dispositions = {}
    _transition(episode, actor=actor, to_status=EpisodeStatus.OPEN, note=note.strip()[:300])
    episode.version += 1
    episode.save(
        update_fields=[
            "end_date",
            "reason_for_closure",
            "outcome",
            "pending_action_dispositions",
            "status",
            "version",
        ]
    )
    _audit(actor, AuditAction.UPDATE, episode, fields=["status"], reason="Closure not approved")
    return episode


# --- Chronology ---------------------------------------------------------------------------


@transaction.atomic
def chronology_add(
    *,
    actor,
    household: Household,
    date: dt.date,
    kind: str,
    summary: str,
    person: Person | None = None,
    significant: bool = False,
) -> ChronologyEntry:
    """A manual chronology entry (a police incident, a school exclusion, a health event …)."""
    if not actor.agency_id:
        raise PermissionDenied("Only staff of an agency can add to a chronology")
    if kind not in MANUAL_CHRONOLOGY_KINDS:
        raise ValidationError({"kind": "Choose a type of event"})
    if date > _today():
        raise ValidationError({"date": "Date of the event must be today or in the past"})
    if (
        person is not None
        and not HouseholdMembership.objects.filter(household=household, person=person).exists()
    ):
        raise ValidationError({"person": "Choose someone in this family"})
    if (
        person is not None
        and person.date_of_birth
        and date < person.date_of_birth - dt.timedelta(weeks=40)
    ):
        raise ValidationError({"date": "Date of the event is before the child was born"})
    entry = ChronologyEntry(
        household=household,
        person=person,
        date=date,
        kind=kind,
        summary=(summary or "").strip(),
        significant=significant,
        agency_id=actor.agency_id,
        recorded_by=actor,
        manual=True,
    )
    entry.full_clean()
    entry.save()
    _audit(actor, AuditAction.CREATE, entry, details={"household": household.pk})
    return entry



# --- Attachments --------------------------------------------------------------------------

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# extension -> (content type, the first bytes every such file starts with)
ATTACHMENT_TYPES = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    "txt": ("text/plain", ()),
}


def _check_upload(upload) -> str:
    """The content type of an allowed file, judged by its extension AND its first bytes."""
    name = upload.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ATTACHMENT_TYPES:
        raise ValidationError({"file": "The file must be a PDF, JPG, PNG, DOCX or TXT"})
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": "The file must be smaller than 10MB"})
    if upload.size == 0:
        raise ValidationError({"file": "The selected file is empty"})
    content_type, signatures = ATTACHMENT_TYPES[ext]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if signatures and not any(head.startswith(s) for s in signatures):
        raise ValidationError({"file": f"The file is not a real {ext.upper()} file"})
    if not signatures and b"\x00" in head:
        raise ValidationError({"file": "The file is not a plain text file"})
    return content_type


@transaction.atomic
def attachment_add(
    *, actor, episode: Episode, upload, description: str, visit=None, assessment=None
):
    """Attach a file to a visit or an assessment of an open episode."""
    from continuum.casework.models import Attachment

    rules.episode_is_open(episode)
    if (visit is None) == (assessment is None):
        raise ValidationError("Attach the file to one visit or one assessment")
    if not (description or "").strip():
        raise ValidationError({"description": "Say what the file is"})
    content_type = _check_upload(upload)
    attachment = Attachment(
        episode=episode, visit=visit, assessment=assessment, original_name=upload.name[-200:],
        content_type=content_type, size=upload.size, description=description.strip(),
        uploaded_by=actor,
    )  # fmt: skip
    attachment.file.save("upload", upload, save=False)
    attachment.full_clean()
    attachment.save()
    _audit(actor, AuditAction.CREATE, attachment, details={"episode": episode.pk})
    return attachment
