#!/usr/bin/env python
"""Measure a practitioner's burden in a real browser (issue 15): clicks, fields typed,
selections and page loads for the common tasks, on the seeded SQLite demo area.

    PYTHONPATH=src .venv/bin/python benchmarks/burden.py                # build, serve, measure
    PYTHONPATH=src .venv/bin/python benchmarks/burden.py --copy-from /tmp/demo/continuum.sqlite3
    PYTHONPATH=src .venv/bin/python benchmarks/burden.py --base-url http://127.0.0.1:8000 \\
        --data-dir var                                                  # a demo already running

Without --base-url it works in its own data directory (--data-dir, default var/bench-burden):
the first run builds the demo area there with the project's own command (`continuum demo
--no-serve`: migrate, then seed Northbrook), or copies a seeded demo database (--copy-from);
then it serves that copy with `continuum serve` on --port. With --base-url it measures a demo
that is already running, and --data-dir must be that demo's data directory.

Before measuring it makes sure the data each task needs exist, through the app's services, in
the database it measures (it prints what it added): a session this week with 15 families
booked and no register taken (the seeded hubs book fewer), and an information request waiting
for the hand-over persona's agency. It never changes the app.

Each task runs in Debian's Chromium (/usr/bin/chromium, through Playwright; no browser is
downloaded) as a demo persona (password `northbrook`), signed in through the sign-in form by
its labels. Every action the script performs in the browser goes through one counting helper,
`Task.act`: a click, a field typed (fill), a selection (check, select_option). Page loads are
the main frame's navigations, counted by the browser's own `framenavigated` events. A task
passes only if the page shows it was done (the success banner and the saved record); else it is
reported as failed. The targets are counts; wall time is reported beside them.

Tasks (targets from issue 15):
1. record a visit from the child's page: from the home page open a child with an open episode,
   "Record a visit", the minimum the form needs, save. Target: at most 8 interactions and 2
   page loads from the child's page.
2. a referral for a known child: from the child's page, "Make a referral", only the required
   answers, submit. Target: at most 10 fields typed.
3. a session register for 15 families: from the home page, the timetable, take the register,
   tick 15, save. Target: at most 20 interactions.
4. acknowledge a hand-over from the home page, which must show it waiting. Target: 1 click.

It prints a table and writes benchmarks/results/burden.json (commit, date, machine).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import socket
import sqlite3
import subprocess
import sys
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from _common import git_commit, now_iso  # noqa: E402

RESULTS = HERE / "results" / "burden.json"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DB_NAME = "continuum.sqlite3"
REGISTER_SIZE = 15
BENCH_ACTIVITY = "Stay and play (burden benchmark)"
BENCH_QUESTION = "Burden benchmark: what do you know about this child and family?"

VISITOR = "hub.practitioner"  # tasks 1 and 3: an early help practitioner in a family hub
REFERRER = "hv.practitioner"  # task 2: a health visitor referring a child she knows
RECEIVER = "police"  # task 4: the police's safeguarding hub, asked for information


# --- the demo database -------------------------------------------------------------------------


def _env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)  # the SQLite demo, always
    env.update(
        CONTINUUM_ENV="demo",
        CONTINUUM_DATA_DIR=str(data_dir),
        PYTHONPATH=str(REPO / "src") + os.pathsep + env.get("PYTHONPATH", ""),
        LOG_LEVEL="WARNING",
    )
    return env


def build_area(data_dir: Path, copy_from: Path | None, households: int) -> None:
    """The benchmark's own copy of the demo database: copied, or built by `continuum demo`."""
    data_dir.mkdir(parents=True, exist_ok=True)
    target = data_dir / DB_NAME
    if copy_from and not target.exists():
        print(f"Copying the demo database {copy_from} to {target} …", flush=True)
        with sqlite3.connect(copy_from) as src, sqlite3.connect(target) as dst:
            src.backup(dst)  # consistent even while a demo is using it (WAL)
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 - our own command, our own arguments
        [sys.executable, "-m", "continuum.cli", "demo", "--no-serve",
         "--households", str(households)],
        env=_env(data_dir), check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    print(f"Demo area ready in {data_dir} ({time.perf_counter() - started:.0f} s).", flush=True)


