"""Reads for casework. Every read goes through a gatekeeper and reads of personal data are
audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.casework.access import (
    can_manage_episode,
    episode_for_user,
    episodes_visible_to,
    is_episode_manager,
)
from continuum.casework.codes import (
    OPEN_ACTION_STATUSES,
    AssessmentStatus,
    ChronologyKind,
    EpisodeStatus,
)
from continuum.casework.models import (
    Assessment,
    ChronologyEntry,
    Episode,
    IdentifyPrompt,
    Plan,
    PlanAction,
    TafMember,
    Visit,
    VisitChild,
)
from continuum.directory.models import Agency, Role, User
from continuum.governance.access import Access, household_for_user, person_for_user
from continuum.people.models import Household, HouseholdMembership, Person, PersonAddress


def audit_view(user, object_type: str, object_id, reason: str = "") -> None:
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=object_type,
        object_id=object_id,
        reason=reason,
    )


def household_episodes(user, household_id) -> tuple[Household, list[Episode]]:
    household = household_for_user(user, household_id)
    episodes = list(
        Episode.objects.filter(household=household)
        .select_related("lead_professional", "agency")
        .prefetch_related("children__person")
        .order_by("-start_date", "-pk")
    )
    return household, episodes


def household_members(household: Household) -> list[Person]:
    return [
        m.person
        for m in HouseholdMembership.objects.filter(household=household, end_date__isnull=True)
        .select_related("person")
        .order_by("person__date_of_birth")
    ]


@dataclass
class EpisodeRecord:
    episode: Episode
    children: list
    taf: list[TafMember]
    former_taf: list[TafMember]
    plan: Plan | None
    actions: list[PlanAction]
    visits: list[Visit]
    assessments: list[Assessment]
    prompts: list[IdentifyPrompt]
    transitions: list
    can_manage: bool
    can_record: bool
    is_manager: bool


def episode_record(user, episode_id) -> EpisodeRecord:
    """Everything the episode page shows, audited as a view of the family's record."""
    episode = episode_for_user(user, episode_id)
    members = list(episode.taf_members.select_related("user", "agency").order_by("joined_on", "pk"))
    plan = Plan.objects.filter(episode=episode).first()
    actions = (
        list(plan.actions.select_related("owner_user__agency", "owner_person")) if plan else []
    )
    visits = list(
        episode.visits.select_related("recorded_by", "agency")
        .prefetch_related(
            Prefetch("children", queryset=VisitChild.objects.select_related("person"))
        )
        .order_by("-date", "-pk")[:20]
    )
    can_record = episode.is_open and _can_edit_household(user, episode)
    audit_view(user, "casework.episode", episode.pk)
    return EpisodeRecord(
        episode=episode,
        children=list(episode.children.select_related("person")),
        taf=[m for m in members if m.left_on is None],
        former_taf=[m for m in members if m.left_on is not None],
        plan=plan,
        actions=actions,
        visits=visits,
        assessments=list(episode.assessments.order_by("-start_date", "-pk")),
        prompts=list(episode.prompts.filter(resolved_at__isnull=True).select_related("visit")),
        transitions=list(episode.transitions.select_related("actor")),
        can_manage=can_manage_episode(user, episode) and episode.is_open,
        can_record=can_record,
        is_manager=is_episode_manager(user, episode),
    )


def _can_edit_household(user, episode: Episode) -> bool:
    return _can_edit(user, episode.household_id)


def taf_candidates(episode: Episode) -> list[User]:
    """Practitioners who could join the TAF: active staff in an agency, not already members.
    (Staff names are directory data, not personal data about the family.)"""
    current = episode.taf_members.filter(left_on__isnull=True).values("user_id")
    return list(
        User.objects.filter(is_active=True, agency__isnull=False)
        .exclude(pk__in=current)
        .exclude(role__in=[Role.ANALYST, Role.DPO, Role.ADMINISTRATOR])
        .select_related("agency")
        .order_by("agency__name", "last_name", "first_name")
    )


def taf_users(episode: Episode) -> list[User]:
    return [
        m.user
        for m in episode.taf_members.filter(left_on__isnull=True).select_related("user__agency")
    ]


def visit_for_user(user, episode_id, visit_id) -> tuple[Episode, Visit]:
    episode = episode_for_user(user, episode_id)
    visit = (
        Visit.objects.filter(episode=episode, pk=visit_id)
        .select_related("recorded_by", "agency")
        .prefetch_related("present", "children__person", "prompts")
        .first()
    )
    if visit is None:
        raise Http404("No visit found")
    audit_view(user, "casework.visit", visit.pk)
    return episode, visit


# --- My work ------------------------------------------------------------------------------


