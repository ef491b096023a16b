"""Project hygiene: no missing migrations; production settings refuse unsafe configuration."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

GOOD_KEY = "k" * 20 + "7f3a9c1e5b8d2f4a6c0e9b7d5f3a1c8e6b4d2f0a"


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
        env={**clean, "CONTINUUM_ENV": "production", **env},
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
