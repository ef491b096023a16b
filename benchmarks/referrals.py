#!/usr/bin/env python
"""Benchmark the front door and the referral register (issue 4) on PostgreSQL.

    .venv/bin/python benchmarks/referrals.py                      # 500,000 referrals (~5 min)
    .venv/bin/python benchmarks/referrals.py --referrals 50000    # a quick run
    .venv/bin/python benchmarks/referrals.py --reuse              # measure again, keep the data

It drops and recreates its own database (`continuum_bench_referrals` by default; the name must
contain "bench"), migrates it, and loads with PostgreSQL COPY a synthetic area's referral traffic:
children, then referrals over five years from every kind of agency (CIN census sources) to the
front door and the family hubs' early help panels, with every outcome, RAG rating and status,
decisions on time and late, and children referred again (some within 12 months). The open
contacts (10,000 at the front door by default) were sent in the last two weeks, in every RAG
state, some overdue. Then ANALYZE, and it measures through Django's test Client:

(a) the front door queue, GET /referrals/front-door/, as a front door worker: the first page,
    a RAG filter and later pages (p50/p95 server time, queries per page);
(b) the referral register, GET /referrals/register/, as an analyst, over every referral (every
    report on it: by source and destination, conversion to each outcome, re-referrals within
    12 months, timeliness against each target) and over the last 12 months;
(c) the register's CSV export of every referral, read to the last byte.

The data are the same on every run for the same --seed and anchor day: the open contacts are
placed relative to the day the data are built (--anchor, default today), so that the queue shows
a realistic mix of due and overdue work. It prints a markdown table and writes
benchmarks/results/referrals.json.
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
    ETHNICITIES,
    FAMILY_NAMES,
    FEMALE_GIVEN,
    MALE_GIVEN,
    analyse,
    contention,
    contention_rows,
    cumulative,
    git_commit,
    machine_info,
    ms_since,
    now_iso,
    percentiles,
    recreate_database,
    setup_django,
    zipf_weights,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/continuum_bench_referrals"
RESULTS = HERE / "results" / "referrals.json"
YEARS = 5

# CIN census referral sources, with roughly the national shares (police and schools lead).
SOURCES = [
    ("6", 29), ("2A", 19), ("3A", 4), ("3B", 3), ("3C", 1), ("3D", 2), ("3E", 3), ("3F", 5),
    ("1A", 4), ("1C", 1), ("1B", 1), ("1D", 1), ("4", 3), ("5A", 5), ("5D", 6), ("5B", 2),
    ("5C", 1), ("2B", 2), ("7", 2), ("8", 4), ("9", 1), ("10", 1),
]  # fmt: skip
SOURCE_AGENCY_KIND = {
    "6": "police", "2A": "school", "2B": "school", "3A": "gp", "3B": "health_visiting",
    "3C": "health_visiting", "3D": "midwifery", "3E": "gp", "3F": "midwifery", "4": "housing",
    "5A": "social_work", "5B": "adult_services", "5C": "social_work", "5D": "family_hub",
    "7": "police", "8": "voluntary",
}  # fmt: skip
FRONT_DOOR_OUTCOMES = [("nfa", 30), ("universal", 14), ("early_help", 26), ("s17", 22), ("s47", 8)]
PANEL_OUTCOMES = [("panel_allocated", 70), ("panel_declined", 20), ("step_up", 10)]
LEVEL_FOR_OUTCOME = {
    "nfa": (1, 2), "universal": (1, 2), "early_help": (2, 3), "s17": (3, 3), "s47": (4, 4),
    "panel_allocated": (2, 3), "panel_declined": (1, 2), "step_up": (3, 4),
}  # fmt: skip
RAG_FOR_LEVEL = {1: "blue", 2: "green", 3: "amber", 4: "red"}
RAG_HOURS = {"red": 4, "amber": 24, "green": 72}  # elapsed-hour stand-ins for the working clocks

CONCERNS = [
    "Nursery report the child has arrived hungry and in the same clothes on several days.",
    "Police attended a domestic incident at the home overnight; the children were present.",
    "The school is worried about falling attendance and a change in the child's behaviour.",
    "Mother disclosed low mood and said she is struggling to cope with the baby's crying.",
    "Neighbours report shouting late at night and the children left alone in the evenings.",
    "The young person has been missing from home twice this month and returned with gifts.",
    "Housing report the family's flat is overcrowded, damp and the tenancy is at risk.",
    "Health visitor noticed a bruise on the baby's ear that the parents could not explain.",
]
TRIED = [
    "Spoke with the parents, offered a parenting course and a referral to the food bank.",
    "School pastoral support, daily check-ins and a meeting with the family last week.",
    "Health visitor home visits every two weeks; GP review of mother's medication.",
    "Signposted to the family hub's drop-in and to the local domestic abuse service.",
]
VIEWS = [
    "The child said they like school but do not want to go home at the weekend.",
    "Too young to give a view; seemed settled with the health visitor during the visit.",
    "The young person did not want to talk about home but agreed to see the school nurse.",
    "The parents agree there is a problem and would welcome support from the family hub.",
    "The parents do not accept that there are any concerns.",
]


def _pick(rng: random.Random, table: list[tuple[str, int]]) -> str:
    return rng.choices([c for c, _ in table], weights=[w for _, w in table])[0]


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


class Seeder:
    """Builds the directory with the ORM, then children and referrals with COPY."""

    def __init__(self, *, referrals: int, open_contacts: int, open_panel: int, seed: int,
                 anchor: dt.datetime):  # fmt: skip
        self.total = referrals
        self.open_contacts = open_contacts
        self.open_panel = open_panel
        self.rng = random.Random(seed)
        self.anchor = anchor
        self.family_cum = cumulative(zipf_weights(len(FAMILY_NAMES), 0.6))
        self.male_cum = cumulative(zipf_weights(len(MALE_GIVEN), 0.8, 5))
        self.female_cum = cumulative(zipf_weights(len(FEMALE_GIVEN), 0.8, 5))
        self.eth_codes = [c for c, _ in ETHNICITIES]
        self.eth_cum = cumulative([w for _, w in ETHNICITIES])
        self.counts: dict[str, int] = {}

    # -- directory ----------------------------------------------------------------------------

    def directory(self) -> dict:
        from continuum.directory.models import Agency, AgencyKind, Role, Team, User
        from continuum.referrals.models import NeedLevel, ThresholdFramework

        def agency(code, name, kind):
            return Agency.objects.create(code=code, name=name, kind=kind)

        front_door = agency("front-door", "Northbrook Children's Front Door", AgencyKind.FRONT_DOOR)
        by_kind: dict[str, list] = {"front_door": [front_door]}
        for code, name, kind in [
            ("social-work", "Northbrook Children's Social Work", AgencyKind.SOCIAL_WORK),
            ("police", "Northbrook Police Safeguarding Hub", AgencyKind.POLICE),
            ("hv", "Northbrook Health Visiting", AgencyKind.HEALTH_VISITING),
            ("midwifery", "Northbrook Midwifery", AgencyKind.MIDWIFERY),
            ("gp-high-street", "High Street Surgery", AgencyKind.GP),
            ("gp-park", "Park Medical Centre", AgencyKind.GP),
            ("housing", "Northbrook Housing", AgencyKind.HOUSING),
            ("voluntary", "Northbrook Family Action", AgencyKind.VOLUNTARY),
            ("adults", "Northbrook Adult Services", AgencyKind.ADULT_SERVICES),
            *[(f"school-{i}", f"Northbrook School {i}", AgencyKind.SCHOOL) for i in range(1, 13)],
            *[(f"hub-{n}", f"Northbrook {n.title()} Family Hub", AgencyKind.FAMILY_HUB)
              for n in ("north", "east", "south", "west", "central")],
        ]:  # fmt: skip
            by_kind.setdefault(kind, []).append(agency(code, name, kind))
        fd_team = Team.objects.create(agency=front_door, name="Front Door Triage")
        users: dict[str, list] = {}

        def user(username, role, agency_obj, team=None):
            u = User.objects.create(
                username=username, role=role, agency=agency_obj, team=team,
                first_name=username.split(".")[-1].title(), last_name="Bench",
            )  # fmt: skip
            u.set_unusable_password()
            u.save()
            return u

        workers = [user(f"bench.fd{i}", Role.FRONT_DOOR, front_door, fd_team) for i in range(8)]
        analyst = user("bench.analyst", Role.ANALYST, front_door)
        for kind, agencies in by_kind.items():
            for a in agencies:
                if kind == "front_door":
                    continue
                users[a.code] = [
                    user(f"bench.{a.code}.{i}", Role.PRACTITIONER, a) for i in range(3)
                ]
        framework = ThresholdFramework.objects.get(is_current=True)
        levels = {lv.number: lv.pk for lv in NeedLevel.objects.filter(framework=framework)}
        return {
            "front_door": front_door.pk,
            "by_kind": {k: [a.pk for a in v] for k, v in by_kind.items()},
            "agency_users": {
                a.pk: [u.pk for u in users[a.code]]
                for v in by_kind.values()
                for a in v
                if a.code in users
            },
            "workers": [u.pk for u in workers],
            "worker_username": workers[0].username,
            "analyst_username": analyst.username,
            "framework": framework.pk,
            "levels": levels,
        }

    # -- rows ---------------------------------------------------------------------------------

    @staticmethod
    def _columns(model) -> list:
        return list(model._meta.concrete_fields)

    @staticmethod
    def _blank_row(fields) -> dict:
        row = {}
        for f in fields:
            if f.null:
                row[f.column] = None
            elif f.get_internal_type() == "JSONField":
                row[f.column] = json.dumps(f.get_default())
            elif f.get_internal_type() in ("CharField", "TextField", "SlugField", "EmailField"):
                row[f.column] = f.get_default() or ""
            else:
                row[f.column] = None  # filled in by the generator
        return row

    def person(self, pid: int, submitted: dt.datetime) -> dict:
        rng = self.rng
        sex = "M" if rng.random() < 0.51 else "F"
        given_cum = self.male_cum if sex == "M" else self.female_cum
        given = rng.choices(MALE_GIVEN if sex == "M" else FEMALE_GIVEN, cum_weights=given_cum)[0]
        age_days = rng.randint(0, 17 * 365)
        return {
            "id": pid, "kind": "child", "given_name": given,
            "family_name": rng.choices(FAMILY_NAMES, cum_weights=self.family_cum)[0],
            "date_of_birth": (submitted.date() - dt.timedelta(days=age_days)).isoformat(),
            "sex": sex, "ethnicity": rng.choices(self.eth_codes, cum_weights=self.eth_cum)[0],
            "version": 1, "interpreter_needed": False,
            "created_at": _iso(submitted), "updated_at": _iso(submitted),
        }  # fmt: skip

    def _moments(self) -> list[dt.datetime]:
        """Submission times of the historic referrals over YEARS years, in working hours mostly,
        oldest first."""
        rng = self.rng
        historic = self.total - self.open_contacts - self.open_panel
        start = self.anchor - dt.timedelta(days=365 * YEARS)
        span = (self.anchor - dt.timedelta(days=14) - start).total_seconds()
        out = []
        while len(out) < historic:
            moment = start + dt.timedelta(seconds=rng.random() * span)
            weekend = moment.weekday() >= 5
            if weekend and rng.random() < 0.8:
                continue  # fewer referrals at weekends (police notifications still come)
            out.append(moment)
        out.sort()
        return out

    def referral(self, ctx: dict, rid: int, child_id: int, submitted: dt.datetime,
                 *, state: str) -> dict:  # fmt: skip
        """One referral; state is 'historic', 'open_contact' or 'open_panel'."""
        rng = self.rng
        source = _pick(rng, SOURCES)
        kind = SOURCE_AGENCY_KIND.get(source, "voluntary")
        referrer_agency = rng.choice(ctx["by_kind"][kind])
        referrer = rng.choice(ctx["agency_users"][referrer_agency])
        panel = state == "open_panel" or (state == "historic" and rng.random() < 0.22)
        destination = "early_help_panel" if panel else "front_door"
        dest_agency = rng.choice(ctx["by_kind"]["family_hub"]) if panel else ctx["front_door"]
        urgency = rng.choices(["routine", "urgent", "immediate"], weights=[82, 14, 4])[0]
        consent = rng.choices(["given", "refused", "not_sought"], weights=[78, 8, 14])[0]
        row = {
            "id": rid, "reference": f"B-{rid:07d}", "child_id": child_id,
            "referrer_id": referrer, "referrer_agency_id": referrer_agency, "source": source,
            "destination": destination, "destination_agency_id": dest_agency,
            "concerns": rng.choice(CONCERNS) + " " + rng.choice(CONCERNS),
            "what_has_been_tried": rng.choice(TRIED), "child_views": rng.choice(VIEWS),
            "parents_views": rng.choice(VIEWS), "referrer_level": rng.randint(1, 4),
            "consent": consent, "urgency": urgency,
            "consent_reason": "" if consent == "given" else "Sharing to protect the child.",
            "without_consent_justification": "" if consent == "given" else (
                "Risk of significant harm if the family were told before the police acted."),
            "created_at": _iso(submitted - dt.timedelta(minutes=rng.randint(5, 600))),
            "submitted_at": _iso(submitted),
            "acknowledgement_due_at": _iso(submitted + dt.timedelta(hours=4)),
        }  # fmt: skip
        if state == "historic":
            self._historic(ctx, row, submitted, panel)
        else:
            self._open(ctx, row, submitted)
        row["updated_at"] = row.get("closed_at") or row.get("decided_at") or row["submitted_at"]
        return row

    def _historic(self, ctx: dict, row: dict, submitted: dt.datetime, panel: bool) -> None:
        rng = self.rng
        if rng.random() < 0.04:
            row.update(status="withdrawn", withdrawn_reason="Sent for the wrong child",
                       withdrawn_at=_iso(submitted + dt.timedelta(hours=2)))  # fmt: skip
            return
        received = submitted + dt.timedelta(minutes=rng.lognormvariate(4.0, 1.0))
        outcome = _pick(rng, PANEL_OUTCOMES if panel else FRONT_DOOR_OUTCOMES)
        low, high = LEVEL_FOR_OUTCOME[outcome]
        level = rng.randint(low, high)
        rag = RAG_FOR_LEVEL[level] if rng.random() < 0.85 else rng.choice(list(RAG_HOURS))
        rag_due = received + dt.timedelta(hours=RAG_HOURS[rag]) if rag in RAG_HOURS else None
        decision_due = received + dt.timedelta(days=3 if received.weekday() == 4 else 1)
        # Most decisions are on time; a long tail is late.
        decided = received + dt.timedelta(hours=rng.lognormvariate(1.8, 1.0))
        worker = rng.choice(ctx["workers"])
        hub_users = ctx["agency_users"][row["destination_agency_id"]] if panel else None
        decided_by = rng.choice(hub_users) if panel else worker
        row.update(
            status="closed" if rng.random() < 0.85 else "decided",
            received_at=_iso(received), received_by_id=decided_by, rag=rag,
            rag_due_at=_iso(rag_due), decision_due_at=None if panel else _iso(decision_due),
            decided_at=_iso(decided), decided_by_id=decided_by, outcome=outcome,
            level_of_need_id=ctx["levels"][level], framework_id=ctx["framework"],
            rationale="Threshold applied to the information gathered from partners.",
            signposting="Family hub drop-in and the local food bank." if outcome == "nfa" else "",
            onward_agency_id=rng.choice(ctx["by_kind"]["family_hub"])
            if outcome == "early_help" else None,
            lead_professional_id=rng.choice(hub_users) if outcome == "panel_allocated" else None,
            service="Family support worker" if outcome == "panel_allocated" else "",
        )  # fmt: skip
        if row["status"] == "closed":
            row["closed_at"] = _iso(decided + dt.timedelta(days=rng.randint(1, 30)))
        row["escalated_at"] = (
            _iso(submitted + dt.timedelta(hours=4)) if received > submitted + dt.timedelta(hours=4)
            else None
        )  # fmt: skip

    def _open(self, ctx: dict, row: dict, submitted: dt.datetime) -> None:
        rng = self.rng
        stage = rng.choices(["submitted", "received", "information_gathering"],
                            weights=[15, 45, 40])[0]  # fmt: skip
        row["status"] = stage
        if stage == "submitted":
            return
        received = submitted + dt.timedelta(minutes=rng.lognormvariate(4.0, 1.0))
        rag = rng.choices(["red", "amber", "green", "blue"], weights=[10, 35, 45, 10])[0]
        row.update(
            received_at=_iso(received), received_by_id=rng.choice(ctx["workers"]), rag=rag,
            rag_due_at=_iso(received + dt.timedelta(hours=RAG_HOURS[rag]))
            if rag in RAG_HOURS else None,
            decision_due_at=_iso(received + dt.timedelta(days=1))
            if row["destination"] == "front_door" else None,
        )  # fmt: skip

    def run(self) -> dict:
        from django.db import connection

        from continuum.people.models import Person
        from continuum.referrals.models import Referral

        ctx = self.directory()
        rng = self.rng
        person_fields = self._columns(Person)
        referral_fields = self._columns(Referral)
        person_blank = self._blank_row(person_fields)
        referral_blank = self._blank_row(referral_fields)
        person_cols = [f.column for f in person_fields]
        referral_cols = [f.column for f in referral_fields]

        moments = self._moments()
        # Open work: sent in the last two weeks (working hours), the newest at the anchor.
        recent_start = self.anchor - dt.timedelta(days=14)
        opens = sorted(
            (recent_start + dt.timedelta(seconds=rng.random() * 14 * 86400), state)
            for state in ["open_contact"] * self.open_contacts + ["open_panel"] * self.open_panel
        )
        timeline = [(m, "historic") for m in moments] + opens
        timings: dict[str, float] = {}
        people: list[dict] = []
        referrals: list[dict] = []
        recent_children: list[tuple[dt.datetime, int]] = []  # children referred lately
        t0 = time.perf_counter()
        for rid, (moment, state) in enumerate(timeline, start=1):
            # About a quarter of referrals are about a child referred before (most recently
            # within two years): the re-referrals the register counts.
            child_id = None
            if recent_children and rng.random() < 0.27:
                lo = 0
                while lo < len(recent_children) and (
                    moment - recent_children[lo][0] > dt.timedelta(days=730)
                ):
                    lo += 1
                del recent_children[:lo]
                if recent_children:
                    child_id = rng.choice(recent_children)[1]
            if child_id is None:
                child_id = len(people) + 1
                people.append(self.person(child_id, moment))
            recent_children.append((moment, child_id))
            referrals.append(self.referral(ctx, rid, child_id, moment, state=state))
        timings["generate"] = time.perf_counter() - t0

        connection.ensure_connection()
        raw = connection.connection
        with raw.cursor() as cur:
            cur.execute("SET synchronous_commit = off")
            for table, cols, blank, rows in (
                ("people_person", person_cols, person_blank, people),
                ("referrals_referral", referral_cols, referral_blank, referrals),
            ):
                t0 = time.perf_counter()
                with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                    for row in rows:
                        full = {**blank, **row}
                        copy.write_row([full[c] for c in cols])
                raw.commit()
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table}))"
                )
                raw.commit()
                timings[f"copy {table}"] = time.perf_counter() - t0
                self.counts[table] = len(rows)
        return {"ctx": ctx, "counts": self.counts, "timings_s": timings}


# --------------------------------------------------------------------------------------------
# Measuring


def _timed_get(client, url: str) -> tuple[float, float, float, int, object]:
    """Wall time, this process's CPU time and the time spent waiting for the database (ms),
    the number of queries and the body of one GET."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c0, t0 = time.thread_time(), time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    elapsed = ms_since(t0)
    assert response.status_code == 200, (url, response.status_code)
    db = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
    return elapsed, (time.thread_time() - c0) * 1000, db, len(ctx.captured_queries), body


