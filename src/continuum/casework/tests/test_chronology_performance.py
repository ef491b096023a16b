"""Benchmark from issue 5: a chronology of 2,000 events across 8 agencies renders in under
150 ms server time (p95). Run on PostgreSQL with DATABASE_URL set; it also runs on SQLite."""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time

import pytest
from django.test import Client
from django.urls import reverse

from continuum.casework.models import ChronologyEntry
from continuum.casework.tests.conftest import days_ago
from continuum.directory.tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

EVENTS = 2000
AGENCIES = 8
RUNS = 20


@pytest.fixture
def big_chronology(episode, child, baby):
    agencies = [AgencyFactory(name=f"Perf Agency {i}") for i in range(AGENCIES)]
    users = [UserFactory(username=f"perf{i}", agency=a) for i, a in enumerate(agencies)]
    kinds = ["visit", "police", "education", "health", "review", "other"]
    ChronologyEntry.objects.bulk_create(
        ChronologyEntry(
            household_id=episode.household_id,
            episode=episode,
            person=(child, baby, None)[i % 3],
            date=days_ago(i % 700) - dt.timedelta(days=0),
            kind=kinds[i % len(kinds)],
            summary=f"Event {i}: something an agency recorded about the family",
            significant=i % 17 == 0,
            agency=agencies[i % AGENCIES],
            recorded_by=users[i % AGENCIES],
        )
        for i in range(EVENTS)
    )
    return episode


def _client_and_url(episode, user):
    client = Client()
    client.force_login(user)
    return client, reverse("casework:household_chronology", args=[episode.household_id])


def test_chronology_of_2000_events_is_a_fixed_number_of_queries(
    big_chronology, lead, django_assert_max_num_queries
):
    client, url = _client_and_url(big_chronology, lead)
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200
    assert response.text.count("app-chronology__date") >= EVENTS


@pytest.mark.skipif(
    not os.environ.get("CONTINUUM_BENCHMARK"),
    reason="timing benchmark: set CONTINUUM_BENCHMARK=1 (and DATABASE_URL for PostgreSQL)",
)
def test_chronology_of_2000_events_renders_under_150ms_p95(big_chronology, lead):
    client, url = _client_and_url(big_chronology, lead)
    client.get(url)  # warm up templates and connections
    timings, cpu = [], []
    for _ in range(RUNS):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200
    p50 = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20)[18]
    print(
        f"chronology {EVENTS} events x {AGENCIES} agencies: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
        f"(this process's CPU: p50 {statistics.median(cpu):.1f} ms, "
        f"p95 {statistics.quantiles(cpu, n=20)[18]:.1f} ms; load {os.getloadavg()[0]:.1f})"
    )
    assert p95 < 150, f"p95 {p95:.1f} ms"
