"""Reads for casework. Every read goes through a gatekeeper and reads of personal data are
audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from operator import attrgetter

from django.core.exceptions import PermissionDenied
from django.db.models import Max, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.casework.access import (
    can_manage_episode,
    episode_for_user,
    is_episode_manager,
    visible_household_ids,
)
from continuum.casework.codes import (
    OPEN_ACTION_STATUSES,
    AssessmentStatus,
    ChronologyKind,
    EpisodeStatus,
)
from continuum.casework.models import (
    Assessment,
    ChildProtectionPlan,
    ChronologyEntry,
    Episode,
    EpisodeChild,
    IdentifyPrompt,
    Plan,
    PlanAction,
    Section47Enquiry,
    TafMember,
    Visit,
    VisitChild,
)
from continuum.casework.rules import next_visit_due
from continuum.directory.models import Agency, Role, User
from continuum.governance import rules as perms
from continuum.governance.access import (
    Access,
    confidential_address_ids,
    household_for_user,
    person_for_user,
    restricted_person_ids,
)
from continuum.people.models import (
    Household,
    HouseholdMembership,
    Person,
    PersonAddress,
    PersonKind,
)
from continuum.referrals.models import Destination as ReferralDestination
from continuum.referrals.models import Outcome as ReferralOutcome
from continuum.referrals.models import Referral
from continuum.referrals.models import Status as ReferralStatus


def audit_view(
    user, object_type: str, object_id, reason: str = "", *, household_id=None, person_ids=()
) -> None:
    """Audit a view; it is about `person_ids` and everyone who has lived in `household_id`."""
    from continuum.people.selectors import people_in_households

    people = set(person_ids)
    if household_id is not None:
        people.update(people_in_households([household_id]))
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=object_type,
        object_id=object_id,
        reason=reason,
        person_ids=people,
    )


def household_episodes(user, household_id) -> tuple[Household, list[Episode]]:
    household = household_for_user(user, household_id)
    # a child restricted from this user is not named in the list
    hidden = restricted_person_ids(user)
    episodes = list(
        Episode.objects.filter(household=household)
        .select_related("lead_professional", "agency")
        .prefetch_related(
            Prefetch(
                "children",
                queryset=EpisodeChild.objects.exclude(person_id__in=hidden).select_related(
                    "person"
                ),
            )
        )
        .order_by("-start_date", "-pk")
    )
    audit_view(user, "casework.household_episodes", household.pk, household_id=household.pk)
    return household, episodes


def household_members(household: Household, *, user) -> list[Person]:
    """The people living in the household now, less anyone restricted from this user."""
    hidden = restricted_person_ids(user)
    return [
        m.person
        for m in HouseholdMembership.objects.filter(household=household, end_date__isnull=True)
        .exclude(person_id__in=hidden)
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
    s47_enquiries: list[Section47Enquiry]
    cp_plans: list[ChildProtectionPlan]
    can_manage: bool
    open_children: int
    can_record: bool
    is_manager: bool


def episode_record(user, episode_id) -> EpisodeRecord:
    """Everything the episode page shows, audited as a view of the family's record."""
    episode, can_edit = _episode_with_edit(user, episode_id)
    # a child or adult restricted from this user is left out of every list on the page
    hidden = restricted_person_ids(user)
    members = list(episode.taf_members.select_related("user", "agency").order_by("joined_on", "pk"))
    plan = Plan.objects.filter(episode=episode).first()
    actions = (
        list(
            plan.actions.exclude(owner_person_id__in=hidden).select_related(
                "owner_user__agency", "owner_person"
            )
        )
        if plan
        else []
    )
    visits = list(
        episode.visits.select_related("recorded_by", "agency")
        .prefetch_related(
            Prefetch(
                "children",
                queryset=VisitChild.objects.exclude(person_id__in=hidden).select_related("person"),
            )
        )
        .order_by("-date", "-pk")[:20]
    )
    can_record = episode.is_open and can_edit
    audit_view(user, "casework.episode", episode.pk, household_id=episode.household_id)
    children = list(episode.children.exclude(person_id__in=hidden).select_related("person"))
    return EpisodeRecord(
        episode=episode,
        children=children,
        open_children=sum(1 for c in children if c.end_date is None),
        taf=[m for m in members if m.left_on is None],
        former_taf=[m for m in members if m.left_on is not None],
        plan=plan,
        actions=actions,
        visits=visits,
        assessments=list(episode.assessments.order_by("-start_date", "-pk")),
        prompts=list(episode.prompts.filter(resolved_at__isnull=True).select_related("visit")),
        transitions=list(episode.transitions.select_related("actor")),
        s47_enquiries=list(
            episode.s47_enquiries.exclude(child__person_id__in=hidden).select_related(
                "child__person", "icpc__cp_plan"
            )
        ),
        cp_plans=list(
            episode.cp_plans.exclude(child__person_id__in=hidden)
            .select_related("child__person")
            .prefetch_related("reviews")
        ),
        can_manage=can_manage_episode(user, episode) and episode.is_open,
        can_record=can_record,
        is_manager=is_episode_manager(user, episode),
    )


