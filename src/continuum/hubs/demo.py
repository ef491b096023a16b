"""Family hub life for the synthetic Northbrook area, added when the demo seed has built the
families (receiver of `continuum.demo.seed.northbrook_seeded`, connected in apps.py).

A term's timetable at each hub with registers and attendance, registrations with consent for the
families the hubs know, outreach lists for new pregnancies and births, a Home-Start volunteer
scheme with diaries, a 64-service local directory, and outcome readings with believable
trajectories for a few hundred families. Rows are bulk-inserted (the seed writes one audit event
for the whole area).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from django.utils import timezone

from continuum.directory.models import AgencyKind, Role
from continuum.governance.models import AccessLevel, Involvement, InvolvementSource
from continuum.hubs import services
from continuum.hubs.models import (
    Activity,
    Attendance,
    ContactAttempt,
    ContactMethod,
    ContactResult,
    Enrolment,
    HubRegistration,
    MatchStage,
    OutreachEntry,
    OutreachStatus,
    Register,
    RiskFlag,
    RiskFlagKind,
    Session,
    SessionStatus,
    VisitDiary,
    VolunteerMatch,
    VolunteerProfile,
)
from continuum.people.models import Person, PersonKind

TERM_WEEKS = 12
PROGRAMME = [  # name, kind, weekday, hour, weeks, who comes ("under5", "baby", "unborn")
    ("Stay and play", "stay_and_play", 0, 10, TERM_WEEKS, "under5"),
    ("Baby massage", "baby_massage", 1, 13, 5, "baby"),
    ("Antenatal class", "antenatal", 2, 18, 6, "unborn"),
    ("Incredible Years parenting programme", "parenting_programme", 3, 10, 10, "under5"),
    ("Health visitor drop-in", "hv_drop_in", 4, 9, TERM_WEEKS, "under5"),
]


def _age_days(person: Person, today: dt.date) -> int | None:
    return (today - person.date_of_birth).days if person.date_of_birth else None


def seed_family_hub_life(*, population, agencies, users, today, rng: random.Random, **_kw):
    hubs = [a for a in agencies.values() if a.kind == AgencyKind.FAMILY_HUB and a.catchment_id]
    if not hubs:
        return
    tz = timezone.get_current_timezone()
    families_by_household = {f.household.id: f for f in population.families}
    hub_staff = {
        hub.pk: [u for u in users.values() if u.agency_id == hub.pk and u.role == Role.PRACTITIONER]
        for hub in hubs
    }

    # Registrations with consent, for every household a hub registered.
    registered: dict[int, list[int]] = {hub.pk: [] for hub in hubs}
    regs = []
    for inv in Involvement.objects.filter(
        agency__in=hubs, source=InvolvementSource.REGISTRATION, household__isnull=False
    ):
        family = families_by_household.get(inv.household_id)
        adults = [m for m in family.members if m.kind == PersonKind.ADULT] if family else []
        consent = f"{adults[0].given_name} {adults[0].family_name}".strip() if adults else "Parent"
        regs.append(
            HubRegistration(
                hub_id=inv.agency_id,
                household_id=inv.household_id,
                registered_at=inv.started_at,
                consent_given_by=consent,
                consent_recorded_at=inv.started_at,
            )
        )
        registered[inv.agency_id].append(inv.household_id)
    HubRegistration.objects.bulk_create(regs, ignore_conflicts=True)

    # Risk factors other agencies recorded about the adults, each on the family's chronology:
    # domestic abuse by the police, substance misuse and mental ill-health by adult services.
    from continuum.casework.codes import ChronologyKind
    from continuum.casework.models import ChronologyEntry

    by_kind = {a.kind: a for a in agencies.values()}
    recorder_agency = {
        RiskFlagKind.DOMESTIC_ABUSE: by_kind.get(AgencyKind.POLICE),
        RiskFlagKind.SUBSTANCE_MISUSE: by_kind.get(AgencyKind.ADULT_SERVICES),
        RiskFlagKind.MENTAL_ILL_HEALTH: by_kind.get(AgencyKind.ADULT_SERVICES),
    }
    recorder = {
        agency.pk: next(
            (u for u in users.values() if u.agency_id == agency.pk and u.role != Role.VOLUNTEER),
            None,
        )
        for agency in recorder_agency.values()
        if agency
    }
    flags, flag_families = [], []
    for family in population.families:
        adults = [m for m in family.members if m.kind == PersonKind.ADULT]
        kind = rng.choice(RiskFlagKind.values)
        agency = recorder_agency[RiskFlagKind(kind)]
        if adults and agency and rng.random() < 0.06:
            flags.append(
                RiskFlag(
                    person_id=rng.choice(adults).id,
                    recorded_by_agency=agency,
                    recorded_by=recorder.get(agency.pk),
                    recorded_at=timezone.now() - dt.timedelta(days=rng.randint(0, 700)),
                    kind=kind,
                )
            )
            flag_families.append(family.household.id)
    RiskFlag.objects.bulk_create(flags)
    # The recording agency works with the family (a legitimate relationship): where it has no
    # involvement yet, the member of staff who recorded the risk factor started that work.
    involved = set(
        Involvement.objects.filter(
            agency__in=[a for a in recorder_agency.values() if a], household__isnull=False,
            ended_at__isnull=True,
        ).values_list("agency_id", "household_id")
    )  # fmt: skip
    wanted = {(f.recorded_by_agency_id, hh) for f, hh in zip(flags, flag_families, strict=True)}
    Involvement.objects.bulk_create(
        [
            Involvement(
                agency_id=agency_id,
                household_id=household_id,
                access=AccessLevel.READ,
                source=InvolvementSource.SERVICE,
                reason="Working with a parent on the risk factor the agency recorded",
                started_by=recorder.get(agency_id),
            )
            for agency_id, household_id in sorted(wanted - involved)
        ]
    )
    ChronologyEntry.objects.bulk_create(
        [
            ChronologyEntry(
                household_id=household_id,
                person_id=flag.person_id,
                date=timezone.localdate(flag.recorded_at),
                kind=ChronologyKind.OTHER,
                summary=f"{flag.recorded_by_agency.name} recorded "
                f"{flag.get_kind_display().lower()}",
                significant=True,
                agency=flag.recorded_by_agency,
                recorded_by=flag.recorded_by,
                recorded_at=flag.recorded_at,
                source_type="riskflag",
                source_id=flag.pk,
            )
            for flag, household_id in zip(flags, flag_families, strict=True)
        ]
    )

    # A term's timetable: started 8 weeks ago, with registers for the sessions already held.
    monday = today - dt.timedelta(days=today.weekday()) - dt.timedelta(weeks=8)
    now = timezone.now()
    for hub in hubs:
        staff = hub_staff[hub.pk] or [None]
        members = []
        for hh in registered[hub.pk]:
            family = families_by_household.get(hh)
            if family:
                members.extend(m for m in family.members if not m.date_of_death)
        for name, kind, weekday, hour, weeks, who in PROGRAMME:
            activity = Activity.objects.create(
                hub=hub, name=name, kind=kind, weeks=weeks, venue=hub.name
            )
            first = dt.datetime.combine(
                monday + dt.timedelta(days=weekday), dt.time(hour), tzinfo=tz
            )
            sessions = Session.objects.bulk_create(
                [
                    Session(
                        activity=activity,
                        starts_at=first + dt.timedelta(weeks=w),
                        ends_at=first + dt.timedelta(weeks=w, minutes=90),
                        week_number=w + 1,
                    )
                    for w in range(weeks)
                ]
            )
            if who == "baby":
                pool = [
                    m
                    for m in members
                    if m.kind == PersonKind.CHILD and (_age_days(m, today) or 9999) < 365
                ]
            elif who == "unborn":
                pool = [m for m in members if m.kind == PersonKind.UNBORN]
            else:
                pool = [
                    m
                    for m in members
                    if m.kind == PersonKind.CHILD and (_age_days(m, today) or 9999) < 5 * 365
                ]
            enrolled = rng.sample(pool, min(len(pool), 14 if kind != "stay_and_play" else 25))
            Enrolment.objects.bulk_create(
                [Enrolment(activity=activity, person_id=p.id) for p in enrolled]
            )
            cancel = rng.randrange(len(sessions)) if rng.random() < 0.4 else None
            for i, session in enumerate(sessions):
                if i == cancel:
                    session.status = SessionStatus.CANCELLED
                    session.cancelled_at = session.starts_at - dt.timedelta(days=1)
                    session.cancelled_reason = "Staff illness"
                    session.save(update_fields=["status", "cancelled_at", "cancelled_reason"])
                    continue
                if session.starts_at > now:
                    continue
                register = Register.objects.create(
                    session=session,
                    uuid=uuid.UUID(int=rng.getrandbits(128)),
                    taken_by=rng.choice(staff),
                    uploaded_at=session.ends_at,
                )
                keen = {p.id: 0.9 if rng.random() < 0.7 else 0.3 for p in enrolled}
                came = [p for p in enrolled if rng.random() < keen[p.id]]
                walk_ins = rng.sample(pool, min(len(pool), rng.randint(0, 3)))
                seen = set()
                rows = []
                for person, walk_in in [(p, False) for p in came] + [(p, True) for p in walk_ins]:
                    if person.id in seen:
                        continue
                    seen.add(person.id)
                    rows.append(
                        Attendance(
                            session=session,
                            person_id=person.id,
                            walk_in=walk_in,
                            register=register,
                            recorded_by=register.taken_by,
                            recorded_at=session.ends_at,
                        )
                    )
                Attendance.objects.bulk_create(rows)
            last_held = [
                s for s in sessions if s.starts_at <= now and s.status == SessionStatus.SCHEDULED
            ]
            if last_held:
                services._record_engagement_changes(activity, last_held[-1])

        # Outreach: new pregnancies and births in the catchment, with some contact made.
        actor = hub_staff[hub.pk][0] if hub_staff[hub.pk] else None
        services.outreach_refresh(actor=actor, hub=hub)
        attempts = []
        for entry in OutreachEntry.objects.filter(hub=hub, status=OutreachStatus.NOT_CONTACTED):
            roll = rng.random()
            if roll < 0.35:
                continue
            result = (
                ContactResult.NO_ANSWER
                if roll < 0.55
                else ContactResult.SPOKE
                if roll < 0.8
                else ContactResult.DECLINED
            )
            attempts.append(
                ContactAttempt(
                    entry=entry,
                    attempted_at=now - dt.timedelta(days=rng.randint(1, 20)),
                    attempted_by=actor,
                    method=rng.choice(ContactMethod.values),
                    result=result,
                )
            )
            entry.status = (
                OutreachStatus.DECLINED
                if result == ContactResult.DECLINED
                else OutreachStatus.TRYING
            )
            entry.save(update_fields=["status"])
        ContactAttempt.objects.bulk_create(attempts)

    _seed_volunteers(agencies, users, today, rng)
    _seed_outcomes(population, agencies, today, rng)
    from continuum.servicedirectory.demo import seed_directory
    from continuum.servicedirectory.models import Service

    if not Service.objects.exists():
        seed_directory(count=64)


def _seed_volunteers(agencies, users, today, rng):
    scheme = agencies.get("home-start")
    if scheme is None:
        return
    volunteers = [
        u for u in users.values() if u.agency_id == scheme.pk and u.role == Role.VOLUNTEER
    ]
    coordinator = next(
        (u for u in users.values() if u.agency_id == scheme.pk and u.role != Role.VOLUNTEER), None
    )
    languages = [["English"], ["English", "Urdu"], ["English", "Polish"]]
    for i, volunteer in enumerate(volunteers):
        VolunteerProfile.objects.get_or_create(
            user=volunteer,
            defaults={
                "skills": ["Baby and toddler routines", "Getting out and about", "Budgeting"][
                    : 2 + i % 2
                ],
                "languages": languages[i % len(languages)],
                "availability": [["mon", "wed"], ["tue", "thu"], ["fri"]][i % 3],
                "postcode_sector": ["NB1 4", "NB2 1", "NB3 8"][i % 3],
                "dbs_checked_on": today - dt.timedelta(days=200 + 90 * i),
                "training_completed_on": today - dt.timedelta(days=150 + 60 * i),
            },
        )
    for inv in Involvement.objects.filter(
        agency=scheme,
        source=InvolvementSource.VOLUNTEER_MATCH,
        ended_at__isnull=True,
        household__isnull=False,
    ):
        match = VolunteerMatch.objects.create(
            scheme=scheme,
            household_id=inv.household_id,
            volunteer=inv.worker,
            coordinator=coordinator,
            stage=MatchStage.SUPPORT,
            involvement=inv,
            needs="Isolation after a new baby; routines",
            started_at=inv.started_at,
        )
        VisitDiary.objects.bulk_create(
            [
                VisitDiary(
                    match=match,
                    visited_on=today - dt.timedelta(days=7 * k + 2),
                    notes=rng.choice(
                        [
                            "Played with the children while mum rested.",
                            "Went to stay and play together.",
                            "Helped plan the week's meals and budget.",
                            "Talked about sleep routines; mum feeling brighter.",
                        ]
                    ),
                    written_by=inv.worker,
                    reviewed_by=coordinator if k > 0 else None,
                    reviewed_at=timezone.now() if k > 0 else None,
                )
                for k in range(4)
            ]
        )
    for inv in Involvement.objects.filter(
        agency=scheme, source=InvolvementSource.SERVICE, household__isnull=False
    )[:4]:
        if not VolunteerMatch.objects.filter(household_id=inv.household_id).exists():
            VolunteerMatch.objects.create(
                scheme=scheme,
                household_id=inv.household_id,
                coordinator=coordinator,
                needs="Support with twins",
                preferred_days=["tue"],
            )


def _seed_outcomes(population, agencies, today, rng, families: int = 320):
    from continuum.outcomes.defaults import DEFAULT_CODE
    from continuum.outcomes.models import Instrument, Reading, ReadingStage, Score

    instrument = Instrument.objects.filter(code=DEFAULT_CODE).first()
    if instrument is None:
        return
    areas = list(instrument.areas.all())
    hub_ids = [a.pk for a in agencies.values() if a.kind == AgencyKind.FAMILY_HUB]
    involved = list(
        Involvement.objects.filter(agency_id__in=hub_ids, household__isnull=False)
        .values_list("household_id", "agency_id")
        .distinct()
    )
    rng.shuffle(involved)
    chosen = involved[:families]
    readings, plans = [], []
    for household_id, agency_id in chosen:
        start = today - dt.timedelta(days=rng.randint(30, 540))
        # Most families improve a little; some a lot; a few slip back.
        trend = rng.choices([-1, 0, 1, 2, 3], weights=[1, 3, 4, 3, 1])[0]
        base = {a.pk: rng.randint(2, 7) for a in areas}
        visits = [(start, ReadingStage.START)]
        day = start
        while True:
            day += dt.timedelta(days=rng.randint(70, 100))
            if day > today:
                break
            visits.append((day, ReadingStage.REVIEW))
            if len(visits) >= 4:
                break
        if len(visits) > 2 and rng.random() < 0.6:
            visits[-1] = (visits[-1][0], ReadingStage.END)
        for step, (when, stage) in enumerate(visits):
            reading = Reading(
                instrument=instrument,
                household_id=household_id,
                stage=stage,
                taken_on=when,
                agency_id=agency_id,
            )
            readings.append(reading)
            scores = {}
            for area in areas:
                drift = trend * step * rng.choice([0, 0.5, 1, 1]) + rng.choice([-1, 0, 0, 0, 1])
                scores[area.pk] = max(1, min(10, round(base[area.pk] + drift)))
            plans.append(scores)
    # Home-Start's own cohort: 60 families measured at the start and the end of its support,
    # 600 scores of which 270 went up, 61 down and 269 stayed the same. A Home-Start
    # co-ordinator's outcomes report shows it as 45% / 10.2% / 44.8%.
    scheme = agencies.get("home-start")
    measured = {household_id for household_id, _agency in chosen}
    others = [f.household.id for f in population.families if f.household.id not in measured]
    if scheme is not None and len(others) >= 60:
        k = 0
        for household_id in others[:60]:
            start, end = {}, {}
            for area in areas:
                start[area.pk] = 5
                end[area.pk] = 6 if k < 270 else 4 if k < 331 else 5
                k += 1
            visits = [
                (today - dt.timedelta(days=200), ReadingStage.START, start),
                (today - dt.timedelta(days=60), ReadingStage.END, end),
            ]
            for when, stage, scores in visits:
                readings.append(
                    Reading(
                        instrument=instrument,
                        household_id=household_id,
                        stage=stage,
                        taken_on=when,
                        agency=scheme,
                    )
                )
                plans.append(scores)
    Reading.objects.bulk_create(readings)
    Score.objects.bulk_create(
        [
            Score(reading=reading, area_id=area_id, value=value)
            for reading, scores in zip(readings, plans, strict=True)
            for area_id, value in scores.items()
        ]
    )