def setup_django(data_dir: Path) -> None:
    for key, value in _env(data_dir).items():
        if key != "PYTHONPATH":
            os.environ[key] = value
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "continuum.settings"
    sys.path.insert(0, str(REPO / "src"))
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()


@dataclass
class Fixtures:
    visit_child: str = ""  # display name of a child with an open episode, linked from home
    referral_child_id: int = 0
    referral_child: str = ""
    session_id: int = 0
    activity: str = ""
    booked: int = 0
    request_child: str = ""
    request_id: int = 0
    contact_id: int = 0
    contact_child: str = ""
    added: list[str] = field(default_factory=list)


def prepare() -> Fixtures:
    """What each task needs, found in the demo or added through the app's services."""
    from django.db import connection
    from django.utils import timezone

    from continuum.directory.models import User
    from continuum.governance.access import persons_visible_to
    from continuum.hubs import services as hubs
    from continuum.hubs.models import Activity, Attendance, Enrolment, Session
    from continuum.people.models import HouseholdMembership, PersonKind
    from continuum.referrals import access
    from continuum.referrals import services as referrals
    from continuum.referrals.models import (
        Consent,
        Destination,
        InformationRequest,
        Referral,
        Status,
        Urgency,
    )

    wanted = [VISITOR, REFERRER, RECEIVER, "frontdoor"]
    users = {u.username: u for u in User.objects.filter(username__in=wanted)}
    missing = {VISITOR, REFERRER, RECEIVER, "frontdoor"} - set(users)
    if missing:
        raise SystemExit(f"The demo has no account {', '.join(sorted(missing))}: is it seeded?")
    fx = Fixtures()
    now, today = timezone.now(), timezone.localdate()

    # 2. A child the health visitor knows, with no draft referral of hers to carry on with.
    drafts = Referral.objects.filter(referrer=users[REFERRER], status=Status.DRAFT)
    child = (
        persons_visible_to(users[REFERRER])
        .filter(kind=PersonKind.CHILD, date_of_birth__isnull=False)
        .exclude(pk__in=drafts.values("child_id"))
        .order_by("pk")
        .first()
    )
    fx.referral_child_id, fx.referral_child = child.pk, child.display_name

    # 3. A session this week with 15 families booked and no register taken yet.
    hub_worker = users[VISITOR]
    monday = today - dt.timedelta(days=today.weekday())
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time()))
    taken = Attendance.objects.values("session_id")
    for session in (
        Session.objects.filter(activity__hub_id=hub_worker.agency_id, status="scheduled",
                               starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=7))
        .exclude(pk__in=taken).select_related("activity").order_by("starts_at")
    ):  # fmt: skip
        booked = Enrolment.objects.filter(activity=session.activity, ended_at__isnull=True)
        families = (
            HouseholdMembership.objects.filter(person__in=booked.values("person_id"),
                                               end_date__isnull=True)
            .values("household_id").distinct().count()
        )  # fmt: skip
        if families == REGISTER_SIZE and booked.count() == REGISTER_SIZE:
            fx.session_id, fx.activity, fx.booked = session.pk, session.activity.name, families
            break
    if not fx.session_id:
        visible = persons_visible_to(hub_worker).filter(
            kind=PersonKind.CHILD, date_of_birth__gt=today - dt.timedelta(days=5 * 365)
        )
        children, households = [], set()
        for m in (
            HouseholdMembership.objects.filter(person__in=visible, end_date__isnull=True)
            .select_related("person").order_by("household_id", "person_id")
        ):  # fmt: skip
            if m.household_id not in households:
                households.add(m.household_id)
                children.append(m.person)
            if len(children) == REGISTER_SIZE:
                break
        starts = timezone.make_aware(dt.datetime.combine(today, dt.time(10, 0)))
        name = f"{BENCH_ACTIVITY} {timezone.localtime(now):%d %b %H:%M:%S}"
        activity = hubs.activity_create(
            actor=hub_worker, hub=hub_worker.agency, name=name, kind=Activity._meta.get_field(
                "kind").choices[0][0], first_starts_at=starts, duration_minutes=90, weeks=1,
            venue="Millbrook Family Hub",
        )  # fmt: skip
        for person in children:
            hubs.enrol(actor=hub_worker, activity=activity, person=person)
        session = Session.objects.get(activity=activity)
        fx.session_id, fx.activity, fx.booked = session.pk, name, len(children)
        fx.added.append(
            f"the demo has no session this week with {REGISTER_SIZE} families booked and no "
            f"register: added the activity {name!r} today with {len(children)} children from "
            f"{len(households)} families booked (hubs.activity_create, hubs.enrol)"
        )

    # 4. An information request to the police waiting for acknowledgement.
    receiver = users[RECEIVER]
    # The demo's own first (overdue first, as the home page lists them), else the benchmark's.
    waiting = (
        InformationRequest.objects.filter(
            to_agency_id=receiver.agency_id, acknowledged_at__isnull=True
        )
        .select_related("referral__child")
        .order_by("acknowledgement_due_at", "pk")
        .first()
    )
    if waiting is None:
        contact = (
            Referral.objects.filter(status__in=[Status.RECEIVED, Status.INFORMATION_GATHERING])
            .exclude(information_requests__to_agency_id=receiver.agency_id)
            .order_by("pk").first()
        )  # fmt: skip
        if contact is None:
            raise SystemExit("The demo has no received contact to ask the police about.")
        waiting = referrals.referral_request_information(
            actor=users["frontdoor"], referral=contact, to_agency=receiver.agency,
            question=BENCH_QUESTION, due_at=now + dt.timedelta(days=2),
        )  # fmt: skip
        fx.added.append(
            f"added an information request from the front door to {receiver.agency.name} about "
            f"contact {contact.reference} (referrals.referral_request_information)"
        )
    fx.request_id, fx.request_child = waiting.pk, waiting.referral.child.display_name

    # 4b. A contact to the hub's early help panel waiting for acknowledgement.
    contact = (
        access.contacts_visible_to(hub_worker).filter(status=Status.SUBMITTED)
        .select_related("child").order_by("acknowledgement_due_at", "pk").first()
    )  # fmt: skip
    if contact is None:
        referrer = users[REFERRER]
        child = (
            persons_visible_to(referrer).filter(kind=PersonKind.CHILD, date_of_birth__isnull=False)
            .exclude(pk__in=Referral.objects.filter(referrer=referrer, status=Status.DRAFT)
                     .values("child_id")).order_by("-pk").first()
        )  # fmt: skip
        contact = referrals.referral_submit(actor=referrer, referral=referrals.referral_create(
            actor=referrer, child=child, data={
                "destination": Destination.EARLY_HELP_PANEL,
                "destination_agency": hub_worker.agency,
                "concerns": "Burden benchmark: the family is struggling with routines.",
                "what_has_been_tried": "Advice at the health visitor's review.",
                "child_views": "Too young to say.", "parents_views": "They would like help.",
                "referrer_level": 2, "consent": Consent.GIVEN, "urgency": Urgency.ROUTINE,
            }))  # fmt: skip
        fx.added.append(
            f"added a contact from {referrer.agency.name} to the early help panel of "
            f"{hub_worker.agency.name} (referrals.referral_create, referral_submit)"
        )
    fx.contact_id, fx.contact_child = contact.pk, contact.child.display_name
    connection.close()
    return fx