def _episode_with_edit(user, episode_id) -> tuple[Episode, bool]:
    """The episode through its gatekeeper (404 if not visible), and whether the user may add to
    it: for those who may, one gatekeeper call instead of one to see and another to ask about
    changing (each reads the family's visibility, the costliest query of the page)."""
    try:
        return episode_for_user(user, episode_id, need=Access.EDIT), True
    except PermissionDenied:
        return episode_for_user(user, episode_id), False


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
    # people restricted from this user are left out of who was present and who was seen
    hidden = restricted_person_ids(user)
    visit = (
        Visit.objects.filter(episode=episode, pk=visit_id)
        .select_related("recorded_by", "agency")
        .prefetch_related(
            Prefetch("present", queryset=Person.objects.exclude(pk__in=hidden)),
            Prefetch(
                "children",
                queryset=VisitChild.objects.exclude(person_id__in=hidden).select_related("person"),
            ),
            "prompts",
        )
        .first()
    )
    if visit is None:
        raise Http404("No visit found")
    audit_view(user, "casework.visit", visit.pk, household_id=episode.household_id)
    return episode, visit


def children_in_episode(episode: Episode, *, user) -> list:
    """The children still in the episode (their own record in it has not ended), less any
    restricted from this user."""
    return list(
        episode.children.filter(end_date__isnull=True)
        .exclude(person_id__in=restricted_person_ids(user))
        .select_related("person")
    )


def s47_in_episode(episode: Episode, s47_id) -> Section47Enquiry:
    s47 = episode.s47_enquiries.filter(pk=s47_id).select_related("child__person", "episode").first()
    if s47 is None:
        raise Http404("No enquiry found")
    return s47


def cp_plan_in_episode(episode: Episode, plan_id) -> ChildProtectionPlan:
    plan = (
        episode.cp_plans.filter(pk=plan_id)
        .select_related("child__person", "episode")
        .prefetch_related("reviews")
        .first()
    )
    if plan is None:
        raise Http404("No child protection plan found")
    return plan


def plan_of(episode: Episode) -> Plan:
    plan = Plan.objects.filter(episode=episode).select_related("episode").first()
    if plan is None:
        raise Http404("This episode has no plan")
    return plan


# --- My work ------------------------------------------------------------------------------


@dataclass
class VisitDue:
    episode: Episode
    last_visit: dt.date | None
    due: dt.date
    overdue: bool


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
    visits_due: list[VisitDue] = field(default_factory=list)
    team_overdue: list[PlanAction] = field(default_factory=list)
    # The family of each episode above, by name ("Jayden and Jordan Smith"), by episode id.
    names: dict[int, str] = field(default_factory=dict)


