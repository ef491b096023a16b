"""Demo referral traffic for the synthetic area: `seed_referrals()`, called from the demo seed.

Everything goes through the services (so transitions, receipts, notifications and audit are
real), then the timestamps are moved into the past, so the area has open contacts in every RAG
state (some overdue), past decisions of every kind, and re-referrals within 12 months.
Only for the demo: it refuses to run in production mode.
"""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from continuum.directory.models import Agency, AgencyKind, Role, User
from continuum.governance.models import Involvement
from continuum.people.models import Person, PersonKind
from continuum.referrals import services, timescales
from continuum.referrals.models import (
    Consent,
    Destination,
    InformationRequest,
    Notification,
    Outcome,
    Rag,
    ReceivingTeam,
    Referral,
    ReferralTransition,
    Status,
)

REFERRER_KINDS = [
    AgencyKind.SCHOOL,
    AgencyKind.HEALTH_VISITING,
    AgencyKind.GP,
    AgencyKind.POLICE,
    AgencyKind.FAMILY_HUB,
    AgencyKind.HOUSING,
    AgencyKind.MIDWIFERY,
    AgencyKind.VOLUNTARY,
]
CONCERNS = [
    ("Came to school hungry most days this term; uniform unwashed; siblings collected late.", 2),
    ("Police attended a domestic incident at the home last night; the baby was present.", 4),
    ("Mother disclosed low mood and is struggling to cope with a new baby and two toddlers.", 2),
    ("Attendance has fallen to 71%; the child says there is shouting at home.", 3),
    ("Unexplained bruise on the child's arm; the explanation given does not fit the injury.", 4),
    ("Family facing eviction; living in one room; the child is missing health appointments.", 3),
    ("Parent's alcohol use reported by a neighbour; the children were left alone overnight.", 3),
    ("Teenager missing from home twice this month, found with older males.", 4),
]
OUTCOME_PLAN = [
    Outcome.NFA,
    Outcome.UNIVERSAL,
    Outcome.EARLY_HELP,
    Outcome.S17,
    Outcome.S47,
    Outcome.EARLY_HELP,
    Outcome.S17,
    Outcome.NFA,
]


def _shift(referral: Referral, delta: dt.timedelta) -> None:
    """Move a referral's history back by `delta` and recompute its deadlines from the new times."""
    r = Referral.objects.get(pk=referral.pk)
    fields = {}
    for name in (
        "created_at",
        "updated_at",
        "submitted_at",
        "received_at",
        "decided_at",
        "closed_at",
        "withdrawn_at",
        "acknowledgement_due_at",
        "escalated_at",
    ):
        value = getattr(r, name)
        if value:
            fields[name] = value - delta
    urgent = timescales.is_urgent(r.urgency)
    if r.submitted_at:  # the clocks run from arrival, as the services start them
        arrived = fields["submitted_at"]
        fields["acknowledgement_due_at"] = timescales.acknowledgement_due(arrived, urgent=urgent)
        if r.destination == Destination.FRONT_DOOR:
            fields["decision_due_at"] = timescales.decision_due(arrived, urgent=urgent)
        if r.rag:
            fields["rag_due_at"] = timescales.rag_due(r.rag, arrived)
    Referral.objects.filter(pk=r.pk).update(**fields)
    for t in ReferralTransition.objects.filter(referral=r):
        ReferralTransition.objects.filter(pk=t.pk).update(at=t.at - delta)
    for n in Notification.objects.filter(referral=r):
        Notification.objects.filter(pk=n.pk).update(created_at=n.created_at - delta)
    for q in InformationRequest.objects.filter(referral=r):
        InformationRequest.objects.filter(pk=q.pk).update(
            requested_at=q.requested_at - delta,
            due_at=q.due_at - delta,
            acknowledgement_due_at=q.acknowledgement_due_at - delta,
            answered_at=q.answered_at - delta if q.answered_at else None,
            acknowledged_at=q.acknowledged_at - delta if q.acknowledged_at else None,
        )


