"""Reads for referrals. Each goes through a gatekeeper in access.py; reads of a named child's
referral are audited like any other read of personal data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.people.selectors import PersonRecord, person_record
from continuum.referrals import access
from continuum.referrals.models import (
    OPEN_STATUSES,
    ContactNote,
    Destination,
    InformationRequest,
    NeedLevel,
    Notification,
    Outcome,
    Rag,
    Referral,
    ReferralSource,
    ReferralTransition,
    Status,
    ThresholdFramework,
)

QUEUE_PAGE_SIZE = 50
_QUEUE_FIELDS = (
    "reference",
    "status",
    "destination",
    "rag",
    "rag_due_at",
    "decision_due_at",
    "submitted_at",
    "acknowledgement_due_at",
    "escalated_at",
    "child__kind",
    "child__given_name",
    "child__known_as",
    "child__family_name",
    "referrer_agency__name",
)


def current_levels() -> list[NeedLevel]:
    framework = ThresholdFramework.objects.filter(is_current=True).first()
    return list(framework.levels.all()) if framework else []


# --- step-up from a casework episode ------------------------------------------------------------


@dataclass
class EpisodeStepUp:
    """What a step-up referral carries from the episode: the episode and the form's answers."""

    episode: object
    initial: dict


def _lines(*parts: str) -> str:
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


def episode_step_up(user, episode_id, child) -> EpisodeStepUp | None:
    """The referral form's answers pre-filled from a casework episode the user may see, about a
    child in that episode. None (a plain form, and nothing about the episode) when the id is not
    a number, the user may not see the episode, or the child is not in it. The read is audited."""
    from django.http import Http404

    from continuum.casework.access import episode_for_user
    from continuum.casework.codes import ActionStatus
    from continuum.casework.models import Plan, VisitChild

    try:
        episode = episode_for_user(user, episode_id)
    except Http404:
        return None
    if not episode.children.filter(person_id=child.pk).exists():
        return None
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="casework.episode",
        object_id=episode.pk,
        reason="Step-up referral to the front door",
        details={"child_id": child.pk},
    )
    lead = episode.lead_professional
    opened = (
        f"Stepped up from the {episode.get_kind_display().lower()} episode led by "
        f"{lead.get_full_name() or lead.username} ({episode.agency.name}), open since "
        f"{episode.start_date:%-d %B %Y}, level of need {episode.level_of_need}."
    )
    assessment = episode.assessments.order_by("-start_date", "-pk").first()
    summary = needs = parents_view = wishes = ""
    if assessment is not None:
        summary = f"Assessment ({assessment.start_date:%-d %B %Y}): {assessment.summary}".strip()
        if not assessment.summary.strip():
            summary = ""
        parents_view = assessment.parents_view
        entries = [
            f"- {e.get_domain_display()}, {e.dimension.replace('_', ' ')}: {e.needs.strip()}"
            for e in assessment.entries.filter(Q(person_id=child.pk) | Q(person__isnull=True))
            .exclude(needs="")
            .order_by("domain", "dimension", "pk")
        ]
        if entries:
            needs = "Needs identified:\n" + "\n".join(entries)
        voice = assessment.children.filter(person_id=child.pk).first()
        wishes = voice.wishes_and_feelings if voice else ""
    plan_lines = []
    plan = Plan.objects.filter(episode=episode).first()
    if plan is not None:
        plan_lines.append(f"Plan agreed {plan.start_date:%-d %B %Y}. Outcomes sought: "
                          f"{plan.outcomes_sought.strip()}")  # fmt: skip
        for action in plan.actions.select_related("owner_user__agency", "owner_person"):
            plan_lines.append(
                f"- {action.description} ({action.owner_name}, due {action.due_date:%-d %b %Y}): "
                f"{ActionStatus(action.status).label.lower()}"
            )
        review = plan.reviews.order_by("-review_date", "-pk").first()
        if review is not None:
            plan_lines.append(f"Last review {review.review_date:%-d %B %Y}: {review.what_changed}")
    visits = episode.visits.count()
    if visits:
        plan_lines.append(f"{visits} visit{'s' if visits != 1 else ''} or contacts recorded.")
    said = (
        VisitChild.objects.filter(visit__episode=episode, person_id=child.pk)
        .exclude(child_said="")
        .select_related("visit")
        .order_by("-visit__date", "-pk")
        .first()
    )
    child_views = _lines(
        f"In the assessment: {wishes}" if wishes.strip() else "",
        f"At a visit on {said.visit.date:%-d %B %Y}: {said.child_said}" if said else "",
    )
    initial = {
        "source": ReferralSource.LA_EARLY_HELP,
        "destination": Destination.FRONT_DOOR,
        "concerns": _lines(opened, summary, needs),
        "what_has_been_tried": "\n".join(plan_lines),
        "child_views": child_views,
        "parents_views": parents_view,
        "referrer_level": str(episode.level_of_need) if episode.level_of_need else None,
    }
    return EpisodeStepUp(episode=episode, initial=initial)