def _join_names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def family_names(episode_ids) -> dict[int, str]:
    """Each episode's family by the names of its children ("Jayden and Jordan Smith"), the
    children still in it first (all of them if none is), in one query. Practitioners know
    families by name, not by a household reference."""
    rows = (
        EpisodeChild.objects.filter(episode_id__in=set(episode_ids))
        .order_by("episode_id", "person__date_of_birth", "pk")
        .values_list(
            "episode_id", "end_date", "person__kind", "person__given_name", "person__known_as",
            "person__family_name",
        )
    )  # fmt: skip
    current: dict[int, list[tuple[str, str]]] = {}
    every: dict[int, list[tuple[str, str]]] = {}
    for episode_id, ended, kind, given, known_as, family in rows:
        given = known_as or given
        if kind == PersonKind.UNBORN and not given:
            given = "unborn baby"
        every.setdefault(episode_id, []).append((given, family))
        if ended is None:
            current.setdefault(episode_id, []).append((given, family))
    labels = {}
    for episode_id, people in every.items():
        people = current.get(episode_id) or people
        by_family: dict[str, list[str]] = {}
        for given, family in people:
            by_family.setdefault(family, []).append(given)
        labels[episode_id] = "; ".join(
            f"{_join_names(given)} {family}".strip() for family, given in by_family.items()
        )
    return labels


def my_work(user) -> WorkList:
    """The user's work list: their overdue and upcoming actions, the overdue actions in the
    episodes they lead, reviews due, adults to identify, and (managers) what awaits approval.

    Each list starts from what is the user's own (actions they own, episodes they lead, their
    agency's approvals), which is a handful of rows; the families' visibility is then checked
    for those rows only, in one query (`visible_household_ids`), not joined to every row."""
    today = timezone.localdate()
    soon = today + dt.timedelta(days=14)
    open_actions = PlanAction.objects.filter(
        status__in=OPEN_ACTION_STATUSES, plan__episode__status=EpisodeStatus.OPEN
    ).select_related("plan__episode__household", "owner_user__agency", "owner_person")
    # an action owned by a restricted family member is not listed for those it does not name
    restricted = restricted_person_ids(user)
    if restricted:
        open_actions = open_actions.exclude(owner_person_id__in=restricted)
    mine = list(open_actions.filter(owner_user=user, due_date__lte=soon).order_by("due_date", "pk"))
    as_lead = list(
        open_actions.filter(plan__episode__lead_professional=user, due_date__lt=today)
        .exclude(owner_user=user)
        .order_by("due_date", "pk")
    )
    led = list(
        Episode.objects.filter(lead_professional=user)
        .exclude(status=EpisodeStatus.CLOSED)
        .select_related("household")
        .order_by("start_date", "pk")
    )
    led_ids = [e.pk for e in led]
    reviews = list(
        Plan.objects.filter(episode_id__in=led_ids, next_review_date__lte=soon)
        .select_related("episode__household")
        .order_by("next_review_date", "pk")
    )
    prompts = list(
        IdentifyPrompt.objects.filter(episode_id__in=led_ids, resolved_at__isnull=True)
        .select_related("episode__household", "visit")
        .order_by("pk")
    )
    approvals: list[Episode] = []
    signoffs: list[Assessment] = []
    team_overdue: list[PlanAction] = []
    if user.role == Role.TEAM_MANAGER:
        team_overdue = list(
            open_actions.filter(plan__episode__agency_id=user.agency_id, due_date__lt=today)
            .select_related("plan__episode__lead_professional")
            .order_by("due_date", "pk")[:200]
        )
        approvals = list(
            Episode.objects.filter(
                agency_id=user.agency_id, status=EpisodeStatus.CLOSURE_REQUESTED
            ).select_related("household", "lead_professional")
        )
        signoffs = list(
            Assessment.objects.filter(
                episode__agency_id=user.agency_id, status=AssessmentStatus.SUBMITTED
            ).select_related("episode__household")
        )
    # The family's record decides, as everywhere: keep only rows in households the user sees.
    visible = visible_household_ids(
        user,
        [a.plan.episode.household_id for a in mine + as_lead]
        + [e.household_id for e in led + approvals]
        + [s.episode.household_id for s in signoffs]
        + [a.plan.episode.household_id for a in team_overdue],
    )
    work = WorkList()
    work.overdue_mine = [
        a for a in mine if a.due_date < today and a.plan.episode.household_id in visible
    ]
    work.due_soon = [
        a for a in mine if a.due_date >= today and a.plan.episode.household_id in visible
    ]
    work.overdue_as_lead = [a for a in as_lead if a.plan.episode.household_id in visible]
    work.episodes = [e for e in led if e.household_id in visible]
    work.reviews_due = [p for p in reviews if p.episode.household_id in visible]
    work.prompts = [p for p in prompts if p.episode.household_id in visible]
    work.approvals = [e for e in approvals if e.household_id in visible]
    work.signoffs = [s for s in signoffs if s.episode.household_id in visible]
    work.team_overdue = [a for a in team_overdue if a.plan.episode.household_id in visible]
    work.visits_due = _visits_due([e for e in work.episodes if e.is_open], today)
    work.names = family_names(
        [a.plan.episode_id for a in work.overdue_mine + work.due_soon + work.overdue_as_lead]
        + [a.plan.episode_id for a in work.team_overdue]
        + [e.pk for e in work.episodes + work.approvals]
        + [p.episode_id for p in work.reviews_due + work.prompts]
        + [s.episode_id for s in work.signoffs]
    )
    # Each row's episode carries its family's name for the page (`family_name`).
    for episode in (
        [a.plan.episode for a in work.overdue_mine + work.due_soon + work.overdue_as_lead]
        + [a.plan.episode for a in work.team_overdue]
        + work.episodes + work.approvals
        + [p.episode for p in work.reviews_due + work.prompts]
        + [s.episode for s in work.signoffs]
    ):  # fmt: skip
        episode.family_name = work.names.get(episode.pk, "")
    _audit_work(user, work)
    return work