def _arrived_earlier(referral: Referral, delta: dt.timedelta) -> None:
    """Move a referral's arrival back by `delta` (its clocks with it): acknowledged late."""
    r = Referral.objects.get(pk=referral.pk)
    arrived = r.submitted_at - delta
    urgent = timescales.is_urgent(r.urgency)
    fields = {
        "created_at": r.created_at - delta,
        "submitted_at": arrived,
        "acknowledgement_due_at": timescales.acknowledgement_due(arrived, urgent=urgent),
    }
    if r.destination == Destination.FRONT_DOOR:
        fields["decision_due_at"] = timescales.decision_due(arrived, urgent=urgent)
    if r.rag:
        fields["rag_due_at"] = timescales.rag_due(r.rag, arrived)
    Referral.objects.filter(pk=r.pk).update(**fields)


def _referrers() -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            agency__kind__in=REFERRER_KINDS,
            role__in=[Role.PRACTITIONER, Role.DSL, Role.TEAM_MANAGER],
        )
        .select_related("agency")
        .order_by("pk")
    )


def _children_known_to(agency_id: int, limit: int = 40) -> list[Person]:
    """Children the referrer's agency is involved with (directly or through the household)."""
    involved = Involvement.objects.filter(agency_id=agency_id, ended_at__isnull=True)
    direct = involved.filter(person__isnull=False).values("person_id")
    households = involved.filter(household__isnull=False).values("household_id")
    children = Person.objects.filter(kind__in=[PersonKind.CHILD, PersonKind.UNBORN])
    return list(
        children.filter(
            Q(pk__in=direct)
            | Q(memberships__household_id__in=households, memberships__end_date__isnull=True)
        )
        .distinct()
        .order_by("pk")[:limit]
    )


