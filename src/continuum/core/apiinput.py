"""What the HTTP API does with input before and after its schemas read it.

- `CheckedParser` reads the JSON body and the query string as django-ninja's parser does, and
  refuses any text holding a null character (which PostgreSQL cannot store) and any whole
  number too large for the database (SQLite and PostgreSQL both fail on it), which would
  otherwise fail deep inside a query or a save as a 500. The refused value is replaced by a
  `RefusedText` marker, which no schema accepts, so the refusal comes back as an ordinary
  validation error on that very field, with the parser's reason as its message.
- `validation_errors(exc)` turns django-ninja's validation errors (a wrong type, a missing
  field, a refused text) into the API's one error shape,
  `{"detail": "Invalid input", "errors": {field: [messages]}}`, the shape the services'
  `ValidationError`s already take; a nested field is named with dots (`person.given_name`).

The field rules themselves (names, dates, identifiers) live in each app's services, which the
forms call too (for people: `people.services.person_data_clean`).
"""

from __future__ import annotations

import json
from typing import Any

from ninja.parser import Parser


class RefusedText:
    """Stands in for a text value the API refuses before any schema reads it."""

    def __repr__(self) -> str:
        return "RefusedText()"


NULL_MESSAGE = "Must not contain a null character"
# The largest whole number the database stores (a signed 64-bit integer): every id and count.
LARGEST_INT = 2**63 - 1
INT_MESSAGE = f"Must be a whole number no larger than {LARGEST_INT}"


def _checked(value: Any, path: str, refused: dict[str, str]) -> Any:
    """`value` with each refused leaf replaced by a `RefusedText`, its path noted in `refused`."""
    if isinstance(value, str) and "\x00" in value:
        refused[path] = NULL_MESSAGE
        return RefusedText()
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > LARGEST_INT:
        refused[path] = INT_MESSAGE  # else it reaches the database as an overflow: a 500
        return RefusedText()
    def at(key) -> str:
        return f"{path}.{key}" if path else str(key)

    if isinstance(value, list):
        return [_checked(v, at(i), refused) for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: _checked(v, at(k), refused) for k, v in value.items()}
    return value


class CheckedParser(Parser):
    def parse_body(self, request):
        refused: dict[str, str] = {}
        data = _checked(json.loads(request.body), "", refused)
        request.refused_input = {**getattr(request, "refused_input", {}), **refused}
        return data

    def parse_querydict(self, data, list_fields, request):
        refused: dict[str, str] = {}
        out = _checked(super().parse_querydict(data, list_fields, request), "", refused)
        request.refused_input = {**getattr(request, "refused_input", {}), **refused}
        return out


def _field_name(loc) -> str:
    # loc is like ("body", "payload", "person", "given_name") or ("query", "name")
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form", "file"}:
        parts = parts[1:]
        if parts and parts[0] == "payload":
            parts = parts[1:]
    return ".".join(parts) or "__all__"


def _message(error: dict, field: str, refused: dict[str, str]) -> str:
    if field in refused:
        return refused[field]
    if error.get("type") == "missing":
        return "Enter a value: this field is required"
    return str(error.get("msg") or "Invalid value")


def validation_errors(exc, request=None) -> dict[str, list[str]]:
    """django-ninja's `ValidationError` as `{field: [messages]}`, with the parser's reason for
    each value it refused."""
    refused = getattr(request, "refused_input", {})
    out: dict[str, list[str]] = {}
    for error in exc.errors:
        field = _field_name(error.get("loc", ()))
        message = _message(error, field, refused)
        if message not in out.get(field, []):
            out.setdefault(field, []).append(message)
    return out
