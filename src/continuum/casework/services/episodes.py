"""Episodes, the Team Around the Family and closure."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from continuum.audit.models import AuditAction
from continuum.casework import rules
from continuum.casework.access import require_manage, require_manager
from continuum.casework.codes import (
    OPEN_ACTION_STATUSES,
    STATUTORY_KINDS,
    ActionStatus,
    AssessmentStatus,
    ChronologyKind,
    EpisodeStatus,
)
from continuum.casework.models import (
    ChronologyEntry,
    Episode,
    EpisodeChild,
    EpisodeTransition,
    PlanAction,
    TafMember,
)
from continuum.casework.services._common import (
    _audit,
    _bump,
    _chronology,
    _today,
    _transition,
)
from continuum.governance.models import AccessLevel, Involvement, InvolvementSource
from continuum.governance.services import involvements_end, involvements_start
from continuum.people.models import Household, HouseholdMembership, Person, PersonKind

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
        rules.referral_not_long_before_birth(
            child_name=child.display_name, referral_date=referral_date,
            born=child.date_of_birth or child.expected_date_of_delivery,
        )  # fmt: skip
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
    [involvement] = involvements_start(
        actor=actor,
        involvements=[
            Involvement(
                agency_id=user.agency_id,
                household_id=episode.household_id,
                access=AccessLevel.EDIT,
                source=InvolvementSource.TEAM_AROUND_FAMILY,
                reason=f"Team Around the Family, episode {episode.pk}",
                started_by=actor,
            )
        ],
    )
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


def _end_membership(member: TafMember, *, now, actor, reason: str) -> None:
    member.left_on = timezone.localdate(now)
    member.save(update_fields=["left_on"])
    involvements_end(
        actor=actor,
        involvements=Involvement.objects.filter(pk=member.involvement_id),
        reason=reason,
        ended_at=now,
    )


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
    _end_membership(
        member, now=timezone.now(), actor=actor, reason="Left the Team Around the Family"
    )
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
    rules.s47_resolved_before_closure(
        unresolved=episode.s47_enquiries.filter(
            icpc_not_required=False, icpc__isnull=True
        ).select_related("child__person")
    )
    for cp in episode.cp_plans.filter(end_date__isnull=True).select_related("child__person"):
        raise ValidationError(
            {
                "end_date": f"{cp.child.person.display_name}'s child protection plan (from "
                f"{cp.start_date:%-d %B %Y}) is still open. End it before closing the episode"
            }
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
        _end_membership(member, now=now, actor=actor, reason="The episode closed")
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


@transaction.atomic
def episode_child_end(
    *,
    actor,
    episode: Episode,
    child: EpisodeChild,
    end_date: dt.date,
    reason_for_closure: str = "",
    note: str = "",
) -> EpisodeChild:
    """End one child's part in the episode while it goes on for the others (for example, the
    child moved to live with their other parent). Nothing about them may still be open: a
    section 47 enquiry without its conference (8868) or a child protection plan."""
    require_manage(actor, episode)
    rules.episode_is_open(episode)
    child = EpisodeChild.objects.select_for_update().select_related("person").get(pk=child.pk)
    if child.episode_id != episode.pk:
        raise ValidationError("Choose a child in this episode")
    rules.child_end(
        kind=episode.kind, child_record=child, end_date=end_date, reason=reason_for_closure,
        note=note, today=_today(),
        others_open=episode.children.filter(end_date__isnull=True).exclude(pk=child.pk).count(),
    )  # fmt: skip
    rules.s47_resolved_before_closure(
        unresolved=child.s47_enquiries.filter(icpc_not_required=False, icpc__isnull=True)
    )
    if child.cp_plans.filter(end_date__isnull=True).exists():
        raise ValidationError(
            {"end_date": f"{child.person.display_name}'s child protection plan is still open. "
             "End it first"}
        )  # fmt: skip
    last = (
        ChronologyEntry.objects.filter(episode=episode, person=child.person)
        .exclude(kind=ChronologyKind.TAF)
        .aggregate(last=Max("date"))["last"]
    )
    if last and last > end_date:
        raise ValidationError(
            {"end_date": f"Date their part ended must be on or after the last thing recorded "
             f"about them in this episode ({last:%-d %B %Y})"}
        )  # fmt: skip
    child.end_date = end_date
    child.reason_for_closure = reason_for_closure
    child.closure_note = (note or "").strip()
    child.full_clean()
    child.save(update_fields=["end_date", "reason_for_closure", "closure_note"])
    why = child.get_reason_for_closure_display() if reason_for_closure else child.closure_note
    _chronology(
        actor=actor, episode=episode, date=end_date, kind=ChronologyKind.EPISODE_CLOSE,
        person=child.person, source=child,
        summary=f"{child.person.display_name}'s part in the {episode.get_kind_display().lower()} "
        f"episode ended: {why}",
    )  # fmt: skip
    _audit(actor, AuditAction.UPDATE, child, fields=["end_date", "reason_for_closure"])
    return child
