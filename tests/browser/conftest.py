"""Browser tests: Playwright for Python (sync API) driving Debian's Chromium at /usr/bin/chromium.

- No browser is ever downloaded. Without /usr/bin/chromium the tests are skipped with a reason,
  except in CI (`CI=true`), where they fail: CI must not pass silently without them.
- Each test runs against pytest-django's `live_server`, so it uses a transactional database
  that is emptied (flushed) after the test. The audit log refuses UPDATE, DELETE and TRUNCATE
  at the database level (audit migration 0002), so `_audit_log_flushable` lifts those triggers
  only for the flush and puts them, and the audit chain head row, straight back afterwards.
- `a11y` runs axe-core (the copy bundled with axe-playwright-python: no network) on a page and
  fails on any serious or critical violation. It also records every page the browser navigated
  to, and the test fails if one of them was never checked.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from conftest import restore_reference_data

# Playwright's sync API runs an asyncio event loop in this thread; Django refuses ORM calls
# from a thread with a running loop unless told this is deliberate.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "browser-test-password"
BLOCKING_IMPACTS = {"serious", "critical"}


# --- the browser -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed (Debian: apt-get install -y chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Browser tests cannot run in CI: {reason}", pytrace=False)
        pytest.skip(f"Browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """`new_page()` → a page in a fresh browser context (its own cookies), closed afterwards."""
    contexts = []

    def _new_page():
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


# --- accessibility ---------------------------------------------------------------------------


@dataclass
class A11y:
    """axe-core on every page visited. `a11y.check(page)` after each navigation."""

    visited: list[str] = field(default_factory=list)
    checked: set[str] = field(default_factory=set)
    _axe: object = None

    def watch(self, page) -> None:
        def _navigated(frame):
            if frame == page.main_frame and frame.url.startswith("http"):
                self.visited.append(frame.url)

        page.on("framenavigated", _navigated)

    def check(self, page, *, label: str = "") -> None:
        from axe_playwright_python.sync_playwright import Axe

        if self._axe is None:
            self._axe = Axe()
        page.wait_for_load_state("load")
        results = self._axe.run(page)
        self.checked.add(page.url)
        problems = [
            v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS
        ]
        if problems:
            lines = [f"axe-core found serious or critical problems on {label or page.url}:"]
            for v in problems:
                targets = ", ".join(str(n.get("target")) for n in v["nodes"])
                lines.append(f"  {v['id']} ({v['impact']}): {v['help']} → {targets}")
            pytest.fail("\n".join(lines), pytrace=False)

    def assert_all_checked(self) -> None:
        missed = [url for url in dict.fromkeys(self.visited) if url not in self.checked]
        assert not missed, f"pages visited without an axe-core check: {missed}"


@pytest.fixture
def a11y():
    guard = A11y()
    yield guard
    guard.assert_all_checked()


# --- the database: let the transactional flush empty the append-only audit log ---------------

_AUDIT_TABLE = "audit_auditevent"
_lifted: set[str] = set()  # database aliases whose audit triggers are lifted for a flush


def _audit_migration():
    return importlib.import_module("continuum.audit.migrations.0002_chain_head_and_append_only")


def _lift_audit_triggers(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {_AUDIT_TABLE} DISABLE TRIGGER USER")
        else:
            for statement in _audit_migration().SQLITE_REVERSE:
                cursor.execute(statement)
    _lifted.add(connection.alias)


def _restore_audit_log(connection) -> None:
    """Put back the append-only triggers and the chain head row (the flush removed it)."""
    from continuum.audit.models import AuditChainHead

    if connection.alias in _lifted:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {_AUDIT_TABLE} ENABLE TRIGGER USER")
            else:
                # Another test module's flush helper may have put them back already.
                cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
                if "audit_event_no_update" not in {row[0] for row in cursor.fetchall()}:
                    for statement in _audit_migration().SQLITE:
                        cursor.execute(statement)
        _lifted.discard(connection.alias)
    AuditChainHead.objects.using(connection.alias).get_or_create(pk=1)


def _after_flush(sender, using, **kwargs):
    # The flush at the end of a transactional test emits post_migrate.
    if getattr(sender, "label", "") == "audit":
        from django.db import connections

        _restore_audit_log(connections[using])


@pytest.fixture(autouse=True)
def _audit_log_flushable(transactional_db):
    from django.db import connection
    from django.db.models.signals import post_migrate

    post_migrate.connect(_after_flush, dispatch_uid="browser-tests-audit-restore")
    _restore_audit_log(connection)
    restore_reference_data()
    yield
    _lift_audit_triggers(connection)


# --- the people in the journeys, created through the services ---------------------------------


def _user(username: str, agency, role: str, first: str, last: str):
    from continuum.directory.models import User

    user = User(username=username, first_name=first, last_name=last, agency=agency, role=role,
                email=f"{username}@northbrook.example")  # fmt: skip
    user.set_password(PASSWORD)
    user.full_clean()
    user.save()
    return user


@pytest.fixture
def northbrook(transactional_db):
    """A health visitor involved with the Whittaker family, and the data protection officer.

    The family is registered by the health visitor through `people.services`, so the health
    visiting service has an EDIT involvement with each of them (as in the application).
    """
    from continuum.directory.models import Agency, AgencyKind, CatchmentArea, Role
    from continuum.people import services
    from continuum.people.codes import RelationshipKind, Sex
    from continuum.people.models import PersonKind

    catchment = CatchmentArea.objects.create(
        code="north", name="Northbrook North", postcode_sectors=["NB1 4"]
    )
    health_visiting = Agency.objects.create(
        code="hv", name="Northbrook Health Visiting", kind=AgencyKind.HEALTH_VISITING,
        catchment=catchment,
    )  # fmt: skip
    council = Agency.objects.create(
        code="council", name="Northbrook Council", kind=AgencyKind.SOCIAL_WORK
    )
    health_visitor = _user(
        "hv.practitioner", health_visiting, Role.PRACTITIONER, "Hannah", "Vaughan"
    )
    dpo = _user("dpo", council, Role.DPO, "Dina", "Osei")

    address = services.address_build(line1="12 Mill Lane", town="Northbrook", postcode="nb14qt")
    household = services.household_create(actor=health_visitor, address=address)
    mother = services.person_create(
        actor=health_visitor, household=household,
        data={"kind": PersonKind.ADULT, "given_name": "Leanne", "family_name": "Whittaker",
              "date_of_birth": dt.date(1995, 6, 14), "sex": Sex.FEMALE},
    )  # fmt: skip
    child = services.person_create(
        actor=health_visitor, household=household,
        data={"kind": PersonKind.CHILD, "given_name": "Maisie", "family_name": "Whittaker",
              "date_of_birth": dt.date(2022, 9, 3), "sex": Sex.FEMALE},
    )  # fmt: skip
    services.relationship_record(
        actor=health_visitor, from_person=mother, to_person=child, kind=RelationshipKind.PARENT,
        lives_with=True, parental_responsibility=True,
    )  # fmt: skip
    return SimpleNamespace(
        health_visitor=health_visitor, dpo=dpo, household=household, mother=mother, child=child
    )


# --- journey helpers ---------------------------------------------------------------------------


def sign_in(page, a11y: A11y, user) -> None:
    page.goto("/sign-in/")
    a11y.check(page, label="sign in")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    a11y.check(page, label="after signing in")


def find_a_person(page, a11y: A11y) -> None:
    page.get_by_role("link", name="Find a person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a person")
    a11y.check(page, label="find a person")


def sign_out(page, a11y: A11y) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/sign-in/"))
    a11y.check(page, label="signed out")