# --- the referrer's side ------------------------------------------------------------------------


def referrals_sent(user) -> QuerySet[Referral]:
    return (
        access.referrals_sent_visible_to(user)
        .select_related("child", "destination_agency", "received_by", "decided_by")
        .order_by("-created_at")
    )


@dataclass
class ReferralView:
    """What the referrer sees: the referral, receipts and outcome; no internal notes."""

    referral: Referral
    transitions: list[ReferralTransition]
    requests_sent: int


def referral_for_referrer(user, referral_id) -> ReferralView:
    referral = access.referral_for_referrer(user, referral_id)
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="referral",
        object_id=referral.pk,
        details={"child_id": referral.child_id, "as": "referrer"},
    )
    return ReferralView(
        referral=referral,
        transitions=list(referral.transitions.select_related("actor", "actor__agency")),
        requests_sent=referral.information_requests.count(),
    )


# --- the receiving side -------------------------------------------------------------------------


@dataclass
class QueueRow:
    referral: Referral
    deadline: dt.datetime | None
    overdue: bool


def front_door_queue(user, *, page: int = 1, rag: str = "", now: dt.datetime | None = None):
    """Open contacts for the user's receiving team, soonest deadline first, a page at a time."""
    now = now or timezone.now()
    qs = (
        access.contacts_visible_to(user)
        .filter(status__in=OPEN_STATUSES)
        .select_related("child", "referrer_agency")
        .only(*_QUEUE_FIELDS)  # narrow rows: the queue never shows the free text
    )
    if rag in Rag.values:
        qs = qs.filter(rag=rag)
    # Unacknowledged first (they have no rating yet), then by deadline.
    qs = qs.order_by(F("rag_due_at").asc(nulls_first=True), "submitted_at", "pk")
    paginator = Paginator(qs, QUEUE_PAGE_SIZE)
    page_obj = paginator.get_page(page)
    rows = [
        QueueRow(referral=r, deadline=r.deadline(), overdue=r.is_overdue(now)) for r in page_obj
    ]
    counts = dict(
        access.contacts_visible_to(user)
        .filter(status__in=OPEN_STATUSES)
        .values_list("rag")
        .annotate(n=Count("pk"))
        .values_list("rag", "n")
    )
    overdue = (
        access.contacts_visible_to(user)
        .filter(status__in=OPEN_STATUSES)
        .filter(Q(rag_due_at__lt=now) | Q(decision_due_at__lt=now))
        .count()
    )
    return rows, page_obj, counts, overdue


@dataclass
class ContactRecord:
    referral: Referral
    child: PersonRecord
    history: list[Referral]
    notes: list[ContactNote]
    requests: list[InformationRequest]
    transitions: list[ReferralTransition]
    chain: list[Referral] = field(default_factory=list)


