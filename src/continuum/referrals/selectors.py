"""Reads for referrals. Each goes through a gatekeeper in access.py; reads of a named child's
referral are audited like any other read of personal data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    When,
    Window,
)
from django.db.models.functions import Lag
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.core.db import report_transaction
from continuum.directory.models import Team
from continuum.governance.access import restricted_person_ids
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
    ReceivingTeam,
    Referral,
    ReferralSource,
    ReferralTransition,
    Status,
    ThresholdFramework,
)

QUEUE_PAGE_SIZE = 50

# The next deadline of an open contact, in SQL (Referral.deadline() in Python): the acknowledge-by
# time while nobody has acknowledged it, else the earlier of its RAG and decision deadlines. A
# CASE rather than LEAST, which ignores NULLs on PostgreSQL but not on SQLite.
DEADLINE = Case(
    When(status=Status.SUBMITTED, then=F("acknowledgement_due_at")),
    When(rag_due_at__isnull=True, then=F("decision_due_at")),
    When(decision_due_at__isnull=True, then=F("rag_due_at")),
    When(rag_due_at__lt=F("decision_due_at"), then=F("rag_due_at")),
    default=F("decision_due_at"),
)


def late_filter(now: dt.datetime) -> Q:
    """Open referrals past a deadline: not acknowledged by the acknowledge-by time, or past the
    RAG or decision deadline (the caller keeps to open statuses)."""
    return (
        Q(status=Status.SUBMITTED, acknowledgement_due_at__lt=now)
        | Q(rag_due_at__lt=now)
        | Q(decision_due_at__lt=now)
    )


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
    "received_by",
    "urgency",
    "referrer_level",
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
        person_ids=[child.pk],
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


def own_draft_for(user, child, *, episode=None) -> Referral | None:
    """The user's latest draft referral about this child (from this episode, if a step-up), so
    starting a referral again carries on with it instead of leaving it behind."""
    return (
        access.referrals_sent_visible_to(user)
        .filter(referrer=user, status=Status.DRAFT, child=child, episode=episode)
        .order_by("-created_at", "-pk")
        .first()
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
        person_ids=[referral.child_id],
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


class _KnownCount:
    """A queue's page source for the Paginator: the total is already known (from the counts
    query), and a page is two cheap queries: the page's ids in deadline order from the open-queue
    index, then those rows with their child and referrer (a deferred join, so a late page does
    not join every row it skips)."""

    def __init__(self, ids: QuerySet, rows: QuerySet, total: int):
        self._ids, self._rows, self._total = ids, rows, total

    def count(self) -> int:
        return self._total

    def __len__(self) -> int:
        return self._total

    def __getitem__(self, window: slice) -> list[Referral]:
        ids = list(self._ids[window])
        found = {r.pk: r for r in self._rows.filter(pk__in=ids)} if ids else {}
        return [found[pk] for pk in ids if pk in found]


def front_door_queue(user, *, page: int = 1, rag: str = "", now: dt.datetime | None = None):
    """Open contacts for the user's receiving team, soonest deadline first (so whatever is overdue
    comes first, the longest overdue at the top), a page at a time. A contact nobody has
    acknowledged yet counts by its acknowledge-by time.

    Three queries whatever the number of open contacts: the counts by RAG rating with the
    overdue count (one pass), the page's ids, the page's rows."""
    now = now or timezone.now()
    open_contacts = access.contacts_visible_to(user).filter(status__in=OPEN_STATUSES)
    # a contact about a restricted child is listed only for the staff the restriction names
    restricted = restricted_person_ids(user)
    if restricted:
        open_contacts = open_contacts.exclude(child_id__in=restricted)
    counts: dict[str, int] = {}
    overdue = 0
    late = late_filter(now)
    for row_rag, n, n_late in (
        open_contacts.order_by()
        .values_list("rag")
        .annotate(n=Count("pk"), late=Count("pk", filter=late))
        .values_list("rag", "n", "late")
    ):
        counts[row_rag] = n
        overdue += n_late
    if rag in Rag.values:
        open_contacts = open_contacts.filter(rag=rag)
        total = counts.get(rag, 0)
    else:
        total = sum(counts.values())
    # By the next deadline, overdue first; a contact with no deadline (a Blue panel referral)
    # last, oldest first.
    ids = (
        open_contacts.annotate(deadline=DEADLINE)
        .order_by(F("deadline").asc(nulls_last=True), "submitted_at", "pk")
        .values_list("pk", flat=True)
    )
    rows = Referral.objects.select_related("child", "referrer_agency", "received_by").only(
        *_QUEUE_FIELDS  # narrow rows: the queue never shows the free text
    )
    paginator = Paginator(_KnownCount(ids, rows, total), QUEUE_PAGE_SIZE)
    page_obj = paginator.get_page(page)
    queue_rows = [
        QueueRow(referral=r, deadline=r.deadline(), overdue=r.is_overdue(now)) for r in page_obj
    ]
    audit_list(user, "referrals.front_door_queue", [row.referral for row in queue_rows])
    return queue_rows, page_obj, counts, overdue


def audit_list(user, object_type: str, referrals, *, requests=()) -> None:
    """Audit a list page: which children's referrals (and information requests) it showed."""
    child_ids = [r.child_id for r in referrals] + [q.referral.child_id for q in requests]
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=object_type,
        details={"count": len(child_ids)},
        person_ids=child_ids,
    )


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
    if not access.perms.works_at_front_door(user):
        # Outside the front door, history is the step-up/step-down chain this referral carries.
        history_qs = history_qs.filter(pk__in=[r.pk for r in chain])
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="referral",
        object_id=referral.pk,
        details={"child_id": referral.child_id, "as": "receiver"},
        person_ids=[referral.child_id],
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
        person_ids=[request.referral.child_id],
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
    awaiting = AwaitingAcknowledgement(
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
    audit_list(
        user,
        "referrals.awaiting",
        awaiting.contacts + awaiting.sent_referrals,
        requests=awaiting.requests + awaiting.sent_requests,
    )
    return awaiting


# --- inbox ---------------------------------------------------------------------------------------


def inbox(user) -> QuerySet[Notification]:
    """Every notification the user may see: their own, their team's and (for staff who act on
    contacts) their agency's. A member of another team never sees a team's items."""
    if not user or not user.is_authenticated:
        return Notification.objects.none()
    mine = Q(recipient=user)
    if access.can_act_on_contact(user):
        if user.team_id:
            mine |= Q(team_id=user.team_id)
        if user.agency_id:
            mine |= Q(agency_id=user.agency_id)
    return Notification.objects.filter(mine).select_related("referral", "read_by")


def inbox_unread_count(user) -> int:
    """How many of the items in the user's inbox nobody has read yet (the count in the menu)."""
    return inbox(user).filter(read_at__isnull=True).count()


@dataclass
class InboxSection:
    key: str  # "mine", "team" or "agency"
    title: str
    items: list[Notification]
    unread: int


INBOX_SECTION_SIZE = 50


def inbox_sections(user) -> list[InboxSection]:
    """The inbox page: the user's own items, their team's and their agency's, newest first, each
    with its unread count (one query for the counts, one per section)."""
    visible = inbox(user)
    counts = visible.aggregate(
        mine=Count("pk", filter=Q(recipient=user, read_at__isnull=True)),
        team=Count("pk", filter=Q(team__isnull=False, read_at__isnull=True)),
        agency=Count("pk", filter=Q(agency__isnull=False, read_at__isnull=True)),
    )
    sections = [InboxSection("mine", "For you", [], counts["mine"] or 0)]
    if access.can_act_on_contact(user) and user.team_id:
        sections.append(InboxSection("team", f"For {user.team.name}", [], counts["team"] or 0))
    if access.can_act_on_contact(user) and user.agency_id:
        sections.append(
            InboxSection("agency", f"For {user.agency.name}", [], counts["agency"] or 0)
        )
    which = {
        "mine": Q(recipient=user),
        "team": Q(team__isnull=False),
        "agency": Q(agency__isnull=False),
    }
    for section in sections:
        section.items = list(visible.filter(which[section.key])[:INBOX_SECTION_SIZE])
    shown = [n.referral for s in sections for n in s.items if n.referral_id]
    audit_list(user, "referrals.inbox", shown)
    return sections


def notification_opens_for(user, note: Notification) -> bool:
    """Whether the page an inbox item links to opens for this user. A team's item can link to a
    record one member of the team may not see (a contact, for a member whose role does not
    triage): opening it must then not mark it read for everyone else. Links this app does not
    gatekeep (another app's pages) are left to that page."""
    from django.urls import Resolver404, resolve

    try:
        match = resolve(note.url.split("?")[0])
    except Resolver404:
        return False
    gatekept = {
        "referrals:contact": (access.contacts_visible_to, "referral_id"),
        "referrals:detail": (access.referrals_sent_visible_to, "referral_id"),
        "referrals:request": (access.information_requests_visible_to, "request_id"),
    }
    if match.view_name not in gatekept:
        return True
    visible_to, key = gatekept[match.view_name]
    return visible_to(user).filter(pk=match.kwargs[key]).exists()


def notification_for(user, notification_id) -> Notification:
    from django.http import Http404

    try:
        return inbox(user).get(pk=int(notification_id))
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise Http404("No notification found") from None


# --- the referral register ---------------------------------------------------------------------

RE_REFERRAL_DAYS = 365

# A step-down (the front door's early help decision sends the child on to a hub's panel, as a
# follow-on of the same contact) is not a new referral: it is neither a re-referral nor the
# earlier referral that makes the next one a re-referral.
STEP_DOWN = Q(previous__isnull=False, destination=Destination.EARLY_HELP_PANEL)


@dataclass(frozen=True)
class RegisterQuery:
    """The referrals sent in a period, for a user who may see the register. No names: the
    register is for oversight and reporting. Dates are local days, both ends included."""

    allowed: bool
    start: dt.datetime | None = None  # local midnight at the start of date_from
    end: dt.datetime | None = None  # local midnight after date_to (excluded)

    @property
    def referrals(self) -> QuerySet[Referral]:
        """Every referral sent in the period (drafts, and drafts withdrawn before they were sent,
        are not referrals)."""
        if not self.allowed:
            return Referral.objects.none()
        qs = Referral.objects.filter(submitted_at__isnull=False)
        if self.start:
            qs = qs.filter(submitted_at__gte=self.start)
        if self.end:
            qs = qs.filter(submitted_at__lt=self.end)
        return qs


def register(
    user, *, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> RegisterQuery:
    if not access.can_see_register(user):
        return RegisterQuery(allowed=False)
    zone = timezone.get_current_timezone()

    def midnight(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time.min, tzinfo=zone)

    return RegisterQuery(
        allowed=True,
        start=midnight(date_from) if date_from else None,
        end=midnight(date_to + dt.timedelta(days=1)) if date_to else None,
    )


def _re_referral_subquery():
    earlier = Referral.objects.filter(
        child_id=OuterRef("child_id"),
        submitted_at__isnull=False,
        submitted_at__lt=OuterRef("submitted_at"),
        submitted_at__gte=OuterRef("submitted_at") - dt.timedelta(days=RE_REFERRAL_DAYS),
    ).exclude(STEP_DOWN)
    return Case(When(STEP_DOWN, then=False), default=Exists(earlier), output_field=BooleanField())


def register_rows(reg: RegisterQuery) -> QuerySet[Referral]:
    """The latest referrals for the register page (slice it), each with `is_re_referral`."""
    return (
        reg.referrals.select_related(
            "referrer_agency", "destination_agency", "level_of_need", "onward_agency"
        )
        .annotate(is_re_referral=_re_referral_subquery())
        .order_by("-submitted_at", "-pk")
    )


def _windowed(reg: RegisterQuery) -> QuerySet[Referral]:
    """Sent referrals with the one before in child and date order (`prev_child`, `prev_at`: LAG
    over one ordered stream, which PostgreSQL runs faster than a window per child) and the moment
    12 months before each (`year_before`): a re-referral is one whose `prev_child` is its own
    child and whose `prev_at` is on or after its `year_before`. It starts 12 months before the
    period, so a referral early in the period still sees the one before it; the caller keeps only
    the period's rows (in an outer query: a WHERE here would narrow the window)."""
    qs = Referral.objects.filter(submitted_at__isnull=False)
    if reg.start:
        qs = qs.filter(submitted_at__gte=reg.start - dt.timedelta(days=RE_REFERRAL_DAYS))
    if reg.end:
        qs = qs.filter(submitted_at__lt=reg.end)
    # Step-downs run in their own stream (partitioned off), so a referral's `prev_*` is the
    # referral before it that was not a step-down, and a step-down is never a re-referral.
    order = [F("child_id").asc(), F("submitted_at").asc(), F("pk").asc()]
    step_down = ExpressionWrapper(STEP_DOWN, output_field=BooleanField())
    return qs.order_by().annotate(
        step_down=step_down,
        prev_child=Window(Lag("child_id"), partition_by=[step_down], order_by=order),
        prev_at=Window(Lag("submitted_at"), partition_by=[step_down], order_by=order),
        year_before=F("submitted_at") - dt.timedelta(days=RE_REFERRAL_DAYS),
    )


def _in_period(reg: RegisterQuery, inner: QuerySet, select: str, *, where=(), rest: str = ""):
    """SQL and parameters for `SELECT <select> FROM (<inner>) t WHERE <period> <rest>`."""
    sql, params = inner.query.sql_with_params()
    conditions, extra = list(where), []
    if reg.start:
        conditions.append("t.submitted_at >= %s")
        extra.append(connection.ops.adapt_datetimefield_value(reg.start))
    where_sql = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    # every piece is a constant or the ORM's own SQL; values travel as parameters
    return f"SELECT {select} FROM ({sql}) t{where_sql} {rest}", [*params, *extra]  # noqa: S608


_RE_REFERRAL = "NOT t.step_down AND t.prev_child = t.child_id AND t.prev_at >= t.year_before"


def _re_referral_count(reg: RegisterQuery) -> int:
    inner = _windowed(reg).values(
        "pk", "child_id", "submitted_at", "step_down", "prev_child", "prev_at", "year_before"
    )
    sql, params = _in_period(reg, inner, "COUNT(*)", where=[_RE_REFERRAL])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


@dataclass
class RegisterReport:
    total: int
    by_source_destination: list[dict]
    outcomes: list[dict]
    re_referrals: int
    timeliness: list[dict]
    overdue_open: int


_REPORT_GROUPS = ("source", "destination", "outcome", "rag")


def register_report(reg: RegisterQuery, *, now: dt.datetime | None = None) -> RegisterReport:
    """Every report on the register in two passes over the period's referrals, whatever their
    number: one grouped by source, destination, outcome and RAG rating with conditional counts
    (open and overdue, on time against each target), one for re-referrals within 12 months
    (LAG over child and date). The totals are summed here from the few hundred groups."""
    if not reg.allowed:
        return RegisterReport(0, [], [], 0, [], 0)
    now = now or timezone.now()
    decided = Q(decided_at__isnull=False, received_at__isnull=False)
    sums = {
        "n": Count("pk"),
        "overdue": Count("pk", filter=Q(status__in=OPEN_STATUSES) & late_filter(now)),
        # Measured: every referral acknowledged, and every one still waiting past its
        # acknowledge-by time (already late, whenever it is acknowledged).
        "ack_n": Count(
            "pk",
            filter=Q(received_at__isnull=False, acknowledgement_due_at__isnull=False)
            | Q(status=Status.SUBMITTED, acknowledgement_due_at__lt=now),
        ),
        "ack_on_time": Count("pk", filter=Q(received_at__lte=F("acknowledgement_due_at"))),
        "decision_n": Count("pk", filter=decided & Q(decision_due_at__isnull=False)),
        "decision_on_time": Count("pk", filter=decided & Q(decided_at__lte=F("decision_due_at"))),
        "rag_n": Count("pk", filter=decided & Q(rag_due_at__isnull=False)),
        "rag_on_time": Count("pk", filter=decided & Q(decided_at__lte=F("rag_due_at"))),
    }
    with report_transaction():
        rows = list(
            reg.referrals.order_by()
            .values(*_REPORT_GROUPS)
            .annotate(**sums)
            .values_list(*_REPORT_GROUPS, *sums)
        )
        re_referrals = _re_referral_count(reg)
    keys = tuple(sums)
    totals = dict.fromkeys(keys, 0)
    by_sd: dict[tuple[str, str], int] = {}
    by_outcome: dict[str, int] = {}
    by_rag: dict[str, list[int]] = {r: [0, 0] for r in Rag.values}
    for source, destination, outcome, rag, *values in rows:
        row = dict(zip(keys, (int(v or 0) for v in values), strict=True))
        for key in keys:
            totals[key] += row[key]
        by_sd[(source, destination)] = by_sd.get((source, destination), 0) + row["n"]
        if outcome:
            by_outcome[outcome] = by_outcome.get(outcome, 0) + row["n"]
        if rag in by_rag:
            by_rag[rag][0] += row["rag_n"]
            by_rag[rag][1] += row["rag_on_time"]

    source_labels, dest_labels = dict(ReferralSource.choices), dict(Destination.choices)
    outcome_labels = dict(Outcome.choices)
    decided_total = sum(by_outcome.values())

    def _row(target: str, n: int, on_time: int) -> dict:
        return {
            "target": target,
            "decided": n,
            "on_time": on_time,
            "percent": round(100 * on_time / n, 1) if n else None,
        }

    timeliness = [_row(f"RAG {rag}", *by_rag[rag]) for rag in Rag.values]
    timeliness.append(
        _row(
            "Decided by its deadline (1 working day; urgent 4 working hours)",
            totals["decision_n"],
            totals["decision_on_time"],
        )
    )
    timeliness.append(_row("Acknowledged by its deadline", totals["ack_n"], totals["ack_on_time"]))
    return RegisterReport(
        total=totals["n"],
        by_source_destination=[
            {
                "source": source,
                "source_label": source_labels.get(source, source),
                "destination": dest_labels.get(destination, destination),
                "count": n,
            }
            for (source, destination), n in sorted(by_sd.items())
        ],
        outcomes=[
            {
                "outcome": outcome_labels.get(outcome, outcome),
                "count": n,
                "percent": round(100 * n / decided_total, 1) if decided_total else 0.0,
            }
            for outcome, n in sorted(by_outcome.items(), key=lambda item: (-item[1], item[0]))
        ],
        re_referrals=re_referrals,
        timeliness=timeliness,
        overdue_open=totals["overdue"],
    )


REGISTER_EXPORT_COLUMNS = (
    "reference", "submitted_at", "source", "referrer_agency_name", "destination",
    "destination_agency_name", "urgency", "referrer_level", "status", "rag", "received_at",
    "decision_due_at", "decided_at", "outcome", "level_number", "framework_id",
    "onward_agency_name", "withdrawn_reason", "child_id", "step_down", "prev_child", "prev_at",
    "year_before",
)  # fmt: skip


def _as_datetime(value):
    """Raw SQL on SQLite gives stored text or a naive datetime (UTC); make it the aware datetime
    PostgreSQL gives."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if isinstance(value, dt.datetime) and timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    return value


_DATETIMES = {"submitted_at", "received_at", "decision_due_at", "decided_at", "prev_at",
              "year_before"}  # fmt: skip


def register_export(reg: RegisterQuery, *, chunk_size: int = 2000) -> Iterator[dict]:
    """Every referral in the period for the CSV, newest first, as plain values (no model
    instances), each with `re_referral` from the same window as the report. Streams from a
    server-side cursor on PostgreSQL."""
    if not reg.allowed:
        return
    inner = (
        _windowed(reg)
        .annotate(
            referrer_agency_name=F("referrer_agency__name"),
            destination_agency_name=F("destination_agency__name"),
            level_number=F("level_of_need__number"),
            onward_agency_name=F("onward_agency__name"),
        )
        .values("pk", *REGISTER_EXPORT_COLUMNS)
    )
    select = ", ".join(f"t.{c}" for c in REGISTER_EXPORT_COLUMNS)
    sql, params = _in_period(reg, inner, select, rest="ORDER BY t.submitted_at DESC, t.pk DESC")
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(chunk_size):
            for values in chunk:
                row = dict(zip(REGISTER_EXPORT_COLUMNS, values, strict=True))
                for name in _DATETIMES:
                    row[name] = _as_datetime(row[name])
                row["re_referral"] = bool(
                    not row["step_down"]
                    and row["prev_child"] == row["child_id"]
                    and row["prev_at"] >= row["year_before"]
                )
                yield row


def agency_teams(agency_id) -> list:
    """The teams of an agency, by name (staff directory data, not personal data of families)."""
    return list(Team.objects.filter(agency_id=agency_id).order_by("name"))


def receiving_team_of(agency_id):
    """The team that receives the agency's hand-overs, or None (the agency-wide inbox)."""
    row = ReceivingTeam.objects.select_related("team").filter(agency_id=agency_id).first()
    return row.team if row else None