@dataclass
class WorkList:
    overdue_mine: list[PlanAction] = field(default_factory=list)
    overdue_as_lead: list[PlanAction] = field(default_factory=list)
    due_soon: list[PlanAction] = field(default_factory=list)
    reviews_due: list[Plan] = field(default_factory=list)
    prompts: list[IdentifyPrompt] = field(default_factory=list)
    episodes: list[Episode] = field(default_factory=list)
    approvals: list[Episode] = field(default_factory=list)
    signoffs: list[Assessment] = field(default_factory=list)


def my_work(user) -> WorkList:
    """The user's work list: their overdue and upcoming actions, the overdue actions in the
    episodes they lead, reviews due, adults to identify, and (managers) what awaits approval."""
    today = timezone.localdate()
    visible = episodes_visible_to(user)
    open_actions = (
        PlanAction.objects.filter(
            status__in=OPEN_ACTION_STATUSES,
            plan__episode__in=visible,
            plan__episode__status=EpisodeStatus.OPEN,
        )
        .select_related("plan__episode__household", "owner_user__agency", "owner_person")
        .order_by("due_date")
    )
    work = WorkList()
    work.overdue_mine = list(open_actions.filter(owner_user=user, due_date__lt=today))
    work.overdue_as_lead = list(
        open_actions.filter(plan__episode__lead_professional=user, due_date__lt=today).exclude(
            owner_user=user
        )
    )
    work.due_soon = list(
        open_actions.filter(
            owner_user=user, due_date__gte=today, due_date__lte=today + dt.timedelta(days=14)
        )
    )
    led = visible.filter(lead_professional=user).exclude(status=EpisodeStatus.CLOSED)
    work.episodes = list(led.select_related("household").order_by("start_date"))
    work.reviews_due = list(
        Plan.objects.filter(
            episode__in=led, next_review_date__lte=today + dt.timedelta(days=14)
        ).select_related("episode__household")
    )
    work.prompts = list(
        IdentifyPrompt.objects.filter(episode__in=led, resolved_at__isnull=True).select_related(
            "episode__household", "visit"
        )
    )
    if user.role == Role.TEAM_MANAGER:
        work.approvals = list(
            visible.filter(
                agency_id=user.agency_id, status=EpisodeStatus.CLOSURE_REQUESTED
            ).select_related("household", "lead_professional")
        )
        work.signoffs = list(
            Assessment.objects.filter(
                episode__in=visible.filter(agency_id=user.agency_id),
                status=AssessmentStatus.SUBMITTED,
            ).select_related("episode__household")
        )
    return work


# --- Chronology ---------------------------------------------------------------------------


@dataclass
class ChronologyFilters:
    agency_id: int | None = None
    kinds: list[str] = field(default_factory=list)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    significant_only: bool = False


@dataclass
class ChronologyItem:
    date: dt.date
    kind: str
    kind_label: str
    summary: str
    agency: str
    recorded_by: str
    person: str
    significant: bool
    manual: bool
    sort_key: tuple = ()


KIND_LABELS = dict(ChronologyKind.choices)
PEOPLE_RECORD = "Person record"


def _entry_items(qs) -> list[ChronologyItem]:
    """Chronology rows as plain values (no model instances): a 2,000-event chronology is one
    query and a cheap loop."""
    rows = qs.values_list(
        "pk",
        "date",
        "kind",
        "summary",
        "significant",
        "manual",
        "agency__name",
        "recorded_by__first_name",
        "recorded_by__last_name",
        "recorded_by__username",
        "person_id",
        "person__given_name",
        "person__known_as",
        "person__family_name",
    )
    items = []
    for (
        pk,
        date,
        kind,
        summary,
        significant,
        manual,
        agency,
        first,
        last,
        username,
        person_id,
        given,
        known_as,
        family,
    ) in rows:
        by = f"{first} {last}".strip() or (username or "")
        if not person_id:
            who = "Whole family"
        else:
            who = (
                f"{known_as or given} {family}" if (known_as or given) else f"Unborn baby {family}"
            )
        items.append(
            ChronologyItem(
                date=date,
                kind=kind,
                kind_label=KIND_LABELS.get(kind, kind),
                summary=summary,
                agency=agency,
                recorded_by=by,
                person=who,
                significant=significant,
                manual=manual,
                sort_key=(date, 1, pk),
            )
        )
    return items