def contact_record(user, referral_id) -> ContactRecord:
    """Everything the receiving team needs in one place: the referral, what every agency holds on
    the child and household (through the people gatekeeper), earlier referrals, requests, notes."""
    referral = access.contact_for_user(user, referral_id)
    child = person_record(user, referral.child_id, reason=f"Contact {referral.reference}")
    chain = []
    previous = referral.previous
    while previous is not None and len(chain) < 20:
        chain.append(previous)
        previous = previous.previous
    about = Q(child_id=referral.child_id)
    if referral.household_id:
        about |= Q(household_id=referral.household_id)
    history_qs = (
        Referral.objects.filter(about)
        .exclude(status=Status.DRAFT)
        .exclude(pk=referral.pk)
        .select_related("child", "referrer_agency", "destination_agency", "level_of_need")
        .order_by("-submitted_at")
    )
    if not access.perms.is_front_door(user):
        # Outside the front door, history is the step-up/step-down chain this referral carries.
        history_qs = history_qs.filter(pk__in=[r.pk for r in chain])
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="referral",
        object_id=referral.pk,
        details={"child_id": referral.child_id, "as": "receiver"},
    )
    return ContactRecord(
        referral=referral,
        child=child,
        history=list(history_qs[:50]),
        notes=list(referral.notes.select_related("author")),
        requests=list(
            InformationRequest.objects.filter(referral__in=[referral, *chain]).select_related(
                "to_agency", "requested_by", "acknowledged_by", "answered_by"
            )
        ),
        transitions=list(referral.transitions.select_related("actor")),
        chain=chain,
    )


def information_requests_for(user) -> QuerySet[InformationRequest]:
    return (
        access.information_requests_visible_to(user)
        .select_related("referral", "referral__child", "acknowledged_by", "answered_by")
        .order_by(F("answered_at").asc(nulls_first=True), "due_at")
    )


def information_request_for(user, request_id) -> InformationRequest:
    request = access.information_request_for_user(user, request_id)
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="information_request",
        object_id=request.pk,
        details={"child_id": request.referral.child_id},
    )
    return request


@dataclass
class AwaitingAcknowledgement:
    contacts: list[Referral]
    requests: list[InformationRequest]
    sent_referrals: list[Referral]
    sent_requests: list[InformationRequest]


def awaiting_acknowledgement(user, *, now: dt.datetime | None = None) -> AwaitingAcknowledgement:
    """Hand-overs to the user's team not yet acknowledged (overdue first), and the user's own
    hand-overs still waiting for the other side. Computed when the page loads."""
    return AwaitingAcknowledgement(
        contacts=list(
            access.contacts_visible_to(user)
            .filter(status=Status.SUBMITTED)
            .select_related("child", "referrer_agency")
            .order_by("acknowledgement_due_at")[:200]
        ),
        requests=list(
            access.information_requests_visible_to(user)
            .filter(acknowledged_at__isnull=True)
            .select_related("referral", "referral__child")
            .order_by("acknowledgement_due_at")[:200]
        ),
        sent_referrals=list(
            access.referrals_sent_visible_to(user)
            .filter(status=Status.SUBMITTED)
            .select_related("child", "destination_agency")
            .order_by("acknowledgement_due_at")[:200]
        ),
        sent_requests=list(
            InformationRequest.objects.filter(requested_by=user, acknowledged_at__isnull=True)
            .select_related("to_agency", "referral")
            .order_by("acknowledgement_due_at")[:200]
        ),
    )


# --- inbox ---------------------------------------------------------------------------------------


def inbox(user) -> QuerySet[Notification]:
    """The user's own notifications, their team's and their agency's."""
    if not user or not user.is_authenticated:
        return Notification.objects.none()
    mine = Q(recipient=user)
    if user.team_id:
        mine |= Q(team_id=user.team_id)
    if user.agency_id and access.can_act_on_contact(user):
        mine |= Q(agency_id=user.agency_id)
    return Notification.objects.filter(mine).select_related("referral")


def notification_for(user, notification_id) -> Notification:
    from django.http import Http404

    try:
        return inbox(user).get(pk=int(notification_id))
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise Http404("No notification found") from None


# --- the referral register ---------------------------------------------------------------------