def _audit_work(user, work: WorkList) -> None:
    """The work list names families and people: one event about everyone in those families."""
    from continuum.people.selectors import people_in_households

    households = {a.plan.episode.household_id for a in work.overdue_mine}
    households |= {a.plan.episode.household_id for a in work.overdue_as_lead + work.due_soon}
    households |= {e.household_id for e in work.episodes + work.approvals}
    households |= {p.episode.household_id for p in work.reviews_due + work.prompts}
    households |= {s.episode.household_id for s in work.signoffs}
    households |= {a.plan.episode.household_id for a in work.team_overdue}
    actions = work.overdue_mine + work.overdue_as_lead + work.due_soon + work.team_overdue
    owners = {a.owner_person_id for a in actions}
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="casework.my_work",
        details={"families": len(households)},
        person_ids=(owners - {None}) | set(people_in_households(households)),
    )


VISITS_DUE_WITHIN_DAYS = 7


def _visits_due(episodes: list[Episode], today: dt.date) -> list[VisitDue]:
    """The families the user leads whose next visit (by the kind of episode's interval, from
    the last visit) is overdue or due within a week, most overdue first."""
    last = dict(
        Visit.objects.filter(episode__in=episodes)
        .order_by()
        .values("episode_id")
        .annotate(last=Max("date"))
        .values_list("episode_id", "last")
    )
    due = []
    for episode in episodes:
        day = next_visit_due(
            kind=episode.kind, last_visit=last.get(episode.pk), start_date=episode.start_date
        )
        if day is not None and day <= today + dt.timedelta(days=VISITS_DUE_WITHIN_DAYS):
            due.append(VisitDue(episode, last.get(episode.pk), day, day < today))
    due.sort(key=lambda v: (v.due, v.episode.pk))
    return due


# --- Chronology ---------------------------------------------------------------------------


@dataclass
class ChronologyFilters:
    agency_id: int | None = None
    kinds: list[str] = field(default_factory=list)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    significant_only: bool = False

    @property
    def empty(self) -> bool:
        return not (
            self.agency_id or self.kinds or self.date_from or self.date_to or self.significant_only
        )

    def keeps(self, item: ChronologyItem, agency_id: int | None) -> bool:
        """For events read live (births, moves, referrals) rather than filtered in SQL."""
        return (
            (not self.agency_id or agency_id == self.agency_id)
            and (not self.kinds or item.kind in self.kinds)
            and (not self.date_from or item.date >= self.date_from)
            and (not self.date_to or item.date <= self.date_to)
            and (not self.significant_only or item.significant)
        )