def measure_pages(client, urls: list[str], *, warm: int = 3) -> dict:
    for url in urls[:warm]:
        client.get(url)
    times, cpu, db, queries = [], [], [], []
    for url in urls:
        elapsed, used, waited, n, _ = _timed_get(client, url)
        times.append(elapsed)
        cpu.append(used)
        db.append(waited)
        queries.append(n)
    return {
        **percentiles(times),
        "python_cpu_p50_ms": round(statistics.median(cpu), 2),
        "database_p50_ms": round(statistics.median(db), 2),
        "queries_min": min(queries),
        "queries_max": max(queries),
    }


def measure_csv(client, url: str, runs: int) -> dict:
    times, cpu, sizes = [], [], []
    for _ in range(runs):
        elapsed, used, _, _, body = _timed_get(client, url)
        times.append(elapsed)
        cpu.append(used)
        sizes.append(body.count(b"\n") - 1)
    return {
        **percentiles(times),
        "python_cpu_p50_ms": round(statistics.median(cpu), 2),
        "rows": sizes[0],
        "bytes": len(body),
    }


def table(results: dict) -> str:
    rows = [
        "| Measure | n | p50 ms | p95 ms | Target | Notes |",
        "|---|---|---|---|---|---|",
    ]
    for key, label, target in (
        ("queue_first_page", "Front door queue, first page", 200),
        ("queue_rag_filter", "Front door queue, one RAG rating", 200),
        ("queue_later_pages", "Front door queue, later pages", 200),
        ("register_all", "Register report, every referral", 2000),
        ("register_12_months", "Register report, last 12 months", 2000),
    ):
        r = results[key]
        ok = "met" if r["p95_ms"] < target else "MISSED"
        rows.append(
            f"| {label} | {r['n']} | {r['p50_ms']} | {r['p95_ms']} | p95 < {target} ({ok}) | "
            f"{r['queries_min']}-{r['queries_max']} queries; p50 Python CPU "
            f"{r['python_cpu_p50_ms']} ms, database {r['database_p50_ms']} ms |"
        )
    c = results["register_csv"]
    rows.append(
        f"| Register CSV, every referral | {c['n']} | {c['p50_ms']} | {c['p95_ms']} | - | "
        f"{c['rows']:,} rows, {c['bytes'] / 1e6:.0f} MB; Python CPU p50 "
        f"{c['python_cpu_p50_ms'] / 1000:.1f} s |"
    )
    rows.extend(contention_rows(results, "| | | | - |"))
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--referrals", type=int, default=500_000)
    parser.add_argument("--open-contacts", type=int, default=10_000)
    parser.add_argument("--open-panel", type=int, default=1_000,
                        help="open referrals to the hubs' early help panels")  # fmt: skip
    parser.add_argument("--anchor", type=dt.date.fromisoformat, default=None,
                        help="the day the data are built around (default today)")  # fmt: skip
    parser.add_argument("--pages", type=int, default=200, help="queue pages to time per kind")
    parser.add_argument("--reports", type=int, default=20, help="register reports to time")
    parser.add_argument("--csv-runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database from an earlier run (migrate only)"
    )
    parser.add_argument(
        "--seed-only", action="store_true", help="build the database, then stop (measure later)"
    )
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

    from continuum.directory.models import User
    from continuum.referrals.models import OPEN_STATUSES, Referral

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - t0
    seed_file = args.output.with_suffix(".seed.json")
    seed_info: dict = {}
    analyse_s = 0.0
    if args.reuse:
        have = Referral.objects.count()
        if have != args.referrals:
            raise SystemExit(
                f"--reuse: the database has {have:,} referrals, not {args.referrals:,}"
            )
        if seed_file.exists():
            seed_info = {**json.loads(seed_file.read_text()), "reused": True}
    else:
        anchor_day = args.anchor or dt.datetime.now(dt.UTC).date()
        anchor = dt.datetime.combine(anchor_day, dt.time(9, 0), tzinfo=dt.UTC)
        print(f"Seeding {args.referrals:,} referrals around {anchor_day} …")
        t0 = time.perf_counter()
        built = Seeder(
            referrals=args.referrals, open_contacts=args.open_contacts,
            open_panel=args.open_panel, seed=args.seed, anchor=anchor,
        ).run()  # fmt: skip
        seed_s = time.perf_counter() - t0
        print(f"  seeded in {seed_s:.0f} s; VACUUM ANALYZE …")
        analyse_s = analyse("people_person", "referrals_referral")
        seed_info = {
            "seconds": round(seed_s, 1),
            "date": now_iso(),
            "anchor": anchor.isoformat(),
            "seed": args.seed,
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
            "rows": built["counts"],
            "timings_s": {k: round(v, 1) for k, v in built["timings_s"].items()},
            "vacuum_analyze_seconds": round(analyse_s, 1),
        }
        seed_file.parent.mkdir(parents=True, exist_ok=True)
        seed_file.write_text(json.dumps(seed_info, indent=2) + "\n")
    if args.seed_only:
        print(f"Seeded; measure with --reuse. Seeding details in {seed_file}")
        return 0

    worker = User.objects.get(username="bench.fd0")
    analyst = User.objects.get(username="bench.analyst")
    open_contacts = Referral.objects.filter(
        destination="front_door", status__in=OPEN_STATUSES
    ).count()
    rng = random.Random(args.seed + 1)
    pages = max(1, -(-open_contacts // 50))
    results: dict = {"contention_before": contention()}
    fd = Client()
    fd.force_login(worker)
    print(f"Measuring the front door queue ({open_contacts:,} open contacts, {pages} pages) …")
    base = "/referrals/front-door/"
    results["queue_first_page"] = measure_pages(fd, [base] * args.pages)
    rags = ["red", "amber", "green", "blue"]
    results["queue_rag_filter"] = measure_pages(
        fd, [f"{base}?rag={rng.choice(rags)}" for _ in range(args.pages)]
    )
    results["queue_later_pages"] = measure_pages(
        fd, [f"{base}?page={rng.randint(2, pages)}" for _ in range(args.pages)]
    )
    print("Measuring the referral register …")
    an = Client()
    an.force_login(analyst)
    results["register_all"] = measure_pages(an, ["/referrals/register/"] * args.reports, warm=1)
    last_year = dt.date.today() - dt.timedelta(days=365)
    year_url = (
        f"/referrals/register/?date_from_0={last_year.day}&date_from_1={last_year.month}"
        f"&date_from_2={last_year.year}"
    )
    results["register_12_months"] = measure_pages(an, [year_url] * args.reports, warm=1)
    print("Measuring the CSV export …")
    results["register_csv"] = measure_csv(an, "/referrals/register.csv", args.csv_runs)
    results["contention_after"] = contention()

    report = {
        "benchmark": "referrals and the front door (issue 4)",
        "date": now_iso(),
        "git": git_commit(),
        "machine": machine_info(connection),
        "referrals": Referral.objects.count(),
        "open_front_door_contacts": open_contacts,
        "seed": args.seed,
        "migrate_seconds": round(migrate_s, 1),
        "seeding": seed_info,
        "targets": {"queue_p95_ms": 200, "register_p95_ms": 2000},
        "results": results,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "total_seconds": round(time.perf_counter() - started, 1),
        "command": "python benchmarks/referrals.py " + " ".join(argv or sys.argv[1:]),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, default=str) + "\n")
    machine = report["machine"]
    print(
        f"\n{report['referrals']:,} referrals, {open_contacts:,} open front door contacts, "
        f"PostgreSQL {machine['postgresql']}, {machine['cores']} cores"
    )
    print(table(results))
    print(f"\nWritten to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
