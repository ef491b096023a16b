#!/usr/bin/env python
"""Every page, as every demo persona, on the SQLite demo area (issue 15).

    .venv/bin/python benchmarks/pages.py                    # build the demo area once, measure
    .venv/bin/python benchmarks/pages.py --runs 3 --personas hub.practitioner,hv.practitioner
    .venv/bin/python benchmarks/pages.py --routes casework  # only routes whose name matches

Target (issue 15): "every page p95 < 300 ms on the demo with SQLite".

It builds the demo area (`continuum seed`, 2,600 families by default) in a data directory of
its own (`var/bench-pages`, SQLite; `--data-dir` to use another, e.g. a copy of a demo you
already have), then walks every route of the URL resolver, as every demo account. A GET of a
page writes audit events, so do not point it at a database you care about.

Routes with ids get records the persona can see: the families (households, people, episodes)
come from the households the persona may see, and the records inside them (visits, actions,
assessments, child protection plans …) from those families; referrals, requests, sessions,
volunteer matches and the rest from the persona's own, their agency's, then the most recent.
Up to `--tries` candidates are tried and the first that answers 200 is measured; when none does
(the route is not for this persona, or no record they can see has one), the status of the
first is reported and the pair is not measured. Routes that answer 405 to GET (forms that only
post) are left out.

Each pair is requested once to warm up, then `--runs` times, in this process through Django's
test Client: wall-clock time, this thread's CPU time (SQLite runs inside the process, so that is
the whole server cost of the request, whatever else the shared machine is doing) and the
number and time of SQL queries. It prints the routes by their worst p95 and lists every page
over the target, and writes benchmarks/results/pages.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import REPO, git_commit, now_iso, percentiles  # noqa: E402

RESULTS = HERE / "results" / "pages.json"
TARGET_P95_MS = 300
SKIPPED_ROUTES = {
    "login": "the sign-in page is for signed-out users",
    "logout": "sign-out only posts",
}
PARAM = re.compile(r"<(?:\w+:)?(\w+)>")
# Searches are measured with a query: the name of someone the persona can see.
SEARCHES = {"people:search", "api:search_people"}


def setup(data_dir: Path, households: int) -> None:
    os.environ["CONTINUUM_ENV"] = "demo"  # the seed refuses outside demo and test modes
    os.environ["CONTINUUM_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "continuum.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    sys.path.insert(0, str(REPO / "src"))
    warnings.filterwarnings("ignore", message="No directory at")
    import logging

    import django

    django.setup()
    # 403s and 404s are expected while candidates are tried (500s are still logged).
    logging.getLogger("django.request").setLevel(logging.ERROR)
    from django.conf import settings
    from django.core.management import call_command

    from continuum.core.db import refresh_planner_statistics
    from continuum.demo.seed import seed_northbrook
    from continuum.directory.models import Agency

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", interactive=False, verbosity=0)
    if not Agency.objects.exists():
        print(f"Building the demo area ({households} families) in {data_dir} …", flush=True)
        started = time.perf_counter()
        seed_northbrook(households=households)
        print(f"Built in {time.perf_counter() - started:.0f} s.", flush=True)
    else:
        refresh_planner_statistics()


# --- Routes -------------------------------------------------------------------------------


@dataclass
class Route:
    name: str
    pattern: str
    params: tuple[str, ...]


def routes() -> list[Route]:
    """Every named route of the URL resolver, once per path (the API names a path once per
    method)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: dict[str, Route] = {}

    def walk(patterns, prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = ":".join(x for x in (namespace, p.namespace) if x)
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name:
                path = prefix + str(p.pattern)
                name = f"{namespace}:{p.name}" if namespace else p.name
                found.setdefault(path, Route(name, path, tuple(PARAM.findall(path))))

    walk(get_resolver().url_patterns, "", "")
    return list(found.values())


# --- Records each persona can see -------------------------------------------------------


class Picker:
    """Candidate ids for a route's parameters, for one persona: records in the families they
    may see first, theirs and their agency's before anyone else's."""

    def __init__(self, user, tries: int):
        from continuum.governance import rules
        from continuum.governance.access import persons_visible_to
        from continuum.people.models import HouseholdMembership

        self.user, self.tries = user, tries
        if rules.sees_whole_area(user):
            self.households = None  # everyone's
        else:
            self.households = set(
                HouseholdMembership.objects.filter(
                    end_date__isnull=True, person__in=persons_visible_to(user)
                ).values_list("household_id", flat=True)
            )

    def _in_families(self, qs, path: str):
        if self.households is None:
            return qs
        return qs.filter(**{f"{path}__in": self.households})

    def _ids(self, qs, *order) -> list[int]:
        return list(qs.order_by(*order, "-pk").values_list("pk", flat=True)[: self.tries])

    def episodes(self) -> list[int]:
        from django.db.models import Case, IntegerField, Value, When

        from continuum.casework.models import Episode

        user = self.user
        mine = Case(
            When(lead_professional=user, then=Value(0)),
            When(agency_id=user.agency_id, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        open_first = Case(When(status="open", then=Value(0)), default=Value(1))
        qs = self._in_families(Episode.objects.all(), "household_id")
        return self._ids(qs.annotate(mine=mine, open_first=open_first), "mine", "open_first")

    def households_(self) -> list[int]:
        from continuum.casework.models import Episode
        from continuum.people.models import Household

        with_episodes = list(
            dict.fromkeys(
                Episode.objects.filter(pk__in=self.episodes()).values_list(
                    "household_id", flat=True
                )
            )
        )
        others = self._ids(self._in_families(Household.objects.all(), "pk"))
        return list(dict.fromkeys(with_episodes + others))[: self.tries]

    def people(self) -> list[int]:
        from continuum.people.models import HouseholdMembership

        members = HouseholdMembership.objects.filter(
            household_id__in=self.households_(), end_date__isnull=True
        ).order_by("-person__date_of_birth")  # children first
        return list(dict.fromkeys(members.values_list("person_id", flat=True)))[: self.tries]

    def in_episode(self, model: str, param: str, *, path: str = "episode") -> list[dict]:
        from django.apps import apps

        qs = self._in_families(apps.get_model(model).objects.all(), f"{path}__household_id")
        rows = qs.order_by("-pk").values_list("pk", f"{path}_id")[: self.tries]
        return [{"episode_id": episode, param: pk} for pk, episode in rows]

    def search(self) -> str:
        """`?name=` the full name of someone in the persona's families (a common surname when
        they may see no one: the search then finds nobody, as it would for them)."""
        from urllib.parse import urlencode

        from continuum.people.models import Person

        person = Person.objects.filter(pk__in=self.people()[:1]).first()
        name = f"{person.given_name} {person.family_name}" if person else "Smith"
        return "?" + urlencode({"name": name})

    def assessments(self) -> list[int]:
        from continuum.casework.models import Assessment

        qs = self._in_families(Assessment.objects.all(), "episode__household_id")
        return self._ids(qs.filter(episode_id__in=self.episodes()) or qs)

    def referrals(self) -> list[int]:
        from django.db.models import Q

        from continuum.referrals.models import Referral

        user = self.user
        own = Referral.objects.filter(
            Q(referrer=user) | Q(referrer_agency_id=user.agency_id)
            | Q(destination_agency_id=user.agency_id)
        )  # fmt: skip
        seen = self._in_families(Referral.objects.all(), "household_id")
        return list(dict.fromkeys(self._ids(own) + self._ids(seen)))[: self.tries]

    def candidates(self, route: Route) -> list[dict] | None:
        """Keyword arguments to try, best first; None when no provider knows these params."""
        from continuum.directory.models import User
        from continuum.hubs.models import OutreachEntry, RiskFlag, Session, VolunteerMatch
        from continuum.linkage.models import ImportJob, MatchReview, Merge
        from continuum.outcomes.models import Instrument
        from continuum.referrals.models import InformationRequest, Notification
        from continuum.servicedirectory.models import Service

        user, params = self.user, set(route.params)
        if not params:
            return [{}]
        one = {
            "household_id": self.households_,
            "person_id": self.people,
            "episode_id": self.episodes,
            "assessment_id": self.assessments,
            "referral_id": self.referrals,
            "request_id": lambda: self._ids(
                InformationRequest.objects.filter(to_agency_id=user.agency_id)
            ) or self._ids(InformationRequest.objects.all()),
            "notification_id": lambda: self._ids(Notification.objects.filter(recipient=user)),
            "job_id": lambda: self._ids(ImportJob.objects.all()),
            "review_id": lambda: self._ids(MatchReview.objects.all(), "status"),
            "merge_id": lambda: self._ids(Merge.objects.all()),
            "instrument_id": lambda: self._ids(Instrument.objects.all()),
            "service_id": lambda: self._ids(Service.objects.all()),
            "session_id": lambda: self._ids(
                Session.objects.filter(activity__hub_id=user.agency_id)
            ) or self._ids(Session.objects.all()),
            "flag_id": lambda: self._ids(self._in_families(
                RiskFlag.objects.all(), "person__memberships__household_id"
            ).distinct()),
            "entry_id": lambda: self._ids(OutreachEntry.objects.filter(hub_id=user.agency_id)),
            "match_id": lambda: self._ids(VolunteerMatch.objects.filter(volunteer=user))
            or self._ids(self._in_families(VolunteerMatch.objects.all(), "household_id")),
            "user_id": lambda: self._ids(
                User.objects.filter(role="volunteer", agency_id=user.agency_id)
            ),
        }  # fmt: skip
        if len(params) == 1:
            (param,) = params
            return [{param: pk} for pk in one[param]()] if param in one else None
        nested = {
            "visit_id": ("casework.Visit", "episode"),
            "prompt_id": ("casework.IdentifyPrompt", "episode"),
            "action_id": ("casework.PlanAction", "plan__episode"),
            "member_id": ("casework.TafMember", "episode"),
            "child_id": ("casework.EpisodeChild", "episode"),
            "s47_id": ("casework.Section47Enquiry", "episode"),
            "plan_id": ("casework.ChildProtectionPlan", "episode"),
            "attachment_id": ("casework.Attachment", "episode"),
        }
        if "episode_id" in params and len(params) == 2:
            (param,) = params - {"episode_id"}
            if param in nested:
                model, path = nested[param]
                return self.in_episode(model, param, path=path)
        if params == {"assessment_id", "person_id"}:
            from continuum.casework.models import AssessmentChild

            rows = AssessmentChild.objects.filter(assessment_id__in=self.assessments())
            return [
                {"assessment_id": a, "person_id": p}
                for a, p in rows.values_list("assessment_id", "person_id")[: self.tries]
            ]
        if params == {"person_id", "other_id"}:
            pairs = MatchReview.objects.exclude(candidate__isnull=True).values_list(
                "candidate_id", "record__person_id"
            )
            pairs = [(a, b) for a, b in pairs[: self.tries] if a and b and a != b]
            return [{"person_id": a, "other_id": b} for a, b in pairs]
        return None


# --- Measuring ----------------------------------------------------------------------------


@dataclass
class Row:
    route: str
    persona: str
    url: str = ""
    status: int | None = None
    measured: bool = False
    note: str = ""
    wall: dict = field(default_factory=dict)
    cpu: dict = field(default_factory=dict)
    queries: int | None = None
    sql_ms: float | None = None


def request(client, url: str) -> tuple[int, float, float, int, float]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    # The query log keeps at most 9,000 entries; once full, CaptureQueriesContext counts none.
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        c0, t0 = time.thread_time(), time.perf_counter()
        response = client.get(url)
        wall, cpu = (time.perf_counter() - t0) * 1000, (time.thread_time() - c0) * 1000
    sql = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
    return response.status_code, wall, cpu, len(ctx.captured_queries), sql


def measure(route: Route, persona: str, client, picker: Picker, runs: int) -> Row:
    from django.urls import reverse

    row = Row(route.name, persona)
    candidates = picker.candidates(route)
    if candidates is None:
        row.note = f"no id provider for {', '.join(route.params)}"
        return row
    if not candidates:
        row.note = "no record of this kind this persona can see"
        return row
    first = None
    for kwargs in candidates:
        url = reverse(route.name, kwargs=kwargs)
        if route.name in SEARCHES:
            url += picker.search()
        status = request(client, url)[0]  # also the warm-up
        first = first or (url, status)
        if status == 200:
            break
    else:
        row.url, row.status = first
        row.note = "no candidate answered 200"
        return row
    samples = [request(client, url) for _ in range(runs)]
    row.url, row.status, row.measured = url, 200, True
    row.wall = percentiles([s[1] for s in samples])
    row.cpu = percentiles([s[2] for s in samples])
    row.queries = max(s[3] for s in samples)
    row.sql_ms = round(sorted(s[4] for s in samples)[len(samples) // 2], 2)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=REPO / "var" / "bench-pages")
    parser.add_argument("--households", type=int, default=2600)
    parser.add_argument("--runs", type=int, default=5, help="timed requests per page (after one)")
    parser.add_argument("--tries", type=int, default=6, help="candidate records per route")
    parser.add_argument("--personas", default="", help="comma-separated usernames (default all)")
    parser.add_argument("--routes", default="", help="regular expression on route names")
    parser.add_argument("--target-ms", type=float, default=TARGET_P95_MS)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    args.data_dir.mkdir(parents=True, exist_ok=True)
    setup(args.data_dir, args.households)
    import sqlite3

    import django
    from django.db import connection
    from django.test import Client

    from continuum.demo import area
    from continuum.directory.models import User
    from continuum.people.models import Household, Person

    if connection.vendor != "sqlite":
        raise SystemExit("This benchmark measures the SQLite demo: unset DATABASE_URL.")
    wanted = [s.username for s in area.DEMO_ACCOUNTS]
    if args.personas:
        wanted = [u for u in wanted if u in args.personas.split(",")]
    users = {u.username: u for u in User.objects.filter(username__in=wanted)}
    pick = re.compile(args.routes) if args.routes else None
    all_routes = [r for r in routes() if not pick or pick.search(r.name)]
    started, load_before = time.perf_counter(), os.getloadavg()
    rows: list[Row] = []
    for username in wanted:
        user = users[username]
        client = Client()
        client.force_login(user)
        picker = Picker(user, args.tries)
        print(f"{username}: {len(all_routes)} routes …", flush=True)
        for route in all_routes:
            if route.name in SKIPPED_ROUTES:
                continue
            row = measure(route, username, client, picker, args.runs)
            if row.status == 405:
                continue  # a form that only posts
            rows.append(row)

    measured = [r for r in rows if r.measured]
    over = sorted(
        (r for r in measured if r.cpu["p95_ms"] > args.target_ms),
        key=lambda r: -r.cpu["p95_ms"],
    )
    by_route: dict[str, dict] = {}
    for r in measured:
        worst = by_route.get(r.route)
        if worst is None or r.cpu["p95_ms"] > worst["cpu_p95_ms"]:
            by_route[r.route] = {
                "route": r.route, "worst_persona": r.persona, "url": r.url,
                "cpu_p50_ms": r.cpu["p50_ms"], "cpu_p95_ms": r.cpu["p95_ms"],
                "wall_p95_ms": r.wall["p95_ms"], "queries": r.queries,
            }  # fmt: skip
    summary = sorted(by_route.values(), key=lambda s: -s["cpu_p95_ms"])
    results = {
        "benchmark": "pages",
        "issue": 15,
        "target": f"every page p95 < {args.target_ms:g} ms on the demo with SQLite",
        "measure": "CPU time of the request thread (SQLite runs in-process); wall time beside it",
        "when": now_iso(),
        **git_commit(),
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "django": django.get_version(),
            "sqlite": sqlite3.sqlite_version,
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
        "area": {
            "people": Person.objects.count(),
            "households": Household.objects.count(),
            "data_dir": str(args.data_dir),
        },
        "runs_per_page": args.runs,
        "personas": wanted,
        "routes_walked": len(all_routes),
        "pages_measured": len(measured),
        "seconds": round(time.perf_counter() - started, 1),
        "over_target": [
            {"route": r.route, "persona": r.persona, "url": r.url,
             "cpu_p95_ms": r.cpu["p95_ms"], "wall_p95_ms": r.wall["p95_ms"],
             "queries": r.queries}
            for r in over
        ],
        "routes": summary,
        "rows": [r.__dict__ for r in rows],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")

    print()
    print("| Route | Worst persona | CPU p50 ms | CPU p95 ms | Wall p95 ms | Queries |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for s in summary:
        print(
            f"| {s['route']} | {s['worst_persona']} | {s['cpu_p50_ms']:.0f} | "
            f"{s['cpu_p95_ms']:.0f} | {s['wall_p95_ms']:.0f} | {s['queries']} |"
        )
    not_measured = [r for r in rows if not r.measured]
    print(
        f"\n{len(measured)} pages measured ({len(summary)} routes by personas), "
        f"{len(not_measured)} route/persona pairs not (no page for them: see the JSON), "
        f"in {results['seconds']:.0f} s; load average {results['machine']['load_average_after']}."
    )
    if over:
        print(f"\nOver {args.target_ms:g} ms (CPU p95):")
        for r in over:
            print(f"  {r.route} as {r.persona}: {r.cpu['p95_ms']:.0f} ms, {r.queries} queries")
    else:
        print(f"\nEvery measured page is under {args.target_ms:g} ms (CPU p95).")
    print(f"Wrote {args.out.relative_to(REPO) if args.out.is_relative_to(REPO) else args.out}")


if __name__ == "__main__":
    main()
