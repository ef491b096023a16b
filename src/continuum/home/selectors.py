"""Each role's home page: what needs doing today, most urgent first, each item one click from
the work. Every list comes from the selectors and gatekeepers of the app that owns it (casework's
work list, the front door's queue, hand-overs, linkage's imports and reviews, a volunteer's
matches); this module only chooses which lists a role sees and words them as items."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from continuum.casework import selectors as casework
from continuum.directory.models import AgencyKind, Role
from continuum.governance import rules as perms
from continuum.hubs import selectors as hubs
from continuum.hubs.models import VisitDiary
from continuum.linkage import access as linkage_access
from continuum.linkage import selectors as linkage
from continuum.people.models import HouseholdMembership, PersonKind
from continuum.referrals import access as referrals_access
from continuum.referrals import selectors as referrals
from continuum.referrals.models import InformationRequest, Status

SHOW = 10  # items per list on the home page; each list links to its full page


@dataclass
class Item:
    text: str
    url: str
    detail: str = ""
    when: dt.date | None = None
    overdue: bool = False
    # A one-click action posted straight from the home page: (button text, url). The view it
    # posts to checks access as it always does, and brings the user back home.
    action: tuple[str, str] | None = None


@dataclass
class Section:
    key: str
    title: str
    items: list[Item]
    empty: str  # what to do next when there is nothing here
    more_url: str = ""
    more_text: str = ""
    total: int | None = None


@dataclass
class Home:
    title: str
    intro: str
    sections: list[Section] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (text, url): the role's tools


def _day(value) -> dt.date | None:
    if value is None:
        return None
    return timezone.localdate(value) if isinstance(value, dt.datetime) else value


def _urgent_first(items: list[Item]) -> list[Item]:
    return sorted(items, key=lambda i: (not i.overdue, i.when or dt.date.max))


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def household_names(household_ids) -> dict[int, str]:
    """A household by its current members' names ("Kerry Smith, Jayden and Jordan Smith"),
    children first, for the families a volunteer is matched to (one query)."""
    rows = (
        HouseholdMembership.objects.filter(household_id__in=set(household_ids), end_date=None)
        .order_by("household_id", "-person__date_of_birth", "pk")
        .values_list(
            "household_id", "person__kind", "person__given_name", "person__known_as",
            "person__family_name",
        )
    )  # fmt: skip
    grouped: dict[int, dict[str, list[str]]] = {}
    for household_id, kind, given, known_as, family in rows:
        given = known_as or given or ("unborn baby" if kind == PersonKind.UNBORN else "")
        grouped.setdefault(household_id, {}).setdefault(family, []).append(given)
    return {
        household_id: "; ".join(
            f"{_join(names)} {family}".strip() for family, names in by_family.items()
        )
        for household_id, by_family in grouped.items()
    }


# --- lists, each from the app that owns it -------------------------------------------------


def _casework_sections(user, work: casework.WorkList) -> list[Section]:
    today = timezone.localdate()
    sections = []
    if work.approvals or work.signoffs:
        items = [
            Item(
                f"Closure of {e.family_name or e.household.reference}'s "
                f"{e.get_kind_display().lower()} episode",
                reverse("casework:episode_close_decide", args=[e.pk]),
                f"Asked by {e.lead_professional.get_full_name()}",
            )
            for e in work.approvals
        ] + [
            Item(
                f"Assessment for {a.episode.family_name or a.episode.household.reference}",
                reverse("casework:assessment", args=[a.pk]),
                "Awaiting your sign-off",
            )
            for a in work.signoffs
        ]
        sections.append(Section("approvals", "Waiting for your approval", items, ""))
    sections.append(
        Section(
            "visits",
            "Visits due",
            [
                Item(
                    f"Record a visit to {v.episode.family_name or v.episode.household.reference}",
                    reverse("casework:visit_record", args=[v.episode.pk]),
                    (
                        f"Last visit {v.last_visit:%-d %b %Y}"
                        if v.last_visit
                        else "Not visited since the episode started"
                    ),
                    v.due,
                    v.overdue,
                )
                for v in work.visits_due
            ],
            "No visits are due in the next week in the families you lead.",
        )
    )
    actions = work.overdue_mine + work.overdue_as_lead + work.due_soon
    sections.append(
        Section(
            "actions",
            "Plan actions due and overdue",
            _urgent_first(
                [
                    Item(
                        a.description,
                        reverse("casework:plan", args=[a.plan.episode_id]),
                        f"{a.plan.episode.family_name}: {a.owner_name}",
                        a.due_date,
                        a.due_date < today,
                    )
                    for a in actions
                ]
            ),
            "No plan actions of yours, or in the families you lead, are due in the next "
            "2 weeks.",
            reverse("casework:my_work"),
            "All your work",
        )
    )
    if work.team_overdue:
        sections.append(
            Section(
                "team",
                "Your team's overdue actions",
                [
                    Item(
                        a.description,
                        reverse("casework:plan", args=[a.plan.episode_id]),
                        f"{a.plan.episode.family_name}: {a.owner_name}",
                        a.due_date,
                        True,
                    )
                    for a in work.team_overdue
                ],
                "",
                reverse("casework:my_work"),
                "All overdue work",
            )
        )
    reviews = [
        Item(
            f"Review the plan for {p.episode.family_name or p.episode.household.reference}",
            reverse("casework:plan", args=[p.episode_id]),
            "",
            p.next_review_date,
            p.next_review_date < today,
        )
        for p in work.reviews_due
    ] + [
        Item(
            f"Identify the adult seen with {p.episode.family_name}",
            reverse("casework:prompt_resolve", args=[p.episode_id, p.pk]),
            f'"{p.description}"',
            p.visit.date,
        )
        for p in work.prompts
    ]
    sections.append(
        Section(
            "reviews",
            "Reviews due",
            _urgent_first(reviews),
            "No plan reviews are due in the next 2 weeks.",
        )
    )
    sections.append(
        Section(
            "families",
            "My families",
            [
                Item(
                    e.family_name or e.household.reference,
                    reverse("casework:episode", args=[e.pk]),
                    f"{e.get_kind_display()} since {e.start_date:%-d %b %Y}"
                    + (" (closure awaiting approval)" if e.status != "open" else ""),
                )
                for e in work.episodes
            ],
            "You are not lead professional for any family. Find a person to open an episode, "
            "or ask your manager to allocate one.",
        )
    )
    return sections


def _handovers(user) -> Section:
    """Hand-overs to the user's team, and information requests to their agency, not yet
    acknowledged: overdue first."""
    waiting = referrals.awaiting_acknowledgement(user)
    now = timezone.now()
    items = [
        Item(
            f"Contact about {r.child.display_name} from {r.referrer_agency.name}",
            reverse("referrals:contact", args=[r.pk]),
            "Acknowledge receipt",
            _day(r.acknowledgement_due_at),
            bool(r.acknowledgement_due_at and r.acknowledgement_due_at < now),
        )
        for r in waiting.contacts
    ] + [
        Item(
            f"Information request about {q.referral.child.display_name}",
            reverse("referrals:request", args=[q.pk]),
            "Acknowledge and answer",
            _day(q.acknowledgement_due_at),
            bool(q.acknowledgement_due_at and q.acknowledgement_due_at < now),
            ("Acknowledge", reverse("referrals:request_acknowledge", args=[q.pk])),
        )
        for q in waiting.requests
    ]
    return Section(
        "handovers",
        "Hand-overs waiting for your acknowledgement",
        _urgent_first(items),
        "Nothing handed to your team is waiting to be acknowledged.",
        reverse("referrals:awaiting"),
        "Everything awaiting acknowledgement",
        total=len(items),
    )


def _front_door_sections(user) -> list[Section]:
    rows, page, _counts, overdue = referrals.front_door_queue(user)
    queue = Section(
        "queue",
        "The queue by deadline",
        [
            Item(
                f"{row.referral.child.display_name}: {row.referral.referrer_agency.name}",
                reverse("referrals:contact", args=[row.referral.pk]),
                row.referral.get_status_display(),
                _day(row.deadline),
                row.overdue,
            )
            for row in rows
        ][:SHOW],
        "No open contacts. New referrals appear here as they arrive.",
        reverse("referrals:queue"),
        f"The whole queue ({page.paginator.count} open, {overdue} overdue)",
        total=page.paginator.count,
    )
    queue.items = _urgent_first(queue.items)
    waiting = referrals.awaiting_acknowledgement(user)
    unallocated = Section(
        "unallocated",
        "Not yet acknowledged",
        _urgent_first(
            [
                Item(
                    f"{r.child.display_name}: {r.referrer_agency.name}",
                    reverse("referrals:contact", args=[r.pk]),
                    "Acknowledge and rate",
                    _day(r.acknowledgement_due_at),
                    bool(r.acknowledgement_due_at and r.acknowledgement_due_at < timezone.now()),
                )
                for r in waiting.contacts
            ]
        ),
        "Every contact has been acknowledged.",
        reverse("referrals:awaiting"),
        "Everything awaiting acknowledgement",
        total=len(waiting.contacts),
    )
    now = timezone.now()
    late = (
        InformationRequest.objects.filter(
            referral__in=referrals_access.contacts_visible_to(user),
            answered_at__isnull=True,
            due_at__lt=now,
        )
        .select_related("referral__child", "to_agency")
        .order_by("due_at")
    )
    requests = Section(
        "requests",
        "Information requests overdue",
        [
            Item(
                f"{q.to_agency.name}: about {q.referral.child.display_name}",
                reverse("referrals:contact", args=[q.referral_id]),
                "Not answered",
                _day(q.due_at),
                True,
            )
            for q in late[:SHOW]
        ],
        "Every agency asked for information has answered in time.",
    )
    return [queue, unallocated, requests]


def _dsl_section(user) -> Section:
    """Concerns the setting has raised (its referrals) that the front door has not decided."""
    pending = referrals.referrals_sent(user).filter(
        status__in=[Status.SUBMITTED, Status.RECEIVED, Status.INFORMATION_GATHERING]
    )
    return Section(
        "concerns",
        "Concerns raised in your setting, awaiting a decision",
        _urgent_first(
            [
                Item(
                    f"{r.child.display_name}: referral {r.reference}",
                    reverse("referrals:detail", args=[r.pk]),
                    f"{r.get_status_display()}, sent by {r.referrer.get_full_name()}",
                    _day(r.decision_due_at or r.submitted_at),
                    r.is_overdue(),
                )
                for r in pending.select_related("referrer")[:SHOW]
            ]
        ),
        "No referral from your setting is waiting for a decision.",
        reverse("referrals:mine"),
        "All your setting's referrals",
    )


def _imports_section(user) -> Section:
    """A data steward's own agency's extracts, newest first."""
    jobs = list(linkage_access.imports_visible_to(user).order_by("-created_at")[:5])
    return Section(
        "imports",
        "Recent imports",
        [
            Item(
                f"{job.filename} from {job.agency.name}",
                reverse("linkage:import_detail", args=[job.pk]),
                f"{job.get_status_display()}: {job.rows_done} of {job.rows_total} rows",
                _day(job.created_at),
                job.status == "failed",
            )
            for job in jobs
        ],
        "No extract of your agency's has been imported yet. Upload one from Imports.",
        reverse("linkage:imports"),
        "Imports",
    )


def _review_counts_section(user) -> Section:
    """How many possible matches wait for the front door's review: counts, never names."""
    counts = linkage.review_counts(user)
    open_reviews = counts.get("open", 0)
    return Section(
        "reviews",
        "The review queue",
        (
            [
                Item(
                    f"{open_reviews} possible matches to review",
                    reverse("linkage:review_queue"),
                    f"{counts.get('not_sure', 0)} marked not sure",
                )
            ]
            if open_reviews
            else []
        ),
        "No possible matches are waiting for review.",
    )