# --- the server ------------------------------------------------------------------------------


def free_port(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def serve(data_dir: Path, port: int) -> subprocess.Popen:
    if not free_port(port):
        raise SystemExit(f"Port {port} is in use: give another with --port.")
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "continuum.cli", "serve", "--port", str(port)],
        env=_env(data_dir), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while free_port(port):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise SystemExit("The demo server did not start.")
        time.sleep(0.2)
    return proc


# --- counting --------------------------------------------------------------------------------


@dataclass
class Result:
    task: str
    persona: str
    target: str
    clicks: int = 0
    typed: int = 0
    selected: int = 0
    page_loads: int = 0
    loads_counted: int = 0  # the page loads the target is about (task 1: from the child's page)
    wall_s: float = 0.0
    ok: bool = False
    met: bool = False
    note: str = ""
    actions: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)

    @property
    def interactions(self) -> int:
        return self.clicks + self.typed + self.selected


class Task:
    """Counts everything done in the browser while a task runs: each action through `act`,
    each page load from the browser's main-frame navigations."""

    HOW = {"click": "clicks", "fill": "typed", "check": "selected", "select_option": "selected"}

    def __init__(self, page, result: Result):
        self.page, self.result = page, result
        self._mark = 0

    def __enter__(self):
        self.page.on("framenavigated", self._navigated)
        self._t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.result.wall_s = round(time.perf_counter() - self._t0, 2)
        self.page.remove_listener("framenavigated", self._navigated)
        return False

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self.result.page_loads += 1
            self.result.urls.append(frame.url)

    def act(self, how: str, locator, *args) -> None:
        locator.first.wait_for(state="visible")
        getattr(locator.first, how)(*args)
        setattr(self.result, self.HOW[how], getattr(self.result, self.HOW[how]) + 1)
        self.result.actions.append(f"{how} {locator}"[:160])

    def mark(self) -> None:
        """From here on the page loads count towards the target."""
        self._mark = self.result.page_loads

    def loads_since_mark(self) -> int:
        return self.result.page_loads - self._mark


