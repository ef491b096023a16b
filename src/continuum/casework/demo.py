"""Casework for the synthetic Northbrook area, added when the demo seed has built the families
(receiver of `continuum.demo.seed.northbrook_seeded`, connected in apps.py; also callable on its
own with `seed_casework(families=..., users=..., today=..., rng=...)`).

Open and closed early help, child in need and child protection episodes; Teams Around the Family
of 3 to 6 agencies (each with its TAF involvement, ended when a member left or the episode
closed); plans whose actions are done, on time or overdue; reviews every 6 weeks; months of
visits with the child's voice; completed assessments; and the chronology that goes with them.
Rows are bulk-inserted: the seed writes one audit event for the whole area.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from continuum.casework import rules
from continuum.casework.codes import (
    ActionStatus,
    AssessmentStatus,
    ChronologyKind,
    ClosureReason,
    EarlyHelpOutcome,
    EpisodeKind,
    EpisodeStatus,
    VisitKind,
)
from continuum.casework.models import (
    Assessment,
    AssessmentChild,
    ChildProtectionPlan,
    ChronologyEntry,
    CPPlanReview,
    Episode,
    EpisodeChild,
    EpisodeTransition,
    InitialConference,
    Plan,
    PlanAction,
    PlanReview,
    Section47Enquiry,
    TafMember,
    Visit,
    VisitChild,
)
from continuum.directory.models import AgencyKind, Role
from continuum.governance.models import AccessLevel, Involvement, InvolvementSource
from continuum.people.models import PersonKind

ACTIONS = [
    "Morning routine plan with the family",
    "Referral to the Incredible Years parenting programme",
    "Attendance meeting at school",
    "Housing repairs request for the damp bedroom",
    "Health visitor developmental review",
    "Debt and benefits advice appointment",
    "Speech and language drop-in",
    "Young carers group place",
    "GP appointment about low mood",
    "Home-Start volunteer match",
]
SAID = [
    "I like it when Mum walks me to school",
    "I get scared when they shout",
    "I want my own bed",
    "School is OK, I like football",
    "I miss my dad",
    "",
]
OBSERVATIONS = [
    "Home warm, food in the fridge; children clean and appropriately dressed.",
    "Mum tired and tearful; said money is very tight this month.",
    "Bedroom still damp; mould on the window frame.",
    "Children played happily; good warmth between mum and youngest.",
    "Man present who left when I arrived; mum said he was a friend.",
]
TAF_KINDS = [
    AgencyKind.SCHOOL,
    AgencyKind.HEALTH_VISITING,
    AgencyKind.GP,
    AgencyKind.HOUSING,
    AgencyKind.POLICE,
    AgencyKind.VOLUNTARY,
    AgencyKind.MIDWIFERY,
]


def _leads(users):
    return [
        u
        for u in users.values()
        if u.role == Role.PRACTITIONER
        and u.agency_id
        and u.agency.kind in (AgencyKind.FAMILY_HUB, AgencyKind.SOCIAL_WORK)
    ]


def seed_casework(*, population=None, families=None, agencies=None, users, today, rng, count=90,
                  **_kw) -> dict[str, int]:  # fmt: skip
    """Casework for `count` families with children. Returns row counts."""
    families = families if families is not None else population.families
    candidates = [
        f
        for f in families
        if any(m.kind == PersonKind.CHILD and m.id for m in f.members)
        and any(m.kind == PersonKind.ADULT for m in f.members)
    ]
    leads = _leads(users)
    partners: dict[str, list] = {}
    for u in users.values():
        if u.agency_id and u.role in (Role.PRACTITIONER, Role.DSL) and u.agency.kind in TAF_KINDS:
            partners.setdefault(u.agency.kind, []).append(u)
    if not candidates or not leads:
        return {}
    managers = {u.agency_id: u for u in users.values() if u.role == Role.TEAM_MANAGER}
    demo_lead = users.get("hub.practitioner")
    chosen = rng.sample(candidates, min(count, len(candidates)))
    now = timezone.now()
    counts = {"episodes": 0, "visits": 0, "actions": 0, "taf_members": 0, "chronology": 0,
              "s47": 0, "cp_plans": 0}  # fmt: skip
    for n, family in enumerate(chosen):
        children = [m for m in family.members if m.kind == PersonKind.CHILD][:4]
        adults = [m for m in family.members if m.kind == PersonKind.ADULT]
        lead = demo_lead if (demo_lead and n % 6 == 0) else rng.choice(leads)
        social_work = lead.agency.kind == AgencyKind.SOCIAL_WORK
        kind = (
            rng.choice([EpisodeKind.CHILD_IN_NEED, EpisodeKind.CHILD_PROTECTION])
            if social_work
            else rng.choice([EpisodeKind.EARLY_HELP] * 5 + [EpisodeKind.SINGLE_AGENCY])
        )
        if social_work and counts["cp_plans"] < 2:
            kind = EpisodeKind.CHILD_PROTECTION  # at least a couple of families on CP plans
        closed = rng.random() < 0.35
        start = today - dt.timedelta(days=rng.randint(60 if not closed else 150, 420))
        formed = family.formed or start
        start = max(start, formed, *(c.date_of_birth for c in children if c.date_of_birth))
        if start >= today - dt.timedelta(days=20):
            continue
        end = (
            min(start + dt.timedelta(days=rng.randint(90, 240)), today - dt.timedelta(days=7))
            if closed
            else None
        )
        last_day = end or today
        statutory = kind in (EpisodeKind.CHILD_IN_NEED, EpisodeKind.CHILD_PROTECTION)
        episode = Episode.objects.create(
            household_id=family.household.id, kind=kind,
            status=EpisodeStatus.CLOSED if closed else EpisodeStatus.OPEN,
            lead_professional=lead, agency_id=lead.agency_id, team_id=lead.team_id,
            referral_date=start - dt.timedelta(days=rng.randint(0, 10)), start_date=start,
            end_date=end, level_of_need=4 if statutory else rng.choice([2, 3]),
            primary_need=rng.choice(["N1", "N3", "N4", "N5"]) if statutory else "",
            category_of_abuse=rng.choice(["NEG", "EMO", "PHY"])
            if kind == EpisodeKind.CHILD_PROTECTION else "",
            reason_for_closure=ClosureReason.RC7 if closed and statutory else "",
            outcome=rng.choice([EarlyHelpOutcome.NEEDS_MET, EarlyHelpOutcome.STEP_DOWN])
            if closed and not statutory else "",
            closure_summary="Plan outcomes met; family know how to ask for help." if closed else "",
            closure_approved_by=managers.get(lead.agency_id) if closed else None,
            created_by=lead,
        )  # fmt: skip
        counts["episodes"] += 1
        child_records = EpisodeChild.objects.bulk_create(
            EpisodeChild(episode=episode, person_id=c.id, start_date=start, end_date=end)
            for c in children
        )
        transitions = [EpisodeTransition(episode=episode, to_status=EpisodeStatus.OPEN,
                                         actor=lead, at=now)]  # fmt: skip
        if closed:
            transitions.append(EpisodeTransition(
                episode=episode, from_status=EpisodeStatus.OPEN, to_status=EpisodeStatus.CLOSED,
                actor=managers.get(lead.agency_id), at=now,
            ))  # fmt: skip
        EpisodeTransition.objects.bulk_create(transitions)
        chronology = [ChronologyEntry(
            household_id=family.household.id, episode=episode, date=start,
            kind=ChronologyKind.EPISODE_START, summary=f"{episode.get_kind_display()} episode "
            f"opened; lead professional {lead.get_full_name()}", agency_id=lead.agency_id,
            recorded_by=lead,
        )]  # fmt: skip

        if statutory:
            made = _protection(episode, child_records, lead, start, end, today, rng, chronology)
            counts["s47"] += made[0]
            counts["cp_plans"] += made[1]

        # Team Around the Family: the lead and 2 to 5 other agencies.
        kinds = rng.sample([k for k in TAF_KINDS if partners.get(k)], k=min(
            rng.randint(2, 5), len([k for k in TAF_KINDS if partners.get(k)])))  # fmt: skip
        members = [(lead, "Lead professional")] + [
            (rng.choice(partners[k]), dict(AgencyKind.choices)[k]) for k in kinds
        ]
        taf = []
        for user, role in members:
            left = end
            if not closed and user is not lead and rng.random() < 0.1:
                left = start + dt.timedelta(days=rng.randint(30, max(31, (today - start).days)))
                left = min(left, today)
            inv = Involvement.objects.create(
                agency_id=user.agency_id, household_id=family.household.id, access=AccessLevel.EDIT,
                source=InvolvementSource.TEAM_AROUND_FAMILY,
                reason=f"Team Around the Family, episode {episode.pk}", started_by=lead,
                started_at=timezone.make_aware(dt.datetime.combine(start, dt.time(10))),
                ended_at=timezone.make_aware(dt.datetime.combine(left, dt.time(17)))
                if left else None,
            )  # fmt: skip
            taf.append(TafMember(episode=episode, user=user, agency_id=user.agency_id,
                                 role_in_taf=role, involvement=inv, joined_on=start,
                                 left_on=left, invited_by=lead))  # fmt: skip
        TafMember.objects.bulk_create(taf)
        counts["taf_members"] += len(taf)
        workers = [u for u, _ in members]

        # The assessment, completed and signed off within six weeks.
        a_start = start + dt.timedelta(days=rng.randint(1, 7))
        a_done = min(a_start + dt.timedelta(days=rng.randint(10, 40)), last_day)
        factors = rng.sample(["3B", "4B", "2B", "16A", "17A", "7A", "14A"], k=rng.randint(1, 3))
        assessment = Assessment.objects.create(
            episode=episode, status=AssessmentStatus.COMPLETED, start_date=a_start,
            completed_date=a_done, parents_view="Mum says mornings are the hardest part.",
            summary="Needs are around routines, money and mum's wellbeing.", factors=factors,
            created_by=lead, submitted_by=lead, signed_off_by=managers.get(lead.agency_id),
        )  # fmt: skip
        AssessmentChild.objects.bulk_create(
            AssessmentChild(assessment=assessment, person_id=c.id, seen=True,
                            seen_alone=c.age_on(a_done) is not None and c.age_on(a_done) >= 5,
                            wishes_and_feelings=rng.choice(SAID))
            for c in children
        )  # fmt: skip
        chronology.append(ChronologyEntry(
            household_id=family.household.id, episode=episode, date=a_done,
            kind=ChronologyKind.ASSESSMENT,
            summary="Assessment completed and signed off; factors: " + ", ".join(factors),
            agency_id=lead.agency_id, recorded_by=lead,
        ))  # fmt: skip

        # The plan, its actions (done, on time, overdue) and reviews every six weeks.
        p_start = a_done
        if p_start < last_day:
            plan = Plan.objects.create(
                episode=episode, start_date=p_start,
                outcomes_sought="The children get to school on time, rested and fed; mum feels "
                "less alone and knows where to get help.",
                next_review_date=p_start + dt.timedelta(weeks=6), updated_by=lead,
            )  # fmt: skip
            actions = []
            for text in rng.sample(ACTIONS, k=rng.randint(3, 6)):
                due = p_start + dt.timedelta(days=rng.randint(7, 120))
                if closed:
                    status = rng.choice(
                        [ActionStatus.DONE, ActionStatus.DONE, ActionStatus.NOT_DONE]
                    )
                elif due < today:
                    status = rng.choice([ActionStatus.DONE, ActionStatus.IN_PROGRESS,
                                         ActionStatus.NOT_STARTED])  # fmt: skip
                else:
                    status = rng.choice([ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS])
                family_owned = adults and rng.random() < 0.25
                actions.append(PlanAction(
                    plan=plan, description=text, due_date=due, status=status,
                    owner_person_id=adults[0].id if family_owned else None,
                    owner_user=None if family_owned else rng.choice(workers),
                    closed_note="Family will self-refer if needed"
                    if status == ActionStatus.NOT_DONE else "",
                ))  # fmt: skip
            PlanAction.objects.bulk_create(actions)
            counts["actions"] += len(actions)
            chronology.append(ChronologyEntry(
                household_id=family.household.id, episode=episode, date=p_start,
                kind=ChronologyKind.PLAN, summary="Plan agreed", agency_id=lead.agency_id,
                recorded_by=lead,
            ))  # fmt: skip
            review_day = p_start + dt.timedelta(weeks=6)
            reviews = []
            while review_day < last_day:
                reviews.append(PlanReview(
                    plan=plan, review_date=review_day, recorded_by=lead,
                    what_changed=rng.choice(["Attendance up to 92%", "Mum started the course",
                                             "Repairs done", "Little change this period"]),
                    child_view=rng.choice([s for s in SAID if s]),
                    next_review_date=review_day + dt.timedelta(weeks=6),
                ))  # fmt: skip
                chronology.append(ChronologyEntry(
                    household_id=family.household.id, episode=episode, date=review_day,
                    kind=ChronologyKind.REVIEW, summary="Plan reviewed",
                    agency_id=lead.agency_id, recorded_by=lead,
                ))  # fmt: skip
                review_day += dt.timedelta(weeks=6)
            PlanReview.objects.bulk_create(reviews)
            Plan.objects.filter(pk=plan.pk).update(next_review_date=review_day)

        # Visits every one to three weeks, by the members of the team.
        day = start + dt.timedelta(days=rng.randint(2, 10))
        visits = []
        while day <= last_day:
            by = rng.choice(workers)
            visits.append((day, by, Visit(
                episode=episode, date=day, kind=rng.choice(list(VisitKind.values)),
                observations=rng.choice(OBSERVATIONS), significant=rng.random() < 0.07,
                recorded_by=by, agency_id=by.agency_id,
            )))  # fmt: skip
            day += dt.timedelta(days=rng.randint(7, 21))
        Visit.objects.bulk_create([v for _, _, v in visits])
        seen_rows = []
        for vday, by, visit in visits:
            for c in children:
                seen = rng.random() < 0.8
                seen_rows.append(VisitChild(
                    visit=visit, person_id=c.id, seen=seen,
                    seen_alone=seen and (c.age_on(vday) or 0) >= 5 and rng.random() < 0.5,
                    child_said=rng.choice(SAID) if seen else "",
                ))  # fmt: skip
            chronology.append(ChronologyEntry(
                household_id=family.household.id, episode=episode, date=vday,
                kind=ChronologyKind.VISIT, summary=f"{visit.get_kind_display()}",
                significant=visit.significant, agency_id=by.agency_id, recorded_by=by,
            ))  # fmt: skip
        VisitChild.objects.bulk_create(seen_rows)
        counts["visits"] += len(visits)
        if closed:
            chronology.append(ChronologyEntry(
                household_id=family.household.id, episode=episode, date=end,
                kind=ChronologyKind.EPISODE_CLOSE,
                summary=f"{episode.get_kind_display()} episode closed",
                agency_id=lead.agency_id, recorded_by=managers.get(lead.agency_id),
            ))  # fmt: skip
        ChronologyEntry.objects.bulk_create(chronology)
        counts["chronology"] += len(chronology)
    return counts


def _protection(episode, child_records, lead, start, end, today, rng, chronology) -> tuple:
    """Section 47 enquiries for a statutory episode's eldest child: in a CP episode they lead
    to a conference and a child protection plan (reviewed, and ended if the episode closed);
    in a CIN episode, now and then, to services with no conference needed."""
    record = child_records[0]
    last_day = end or today
    s47_start = start + dt.timedelta(days=rng.randint(0, 3))
    target = rules.icpc_target(s47_start)
    cp = episode.kind == EpisodeKind.CHILD_PROTECTION
    if not cp and rng.random() < 0.6:
        return 0, 0
    icpc_day = target - dt.timedelta(days=rng.randint(0, 6))
    while icpc_day.weekday() >= 5:
        icpc_day -= dt.timedelta(days=1)
    icpc_day = max(icpc_day, s47_start)
    if icpc_day.weekday() >= 5 or icpc_day >= last_day - dt.timedelta(days=1):
        return 0, 0
    s47 = Section47Enquiry.objects.create(
        episode=episode, child=record, start_date=s47_start, icpc_target=target,
        icpc_not_required=not cp, outcome="icpc" if cp else "services",
        outcome_date=icpc_day, recorded_by=lead,
    )  # fmt: skip
    common = {"household_id": episode.household_id, "episode": episode,
              "person_id": record.person_id, "agency_id": lead.agency_id, "recorded_by": lead}
    chronology.append(ChronologyEntry(
        date=s47_start, kind=ChronologyKind.S47, significant=True, **common,
        summary="Strategy discussion: section 47 enquiry started; initial child protection "
        f"conference due by {target.day} {target:%B %Y}",
    ))  # fmt: skip
    if not cp:
        chronology.append(ChronologyEntry(
            date=icpc_day, kind=ChronologyKind.S47, **common,
            summary="Section 47 enquiry concluded: Provision of services (section 17)",
        ))  # fmt: skip
        return 1, 0
    icpc = InitialConference.objects.create(
        s47=s47, date=icpc_day, plan_agreed=True, recorded_by=lead
    )
    plan = ChildProtectionPlan.objects.create(
        episode=episode, child=record, icpc=icpc, start_date=icpc_day,
        category_of_abuse=episode.category_of_abuse or "NEG", end_date=end, recorded_by=lead,
    )  # fmt: skip
    chronology += [
        ChronologyEntry(date=icpc_day, kind=ChronologyKind.ICPC, significant=True, **common,
                        summary="Initial child protection conference: child protection plan"),
        ChronologyEntry(date=icpc_day, kind=ChronologyKind.CP_PLAN, significant=True, **common,
                        summary="Child protection plan started: "
                        f"{plan.get_category_of_abuse_display()}"),
    ]  # fmt: skip
    review, months = icpc_day, 3
    reviews = []
    while True:
        review = review + dt.timedelta(days=30 * months)
        while review.weekday() >= 5:
            review += dt.timedelta(days=1)
        if review >= last_day:
            break
        reviews.append(CPPlanReview(plan=plan, date=review, recorded_by=lead))
        chronology.append(ChronologyEntry(
            date=review, kind=ChronologyKind.CP_PLAN, summary="Child protection review "
            "conference held", **common,
        ))  # fmt: skip
        months = 6
    CPPlanReview.objects.bulk_create(reviews)
    if end:
        chronology.append(ChronologyEntry(
            date=end, kind=ChronologyKind.CP_PLAN, significant=True,
            summary="Child protection plan ended", **common,
        ))  # fmt: skip
    return 1, 1


def seed_on_northbrook(*, population, agencies, users, today, rng: random.Random, **kw):
    seed_casework(population=population, agencies=agencies, users=users, today=today, rng=rng)
