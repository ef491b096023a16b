#!/usr/bin/env python
"""Benchmark the multi-agency chronology (issue 5) on PostgreSQL.

    .venv/bin/python benchmarks/chronology.py              # build, then measure (~1 min)
    .venv/bin/python benchmarks/chronology.py --reuse      # measure again, keep the data

Target (issue 5): "A chronology of 2,000 events across 8 agencies renders in under 150 ms
server time (p95) on PostgreSQL."

It drops and recreates its own database (`continuum_bench_chronology` by default; the name must
contain `bench`), migrates it, and builds one family with the casework services (household,
two parents and three children, an early help episode led by a family hub practitioner, a Team
Around the Family of five agencies). The family's chronology then gets 2,000 events from 8
agencies of every kind: referrals and front door decisions (read live from `referrals`),
visits, assessments, plans and reviews, police incidents, school exclusions, health events,
births and moves (read live from the people record) and manual entries. Other families'
chronologies (`--other-families`, 40 events each, loaded with COPY) fill the table around it,
so the indexes have to do their job.

It measures in this process, through Django's test Client signed in as a TAF member (the
school's practitioner): GET of the family's chronology page, of the eldest child's chronology
page, and the CSV export of each: p50/p95 wall-clock time, this thread's CPU time, the number of
SQL queries and the number of events rendered. It prints a markdown table and writes
benchmarks/results/chronology.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import (  # noqa: E402
    FAMILY_NAMES,
    FEMALE_GIVEN,
    MALE_GIVEN,
    analyse,
    contention,
    contention_rows,
    git_commit,
    machine_info,
    ms_since,
    now_iso,
    percentiles,
    postcode_pool,
    recreate_database,
    setup_django,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/continuum_bench_chronology"
RESULTS = HERE / "results" / "chronology.json"
TARGET_P95_MS = 150
AGENCIES = [  # (kind, name): the 8 agencies whose events make up the chronology
    ("family_hub", "Millbrook Family Hub"),
    ("front_door", "Northbrook Children's Front Door"),
    ("social_work", "Northbrook Children's Social Work"),
    ("health_visiting", "Northbrook Health Visiting"),
    ("school", "Millbrook Primary School"),
    ("police", "Northbrook Police"),
    ("housing", "Northbrook Housing"),
    ("midwifery", "Northbrook Maternity"),
]
# Casework-recorded kinds: (kind, agency index, weight, summary)
ENTRY_KINDS = [
    ("visit", 0, 30, "Home visit: children seen, Kai seen alone; home warm, food in the fridge"),
    ("visit", 3, 12, "Health visitor contact: weight and development check, mum tired"),
    ("assessment", 0, 3, "Early help assessment updated; factors 3B, 4B"),
    ("plan", 0, 2, "Plan agreed or changed by the Team Around the Family"),
    ("review", 0, 6, "Plan review: attendance up, two actions done, one overdue"),
    ("taf", 0, 2, "A practitioner joined the Team Around the Family"),
    ("police", 5, 10, "Police attended a verbal argument at the address; no arrests; DASH"),
    ("education", 4, 12, "Fixed-term exclusion, 2 days, for fighting at lunchtime"),
    ("health", 3, 8, "Missed health appointment; follow-up letter sent"),
    ("health", 7, 3, "Midwifery booking appointment attended"),
    ("other", 6, 6, "Housing: rent arrears letter; tenancy support offered"),
    ("other", 2, 4, "Social work: strategy discussion held; outcome single-agency follow-up"),
]
REFERRALS = 40  # each is two events: the referral and the front door's decision
EVENTS = 2000
TODAY = dt.date(2026, 1, 15)  # fixed, so the data are the same whenever they are built


def _date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def build(seed: int, other_families: int) -> dict:
    """The family under test, through the services, then bulk rows around it."""
    import time_machine
    from django.db import connection

    from continuum.casework import services as casework
    from continuum.casework.models import ChronologyEntry, Episode
    from continuum.directory.models import Agency, Role, Team, User
    from continuum.people import services as people
    from continuum.people.models import Address, Household, PersonAddress
    from continuum.referrals.models import Outcome, Referral, ReferralSource, Status

    rng = random.Random(seed)
    agencies = [
        Agency.objects.create(code=f"bench-{kind}", name=name, kind=kind) for kind, name in AGENCIES
    ]
    users = []
    for i, agency in enumerate(agencies):
        team = Team.objects.create(agency=agency, name="Team A")
        given = rng.choice(FEMALE_GIVEN if i % 2 else MALE_GIVEN)
        user = User.objects.create_user(
            username=f"bench.{agency.kind}",
            password=None,
            first_name=given,
            last_name=rng.choice(FAMILY_NAMES),
            agency=agency,
            team=team,
            role=Role.FRONT_DOOR if agency.kind == "front_door" else Role.PRACTITIONER,
        )
        users.append(user)
    lead, school_worker = users[0], users[4]
    start = dt.date(2019, 3, 1)
    postcodes = postcode_pool(rng, 8)
    addresses = [
        Address.objects.create(
            line1=f"{rng.randint(1, 120)} Mill Lane", town="Northbrook", postcode=pc,
            postcode_sector=pc[:-2],
        )
        for pc in postcodes[:4]
    ]  # fmt: skip
    family = rng.choice(FAMILY_NAMES)
    with time_machine.travel(dt.datetime(2026, 1, 15, 9, tzinfo=dt.UTC), tick=False):
        household = people.household_create(actor=lead, address=addresses[0])
        members = []
        for kind, given, sex, dob in [
            ("adult", rng.choice(FEMALE_GIVEN), "F", dt.date(1992, 5, 4)),
            ("adult", rng.choice(MALE_GIVEN), "M", dt.date(1989, 11, 20)),
            ("child", "Kai", "M", dt.date(2016, 2, 10)),
            ("child", rng.choice(FEMALE_GIVEN), "F", dt.date(2019, 7, 1)),
            ("child", rng.choice(MALE_GIVEN), "M", dt.date(2023, 9, 14)),
        ]:
            move_in = max(start, dob)
            members.append(
                people.person_create(
                    actor=lead,
                    data={"kind": kind, "given_name": given, "family_name": family,
                          "date_of_birth": dob, "sex": sex},
                    household=household,
                    move_in_date=move_in,
                )
            )  # fmt: skip
        # Three later moves for everyone (the household's address history).
        for n, when in enumerate([dt.date(2020, 6, 1), dt.date(2022, 1, 10), dt.date(2024, 4, 2)]):
            for person in members:
                if person.date_of_birth < when:
                    people.person_move(
                        actor=lead, person=person, address=addresses[n + 1], start_date=when
                    )
        children = [p for p in members if p.kind == "child"]
        episode = casework.episode_open(
            actor=lead,
            household=household,
            kind="early_help",
            children=children,
            referral_date=dt.date(2024, 5, 1),
            start_date=dt.date(2024, 5, 7),
            level_of_need=2,
        )
        for user, role in zip(users[1:6], ["Front door link", "Social worker", "Health visitor",
                                           "Designated safeguarding lead", "Police link"],
                              strict=True):  # fmt: skip
            casework.taf_invite(actor=lead, episode=episode, user=user, role_in_taf=role)

    # Referrals and front door decisions, read live by the chronology.
    referrals = []
    for n in range(REFERRALS):
        submitted = _date(rng, start, TODAY - dt.timedelta(days=2))
        at = dt.datetime.combine(submitted, dt.time(10, 30), tzinfo=dt.UTC)
        referrer = users[rng.choice([3, 4, 5, 6, 7])]
        referrals.append(
            Referral(
                reference=f"BR{n:05d}", status=Status.DECIDED, child=rng.choice(children),
                household=household, referrer=referrer, referrer_agency=referrer.agency,
                source=ReferralSource.SCHOOLS if referrer is school_worker else "8",
                destination_agency=agencies[1], concerns="Synthetic concern",
                created_at=at, updated_at=at, submitted_at=at, received_at=at,
                received_by=users[1], decided_at=at + dt.timedelta(hours=20),
                decided_by=users[1],
                outcome=rng.choice([Outcome.NFA, Outcome.EARLY_HELP, Outcome.UNIVERSAL]),
                rationale="Synthetic rationale",
            )
        )  # fmt: skip
    Referral.objects.bulk_create(referrals)

    # Casework events of every kind up to 2,000 in all.
    existing = {
        "births": sum(1 for p in members if p.kind == "child"),
        "moves": sum(
            1
            for pa in PersonAddress.objects.filter(person__in=members).select_related("person")
            if pa.start_date > pa.person.date_of_birth  # living there since birth is no move
        ),
        "referrals_and_decisions": 2 * REFERRALS,
        "casework_recorded": ChronologyEntry.objects.filter(household=household).count(),
    }
    wanted = EVENTS - sum(existing.values())
    weights = [k[2] for k in ENTRY_KINDS]
    rows = []
    for n in range(wanted):
        kind, agency_index, _, summary = rng.choices(ENTRY_KINDS, weights=weights)[0]
        rows.append(
            ChronologyEntry(
                household=household, episode=episode,
                person=rng.choice([None, None, *members]),
                date=_date(rng, start, TODAY), kind=kind, summary=f"{summary} ({n})",
                significant=rng.random() < 0.08, agency=agencies[agency_index],
                recorded_by=users[agency_index], manual=kind in ("police", "education", "other"),
                source_type="bench",
            )
        )  # fmt: skip
    ChronologyEntry.objects.bulk_create(rows, batch_size=1000)

    # Other families' chronologies around it.
    first = Household.objects.order_by("-pk").values_list("pk", flat=True).first() + 1
    stamp = "2026-01-15 09:00:00+00"
    hh_rows = [(first + i, f"BH{i:07d}", 1, stamp) for i in range(other_families)]
    with connection.cursor() as cur:
        raw = cur.cursor
        households = "people_household (id, reference, version, created_at)"
        with raw.copy(f"COPY {households} FROM STDIN") as cp:
            for row in hh_rows:
                cp.write_row(row)
        columns = ("household_id, date, kind, summary, significant, agency_id, recorded_by_id, "
                   "recorded_at, manual, source_type")  # fmt: skip
        with raw.copy(f"COPY casework_chronologyentry ({columns}) FROM STDIN") as cp:
            for i in range(other_families):
                for _ in range(40):
                    kind, agency_index, _, summary = rng.choices(ENTRY_KINDS, weights=weights)[0]
                    cp.write_row((
                        first + i, _date(rng, start, TODAY), kind, summary, False,
                        agencies[agency_index].pk, users[agency_index].pk,
                        stamp, False, "bench",
                    ))  # fmt: skip
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('people_household', 'id'), "
            "(SELECT max(id) FROM people_household))"
        )
    return {
        "household": household.pk,
        "child": children[0].pk,
        "episode": Episode.objects.get().pk,
        "user": school_worker.username,
        "events": {**existing, "casework_generated": wanted},
        "other_families": other_families,
        "chronology_entries_in_table": ChronologyEntry.objects.count(),
    }


def measure(client, url: str, runs: int, *, csv: bool) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # warm up templates, caches and the connection
        client.get(url)
    times, cpu = [], []
    for _ in range(runs):
        c0, t0 = time.thread_time(), time.perf_counter()
        response = client.get(url)
        times.append(ms_since(t0))
        cpu.append((time.thread_time() - c0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    body = response.content.decode()
    events = body.count("\n") - 1 if csv else body.count("app-chronology__date")
    return {
        **percentiles(times),
        "thread_cpu_p50_ms": round(statistics.median(cpu), 2),
        "thread_cpu_p95_ms": percentiles(cpu)["p95_ms"],
        "queries": len(ctx.captured_queries),
        "events_rendered": events,
        "bytes": len(response.content),
    }


def measure_widened(client, url: str, runs: int) -> dict:
    """Issue 11: the page with its audit event naming the family's people (and their subject
    index rows) against the same event naming no one, interleaved in random order."""
    import random

    from continuum.casework import selectors

    real = selectors.audit_record

    def narrow(**kwargs):
        kwargs.pop("person_ids", None)
        return real(**kwargs)

    rng = random.Random(2026)
    times: dict[str, list[float]] = {"widened": [], "narrow": []}
    try:
        for _ in range(runs):
            for name in rng.sample(list(times), 2):
                selectors.audit_record = real if name == "widened" else narrow
                t0 = time.perf_counter()
                assert client.get(url).status_code == 200
                times[name].append(ms_since(t0))
    finally:
        selectors.audit_record = real
    widened, narrow_p = percentiles(times["widened"]), percentiles(times["narrow"])
    return {
        "widened": widened,
        "narrow": narrow_p,
        "p95_ratio": round(widened["p95_ms"] / narrow_p["p95_ms"], 3),
        "p50_ratio": round(widened["p50_ms"] / narrow_p["p50_ms"], 3),
    }


def table(results: dict) -> str:
    rows = [
        "| Page | n | events | queries | p50 ms | p95 ms | thread CPU p50/p95 ms | Target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, r in results["pages"].items():
        ok = "met" if r["p95_ms"] < TARGET_P95_MS else "MISSED"
        rows.append(
            f"| {label} | {r['n']} | {r['events_rendered']} | {r['queries']} | {r['p50_ms']} | "
            f"{r['p95_ms']} | {r['thread_cpu_p50_ms']} / {r['thread_cpu_p95_ms']} | "
            f"p95 < {TARGET_P95_MS} ({ok}) |"
        )
    if "widened_audit" in results:
        w = results["widened_audit"]
        ok = "met" if w["p95_ratio"] <= 1.10 else "MISSED"
        rows.append(
            f"| Family chronology, audit naming its people vs naming no one (issue 11) | "
            f"{w['widened']['n']} | | | {w['widened']['p50_ms']} vs {w['narrow']['p50_ms']} | "
            f"{w['widened']['p95_ms']} vs {w['narrow']['p95_ms']} | | p95 within 10% ({ok}; "
            f"ratio {w['p95_ratio']}) |"
        )
    rows.extend(contention_rows(results, "| | | | | | |"))
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--other-families", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=100, help="timed requests per page")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reuse", action="store_true", help="keep the data of an earlier run")
    parser.add_argument("--allow-any-database-name", action="store_true")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    if not args.reuse:
        print(f"Recreating {urlsplit(args.database_url).path.lstrip('/')} …")
        recreate_database(args.database_url, allow_any_name=args.allow_any_database_name)
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from continuum.casework.models import ChronologyEntry, Episode
    from continuum.directory.models import User

    call_command("migrate", verbosity=0)
    info_file = args.output.with_suffix(".seed.json")
    if args.reuse:
        info = json.loads(info_file.read_text())
    else:
        print("Building the family and its chronology …")
        t0 = time.perf_counter()
        info = build(args.seed, args.other_families)
        info["seconds"] = round(time.perf_counter() - t0, 1)
        analyse()
        info_file.parent.mkdir(parents=True, exist_ok=True)
        info_file.write_text(json.dumps(info, indent=2) + "\n")
    episode = Episode.objects.get(pk=info["episode"])
    user = User.objects.get(username=info["user"])
    assert episode.taf_members.filter(user=user, left_on__isnull=True).exists()

    client = Client()
    client.force_login(user)
    family = reverse("casework:household_chronology", args=[info["household"]])
    child = reverse("casework:person_chronology", args=[info["child"]])
    results: dict = {"contention_before": contention(), "pages": {}}
    for label, url, csv in [
        ("Family chronology page", family, False),
        ("Child's chronology page", child, False),
        ("Family chronology CSV", family + "?format=csv", True),
        ("Child's chronology CSV", child + "?format=csv", True),
    ]:
        print(f"Measuring {label} …")
        results["pages"][label] = measure(client, url, args.runs, csv=csv)
    print("Measuring the widened audit (issue 11) on the family chronology …")
    results["widened_audit"] = measure_widened(client, family, args.runs)
    results["contention_after"] = contention()

    report = {
        "benchmark": "chronology (issue 5)",
        "date": now_iso(),
        "git": git_commit(),
        "machine": machine_info(connection),
        "data": {**info, "chronology_entries_in_table": ChronologyEntry.objects.count()},
        "as_user": f"{info['user']} (a Team Around the Family member from the school)",
        "target": f"p95 < {TARGET_P95_MS} ms for a chronology of 2,000 events from 8 agencies",
        "results": results,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "total_seconds": round(time.perf_counter() - started, 1),
        "command": "python benchmarks/chronology.py " + " ".join(argv or sys.argv[1:]),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print()
    print(
        f"PostgreSQL {report['machine']['postgresql']}, {report['machine']['cores']} cores; "
        f"{report['data']['chronology_entries_in_table']:,} chronology entries in the table"
    )
    print(table(results))
    print(f"\nWritten to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