# --- the tasks -------------------------------------------------------------------------------


def sign_in(page, username: str, password: str) -> None:
    """Through the sign-in form, by its labels (whatever the sign-in app calls them)."""
    page.goto("/sign-in/")
    page.get_by_label(re.compile(r"user\s*name|e-?mail", re.I)).first.fill(username)
    page.get_by_label(re.compile(r"password", re.I)).first.fill(password)
    page.get_by_role("button", name=re.compile(r"sign in|log in", re.I)).first.click()
    page.get_by_role("button", name=re.compile(r"sign out", re.I)).wait_for()


def expect_text(page, text: str | re.Pattern) -> None:
    page.get_by_text(text).first.wait_for(state="visible", timeout=15_000)


def task_visit(page, fx: Fixtures, result: Result) -> None:
    page.goto("/")
    with Task(page, result) as t:
        # The home page lists "My families" (each to its episode), not the children: the
        # family first, then the child on the episode page.
        families = page.locator("section", has=page.get_by_role("heading", name=re.compile(
            "^My families")))  # fmt: skip
        t.act("click", families.get_by_role("link"))
        page.wait_for_url(re.compile(r"/casework/episodes/\d+/$"))
        child = page.get_by_role("main").locator("a[href^='/people/']")
        fx.visit_child = child.first.inner_text().strip()
        t.act("click", child)
        page.wait_for_url(re.compile(r"/people/\d+/$"))
        t.mark()  # on the child's page
        t.act("click", page.get_by_role("link", name="Record a visit", exact=True))
        page.wait_for_url(re.compile(r"/visits/new/"))
        t.act("check", page.get_by_label("Home visit", exact=True))
        t.act("fill", page.get_by_label("Observations"), "Child tired, no breakfast today.")
        t.act("click", page.get_by_role("button", name=re.compile(r"^Save")))
        expect_text(page, "The visit has been recorded")
        # the saved record: today's home visit, the child seen, in the episode's visits
        today = dt.date.today()
        page.get_by_role("row").filter(has_text=f"{today.day} {today:%b %Y}").filter(
            has_text="Home visit").filter(has_text=fx.visit_child).first.wait_for()  # fmt: skip
        result.loads_counted = t.loads_since_mark()


