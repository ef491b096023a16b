#!/usr/bin/env python
"""Benchmark family hub life (issue 6) on PostgreSQL: an area of 200,000 children.

    .venv/bin/python benchmarks/hubs.py                   # 200,000 children (~3 min to build)
    .venv/bin/python benchmarks/hubs.py --children 20000  # a quick run
    .venv/bin/python benchmarks/hubs.py --reuse           # measure again, keep the data

It drops and recreates its own database (`continuum_bench_hubs` by default; the name must
contain "bench"), migrates it, and loads with PostgreSQL COPY a deterministic synthetic area:
households in five family hubs' catchments with their addresses (a quarter with an earlier
address), adults, children aged 0-17 (teenage parents among them) and unborn babies, parent
relationships, hub registrations with consent (about half the families with a child under 5,
some ended), risk flags other agencies recorded (domestic abuse, parental substance misuse,
parental mental ill-health; some withdrawn) and outcome readings on the default instrument
(start, review and end readings with a score for each of its 10 areas) for tens of thousands
of families. Then ANALYZE, and it times through Django's test Client:

(a) the reach page, GET /hubs/reach/?hub=<id>, as a hub's team manager, for each hub;
(b) the cohort outcome report, GET /outcomes/report/, as an analyst (the whole area): all
    families, and the families who started in one year.

Wall-clock p50/p95 depend on what else the machine is doing, so it also reports the CPU each
request costs (this process plus its PostgreSQL backend, parallel query off for that pass).

It prints a markdown table and writes benchmarks/results/hubs.json.
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
    STREET_TYPES,
    STREETS,
    BackendCPU,
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

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/continuum_bench_hubs"
RESULTS = HERE / "results" / "hubs.json"
SEED_FILE = HERE / "results" / "hubs.seed.json"  # how the database was built, for --reuse
TODAY = dt.date(2026, 11, 1)  # fixed, so the data are the same whenever they are built
STAMP = "2026-11-01 09:00:00+00"
TARGET_MS = 2000
CATCHMENTS = ["North", "East", "South", "West", "Central"]


def _ts(day: dt.date) -> str:
    return f"{day.isoformat()} 10:00:00+00"


def _years_before(day: dt.date, years: int, extra_days: int = 0) -> dt.date:
    return day - dt.timedelta(days=round(years * 365.25) + extra_days)


class Seeder:
    """Builds the area household by household; rows go to PostgreSQL with COPY."""

    COLUMNS = {
        "address": ("people_address", "id, line1, line2, town, postcode, postcode_sector, "
                    "catchment_id, uprn"),
        "household": ("people_household", "id, reference, address_id, version, created_at"),
        "person": ("people_person", "id, kind, given_name, middle_names, family_name, known_as, "
                   "date_of_birth, expected_date_of_delivery, date_of_death, sex, "
                   "gender_identity, ethnicity, first_language, interpreter_needed, "
                   "disabilities, nhs_number, upn, version, created_at, created_by_id, "
                   "updated_at"),
        "personaddress": ("people_personaddress", "id, person_id, address_id, start_date, "
                          "end_date, recorded_by_id, recorded_at"),
        "membership": ("people_householdmembership", "id, household_id, person_id, start_date, "
                       "end_date, recorded_by_id, recorded_at"),
        "rel": ("people_relationship", "id, from_person_id, to_person_id, kind, lives_with, "
                "parental_responsibility, notes, recorded_by_id, recorded_by_agency_id, "
                "recorded_at, ended_at"),
        "registration": ("hubs_hubregistration", "id, hub_id, household_id, registered_at, "
                         "registered_by_id, consent_given_by, consent_recorded_at, ended_at"),
        "flag": ("hubs_riskflag", "id, person_id, kind, recorded_by_agency_id, recorded_by_id, "
                 "recorded_at, ended_at, ended_by_id, end_reason"),
        "reading": ("outcomes_reading", "id, instrument_id, household_id, stage, taken_on, "
                    "agency_id, recorded_by_id, recorded_at, notes"),
        "score": ("outcomes_score", "id, reading_id, area_id, value"),
    }  # fmt: skip

    def __init__(self, children: int, outcome_families: int, seed: int):
        self.target = children
        self.outcome_families = outcome_families
        self.rng = random.Random(seed)
        self.ids = dict.fromkeys(self.COLUMNS, 0)
        self.counts: dict[str, int] = {}
        self.children = 0

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def directory(self) -> dict:
        from continuum.directory.models import Agency, AgencyKind, CatchmentArea, Role, User
        from continuum.outcomes.defaults import DEFAULT_CODE
        from continuum.outcomes.models import Instrument

        catchments = []
        for i, label in enumerate(CATCHMENTS):
            districts = range(1 + i * 6, 7 + i * 6)
            catchments.append(
                CatchmentArea.objects.create(
                    code=f"northbrook-{label.lower()}",
                    name=f"Northbrook {label}",
                    postcode_sectors=[f"NB{d} {s}" for d in districts for s in range(10)],
                )
            )
        hubs = [
            Agency.objects.create(
                code=f"hub-{c.code}", name=f"{c.name} Family Hub", kind=AgencyKind.FAMILY_HUB,
                catchment=c,
            )
            for c in catchments
        ]  # fmt: skip
        others = {
            code: Agency.objects.create(code=code, name=name, kind=kind)
            for code, name, kind in [
                ("police", "Northbrook Police Safeguarding Hub", AgencyKind.POLICE),
                ("adults", "Northbrook Adult Mental Health", AgencyKind.ADULT_SERVICES),
                ("recovery", "Northbrook Recovery Service", AgencyKind.VOLUNTARY),
                ("hv", "Northbrook Health Visiting", AgencyKind.HEALTH_VISITING),
                ("performance", "Northbrook Council Performance Team", AgencyKind.FRONT_DOOR),
            ]
        }
        users = {
            "manager": User.objects.create(
                username="bench.hubmanager", role=Role.TEAM_MANAGER, agency=hubs[0],
                first_name="Hana", last_name="Manager",
            ),
            "analyst": User.objects.create(
                username="bench.analyst", role=Role.ANALYST, agency=others["performance"],
                first_name="Ana", last_name="Lyst",
            ),
            "practitioner": User.objects.create(
                username="bench.hubworker", role=Role.PRACTITIONER, agency=hubs[0],
                first_name="Pat", last_name="Worker",
            ),
        }  # fmt: skip
        for user in users.values():
            user.set_unusable_password()
            user.save()
        instrument = Instrument.objects.get(code=DEFAULT_CODE)
        return {
            "catchment_ids": [c.pk for c in catchments],
            "hub_ids": [h.pk for h in hubs],
            "flag_agencies": {
                "domestic_abuse": others["police"].pk,
                "substance_misuse": others["recovery"].pk,
                "mental_ill_health": others["adults"].pk,
            },
            "instrument_id": instrument.pk,
            "area_ids": list(instrument.areas.order_by("order").values_list("pk", flat=True)),
            "worker_id": users["practitioner"].pk,
        }

    def _date(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def _address(self, out, ctx, postcode: str) -> tuple[int, int]:
        rng = self.rng
        catchment_idx = (int(postcode.split(" ")[0][2:]) - 1) // 6
        address_id = self.next_id("address")
        out["address"].append((
            address_id, f"{rng.randint(1, 240)} {rng.choice(STREETS)} {rng.choice(STREET_TYPES)}",
            "", "Northbrook", postcode, postcode[:-2], ctx["catchment_ids"][catchment_idx], "",
        ))  # fmt: skip
        return address_id, catchment_idx

    def household(self, out: dict, ctx: dict, postcodes: list[str]) -> dict:
        rng = self.rng
        address_id, catchment_idx = self._address(out, ctx, rng.choice(postcodes))
        hh_id = self.next_id("household")
        out["household"].append((hh_id, f"HB{hh_id:08d}", address_id, 1, STAMP))
        move_in = self._date(TODAY - dt.timedelta(days=12 * 365), TODAY - dt.timedelta(days=20))
        previous = self._address(out, ctx, rng.choice(postcodes))[0] if rng.random() < 0.25 else 0

        n_children = rng.choices([0, 1, 2, 3, 4], weights=[30, 28, 25, 12, 5])[0]
        teen = n_children > 0 and rng.random() < 0.04
        family = rng.choice(FAMILY_NAMES)
        if teen:  # a teenage mother (16-19) with a baby or toddler
            adults = [("F", rng.randint(16, 19))]
            n_children = 1
        else:
            age1 = rng.randint(20, 50) if n_children else rng.randint(19, 80)
            adults = [("F" if rng.random() < 0.6 else "M", age1)]
            if rng.random() < 0.7:
                partner_age = max(18, age1 + rng.randint(-5, 5))
                adults.append(("M" if adults[0][0] == "F" else "F", partner_age))
        youngest = min(age for _, age in adults)
        people = []
        for sex, age in adults:
            people.append(("adult", sex, self._date(_years_before(TODAY, age + 1, -1),
                                                    _years_before(TODAY, age)), None))  # fmt: skip
        for _ in range(n_children):
            age = 0 if teen and rng.random() < 0.6 else rng.randint(0, min(17, youngest - 16))
            dob = self._date(_years_before(TODAY, age + 1, -1), _years_before(TODAY, age, 1))
            people.append(("child", "M" if rng.random() < 0.51 else "F", dob, None))
        if n_children and rng.random() < 0.05:
            people.append(("unborn", "U", None, TODAY + dt.timedelta(days=rng.randint(7, 200))))

        members = []
        for kind, sex, dob, edd in people:
            pid = self.next_id("person")
            given = (
                "" if kind == "unborn" else rng.choice(MALE_GIVEN if sex == "M" else FEMALE_GIVEN)
            )
            created = (
                _ts(TODAY - dt.timedelta(days=rng.randint(1, 150))) if kind == "unborn" else STAMP
            )
            out["person"].append((
                pid, kind, given, "", family, "", dob.isoformat() if dob else None,
                edd.isoformat() if edd else None, None, sex, "", "WBRI", "English", False, "[]",
                "", "", 1, created, None, STAMP,
            ))  # fmt: skip
            start = max(move_in, dob) if dob else move_in
            if kind != "unborn":
                out["personaddress"].append(
                    (self.next_id("personaddress"), pid, address_id, start.isoformat(), None,
                     None, STAMP)
                )  # fmt: skip
                if previous and dob and dob < move_in - dt.timedelta(days=2):
                    prev_start = max(dob, move_in - dt.timedelta(days=rng.randint(200, 2000)))
                    out["personaddress"].append((
                        self.next_id("personaddress"), pid, previous, prev_start.isoformat(),
                        (move_in - dt.timedelta(days=1)).isoformat(), None, STAMP,
                    ))  # fmt: skip
            out["membership"].append(
                (self.next_id("membership"), hh_id, pid, start.isoformat(), None, None, STAMP)
            )
            members.append((pid, kind, dob))
            self.children += kind == "child"

        adult_ids = [pid for pid, kind, _ in members if kind == "adult"]
        for pid, kind, _dob in members:
            if kind != "adult":
                for adult_id in adult_ids:
                    out["rel"].append((self.next_id("rel"), adult_id, pid, "parent", True, True,
                                       "", None, None, STAMP, None))  # fmt: skip

        # Risk factors other agencies have recorded about the adults (some withdrawn).
        for kind, rate in (("domestic_abuse", 0.05), ("substance_misuse", 0.03),
                           ("mental_ill_health", 0.07)):  # fmt: skip
            if adult_ids and n_children and rng.random() < rate:
                at = TODAY - dt.timedelta(days=rng.randint(1, 900))
                ended = at + dt.timedelta(days=rng.randint(30, 400)) if rng.random() < 0.2 else None
                out["flag"].append((
                    self.next_id("flag"), rng.choice(adult_ids), kind,
                    ctx["flag_agencies"][kind], None, _ts(at),
                    _ts(ended) if ended and ended < TODAY else None, None, "",
                ))  # fmt: skip

        # Registration with the catchment's hub: most families with a young child.
        under_five = _years_before(TODAY, 5)
        young = any(
            kind == "unborn" or (kind == "child" and dob > under_five) for _, kind, dob in members
        )
        if young and rng.random() < 0.55:
            at = self._date(TODAY - dt.timedelta(days=1000), TODAY - dt.timedelta(days=1))
            ended = at + dt.timedelta(days=rng.randint(60, 700)) if rng.random() < 0.08 else None
            out["registration"].append((
                self.next_id("registration"), ctx["hub_ids"][catchment_idx], hh_id, _ts(at), None,
                "Parent", _ts(at), _ts(ended) if ended and ended < TODAY else None,
            ))  # fmt: skip
        if n_children:
            self.families.append((hh_id, catchment_idx))
        return out

    def outcomes(self, out: dict, ctx: dict) -> None:
        """Readings for a cohort of families: a start reading in the last two years, reviews
        every 10-16 weeks, an end reading for most who have finished; believable trends."""
        rng = self.rng
        chosen = rng.sample(self.families, min(self.outcome_families, len(self.families)))
        for hh_id, catchment_idx in chosen:
            agency = ctx["hub_ids"][catchment_idx]
            start = TODAY - dt.timedelta(days=rng.randint(1, 730))
            trend = rng.choices([-1, 0, 1, 2, 3], weights=[1, 3, 4, 3, 1])[0]
            base = [rng.randint(2, 7) for _ in ctx["area_ids"]]
            visits = [(start, "start")]
            day = start
            while len(visits) < 4:
                day += dt.timedelta(days=rng.randint(70, 112))
                if day >= TODAY:
                    break
                visits.append((day, "review"))
            if len(visits) > 2 and rng.random() < 0.6:
                visits[-1] = (visits[-1][0], "end")
            for step, (when, stage) in enumerate(visits):
                rid = self.next_id("reading")
                out["reading"].append((rid, ctx["instrument_id"], hh_id, stage, when.isoformat(),
                                       agency, ctx["worker_id"], _ts(when), ""))  # fmt: skip
                for area_id, b in zip(ctx["area_ids"], base, strict=True):
                    drift = trend * step * rng.choice([0, 0.5, 1, 1]) + rng.choice([-1, 0, 0, 1])
                    out["score"].append(
                        (self.next_id("score"), rid, area_id, max(1, min(10, round(b + drift))))
                    )

    def run(self) -> dict:
        from django.db import connection

        ctx = self.directory()
        self.families: list[tuple[int, int]] = []
        postcodes = postcode_pool(self.rng, max(60, self.target // 25))
        connection.ensure_connection()
        raw = connection.connection
        tables = [table for table, _ in self.COLUMNS.values()]
        timings: dict[str, float] = {}
        with raw.cursor() as cur:
            # Secondary indexes after the data; no per-row foreign key triggers (the generator
            # builds consistent ids); no WAL flush per batch.
            cur.execute(
                """SELECT i.indexname, i.indexdef FROM pg_indexes i
                   WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
                   AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                                   WHERE c.conindid = (quote_ident(i.indexname))::regclass)""",
                [tables],
            )
            deferred = cur.fetchall()
            for name, _ in deferred:
                cur.execute(f'DROP INDEX "{name}"')
            cur.execute("SET session_replication_role = replica")
            cur.execute("SET synchronous_commit = off")
            raw.commit()

            def flush(out):
                for key, (table, columns) in self.COLUMNS.items():
                    if not out[key]:
                        continue
                    t0 = time.perf_counter()
                    with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        for row in out[key]:
                            copy.write_row(row)
                    timings[f"copy {table}"] = (
                        timings.get(f"copy {table}", 0) + time.perf_counter() - t0
                    )
                    self.counts[table] = self.counts.get(table, 0) + len(out[key])
                raw.commit()

            while self.children < self.target:
                out: dict[str, list] = {k: [] for k in self.COLUMNS}
                t0 = time.perf_counter()
                for _ in range(10_000):
                    if self.children >= self.target:
                        break
                    self.household(out, ctx, postcodes)
                timings["generate"] = timings.get("generate", 0) + time.perf_counter() - t0
                flush(out)
                print(f"  {self.children:>9,} children loaded", end="\r", flush=True)
            print()
            out = {k: [] for k in self.COLUMNS}
            t0 = time.perf_counter()
            self.outcomes(out, ctx)
            timings["generate"] += time.perf_counter() - t0
            flush(out)
            cur.execute("SET session_replication_role = origin")
            t0 = time.perf_counter()
            cur.execute("SET maintenance_work_mem = '256MB'")
            for _, definition in deferred:
                cur.execute(definition)
            timings["create indexes"] = time.perf_counter() - t0
            for table in tables:
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"GREATEST(1, (SELECT max(id) FROM {table})))"
                )
            raw.commit()
        return {"counts": self.counts, "timings_s": timings, "children": self.children}


# --------------------------------------------------------------------------------------------
# Measuring


def measure_page(client, urls: list[str], rounds: int) -> dict:
    """Time GET of each URL `rounds` times (after one warm-up each); count queries once.

    Then the CPU the request costs, whatever else the machine is doing: this process's CPU plus
    the PostgreSQL backend's (read from /proc, so PostgreSQL must run on this machine), with
    parallel query off for that pass so that all of the database's work is in that backend.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in urls:
        assert client.get(url).status_code == 200, url
    times, python_cpu = [], []
    for _ in range(rounds):
        for url in urls:
            c0, t0 = time.thread_time(), time.perf_counter()
            response = client.get(url)
            times.append(ms_since(t0))
            python_cpu.append((time.thread_time() - c0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get(urls[0])
    result = {
        **percentiles(times),
        "python_cpu_p50_ms": round(statistics.median(python_cpu), 2),
        "queries": len(ctx.captured_queries),
        "urls": urls,
    }
    backend = BackendCPU()
    if backend.ms() is None:
        return result  # PostgreSQL on another machine: wall-clock times only
    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 0")
    try:
        total_cpu = []
        for _ in range(max(1, rounds // 2)):
            for url in urls:
                c0, b0 = time.thread_time(), backend.ms()
                client.get(url)
                total_cpu.append((time.thread_time() - c0) * 1000 + backend.ms() - b0)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET max_parallel_workers_per_gather")
    cpu = percentiles(total_cpu)
    result["cpu_python_plus_postgresql"] = {
        "n": cpu["n"], "p50_ms": cpu["p50_ms"], "p95_ms": cpu["p95_ms"],
        "note": "serial plans (max_parallel_workers_per_gather = 0); /proc clock ticks",
    }  # fmt: skip
    return result


def table(results: dict) -> str:
    rows = [
        "| Page | Who | n | p50 ms | p95 ms | CPU p50 / p95 ms | Queries | Target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, who, r in results["pages"]:
        ok = "met" if r["p95_ms"] < TARGET_MS else "MISSED"
        cpu = r.get("cpu_python_plus_postgresql")
        cpu_text = f"{cpu['p50_ms']} / {cpu['p95_ms']}" if cpu else "-"
        rows.append(f"| {label} | {who} | {r['n']} | {r['p50_ms']} | {r['p95_ms']} | "
                    f"{cpu_text} | {r['queries']} | p95 < {TARGET_MS} ({ok}) |")  # fmt: skip
    rows.extend(contention_rows(results, "| | | | | | |"))
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_HUBS_DATABASE_URL",
                                                                 DEFAULT_URL))  # fmt: skip
    parser.add_argument("--children", type=int, default=200_000)
    parser.add_argument("--outcome-families", type=int, default=30_000)
    parser.add_argument("--rounds", type=int, default=10, help="timed requests per URL")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reuse", action="store_true", help="keep the data of an earlier run")
    parser.add_argument("--seed-only", action="store_true", help="build the database, then stop")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    if not args.reuse:
        print(f"Recreating {urlsplit(args.database_url).path.lstrip('/')} …")
        recreate_database(args.database_url, allow_any_name=False)
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from continuum.directory.models import Agency, AgencyKind, User
    from continuum.outcomes.models import Reading
    from continuum.people.models import Person, PersonKind

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - t0
    seed_file = SEED_FILE if args.output == RESULTS else args.output.with_suffix(".seed.json")
    if args.reuse:
        have = Person.objects.filter(kind=PersonKind.CHILD).count()
        if not args.children <= have < args.children + 10:
            raise SystemExit(f"--reuse: the database has {have:,} children, not {args.children:,}")
        seed_info = {**json.loads(seed_file.read_text()), "reused": True}
        analyse_s = 0.0
    else:
        print(f"Seeding an area of {args.children:,} children …")
        t0 = time.perf_counter()
        built = Seeder(args.children, args.outcome_families, args.seed).run()
        seed_s = time.perf_counter() - t0
        print(f"  seeded in {seed_s:.0f} s; VACUUM ANALYZE …")
        analyse_s = analyse()
        seed_info = {
            "seconds": round(seed_s, 1),
            "date": now_iso(),
            "children": built["children"],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
            "rows": built["counts"],
            "timings_s": {k: round(v, 1) for k, v in built["timings_s"].items()},
        }
        seed_file.parent.mkdir(parents=True, exist_ok=True)
        seed_file.write_text(json.dumps(seed_info, indent=2) + "\n")
    if args.seed_only:
        print(f"Seeded; measure with --reuse. Seeding details in {seed_file}")
        return 0

    manager = User.objects.get(username="bench.hubmanager")
    analyst = User.objects.get(username="bench.analyst")
    hub_ids = list(
        Agency.objects.filter(kind=AgencyKind.FAMILY_HUB)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    results: dict = {"contention_before": contention(), "pages": []}
    client = Client()
    client.force_login(manager)
    print("Measuring the reach page …")
    results["pages"].append((
        "Reach GET /hubs/reach/?hub=… (each of 5 hubs)", "hub team manager",
        measure_page(client, [f"/hubs/reach/?hub={pk}" for pk in hub_ids], args.rounds),
    ))  # fmt: skip
    client = Client()
    client.force_login(analyst)
    print("Measuring the cohort outcome report …")
    results["pages"].append((
        "Cohort report GET /outcomes/report/ (whole area, all families)", "analyst",
        measure_page(client, ["/outcomes/report/"], args.rounds * 3),
    ))  # fmt: skip
    year = TODAY.year - 1
    window = (f"/outcomes/report/?date_from_0=1&date_from_1=1&date_from_2={year}"
              f"&date_to_0=31&date_to_1=12&date_to_2={year}")  # fmt: skip
    results["pages"].append((
        f"Cohort report, families who started in {year}", "analyst",
        measure_page(client, [window], args.rounds * 3),
    ))  # fmt: skip
    results["contention_after"] = contention()
    report = {
        "benchmark": "family hubs: reach and cohort outcome report (issue 6)",
        "date": now_iso(),
        "git": git_commit(),
        "machine": machine_info(connection),
        "children": Person.objects.filter(kind=PersonKind.CHILD).count(),
        "persons": Person.objects.count(),
        "outcome_readings": Reading.objects.count(),
        "seed": args.seed,
        "migrate_seconds": round(migrate_s, 1),
        "seeding": seed_info,
        "vacuum_analyze_seconds": round(analyse_s, 1),
        "targets": {"page_ms": TARGET_MS},
        "results": results,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "total_seconds": round(time.perf_counter() - started, 1),
        "command": "python benchmarks/hubs.py " + " ".join(argv or sys.argv[1:]),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, default=str) + "\n")
    machine = report["machine"]
    print(
        f"\n{report['children']:,} children ({report['persons']:,} persons), "
        f"{report['outcome_readings']:,} outcome readings; PostgreSQL {machine['postgresql']}, "
        f"{machine['cores']} cores"
    )
    print(table(results))
    print(f"\nWritten to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
