"""The ``person-extract`` v1 input layout, and a validating CSV/XLSX reader.

Layout ``person-extract`` v1 — one row per record, a header row naming columns
(case-insensitive, surrounding spaces ignored; extra columns are ignored):

============================  ========  =============================================
column                        required  content
============================  ========  =============================================
record_id                     yes       the agency's own id, unique within the file
given_name                    yes*      first name ("Baby"/blank allowed with an EDD)
middle_names                  yes†      space-separated, may be empty
family_name                   yes       surname; hyphenated names allowed
date_of_birth                 yes*      yyyy-mm-dd or dd/mm/yyyy; empty if unborn
sex                           yes†      M, F, Male, Female, U, or empty
postcode                      yes†      UK postcode, any spacing/case
address_line1                 yes†      first line of the address
nhs_number                    yes†      10 digits (spaces allowed); may be empty
upn                           no        13-character Unique Pupil Number
expected_date_of_delivery     no        yyyy-mm-dd or dd/mm/yyyy, for unborn babies
previous_family_names         no        earlier surnames, separated by ';'
============================  ========  =============================================

\\* a record needs a date of birth or an expected date of delivery.
† the column must be present; the value may be empty.

Bad rows are reported (row number, field, reason) and left out; good rows are
kept.  Row numbers count the header as row 1, as a spreadsheet shows them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .normalise import digits_only, is_valid_nhs_number, normalise_upn, parse_date

LAYOUT_NAME = "person-extract"
LAYOUT_VERSION = 1

REQUIRED_COLUMNS: tuple[str, ...] = (
    "record_id", "given_name", "middle_names", "family_name", "date_of_birth",
    "sex", "postcode", "address_line1", "nhs_number",
)  # fmt: skip
OPTIONAL_COLUMNS: tuple[str, ...] = ("upn", "expected_date_of_delivery", "previous_family_names")
ALL_COLUMNS: tuple[str, ...] = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

_SEX_VALUES = {"M", "F", "U", "MALE", "FEMALE", "UNKNOWN", "I", "INDETERMINATE", "X", ""}
_MIN_DATE = date(1900, 1, 1)


@dataclass(frozen=True)
class RowError:
    """A problem with one field of one input row."""

    row: int
    field: str
    reason: str
    source: str = ""

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        return f"{where}row {self.row}, {self.field}: {self.reason}"


@dataclass
class ExtractResult:
    """Validated rows (dicts with every layout column, values str or None) and errors."""

    source: str
    rows: list[dict[str, str | None]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class LayoutError(ValueError):
    """The file as a whole is not in the layout (e.g. missing columns)."""


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def validate_row(
    raw: dict[str, str | None], row_number: int, source: str = "", today: date | None = None
) -> tuple[dict[str, str | None] | None, list[RowError]]:
    """Validate and normalise one row; return (row or None if rejected, errors).

    Dates are rewritten as ISO.  Fatal problems (no id, no family name, no usable
    date, bad date) reject the row; a malformed NHS number or UPN is reported but
    the row is kept with that value blanked (it would never be compared anyway).
    """
    errors: list[RowError] = []
    row = {col: raw.get(col) for col in ALL_COLUMNS}
    today = today or date.today()

    def err(fieldname: str, reason: str) -> None:
        errors.append(RowError(row_number, fieldname, reason, source))

    fatal = False
    if not row["record_id"]:
        err("record_id", "missing")
        fatal = True
    if not row["family_name"]:
        err("family_name", "missing")
        fatal = True
    for col in ("date_of_birth", "expected_date_of_delivery"):
        value = row[col]
        if value is None:
            continue
        parsed = parse_date(value)
        if parsed is None:
            err(col, f"not a date in yyyy-mm-dd or dd/mm/yyyy: {value!r}")
            fatal = True
        elif col == "date_of_birth" and not (_MIN_DATE <= parsed <= today):
            err(col, f"out of range: {value!r}")
            fatal = True
        else:
            row[col] = parsed.isoformat()
    if not fatal and row["date_of_birth"] is None and row["expected_date_of_delivery"] is None:
        err("date_of_birth", "missing (and no expected_date_of_delivery)")
        fatal = True
    sex = (row["sex"] or "").upper()
    if sex not in _SEX_VALUES:
        err("sex", f"unrecognised value {row['sex']!r}")
        row["sex"] = None
    if row["nhs_number"] is not None:
        digits = digits_only(row["nhs_number"])
        if len(digits) != 10 or not set(row["nhs_number"]) <= set("0123456789 -"):
            err("nhs_number", f"not 10 digits: {row['nhs_number']!r}")
            row["nhs_number"] = None
        elif not is_valid_nhs_number(digits):
            err("nhs_number", "fails the modulus 11 check (kept, not compared)")
            row["nhs_number"] = digits
        else:
            row["nhs_number"] = digits
    if row["upn"] is not None and normalise_upn(row["upn"]) is None:
        err("upn", "invalid UPN check letter or format (kept, not compared)")
    return (None if fatal else row), errors


def _read_csv(path: Path) -> tuple[list[str], list[list[Any]]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            raise LayoutError(f"{path.name}: empty file")
        return header, list(reader)


def _read_xlsx(path: Path) -> tuple[list[str], list[list[Any]]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise LayoutError(f"{path.name}: empty sheet")
        return [str(h or "") for h in header], [list(r) for r in rows]
    finally:
        wb.close()


def source_name(path: str | Path) -> str:
    """The source label of a file: its name without extension."""
    return Path(path).stem


def read_extract(path: str | Path, *, today: date | None = None) -> ExtractResult:
    """Read a person-extract v1 file (``.csv`` or ``.xlsx``).

    Raises :class:`LayoutError` if required columns are missing; otherwise
    returns every valid row plus a per-row error list.  Duplicate record ids in
    one file are errors (the later row is rejected).
    """
    p = Path(path)
    if p.suffix.lower() in {".xlsx", ".xlsm"}:
        header, body = _read_xlsx(p)
    else:
        header, body = _read_csv(p)
    names = [str(h).strip().lower() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise LayoutError(f"{p.name}: missing required column(s): {', '.join(missing)}")
    index = {name: i for i, name in enumerate(names) if name in ALL_COLUMNS}
    result = ExtractResult(source=source_name(p))
    seen: set[str] = set()
    for offset, values in enumerate(body):
        row_number = offset + 2
        if not any(_cell(v) for v in values):
            continue
        raw = {col: _cell(values[i]) if i < len(values) else None for col, i in index.items()}
        row, errors = validate_row(raw, row_number, result.source, today)
        result.errors.extend(errors)
        if row is None:
            continue
        rid = str(row["record_id"])
        if rid in seen:
            result.errors.append(RowError(row_number, "record_id", "duplicate", result.source))
            continue
        seen.add(rid)
        result.rows.append(row)
    return result


def write_extract(path: str | Path, rows: list[dict[str, Any]]) -> None:
    """Write rows as a person-extract v1 CSV (all layout columns, in order)."""
    with Path(path).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(ALL_COLUMNS), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in ALL_COLUMNS})
