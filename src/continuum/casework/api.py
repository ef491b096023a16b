"""Casework over HTTP for agency systems: the same gatekeepers, selectors and services as the
pages. 404 for an episode or family the caller may not see; 403 for see-but-not-change."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from ninja import Query, Router, Schema

from continuum.casework import selectors, services
from continuum.casework.access import episode_for_user
from continuum.casework.codes import ChronologyKind, VisitKind
from continuum.governance.access import Access

router = Router(tags=["casework"])


class TafMemberOut(Schema):
    name: str
    agency: str
    role_in_taf: str
    joined_on: dt.date


class ActionOut(Schema):
    id: int
    description: str
    owner: str
    due_date: dt.date
    status: str
    overdue: bool


class EpisodeOut(Schema):
    id: int
    household_id: int
    kind: str
    status: str
    lead_professional: str
    agency: str
    referral_date: dt.date
    start_date: dt.date
    end_date: dt.date | None
    level_of_need: int
    primary_need: str
    category_of_abuse: str
    reason_for_closure: str
    child_ids: list[int]
    team_around_the_family: list[TafMemberOut]
    actions: list[ActionOut]


class VisitChildIn(Schema):
    person_id: int
    seen: bool = False
    seen_alone: bool = False
    child_said: str = ""


class VisitIn(Schema):
    date: dt.date
    kind: VisitKind
    present: list[int] = []
    children: list[VisitChildIn] = []
    observations: str = ""
    significant: bool = False
    unknown_adult: str = ""


class VisitOut(Schema):
    id: int
    episode_id: int
    date: dt.date
    kind: str
    identify_prompt: bool


class ChronologyItemOut(Schema):
    date: dt.date
    kind: str
    summary: str
    about: str
    agency: str
    recorded_by: str
    significant: bool


class ChronologyQuery(Schema):
    agency_id: int | None = None
    kind: list[ChronologyKind] = []
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    significant_only: bool = False


@router.get(
    "/casework/episodes/{int:episode_id}",
    response=EpisodeOut,
    summary="Read an episode: children, Team Around the Family, who does what",
)
def read_episode(request, episode_id: int):
    r = selectors.episode_record(request.user, episode_id)
    e = r.episode
    return {
        "id": e.pk, "household_id": e.household_id, "kind": e.kind, "status": e.status,
        "lead_professional": e.lead_professional.get_full_name(), "agency": e.agency.name,
        "referral_date": e.referral_date, "start_date": e.start_date, "end_date": e.end_date,
        "level_of_need": e.level_of_need, "primary_need": e.primary_need,
        "category_of_abuse": e.category_of_abuse, "reason_for_closure": e.reason_for_closure,
        "child_ids": [c.person_id for c in r.children],
        "team_around_the_family": [
            {"name": m.user.get_full_name() or m.user.username, "agency": m.agency.name,
             "role_in_taf": m.role_in_taf, "joined_on": m.joined_on}
            for m in r.taf
        ],
        "actions": [
            {"id": a.pk, "description": a.description, "owner": a.owner_name,
             "due_date": a.due_date, "status": a.status, "overdue": a.is_overdue}
            for a in r.actions
        ],
    }  # fmt: skip


@router.post(
    "/casework/episodes/{int:episode_id}/visits",
    response={201: VisitOut},
    summary="Record a visit or contact",
)
def record_visit(request, episode_id: int, payload: VisitIn):
    episode = episode_for_user(request.user, episode_id, need=Access.EDIT)
    members = {
        p.pk: p for p in selectors.household_members(episode.household, user=request.user)
    }
    children = {
        c.person_id: c.person
        for c in selectors.children_in_episode(episode, user=request.user)
    }

    if any(pk not in members for pk in payload.present):
        raise ValidationError({"present": "Choose people who live in this household"})
    if any(c.person_id not in children for c in payload.children):
        raise ValidationError({"children": "A child in the visit is not in this episode"})
    visit = services.visit_record(
        actor=request.user, episode=episode, date=payload.date, kind=payload.kind,
        present=[members[pk] for pk in payload.present],
        children=[
            {"person": children[c.person_id], "seen": c.seen, "seen_alone": c.seen_alone,
             "child_said": c.child_said}
            for c in payload.children
        ],
        observations=payload.observations, significant=payload.significant,
        unknown_adult=payload.unknown_adult,
    )  # fmt: skip
    return 201, {
        "id": visit.pk, "episode_id": episode.pk, "date": visit.date, "kind": visit.kind,
        "identify_prompt": bool(visit.unknown_adult),
    }  # fmt: skip


@router.get(
    "/casework/households/{int:household_id}/chronology",
    response=list[ChronologyItemOut],
    summary="The family's multi-agency chronology, newest first",
)
def read_chronology(request, household_id: int, filters: Query[ChronologyQuery]):
    chronology = selectors.household_chronology(
        request.user, household_id,
        selectors.ChronologyFilters(
            agency_id=filters.agency_id, kinds=[str(k) for k in filters.kind],
            date_from=filters.date_from, date_to=filters.date_to,
            significant_only=filters.significant_only,
        ),
    )  # fmt: skip
    return [
        {"date": i.date, "kind": i.kind, "summary": i.summary, "about": i.person,
         "agency": i.agency, "recorded_by": i.recorded_by, "significant": i.significant}
        for i in chronology.items
    ]  # fmt: skip