def _people_items(person_ids: list[int], filters: ChronologyFilters) -> list[ChronologyItem]:
    """Births and moves, read live from the people record."""
    if filters.agency_id:  # these are not any agency's entries
        return []
    items: list[ChronologyItem] = []
    want = set(filters.kinds)
    if not want or ChronologyKind.BIRTH in want:
        for p in Person.objects.filter(pk__in=person_ids, date_of_birth__isnull=False).exclude(
            kind="adult"
        ):
            items.append(
                ChronologyItem(
                    date=p.date_of_birth,
                    kind=ChronologyKind.BIRTH,
                    kind_label=KIND_LABELS[ChronologyKind.BIRTH],
                    summary=f"{p.display_name} was born",
                    agency=PEOPLE_RECORD,
                    recorded_by="",
                    person=p.display_name,
                    significant=False,
                    manual=False,
                    sort_key=(p.date_of_birth, 0, p.pk),
                )
            )
    if not want or ChronologyKind.MOVE in want:
        moves = PersonAddress.objects.filter(person_id__in=person_ids).select_related(
            "address", "person"
        )
        for pa in moves:
            if pa.person.date_of_birth and pa.start_date <= pa.person.date_of_birth:
                continue  # living there since birth is not a move
            items.append(
                ChronologyItem(
                    date=pa.start_date,
                    kind=ChronologyKind.MOVE,
                    kind_label=KIND_LABELS[ChronologyKind.MOVE],
                    summary=f"{pa.person.display_name} moved to {pa.address.postcode}",
                    agency=PEOPLE_RECORD,
                    recorded_by="",
                    person=pa.person.display_name,
                    significant=False,
                    manual=False,
                    sort_key=(pa.start_date, 0, pa.pk),
                )
            )
    return [
        i
        for i in items
        if (not filters.date_from or i.date >= filters.date_from)
        and (not filters.date_to or i.date <= filters.date_to)
        and not filters.significant_only
    ]


def _filter_entries(qs, filters: ChronologyFilters):
    if filters.agency_id:
        qs = qs.filter(agency_id=filters.agency_id)
    if filters.kinds:
        qs = qs.filter(kind__in=filters.kinds)
    if filters.date_from:
        qs = qs.filter(date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(date__lte=filters.date_to)
    if filters.significant_only:
        qs = qs.filter(significant=True)
    return qs


@dataclass
class Chronology:
    household: Household | None
    person: Person | None
    items: list[ChronologyItem]
    agencies: list[Agency]
    can_add: bool


def _finish(items: list[ChronologyItem]) -> list[ChronologyItem]:
    items.sort(key=lambda i: i.sort_key, reverse=True)
    return items


def household_chronology(
    user, household_id, filters: ChronologyFilters, *, export: bool = False
) -> Chronology:
    """The multi-agency chronology of a family: every agency's events, in one timeline."""
    household = household_for_user(user, household_id)
    entries = ChronologyEntry.objects.filter(household=household)
    agencies = list(Agency.objects.filter(pk__in=entries.values("agency_id")).order_by("name"))
    items = _entry_items(_filter_entries(entries, filters))
    person_ids = list(
        HouseholdMembership.objects.filter(household=household).values_list("person_id", flat=True)
    )
    items += _people_items(person_ids, filters)
    audit_record(
        actor=user,
        action=AuditAction.EXPORT if export else AuditAction.VIEW,
        object_type="casework.chronology",
        object_id=household.pk,
        details={"household": household.pk},
    )
    return Chronology(
        household=household,
        person=None,
        items=_finish(items),
        agencies=agencies,
        can_add=bool(user.agency_id) and _can_edit(user, household.pk),
    )


def _can_edit(user, household_id) -> bool:
    try:
        household_for_user(user, household_id, need=Access.EDIT)
    except (Http404, PermissionDenied):
        return False
    return True


def person_chronology(
    user, person_id, filters: ChronologyFilters, *, export: bool = False
) -> Chronology:
    """A child's chronology: events about them, and family events in the households they
    have lived in."""
    person = person_for_user(user, person_id)
    household_ids = list(
        HouseholdMembership.objects.filter(person=person).values_list("household_id", flat=True)
    )
    entries = ChronologyEntry.objects.filter(
        Q(person=person) | Q(person__isnull=True, household_id__in=household_ids)
    )
    agencies = list(Agency.objects.filter(pk__in=entries.values("agency_id")).order_by("name"))
    items = _entry_items(_filter_entries(entries, filters)) + _people_items([person.pk], filters)
    audit_record(
        actor=user,
        action=AuditAction.EXPORT if export else AuditAction.VIEW,
        object_type="casework.chronology",
        object_id=f"person-{person.pk}",
        details={"person": person.pk},
    )
    return Chronology(
        household=None,
        person=person,
        items=_finish(items),
        agencies=agencies,
        can_add=False,  # manual entries are added on the family's chronology
    )


def attachment_for_user(user, episode_id, attachment_id):
    """The attachment, through the episode's gatekeeper (404 if the family is not visible)."""
    from continuum.casework.models import Attachment

    episode = episode_for_user(user, episode_id)
    attachment = Attachment.objects.filter(episode=episode, pk=attachment_id).first()
    if attachment is None:
        raise Http404("No file found")
    audit_record(
        actor=user, action=AuditAction.EXPORT, object_type="casework.attachment",
        object_id=attachment.pk, details={"episode": episode.pk},
    )  # fmt: skip
    return attachment
