"""The referral register's reports against a fixture whose every figure is counted by hand, on
SQLite and PostgreSQL alike (the report aggregates in SQL: conditional counts and a LAG window).

The fixture (2025 unless "26"; times UTC; FD front door, EH a hub's early help panel):

  ref child  sent      src dest status    outcome    rag   received ack due decided  decision
  A1  twin1  10 Jan 9  3B  FD   closed    s17        amber 10 Jan10 10 Jan12 10 Jan15 11 Jan9
  A2  twin1  20 Apr 9  3B  FD   decided   nfa        green 20 Apr14 20 Apr13 22 Apr9  21 Apr9
  A3  twin1  25 May 26 6   FD   received  -          red   open; RAG due 1 Jan 26: overdue
  B1  twin2  1 Mar 9   6   FD   closed    early_help blue  1 Mar10  1 Mar12  1 Mar11  2 Mar9
  B2  twin2  1 Mar 26  2A  EH   decided   allocated  green exactly 365 days after B1
  C1  unborn 5 Jun     2A  FD   withdrawn -          -     sent, then withdrawn
  C2  unborn 8 Jun 26  2A  FD   submitted -          -     368 days after C1
  D   twin1  never sent (a draft); E twin2 withdrawn as a draft: neither is in the register

RAG deadlines: A1 11 Jan 10:00, A2 23 Apr 14:00 (both decided before them).
Re-referrals within 12 months: A2 (100 days after A1), B2 (365 days) = 2. A3 is 400 days after
A2; C2 is 368 days after C1.
"""

from __future__ import annotations

import datetime as dt

import pytest

from continuum.referrals import selectors
from continuum.referrals.models import Referral, Status

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def at(y, m, d, h=9):
    return dt.datetime(y, m, d, h, tzinfo=UTC)


@pytest.fixture
def fixture(family, involved_practitioner, agencies):
    hub, front_door = involved_practitioner, agencies.front_door
    made = {}

    def referral(ref, child, **fields):
        fields.setdefault("destination_agency", front_door)
        made[ref] = Referral.objects.create(
            reference=ref,
            child=child,
            referrer=hub,
            referrer_agency=hub.agency,
            **fields,
        )

    referral(
        "A1", family.twin1, source="3B", status=Status.CLOSED, outcome="s17", rag="amber",
        submitted_at=at(2025, 1, 10), received_at=at(2025, 1, 10, 10),
        acknowledgement_due_at=at(2025, 1, 10, 12), decided_at=at(2025, 1, 10, 15),
        decision_due_at=at(2025, 1, 11), rag_due_at=at(2025, 1, 11, 10),
    )  # fmt: skip
    referral(
        "A2", family.twin1, source="3B", status=Status.DECIDED, outcome="nfa", rag="green",
        submitted_at=at(2025, 4, 20), received_at=at(2025, 4, 20, 14),
        acknowledgement_due_at=at(2025, 4, 20, 13), decided_at=at(2025, 4, 22),
        decision_due_at=at(2025, 4, 21), rag_due_at=at(2025, 4, 23, 14),
    )  # fmt: skip
    referral(
        "A3", family.twin1, source="6", status=Status.RECEIVED, rag="red",
        submitted_at=at(2026, 5, 25), received_at=at(2026, 5, 25, 10),
        acknowledgement_due_at=at(2026, 5, 25, 13), rag_due_at=at(2026, 1, 1),
    )  # fmt: skip
    referral(
        "B1", family.twin2, source="6", status=Status.CLOSED, outcome="early_help", rag="blue",
        submitted_at=at(2025, 3, 1), received_at=at(2025, 3, 1, 10),
        acknowledgement_due_at=at(2025, 3, 1, 12), decided_at=at(2025, 3, 1, 11),
        decision_due_at=at(2025, 3, 2),
    )  # fmt: skip
    referral(
        "B2", family.twin2, source="2A", destination="early_help_panel",
        destination_agency=agencies.hub, status=Status.DECIDED, outcome="panel_allocated",
        rag="green", submitted_at=at(2026, 3, 1),
    )  # fmt: skip
    referral(
        "C1", family.unborn, source="2A", status=Status.WITHDRAWN, withdrawn_reason="Wrong child",
        submitted_at=at(2025, 6, 5),
    )  # fmt: skip
    referral(
        "C2", family.unborn, source="2A", status=Status.SUBMITTED, submitted_at=at(2026, 6, 8),
        acknowledgement_due_at=at(2026, 6, 8, 13),
    )  # fmt: skip
    referral("D", family.twin1)
    referral("E", family.twin2, status=Status.WITHDRAWN, withdrawn_reason="Not needed")
    return made


def _report(user, **period):
    return selectors.register_report(selectors.register(user, **period), now=at(2026, 7, 1))


