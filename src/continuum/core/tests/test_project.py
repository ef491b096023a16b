"""Project hygiene: no missing migrations; production settings refuse unsafe configuration."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

import continuum

pytestmark = pytest.mark.django_db

GOOD_KEY = "k" * 20 + "7f3a9c1e5b8d2f4a6c0e9b7d5f3a1c8e6b4d2f0a"
AUDIT_KEY = "9c1e5b8d2f4a6c0e" * 3  # the audit chain's key (ADR 0003), required in production


def test_no_missing_migrations():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:  # --check exits non-zero when a model change has no migration
        pytest.fail(f"Missing migrations:\n{out.getvalue()}", pytrace=False)
        raise AssertionError from exc


def _import_settings(**env) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "AUDIT_CHAIN_KEY"}
    }
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(  # our own interpreter, fixed arguments
        [sys.executable, "-c", "import continuum.settings"],
        env={**clean, "CONTINUUM_ENV": "production", "AUDIT_CHAIN_KEY": AUDIT_KEY, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _import_settings(ALLOWED_HOSTS="continuum.example")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "Production needs a real SECRET_KEY" in result.stderr


def test_production_refuses_a_short_or_demo_secret_key():
    for key in ("short", "continuum-demo-insecure-key-not-for-production" + "x" * 10):
        result = _import_settings(SECRET_KEY=key, ALLOWED_HOSTS="continuum.example")
        assert "Production needs a real SECRET_KEY" in result.stderr, key


def test_production_refuses_debug():
    result = _import_settings(SECRET_KEY=GOOD_KEY, DEBUG="true", ALLOWED_HOSTS="continuum.example")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG must be off in production" in result.stderr


def test_production_needs_allowed_hosts():
    result = _import_settings(SECRET_KEY=GOOD_KEY)
    assert "ImproperlyConfigured: Production needs ALLOWED_HOSTS" in result.stderr


def test_production_starts_when_configured():
    result = _import_settings(
        SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="continuum.example", AUDIT_CHAIN_KEY="a" * 40
    )
    assert result.returncode == 0, result.stderr


def test_a_typo_in_a_boolean_stops_start_up():
    result = _import_settings(SECRET_KEY=GOOD_KEY, DEBUG="ture", ALLOWED_HOSTS="continuum.example")
    assert "DEBUG must be true or false" in result.stderr


def test_production_refuses_a_repeated_or_published_secret_key():
    for key in ("a" * 50, "abcdefghij" * 5, "change-me", "django-insecure-" + "x1y2z3" * 10):
        result = _import_settings(SECRET_KEY=key, ALLOWED_HOSTS="continuum.example")
        assert result.returncode != 0, key
        assert "Production needs a real SECRET_KEY" in result.stderr, key


def test_production_accepts_generated_keys():
    import secrets

    for key in (secrets.token_urlsafe(50), secrets.token_hex(32)):
        result = _import_settings(SECRET_KEY=key, ALLOWED_HOSTS="continuum.example")
        assert result.returncode == 0, result.stderr


def _production_env(**env) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECRET_KEY"))}
    return {
        **clean,
        "CONTINUUM_ENV": "production",
        "SECRET_KEY": GOOD_KEY,
        "AUDIT_CHAIN_KEY": AUDIT_KEY,
        "ALLOWED_HOSTS": "continuum.example",
        **env,
    }


def test_deploy_checks_pass_without_warnings_in_production(tmp_path):
    result = subprocess.run(  # our own interpreter, fixed arguments
        [sys.executable, "-m", "continuum.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(CONTINUUM_DATA_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_production_sets_hsts_https_redirect_and_the_proxy_header():
    code = (
        "from continuum import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE, s.CONTINUUM_MFA_REQUIRED)"
    )
    result = subprocess.run(  # noqa: S603  (our own interpreter, a fixed program)
        [sys.executable, "-c", code],
        env=_production_env(SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto:https"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.split() == [
        "31536000", "True", "True", "('HTTP_X_FORWARDED_PROTO',", "'https')", "True", "True"
    ], result.stderr  # fmt: skip


def test_a_command_without_settings_says_in_one_line_what_to_do(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "CONTINUUM_ENV"}}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["PYTHONPATH"] = str(Path(continuum.__file__).resolve().parents[1])  # this checkout
    result = subprocess.run(  # our own interpreter, fixed arguments
        [sys.executable, "-m", "continuum.cli", "audit", "verify"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "CONTINUUM_ENV=demo continuum audit verify" in result.stderr