@transaction.atomic
def seed_referrals(
    *, count: int = 80, seed: int = 20260401, now: dt.datetime | None = None
) -> dict[str, int]:
    """Create `count` referrals of realistic shape. Deterministic for a given seed and data."""
    if settings.IS_PRODUCTION:
        raise ImproperlyConfigured("Demo referrals are never created in production mode")
    rng = random.Random(seed)
    now = now or timezone.now()
    front_door_workers = list(
        User.objects.filter(role=Role.FRONT_DOOR, is_active=True).order_by("pk")
    )
    hubs = list(Agency.objects.filter(kind=AgencyKind.FAMILY_HUB).order_by("pk"))
    partners = list(
        Agency.objects.filter(
            kind__in=[
                AgencyKind.POLICE,
                AgencyKind.GP,
                AgencyKind.SCHOOL,
                AgencyKind.HEALTH_VISITING,
            ]
        ).order_by("pk")
    )
    referrers = [u for u in _referrers() if u.agency_id]
    if not (front_door_workers and hubs and referrers and services.front_door_agency()):
        return {"referrals": 0}
    pool: list[tuple[User, Person]] = []
    for user in referrers:
        for child in _children_known_to(user.agency_id, limit=6):
            pool.append((user, child))
    if not pool:
        return {"referrals": 0}
    rng.shuffle(pool)
    made = 0
    # Open contacts: every RAG state plus unacknowledged, some overdue. Decided: every outcome.
    plan = (
        ["submitted"] * 6
        + ["red", "amber", "green", "blue"] * 3
        + ["gathering"] * 4
        + ["withdrawn"] * 2
        + ["decided"] * 40
        + ["closed"] * 10
    )
    plan = (plan * (count // len(plan) + 1))[:count]
    re_referred: list[tuple[User, Person]] = []
    for i, shape in enumerate(plan):
        if re_referred and i % 9 == 0:
            user, child = re_referred.pop()  # the same child again: a re-referral
        else:
            user, child = pool[i % len(pool)]
        worker = front_door_workers[i % len(front_door_workers)]
        concerns, level = CONCERNS[rng.randrange(len(CONCERNS))]
        consent = Consent.GIVEN if level < 4 or rng.random() < 0.3 else Consent.NOT_SOUGHT
        data = {
            "destination": Destination.FRONT_DOOR,
            "concerns": concerns,
            "what_has_been_tried": "Conversations with the family; advice on local support.",
            "child_views": "The child said things are hard at home at the moment.",
            "parents_views": "Parents agree they need some help."
            if consent == Consent.GIVEN
            else "Not asked: asking could put the child at risk.",
            "referrer_level": level,
            "consent": consent,
            "consent_reason": ""
            if consent == Consent.GIVEN
            else "Asking could increase the risk to the child.",
            "without_consent_justification": ""
            if consent == Consent.GIVEN
            else "Indicators of significant harm: see concerns.",
            "urgency": "urgent" if level == 4 else "routine",
        }
        referral = services.referral_create(actor=user, child=child, data=data)
        referral = services.referral_submit(actor=user, referral=referral)
        made += 1
        if shape == "submitted":
            # some are past their acknowledgement deadline (and so on the escalation list)
            _shift(referral, dt.timedelta(hours=rng.choice([0.5, 1, 72, 150])))
            continue
        if shape == "withdrawn":
            services.referral_withdraw(
                actor=user, referral=referral, reason="Sent about the wrong child"
            )
            _shift(referral, dt.timedelta(days=rng.randrange(1, 60)))
            continue
        rag = {4: Rag.RED, 3: Rag.AMBER, 2: Rag.GREEN}.get(level, Rag.BLUE)
        if shape in Rag.values:
            rag = shape
        referral = services.referral_receive(
            actor=worker, referral=referral, rag=rag, confirm_low_rating=True
        )
        if shape in Rag.values or shape == "gathering":
            if shape == "gathering" and partners:
                request = services.referral_request_information(
                    actor=worker,
                    referral=referral,
                    to_agency=partners[i % len(partners)],
                    question="What do you know about this child and family?",
                    due_at=now + dt.timedelta(hours=4),
                )
                if i % 2:
                    responder = User.objects.filter(
                        agency=request.to_agency, is_active=True
                    ).first()
                    if responder:
                        services.information_request_answer(
                            actor=responder,
                            request=request,
                            answer="Known to us: two missed appointments.",
                        )
            # some open contacts are days old, so past every clock even over a weekend
            _shift(referral, dt.timedelta(hours=rng.choice([0.2, 1, 3, 120, 200])))
            continue
        outcome = OUTCOME_PLAN[i % len(OUTCOME_PLAN)]
        decided_level = {
            Outcome.NFA: 1,
            Outcome.UNIVERSAL: 1,
            Outcome.EARLY_HELP: 2,
            Outcome.S17: 3,
            Outcome.S47: 4,
        }[outcome]
        services.referral_decide(
            actor=worker,
            referral=referral,
            outcome=outcome,
            level=decided_level,
            rationale="Decision made on the information from the referrer and partner agencies.",
            signposting="Local family hub drop-in; parenting advice line."
            if outcome == Outcome.NFA
            else "",
            onward_agency=hubs[i % len(hubs)] if outcome == Outcome.EARLY_HELP else None,
        )
        if shape == "closed":
            services.referral_close(actor=worker, referral=referral)
        if i % 4 == 0:
            re_referred.append((user, child))
        _shift(referral, dt.timedelta(days=rng.randrange(2, 330), hours=rng.randrange(0, 6)))
        if i % 7 == 3:  # about one in seven arrived two days before anyone acknowledged it
            _arrived_earlier(referral, dt.timedelta(days=2))
        if i % 5 == 0:  # about one in five decided late, against the 1 working day target
            Referral.objects.filter(pk=referral.pk).update(
                decided_at=Referral.objects.get(pk=referral.pk).decided_at + dt.timedelta(days=2)
            )
    return {"referrals": Referral.objects.exclude(status=Status.DRAFT).count(), "made": made}


RECEIVING_TEAM_WORDS = ("MASH", "Early help", "Public protection", "Safeguarding")


def configure_receiving_teams() -> int:
    """Name each agency's receiving team: the one whose name says it receives (the front door's
    MASH, a hub's early help team, the police's public protection unit), else an agency's only
    team. Returns how many agencies now have one."""
    made = 0
    for agency in Agency.objects.prefetch_related("teams").order_by("pk"):
        teams = sorted(agency.teams.all(), key=lambda t: t.pk)
        chosen = next(
            (t for t in teams if any(w.lower() in t.name.lower() for w in RECEIVING_TEAM_WORDS)),
            teams[0] if len(teams) == 1 else None,
        )
        if chosen is not None:
            ReceivingTeam.objects.update_or_create(agency=agency, defaults={"team": chosen})
            made += 1
    return made


def seed_on_northbrook(*, population, today, rng, **_kw) -> None:
    """Receiver of `continuum.demo.seed.northbrook_seeded`: the front door's traffic (open
    contacts in every RAG state, past decisions of every kind, re-referrals) for the demo area;
    a handful for the small areas the tests build."""
    configure_receiving_teams()
    count = max(4, min(80, len(population.households) // 50))
    seed_referrals(count=count, seed=rng.randrange(1_000_000))