def test_every_report_matches_the_hand_count(fixture, analyst):
    report = _report(analyst)
    assert report.total == 7
    assert [(r["source"], r["destination"], r["count"]) for r in report.by_source_destination] == [
        ("2A", "A family hub's early help panel", 1),
        ("2A", "Children's social care front door", 2),
        ("3B", "Children's social care front door", 2),
        ("6", "Children's social care front door", 2),
    ]
    # conversion: each outcome as a share of the 4 decided referrals
    assert {r["outcome"]: (r["count"], r["percent"]) for r in report.outcomes} == {
        "Child in need assessment (section 17)": (1, 25.0),
        "No further action, with signposting": (1, 25.0),
        "Early help (to a family hub's panel)": (1, 25.0),
        "Allocated a lead professional and a service": (1, 25.0),
    }
    assert report.re_referrals == 2
    # A3: rated red, due 1 January 2026; C2: nobody acknowledged it by 8 June 2026 13:00
    assert report.overdue_open == 2
    timeliness = {r["target"]: (r["decided"], r["on_time"]) for r in report.timeliness}
    assert timeliness == {
        "RAG red": (0, 0),  # A3 is not decided
        "RAG amber": (1, 1),  # A1 decided 10 Jan 15:00, due 11 Jan 10:00
        "RAG green": (1, 1),  # A2 decided 22 Apr, due 23 Apr; B2 has no dates
        "RAG blue": (0, 0),  # blue has no target
        "Decided by its deadline (1 working day; urgent 4 working hours)": (3, 2),  # A2 late
        # A2 received after its 13:00 deadline; C2 still waiting, past its deadline: late too
        "Acknowledged by its deadline": (5, 3),
    }


def test_a_period_counts_a_re_referral_whose_first_referral_is_before_it(fixture, analyst):
    # 2026 only: A3, B2, C2. B2's earlier referral (B1, March 2025) is outside the period but
    # within 12 months of B2, so B2 is still a re-referral.
    report = _report(analyst, date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31))
    assert report.total == 3
    assert report.re_referrals == 1


def test_period_ends_are_whole_local_days(fixture, analyst):
    # B2 was sent at 09:00 UTC on 1 March 2026: a period that is that one day includes it.
    one_day = _report(analyst, date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 1))
    assert one_day.total == 1


def test_the_csv_rows_flag_the_same_re_referrals(fixture, analyst):
    rows = list(selectors.register_export(selectors.register(analyst)))
    assert [r["reference"] for r in rows] == ["C2", "A3", "B2", "C1", "A2", "B1", "A1"]
    assert {r["reference"] for r in rows if r["re_referral"]} == {"A2", "B2"}
    a1 = next(r for r in rows if r["reference"] == "A1")
    assert a1["decided_at"] == at(2025, 1, 10, 15)  # an aware datetime on both databases


def test_a_step_down_is_not_a_re_referral(family, referrer, front_door_worker, agencies, analyst):
    """Issue 15: the front door's early help decision makes a follow-on referral to a hub's
    panel; the register counted it as a re-referral (56 of 95 in the demo)."""
    from continuum.referrals import services
    from continuum.referrals.models import Destination, Outcome, Rag
    from continuum.referrals.tests.conftest import COMPLETE

    def refer():
        draft = services.referral_create(actor=referrer, child=family.twin1, data=COMPLETE)
        return services.referral_submit(actor=referrer, referral=draft)

    first = services.referral_receive(actor=front_door_worker, referral=refer(), rag=Rag.RED)
    services.referral_decide(
        actor=front_door_worker, referral=first, outcome=Outcome.EARLY_HELP, level=2,
        rationale="Early help", onward_agency=agencies.hub,
    )  # fmt: skip
    step_down = Referral.objects.get(previous=first)
    assert step_down.destination == Destination.EARLY_HELP_PANEL
    reg = selectors.register(analyst)
    assert selectors.register_report(reg).total == 2
    assert selectors.register_report(reg).re_referrals == 0
    assert not any(r.is_re_referral for r in selectors.register_rows(reg))
    assert not any(r["re_referral"] for r in selectors.register_export(reg))
    # a new referral about the same child is a re-referral: of the first, not the step-down
    again = refer()
    assert selectors.register_report(reg).re_referrals == 1
    flagged = {r.pk for r in selectors.register_rows(reg) if r.is_re_referral}
    assert flagged == {again.pk}
    assert {r["reference"] for r in selectors.register_export(reg) if r["re_referral"]} == {
        again.reference
    }


def test_the_register_is_empty_for_a_user_who_may_not_see_it(fixture, referrer):
    reg = selectors.register(referrer)
    assert selectors.register_report(reg).total == 0
    assert list(selectors.register_export(reg)) == []
