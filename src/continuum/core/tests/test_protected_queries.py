"""House rule, enforced: personal data is read only through the access-checked selectors.

A protected model may be queried (`Model.objects…`) only in selectors.py, access.py,
services.py (and linkage/matching.py, the matcher the selectors call), migrations, tests and the
synthetic demo generators (demo.py, continuum/demo/). Anywhere else — a view, an API endpoint, a
form, a template tag — must go through a selector, so the gatekeeper and the audit log are never
bypassed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import continuum

PROTECTED = {
    "Person", "PersonName", "PersonAddress", "Household", "HouseholdMembership",
    "Relationship", "AgencyIdentifier", "Involvement", "SourceRecord", "MatchReview",
}  # fmt: skip
ALLOWED_FILES = {"selectors.py", "access.py", "services.py", "matching.py", "demo.py"}
# A services.py (or selectors.py …) past ~700 lines becomes a package of the same name.
ALLOWED_DIRS = {"migrations", "tests", "demo", "services", "selectors", "access"}
ROOT = Path(continuum.__file__).parent


def _violations() -> list[str]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if path.name in ALLOWED_FILES or ALLOWED_DIRS & set(relative.parts[:-1]):
            continue
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in {"objects", "_base_manager", "_default_manager"}
                and isinstance(node.value, ast.Name)
                and node.value.id in PROTECTED
            ):
                found.append(f"{relative}:{node.lineno}: {node.value.id}.{node.attr}")
    return found


def test_protected_models_are_queried_only_behind_the_gatekeepers():
    assert _violations() == [], "Read personal data through a selector instead"


def test_the_check_finds_a_direct_query(tmp_path, monkeypatch):
    """The check can fail: a view that queries Person directly is reported."""
    bad = tmp_path / "views.py"
    bad.write_text("from x import Person\n\ndef view(request):\n    return Person.objects.all()\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert _violations() == ["views.py:4: Person.objects"]