def task_referral(page, fx: Fixtures, result: Result) -> None:
    page.goto(f"/people/{fx.referral_child_id}/")
    with Task(page, result) as t:
        t.mark()
        t.act("click", page.get_by_role("link", name="Make a referral", exact=True))
        page.wait_for_url(re.compile(r"/referrals/(new|\d+/edit)/"))
        answers = {
            "What are you worried about?": "Missed health reviews and an injury seen at home.",
            "What has been tried so far?": "Two home visits and advice on local support.",
            "The child's views": "Too young to say; seemed withdrawn at the visit.",
            "The parents' or carers' views": "Mother agrees the family needs some help.",
        }
        for label, text in answers.items():
            t.act("fill", page.get_by_label(label, exact=True), text)
        level = page.get_by_role("group", name=re.compile("level of need", re.I))
        t.act("check", level.get_by_role("radio").nth(1))
        t.act("check", page.get_by_role("group", name=re.compile("^Consent")).get_by_label(
            "Given", exact=True))  # fmt: skip
        t.act("click", page.get_by_role("button", name="Submit referral"))
        expect_text(page, re.compile(r"Referral \S+ has been sent"))
        result.loads_counted = t.loads_since_mark()


def task_register(page, fx: Fixtures, result: Result) -> None:
    page.goto("/")
    with Task(page, result) as t:
        t.act("click", page.get_by_role("navigation").get_by_role("link", name="Family hub"))
        page.wait_for_url(re.compile(r"/hubs/$"))
        row = page.get_by_role("row").filter(has_text=fx.activity)
        t.act("click", row.get_by_role("link", name=re.compile("Take the register")))
        page.wait_for_url(re.compile(rf"/sessions/{fx.session_id}/register/"))
        boxes = page.get_by_role("group", name="Who is here?").get_by_role("checkbox")
        if boxes.count() < REGISTER_SIZE:
            raise AssertionError(f"the register lists {boxes.count()} people")
        for i in range(REGISTER_SIZE):
            t.act("check", boxes.nth(i))
        t.act("click", page.get_by_role("button", name="Save the register"))
        expect_text(page, "The register has been saved")
        here = page.locator(".govuk-tag", has_text=re.compile("^Here$")).count()
        if here != REGISTER_SIZE:
            raise AssertionError(f"{here} people are marked here after saving, not {REGISTER_SIZE}")
        result.loads_counted = t.loads_since_mark()


def _handovers(page):
    return page.locator("section", has=page.get_by_role(
        "heading", name=re.compile("Hand-overs waiting")))  # fmt: skip


def task_handover(page, fx: Fixtures, result: Result) -> None:
    page.goto("/")
    item = _handovers(page).get_by_role("listitem").filter(
        has=page.locator(f"a[href$='/requests/{fx.request_id}/']")
    )
    if not item.count():
        raise AssertionError("the home page does not show the hand-over waiting")
    with Task(page, result) as t:
        ack = item.get_by_role("button", name=re.compile("^Acknowledge"))
        if not ack.count():  # no button on the home page: open the hand-over, acknowledge there
            t.act("click", item.get_by_role("link"))
            page.wait_for_url(re.compile(rf"/requests/{fx.request_id}/"))
            ack = page.get_by_role("button", name=re.compile("^Acknowledge"))
        t.act("click", ack)
        expect_text(page, re.compile("You have acknowledged (this|the) request"))
        result.loads_counted = t.loads_since_mark()
    page.goto("/")
    if page.locator(f"a[href$='/requests/{fx.request_id}/']").count():
        raise AssertionError("the hand-over is still waiting on the home page")


def task_contact(page, fx: Fixtures, result: Result) -> None:
    """A contact to the hub's early help panel: acknowledging it records its RAG rating."""
    page.goto("/")
    link = _handovers(page).locator(f"a[href$='/contacts/{fx.contact_id}/']")
    if not link.count():
        raise AssertionError("the home page does not show the contact waiting")
    with Task(page, result) as t:
        t.act("click", link)
        page.wait_for_url(re.compile(rf"/contacts/{fx.contact_id}/$"))
        rag = page.get_by_role("group", name=re.compile("RAG rating"))
        t.act("check", rag.get_by_label(re.compile("^Amber")))
        t.act("click", page.get_by_role("button", name="Acknowledge receipt"))
        expect_text(page, "You have acknowledged this contact")
        result.loads_counted = t.loads_since_mark()