def _volunteer_section(user) -> Section:
    matches = hubs.matches_for_volunteer(user)
    names = household_names([m.household_id for m in matches])
    last = dict.fromkeys((m.pk for m in matches), None) | dict(
        VisitDiary.objects.filter(match__in=matches)
        .order_by()
        .values("match_id")
        .annotate(last=Max("visited_on"))
        .values_list("match_id", "last")
    )
    return Section(
        "matches",
        "My families",
        [
            Item(
                names.get(m.household_id) or f"Household {m.household.reference}",
                reverse("hubs:match", args=[m.pk]),
                (
                    f"{m.get_stage_display()}; last visit {last[m.pk]:%-d %b %Y}: write up your "
                    "next visit on the family's page"
                    if last[m.pk]
                    else f"{m.get_stage_display()}; no visit written up yet"
                ),
            )
            for m in matches
        ],
        "You are not matched to a family at the moment. Your co-ordinator will contact you "
        "when a family is matched to you.",
    )


# --- the page --------------------------------------------------------------------------------


def home_for(user) -> Home:
    """The lists this user's role needs today, most urgent first."""
    role = user.role
    if perms.is_volunteer(user):
        return Home(
            "Your families",
            "The families you are matched to and your visits.",
            [_volunteer_section(user)],
        )
    if perms.is_data_steward(user):
        return Home(
            "Your agency's records",
            "Load your agency's extracts; the front door reviews the possible matches they "
            "raise. An import opens nobody's record.",
            [_imports_section(user), _review_counts_section(user)],
        )
    if perms.is_analyst(user):
        return Home(
            "Data and reports",
            "How many possible matches wait for review, and the area's reports.",
            [_review_counts_section(user)],
            [
                ("Matching model", reverse("linkage:model")),
                ("Referral register", reverse("referrals:register")),
                ("Reach of the family hubs", reverse("hubs:reach")),
                ("Outcomes report", reverse("outcomes:cohort")),
            ],
        )
    if perms.is_dpo(user):
        return Home(
            "Access to review",
            "Every view, search and change of a person's record is in the audit log. Find the "
            "person, then open \u201cWho has seen this record\u201d on their page.",
            [],
            [("Search for a person's record", reverse("people:search")),
             ("Referral register", reverse("referrals:register"))],
        )  # fmt: skip
    if role == Role.ADMINISTRATOR:
        return Home(
            "Administration",
            "Your agency's settings.",
            [],
            [
                ("Who receives your agency's hand-overs", reverse("referrals:receiving_team")),
                ("Import local services", reverse("servicedirectory:import")),
            ],
        )
    sections: list[Section] = []
    front_door = perms.is_front_door(user) or (
        role == Role.TEAM_MANAGER and user.agency.kind == AgencyKind.FRONT_DOOR
    )
    if front_door:
        sections += _front_door_sections(user)
    work = casework.my_work(user)
    if role == Role.DSL:
        sections.append(_dsl_section(user))
    if not front_door:  # the front door's hand-overs are its queue, above
        sections.append(_handovers(user))
    sections += _casework_sections(user, work)
    for section in sections:  # the most urgent few; each list links to its full page
        section.total = section.total if section.total is not None else len(section.items)
        section.items = section.items[:SHOW]
    return Home("Today", "What needs doing, most urgent first.", sections)