@dataclass(slots=True)
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
WHOLE_FAMILY = "Whole family"
REFERRAL_OUTCOMES = dict(ReferralOutcome.choices)


def _display_name(kind: str, given: str, known_as: str, family: str) -> str:
    """`Person.display_name` from plain values."""
    given = known_as or given
    if kind == PersonKind.UNBORN and not given:
        return f"Unborn baby {family}"
    return f"{given} {family}".strip()


def _staff_names(user_ids) -> dict[int, str]:
    return {
        pk: f"{first} {last}".strip() or username
        for pk, first, last, username in User.objects.filter(pk__in=user_ids).values_list(
            "pk", "first_name", "last_name", "username"
        )
    }


class _ChronologyBuilder:
    """Builds a chronology from plain values, in a fixed number of queries whatever its length:
    the casework entries, the people record (births, moves) and the referrals (referral and
    decision) of the people it is about, then one lookup each for the names they refer to."""

    def __init__(self, filters: ChronologyFilters, *, hidden_addresses=frozenset()):
        self.filters = filters
        self.items: list[ChronologyItem] = []
        # addresses confidential to the reader (restricted records): a move shows no postcode
        self.hidden_addresses = hidden_addresses

    def entries(self, qs) -> tuple[list, set[int]]:
        """The casework rows (filtered in SQL) and the agencies of the unfiltered chronology."""
        rows = list(
            _filter_entries(qs, self.filters).values_list(
                "pk", "date", "kind", "summary", "significant", "manual", "agency_id",
                "recorded_by_id", "person_id",
            )
        )  # fmt: skip
        if self.filters.empty:
            agency_ids = {r[6] for r in rows}
        else:
            agency_ids = set(qs.values_list("agency_id", flat=True).distinct())
        return rows, agency_ids

    def build(
        self, entry_rows: list, agency_ids: set[int], person_ids: list[int], *, people_too: bool
    ) -> list[Agency]:
        persons = {
            pk: (_display_name(kind, given, known_as, family), kind, dob)
            for pk, kind, given, known_as, family, dob in Person.objects.filter(
                pk__in=set(person_ids) | {r[8] for r in entry_rows if r[8]}
            ).values_list("pk", "kind", "given_name", "known_as", "family_name", "date_of_birth")
        }
        referrals = list(
            Referral.objects.filter(child_id__in=person_ids, submitted_at__isnull=False)
            .exclude(status=ReferralStatus.WITHDRAWN)
            .values_list(
                "pk", "submitted_at", "decided_at", "outcome", "destination",
                "referrer_agency_id", "referrer_id", "destination_agency_id", "decided_by_id",
                "child_id",
            )
        )  # fmt: skip
        for r in referrals:
            agency_ids.update(a for a in (r[5], r[7]) if a)
        agencies = list(Agency.objects.filter(pk__in=agency_ids).order_by("name"))
        agency_names = {a.pk: a.name for a in agencies}
        staff = _staff_names(
            {r[7] for r in entry_rows} | {r[6] for r in referrals} | {r[8] for r in referrals}
        )
        items = self.items
        for pk, date, kind, summary, significant, manual, agency_id, by_id, person_id in entry_rows:
            items.append(
                ChronologyItem(
                    date, kind, KIND_LABELS.get(kind, kind), summary, agency_names[agency_id],
                    staff.get(by_id, ""), persons[person_id][0] if person_id else WHOLE_FAMILY,
                    significant, manual, (date, 1, pk),
                )
            )  # fmt: skip
        self._referrals(referrals, agency_names, staff, persons)
        if people_too:
            self._people(person_ids, persons)
        return agencies

    def _referrals(self, referrals, agency_names, staff, persons) -> None:
        label = KIND_LABELS[ChronologyKind.REFERRAL]
        to_panel = ReferralDestination.EARLY_HELP_PANEL
        for (
            pk,
            submitted,
            decided,
            outcome,
            destination,
            from_id,
            by_id,
            to_id,
            decider,
            child,
        ) in referrals:
            who = persons[child][0]
            where = "an early help panel" if destination == to_panel else "the front door"
            sent = ChronologyItem(
                timezone.localdate(submitted), ChronologyKind.REFERRAL, label,
                f"Referral to {where} by {agency_names[from_id]}", agency_names[from_id],
                staff.get(by_id, ""), who, False, False, (timezone.localdate(submitted), 2, pk),
            )  # fmt: skip
            if self.filters.keeps(sent, from_id):
                self.items.append(sent)
            if decided and outcome:
                day = timezone.localdate(decided)
                decision = ChronologyItem(
                    day, ChronologyKind.REFERRAL, label,
                    f"Decision on the referral: {REFERRAL_OUTCOMES.get(outcome, outcome)}",
                    agency_names.get(to_id, ""), staff.get(decider, ""), who,
                    outcome == ReferralOutcome.S47, False, (day, 3, pk),
                )  # fmt: skip
                if self.filters.keeps(decision, to_id):
                    self.items.append(decision)

    def _people(self, person_ids: list[int], persons: dict) -> None:
        """Births and moves, read live from the people record (no agency's entries)."""
        if self.filters.agency_id:
            return
        keep = self.filters.keeps
        birth_label = KIND_LABELS[ChronologyKind.BIRTH]
        for pk in person_ids:
            name, kind, dob = persons[pk]
            if dob and kind != PersonKind.ADULT:
                item = ChronologyItem(
                    dob, ChronologyKind.BIRTH, birth_label, f"{name} was born", PEOPLE_RECORD,
                    "", name, False, False, (dob, 0, pk),
                )  # fmt: skip
                if keep(item, None):
                    self.items.append(item)
        move_label = KIND_LABELS[ChronologyKind.MOVE]
        for pk, person_id, start, postcode, address_id in PersonAddress.objects.filter(
            person_id__in=person_ids
        ).values_list("pk", "person_id", "start_date", "address__postcode", "address_id"):
            name, _, dob = persons[person_id]
            if dob and start <= dob:
                continue  # living there since birth is not a move
            if address_id in self.hidden_addresses:
                postcode = "an address that is confidential"
            item = ChronologyItem(
                start, ChronologyKind.MOVE, move_label, f"{name} moved to {postcode}",
                PEOPLE_RECORD, "", name, False, False, (start, 0, pk),
            )  # fmt: skip
            if keep(item, None):
                self.items.append(item)

    def finish(self) -> list[ChronologyItem]:
        self.items.sort(key=attrgetter("sort_key"), reverse=True)
        return self.items


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