TASKS = [
    ("Record a visit from the child's page", VISITOR, task_visit,
     "≤ 8 interactions, ≤ 2 page loads from the child's page",
     lambda r: r.interactions <= 8 and r.loads_counted <= 2),
    ("Referral for a known child", REFERRER, task_referral, "≤ 10 fields typed",
     lambda r: r.typed <= 10),
    (f"Session register, {REGISTER_SIZE} families", VISITOR, task_register,
     "≤ 20 interactions", lambda r: r.interactions <= 20),
    ("Acknowledge an information request from home", RECEIVER, task_handover, "1 click",
     lambda r: r.clicks <= 1 and r.interactions <= 1),
    ("Acknowledge a contact to the hub from home", VISITOR, task_contact,
     "1 click (a hand-over)", lambda r: r.clicks <= 1 and r.interactions <= 1),
]  # fmt: skip


def run(base_url: str, fx: Fixtures, password: str) -> list[Result]:
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        for name, persona, fn, target, met in TASKS:
            result = Result(name, persona, target)
            context = browser.new_context(base_url=base_url, locale="en-GB")
            context.set_default_timeout(20_000)
            page = context.new_page()
            try:
                sign_in(page, persona, password)
                fn(page, fx, result)
                result.ok = True
                result.met = met(result)
            except Exception as exc:  # a failed task is reported, not fatal
                result.note = f"failed: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
            finally:
                context.close()
            results.append(result)
        browser.close()
    return results


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text()
                .splitlines() if line.startswith("model name")), "")  # fmt: skip
    chromium = subprocess.run(  # noqa: S603
        [str(CHROMIUM), "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    from importlib.metadata import version

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "playwright": version("playwright"),
        "chromium": chromium,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base-url", help="a demo already running (then --data-dir is its own)")
    parser.add_argument("--data-dir", type=Path, default=REPO / "var" / "bench-burden")
    parser.add_argument("--copy-from", type=Path, help="a seeded demo database to copy first")
    parser.add_argument("--households", type=int, default=2600, help="when building the area")
    parser.add_argument("--port", type=int, default=8019)
    parser.add_argument("--password", default="northbrook", help="the demo accounts' password")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is not installed (Debian: apt-get install -y chromium).")

    machine_info = machine()
    if not args.base_url:
        build_area(args.data_dir, args.copy_from, args.households)
    setup_django(args.data_dir)
    fx = prepare()
    for line in fx.added:
        print(f"Benchmark data: {line}.", flush=True)
    server = None if args.base_url else serve(args.data_dir, args.port)
    base_url = args.base_url or f"http://127.0.0.1:{args.port}"
    try:
        results = run(base_url.rstrip("/"), fx, args.password)
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)

    header = ("Task", "Interactions", "Clicks", "Typed", "Selected", "Page loads", "Wall s",
              "Target", "Result")  # fmt: skip
    rows = []
    for r in results:
        loads = str(r.page_loads)
        if r.loads_counted != r.page_loads:
            loads += f" ({r.loads_counted} from the child's page)"
        verdict = ("met" if r.met else "MISSED") if r.ok else "FAILED"
        rows.append((r.task, str(r.interactions), str(r.clicks), str(r.typed), str(r.selected),
                     loads, f"{r.wall_s:.1f}", r.target, verdict))  # fmt: skip
    print()
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    for r in results:
        if r.note:
            print(f"{r.task}: {r.note}")

    out = {
        "benchmark": "burden",
        "date": now_iso(),
        **git_commit(),
        "machine": machine_info,
        "base_url": base_url,
        "data_dir": str(args.data_dir),
        "benchmark_data_added": fx.added,
        "fixtures": {k: v for k, v in asdict(fx).items() if k != "added"},
        "results": [{**asdict(r), "interactions": r.interactions} for r in results],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    print(f"\nWrote {args.out.relative_to(REPO) if args.out.is_relative_to(REPO) else args.out}")
    if not all(r.ok for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
