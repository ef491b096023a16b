"""Typed helpers for reading settings from environment variables.

Each helper fails loudly (ImproperlyConfigured) on a value it cannot parse, so a typo in a
deployment's environment stops the app at start-up instead of silently using a default.
"""

from __future__ import annotations

import math
import os
from collections import Counter

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


# Keys that have been published (this project's own demo and test keys, Django's and common
# placeholders): a deployment using one of them is as good as having none.
KNOWN_SECRET_KEYS = frozenset(
    {
        "continuum-demo-insecure-key-not-for-production",
        "continuum-test-insecure-key-not-for-production",
        "continuum-production-insecure-key-not-for-production",
        "change-me",
        "changeme",
        "secret",
        "secret-key",
        "your-secret-key",
        "your-secret-key-here",
    }
)
_PLACEHOLDER_WORDS = ("insecure", "change-me", "changeme", "change_me", "demo", "example")


def secret_key_problem(value: str | None) -> str | None:
    """Why `value` is not a strong SECRET_KEY (a short phrase), or None when it is.

    Strong means: 50 or more characters, not a published key or a placeholder, and random
    enough: at least 12 different characters and 150 bits by the Shannon entropy of its
    characters (a 50-character hex key has about 175, `secrets.token_urlsafe(50)` about 370;
    fifty copies of one letter has none, "abcdefghij" five times has 10 different characters).
    """
    if not value:
        return "it is not set"
    key = value.strip()
    if key in KNOWN_SECRET_KEYS or key.startswith("django-insecure-"):
        return "it is a published example key"
    lowered = key.lower()
    if any(word in lowered for word in _PLACEHOLDER_WORDS):
        return "it looks like a placeholder"
    if len(key) < 50:
        return f"it has {len(key)} characters, fewer than 50"
    counts = Counter(key)
    bits = abs(-sum(n * math.log2(n / len(key)) for n in counts.values()))
    if len(counts) < 12 or bits < 150:
        return f"it is not random enough ({len(counts)} different characters, {bits:.0f} bits)"
    return None