def _household_with_edit(user, household_id) -> tuple[Household, bool]:
    """The household through its gatekeeper (404 if not visible), and whether the user may add
    to it: one gatekeeper call, not one to see and another to ask about changing."""
    try:
        return household_for_user(user, household_id, need=Access.EDIT), True
    except PermissionDenied:
        return household_for_user(user, household_id), False


def _no_chronology_for_volunteers(user) -> None:
    """A volunteer sees what their visits need and writes their diary, nothing more: never the
    agencies' chronology (police incidents, referrals, strategy discussions). 404, as for a page
    that does not exist for them."""
    if perms.is_volunteer(user):
        raise Http404("No chronology")


def household_chronology(
    user, household_id, filters: ChronologyFilters, *, export: bool = False
) -> Chronology:
    """The multi-agency chronology of a family: every agency's events, in one timeline."""
    _no_chronology_for_volunteers(user)
    if export:  # nothing to add to in a download: the plain gatekeeper is enough
        household, can_edit = household_for_user(user, household_id), False
    else:
        household, can_edit = _household_with_edit(user, household_id)
    builder = _ChronologyBuilder(filters, hidden_addresses=confidential_address_ids(user))
    # a member restricted from this user is left out of the family's chronology
    hidden = restricted_person_ids(user)
    rows, agency_ids = builder.entries(
        ChronologyEntry.objects.filter(household=household).exclude(person_id__in=hidden)
    )
    person_ids = list(
        HouseholdMembership.objects.filter(household=household)
        .exclude(person_id__in=hidden)
        .order_by()  # not by start date: someone who left and came back is one person
        .values_list("person_id", flat=True)
        .distinct()
    )
    agencies = builder.build(rows, agency_ids, person_ids, people_too=True)
    audit_record(
        actor=user,
        action=AuditAction.EXPORT if export else AuditAction.VIEW,
        object_type="casework.chronology",
        object_id=household.pk,
        details={"household": household.pk},
        person_ids=person_ids,
    )
    return Chronology(
        household=household,
        person=None,
        items=builder.finish(),
        agencies=agencies,
        can_add=bool(user.agency_id) and can_edit,
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
    _no_chronology_for_volunteers(user)
    person = person_for_user(user, person_id)
    household_ids = list(
        HouseholdMembership.objects.filter(person=person).values_list("household_id", flat=True)
    )
    builder = _ChronologyBuilder(filters, hidden_addresses=confidential_address_ids(user))
    rows, agency_ids = builder.entries(
        ChronologyEntry.objects.filter(
            Q(person=person) | Q(person__isnull=True, household_id__in=household_ids)
        )
    )
    agencies = builder.build(rows, agency_ids, [person.pk], people_too=True)
    audit_record(
        actor=user,
        action=AuditAction.EXPORT if export else AuditAction.VIEW,
        object_type="casework.chronology",
        object_id=f"person-{person.pk}",
        details={"person": person.pk},
        person_ids=[person.pk],
    )
    return Chronology(
        household=None,
        person=person,
        items=builder.finish(),
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
        person_ids=[c.person_id for c in episode.children.all()],
    )  # fmt: skip
    return attachment


# --- The child's page: what matters now --------------------------------------------------

REFERRING_ROLES = (Role.PRACTITIONER, Role.DSL, Role.TEAM_MANAGER, Role.FRONT_DOOR)


def child_banner(user, record):
    """The banner at the top of a child's page (registered as a people panel): the open
    episode and its level, the lead professional, the plan (next review, overdue actions), a
    child protection plan or open section 47 enquiry, the last contact, and the quick actions
    this user may take: record a visit, add a note, make a referral. Only episodes in families
    the user may see; adults get no banner."""
    from continuum.people.panels import PersonPanel

    person = record.person
    today = timezone.localdate()
    # Asked for adults too (they have none), so every person page runs the same queries.
    rows = list(
        EpisodeChild.objects.filter(person=person, end_date__isnull=True)
        .exclude(episode__status=EpisodeStatus.CLOSED)
        .select_related("episode__lead_professional__agency", "episode__household")
        .order_by("-episode__start_date", "-pk")
    )
    if person.kind == PersonKind.ADULT:
        return None
    visible = visible_household_ids(user, [r.episode.household_id for r in rows])
    rows = [r for r in rows if r.episode.household_id in visible]
    data = {
        "person": person,
        "can_refer": user.role in REFERRING_ROLES,
        "episode": None,
    }
    if rows:
        row = rows[0]
        episode = row.episode
        plan = Plan.objects.filter(episode=episode).first()
        can_edit = episode.is_open and _can_edit(user, episode.household_id)
        data.update(
            episode=episode,
            other_episodes=len(rows) - 1,
            plan=plan,
            overdue_actions=(
                plan.actions.filter(status__in=OPEN_ACTION_STATUSES, due_date__lt=today).count()
                if plan
                else 0
            ),
            review_overdue=bool(plan and plan.end_date is None and plan.next_review_date < today),
            cp_plan=ChildProtectionPlan.objects.filter(child=row, end_date__isnull=True).first(),
            s47_open=Section47Enquiry.objects.filter(child=row, outcome="").exists(),
            last_visit=episode.visits.select_related("agency").order_by("-date", "-pk").first(),
            can_record=can_edit,
            can_note=can_edit and bool(user.agency_id),
        )
    if data["episode"] is None and not data["can_refer"]:
        return None
    return PersonPanel("casework/_child_banner.html", data)