def register(user, *, date_from: dt.date | None = None, date_to: dt.date | None = None):
    """Every referral sent in the period (drafts are not referrals yet). No names: the register
    is for oversight and reporting."""
    if not access.can_see_register(user):
        return Referral.objects.none()
    qs = Referral.objects.exclude(status=Status.DRAFT)
    if date_from:
        qs = qs.filter(submitted_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(submitted_at__date__lte=date_to)
    return qs


def _re_referral_subquery():
    earlier = Referral.objects.filter(
        child_id=OuterRef("child_id"),
        submitted_at__lt=OuterRef("submitted_at"),
        submitted_at__gte=OuterRef("submitted_at") - dt.timedelta(days=365),
    ).exclude(status=Status.DRAFT)
    return Exists(earlier)


def register_rows(qs: QuerySet[Referral]) -> QuerySet[Referral]:
    return (
        qs.select_related("referrer_agency", "destination_agency", "level_of_need", "onward_agency")
        .annotate(is_re_referral=_re_referral_subquery())
        .order_by("-submitted_at", "-pk")
    )


@dataclass
class RegisterReport:
    total: int
    by_source_destination: list[dict]
    outcomes: list[dict]
    re_referrals: int
    timeliness: list[dict]
    overdue_open: int


def register_report(qs: QuerySet[Referral], *, now: dt.datetime | None = None) -> RegisterReport:
    now = now or timezone.now()
    source_labels = dict(ReferralSource.choices)
    dest_labels = dict(Destination.choices)
    by_sd = [
        {
            "source": row["source"],
            "source_label": source_labels.get(row["source"], row["source"]),
            "destination": dest_labels.get(row["destination"], row["destination"]),
            "count": row["n"],
        }
        for row in qs.values("source", "destination")
        .annotate(n=Count("pk"))
        .order_by("source", "destination")
    ]
    decided = qs.exclude(outcome="")
    decided_total = decided.count()
    outcome_labels = dict(Outcome.choices)
    outcomes = [
        {
            "outcome": outcome_labels.get(row["outcome"], row["outcome"]),
            "count": row["n"],
            "percent": round(100 * row["n"] / decided_total, 1) if decided_total else 0.0,
        }
        for row in decided.values("outcome").annotate(n=Count("pk")).order_by("-n")
    ]
    # One pass over the referrals for every count below (conditional aggregation).
    decided_with = Q(received_at__isnull=False, decided_at__isnull=False)
    sums: dict[str, Count] = {
        "total": Count("pk"),
        "overdue_open": Count(
            "pk",
            filter=Q(status__in=OPEN_STATUSES)
            & (Q(rag_due_at__lt=now) | Q(decision_due_at__lt=now)),
        ),
        "decision_n": Count("pk", filter=decided_with & Q(decision_due_at__isnull=False)),
        "decision_on_time": Count(
            "pk", filter=decided_with & Q(decided_at__lte=F("decision_due_at"))
        ),
    }
    for rag in Rag.values:
        target = decided_with & Q(rag=rag, rag_due_at__isnull=False)
        sums[f"{rag}_n"] = Count("pk", filter=target)
        sums[f"{rag}_on_time"] = Count("pk", filter=target & Q(decided_at__lte=F("rag_due_at")))
    totals = qs.aggregate(**sums)

    def _row(target: str, key: str) -> dict:
        n, on_time = totals[f"{key}_n"], totals[f"{key}_on_time"]
        return {
            "target": target,
            "decided": n,
            "on_time": on_time,
            "percent": round(100 * on_time / n, 1) if n else None,
        }

    timeliness = [_row(f"RAG {rag}", rag) for rag in Rag.values]
    timeliness.append(_row("Decision within 1 working day", "decision"))
    # a semi-join, which the planner runs far faster than the same test inside the aggregate
    re_referrals = qs.filter(_re_referral_subquery()).count()
    overdue_open = totals["overdue_open"]
    return RegisterReport(
        total=totals["total"],
        by_source_destination=by_sd,
        outcomes=outcomes,
        re_referrals=re_referrals,
        timeliness=timeliness,
        overdue_open=overdue_open,
    )
