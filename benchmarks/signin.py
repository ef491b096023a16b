#!/usr/bin/env python
"""Benchmark sign-in with a password alone and with a password and a second factor (issue 11).

    .venv/bin/python benchmarks/signin.py                 # build, then measure (~1 min)
    .venv/bin/python benchmarks/signin.py --rounds 50     # more sign-ins of each kind

Issue 11 asks to "report in a benchmark sign-in with a second factor (server time)". It drops
and recreates its own PostgreSQL database (`continuum_bench_signin` by default; the name must
contain `bench`), migrates it and makes two members of staff with the application's password
hasher (Django's PBKDF2, as in production): one signs in with a password only, the other has an
authenticator app (TOTP) and recovery codes, as production requires of everyone.

It measures in this process, through Django's test Client (so the time is the server's: the
whole request through every middleware, no network): each round is one fresh browser signing
in. Password only: POST /sign-in/ → 302. With a second factor: POST /sign-in/ → 302 to the code
page, then POST of the code → 302; both requests are timed and added up. Each round clears the
cache first, outside the timing (allauth remembers used codes and counts sign-ins per address
there). It prints p50/p95 of each side by side, with this thread's CPU time, and writes
benchmarks/results/signin.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import (  # noqa: E402
    contention,
    contention_rows,
    git_commit,
    machine_info,
    ms_since,
    now_iso,
    percentiles,
    recreate_database,
    setup_django,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/continuum_bench_signin"
RESULTS = HERE / "results" / "signin.json"
PASSWORD = "a long benchmark passphrase"  # noqa: S105  (synthetic accounts in a bench database)


def build() -> dict:
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.core.management import call_command

    from continuum.directory.models import Agency, AgencyKind, Role, User

    call_command("migrate", interactive=False, verbosity=0)
    agency = Agency.objects.create(
        code="bench-hub", name="Benchbrook Family Hub", kind=AgencyKind.FAMILY_HUB
    )
    users = {}
    for username in ("password.only", "with.totp"):
        user = User(username=username, agency=agency, role=Role.PRACTITIONER)
        user.set_password(PASSWORD)
        user.save()
        users[username] = user
    secret = generate_totp_secret()
    TOTP.activate(users["with.totp"], secret)
    RecoveryCodes.activate(users["with.totp"])
    return {"secret": secret}


def code_now(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def measure(rounds: int, secret: str) -> dict:
    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse

    sign_in, authenticate = reverse("login"), reverse("mfa_authenticate")
    samples = {"password": [], "totp_password_step": [], "totp_code_step": [], "totp_total": []}
    cpu = {"password": [], "totp_code_step": [], "totp_total": []}
    for _ in range(2):  # warm up: first requests load templates and open the connection
        cache.clear()
        Client().post(sign_in, {"login": "password.only", "password": PASSWORD})
    for _ in range(rounds):
        cache.clear()
        client = Client()
        c0, t0 = time.thread_time(), time.perf_counter()
        response = client.post(sign_in, {"login": "password.only", "password": PASSWORD})
        samples["password"].append(ms_since(t0))
        cpu["password"].append((time.thread_time() - c0) * 1000)
        assert response.status_code == 302 and response["Location"] != authenticate, response

        cache.clear()
        client = Client()
        c0, t0 = time.thread_time(), time.perf_counter()
        response = client.post(sign_in, {"login": "with.totp", "password": PASSWORD})
        first = ms_since(t0)
        assert response["Location"] == authenticate, response
        code = code_now(secret)
        c1, t1 = time.thread_time(), time.perf_counter()
        response = client.post(authenticate, {"code": code})
        second = ms_since(t1)
        cpu["totp_code_step"].append((time.thread_time() - c1) * 1000)
        cpu["totp_total"].append((time.thread_time() - c0) * 1000)
        assert response.status_code == 302 and "_auth_user_id" in client.session, response
        samples["totp_password_step"].append(first)
        samples["totp_code_step"].append(second)
        samples["totp_total"].append(first + second)
    out = {name: percentiles(values) for name, values in samples.items()}
    for name, values in cpu.items():
        out[name]["cpu_mean_ms"] = round(sum(values) / len(values), 2)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument(
        "--allow-any-database-name", action="store_true", help="drop a database without 'bench'"
    )
    args = parser.parse_args()

    recreate_database(args.database_url, allow_any_name=args.allow_any_database_name)
    setup_django(args.database_url)
    from django.conf import settings
    from django.contrib.auth.hashers import get_hasher
    from django.db import connection

    built = build()
    before = contention()
    timings = measure(args.rounds, built["secret"])
    after = contention()
    hasher = get_hasher()
    results = {
        "what": "sign-in server time, password only and password + TOTP (issue 11)",
        "measured_at": now_iso(),
        "git": git_commit(),
        "machine": machine_info(connection),
        "rounds": args.rounds,
        "password_hasher": f"{hasher.algorithm} ({getattr(hasher, 'iterations', '?')} iterations)",
        "mfa_required_setting": settings.CONTINUUM_MFA_REQUIRED,
        "timings": timings,
        "contention_before": before,
        "contention_after": after,
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")

    t = timings
    print(f"\nSign-in, {args.rounds} rounds; password hasher {results['password_hasher']}\n")
    print("| Sign-in | p50 | p95 | CPU (mean) | Note |")
    print("|---|---|---|---|---|")
    print(
        f"| Password only | {t['password']['p50_ms']} ms | {t['password']['p95_ms']} ms | "
        f"{t['password']['cpu_mean_ms']} ms | one POST |"
    )
    print(
        f"| Password + TOTP | {t['totp_total']['p50_ms']} ms | {t['totp_total']['p95_ms']} ms | "
        f"{t['totp_total']['cpu_mean_ms']} ms | password step p50 "
        f"{t['totp_password_step']['p50_ms']} ms + code step p50 "
        f"{t['totp_code_step']['p50_ms']} ms (CPU {t['totp_code_step']['cpu_mean_ms']} ms) |"
    )
    for row in contention_rows(results, "| | | |"):
        print(row)
    print(f"\nWritten to {RESULTS.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
