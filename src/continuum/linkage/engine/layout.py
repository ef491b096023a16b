"""The ``person-extract`` v1 input layout, and a validating CSV/XLSX reader.

Layout ``person-extract`` v1 — one row per record, a header row naming columns
(case-insensitive, surrounding spaces ignored; extra columns are ignored):

============================  ========  =============================================
column                        required  content
============================  ========  =============================================
record_id                     yes       the agency's own id, unique within the file
given_name                    yes*      first name, an initial, "Baby", or empty
middle_names                  yes†      space-separated, may be empty
family_name                   yes*      surname; hyphenated names allowed
date_of_birth                 yes†      yyyy-mm-dd or dd/mm/yyyy; may be empty
sex                           yes†      M, F, Male, Female, U, or empty
postcode                      yes†      UK postcode, any spacing/case
address_line1                 yes†      first line of the address
nhs_number                    yes†      10 digits (spaces allowed); may be empty
upn                           no        13-character Unique Pupil Number
expected_date_of_delivery     no        yyyy-mm-dd or dd/mm/yyyy, for unborn babies
previous_family_names         no        earlier surnames, separated by ';'
town                          no        town, city or locality of the address
============================  ========  =============================================

\\* a record needs a name: a family name, or a given name that is more than a
placeholder such as "Baby".
† the column must be present; the value may be empty.

Only a row with no record id or no name at all is refused.  Anything else a
person could use is kept, with a warning where a value was not taken as given:
a date of birth after today is taken as the expected date of delivery (health
systems record an unborn baby that way); a date that cannot be read or is before
1900 is left out; a malformed NHS number or UPN is kept but never compared.  A
record without a date of birth is linked on the rest of its evidence (see
``rules.needs_review``).  Row numbers count the header as row 1, as a
spreadsheet shows them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from .normalise import (
    digits_only,
    factorize,
    is_placeholder_given_name,
    is_valid_nhs_number,
    nhs_digits_and_validity,
    normalise_upn,
    parse_date,
)

LAYOUT_NAME = "person-extract"
LAYOUT_VERSION = 1

REQUIRED_COLUMNS: tuple[str, ...] = (
    "record_id", "given_name", "middle_names", "family_name", "date_of_birth",
    "sex", "postcode", "address_line1", "nhs_number",
)  # fmt: skip
OPTIONAL_COLUMNS: tuple[str, ...] = (
    "upn", "expected_date_of_delivery", "previous_family_names", "town",
)  # fmt: skip
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


NO_NAME = "missing, and no given name either: a row needs a name"
FUTURE_AS_EDD = "after today, taken as the expected date of delivery"
FUTURE_DROPPED = "after today, left out (the row has an expected date of delivery)"
_KEPT_WITHOUT = " (the row is kept without it)"


def check_date(value: str | None, is_dob: bool, today: date) -> tuple[str | None, str | None]:
    """(ISO date or None, problem or None) for a date cell.  A date of birth after today is
    returned as it is (the caller takes it as an expected date); one before 1900 is a problem."""
    if value is None:
        return None, None
    parsed = parse_date(value)
    if parsed is None:
        return None, f"not a date in yyyy-mm-dd or dd/mm/yyyy: {value!r}{_KEPT_WITHOUT}"
    if is_dob and parsed < _MIN_DATE:
        return None, f"out of range: {value!r}{_KEPT_WITHOUT}"
    return parsed.isoformat(), None


def validate_row(
    raw: dict[str, str | None], row_number: int, source: str = "", today: date | None = None
) -> tuple[dict[str, str | None] | None, list[RowError]]:
    """Validate and normalise one row; return (row or None if refused, errors).

    Dates are rewritten as ISO.  Only a row with no record id or no name at all is
    refused.  Other problems are reported and the row kept: a date of birth after
    today becomes the expected date of delivery (or is left out if the row has one);
    a date that cannot be read, or before 1900, is left out; a malformed NHS number
    or UPN is kept but never compared.
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
    if not row["family_name"] and is_placeholder_given_name(row["given_name"]):
        err("family_name", NO_NAME)
        fatal = True
    for col in ("date_of_birth", "expected_date_of_delivery"):
        value, problem = check_date(row[col], col == "date_of_birth", today)
        if problem:
            err(col, problem)
        row[col] = value
    moved = row["date_of_birth"] is not None and row["date_of_birth"] > today.isoformat()
    if moved:
        if row["expected_date_of_delivery"] is None:
            row["expected_date_of_delivery"] = row["date_of_birth"]
            err("date_of_birth", f"{FUTURE_AS_EDD}: {row['date_of_birth']}")
        else:
            err("date_of_birth", f"{FUTURE_DROPPED}: {row['date_of_birth']}")
        row["date_of_birth"] = None
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


def _read_csv_arrow(p: Path) -> tuple[list[str], list[Any]] | None:
    """Header and one Arrow string column per header column, or None if Arrow's
    reader cannot take the file (a row shorter or longer than the header, a blank
    line, invalid UTF-8): the row reader then reads it as before."""
    with p.open(newline="", encoding="utf-8-sig") as fh:
        header = next(csv.reader(fh), None)
    if header is None:
        raise LayoutError(f"{p.name}: empty file")
    names = [f"c{i}" for i in range(len(header))]
    try:
        table = pa_csv.read_csv(
            p,
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    return header, [table.column(i).combine_chunks() for i in range(len(names))]


def _read_columns(p: Path) -> tuple[list[str], list[Any], list[list[Any]] | None]:
    """(header, one column of cells per header column, raw rows or None).

    CSV is parsed by Arrow's reader (every cell a string); a file it cannot take
    and XLSX go through the row readers (a short row's missing cells are None),
    whose raw rows are returned as well.
    """
    if p.suffix.lower() not in {".xlsx", ".xlsm"}:
        parsed = _read_csv_arrow(p)
        if parsed is not None:
            return parsed[0], parsed[1], None
        header, body = _read_csv(p)
    else:
        header, body = _read_xlsx(p)
    width = len(header)
    columns = [
        np.array([r[i] if i < len(r) else None for r in body] or [], dtype=object)
        for i in range(width)
    ]
    return header, columns, body


def _distinct(values: Any, fn: Any) -> np.ndarray:
    """``fn`` applied to every value, computed once per distinct value (object array)."""
    codes, uniques = factorize(values)
    table = np.empty(len(uniques) + 1, dtype=object)
    table[:] = [*(fn(u) for u in uniques), fn(None)]  # code -1 (missing) is the last
    return table[codes]


#: The characters ``str.strip()`` removes (for the vectorised strip of CSV cells).
_WHITESPACE = "".join(c for c in map(chr, range(0x110000)) if c.isspace())


def _strip_cells(cells: Any, all_text: bool) -> np.ndarray:
    """:func:`_cell` over a column (text stripped, empty to None)."""
    if not all_text:
        return _distinct(cells, _cell)
    if not isinstance(cells, pa.Array):
        cells = pa.array(cells, type=pa.string())
    stripped = pc.utf8_trim(cells, characters=_WHITESPACE)
    stripped = pc.if_else(pc.equal(stripped, ""), None, stripped)
    return stripped.to_numpy(zero_copy_only=False)


def read_extract_table(
    path: str | Path, *, today: date | None = None
) -> tuple[pd.DataFrame, list[RowError], str]:
    """Read and validate a person-extract v1 file as a table: (valid rows, errors, source).

    The same rules, errors (in the same order) and values as :func:`validate_row`
    applied row by row, computed column by column (each check runs once per
    distinct value), so a million-row extract reads in seconds.  The table has
    every layout column (str or None) and the file's row number in ``row``.
    """
    p = Path(path)
    header, raw_columns, _rows = _read_columns(p)
    names = [str(h).strip().lower() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise LayoutError(f"{p.name}: missing required column(s): {', '.join(missing)}")
    source = source_name(p)
    index = {name: i for i, name in enumerate(names) if name in ALL_COLUMNS}
    today = today or date.today()
    n = len(raw_columns[0]) if len(raw_columns) else 0
    cols: dict[str, np.ndarray] = {}
    for col in ALL_COLUMNS:
        i = index.get(col)
        cols[col] = (
            np.full(n, None, dtype=object)
            if i is None
            else _strip_cells(raw_columns[i], all_text=_rows is None)
        )
    present = {c: ~pd.isna(cols[c]) for c in ALL_COLUMNS}
    keep = np.zeros(n, dtype=bool)
    for c in index:
        keep |= present[c]
    for k in np.flatnonzero(~keep):  # no layout value: skipped only if the whole row is empty
        keep[k] = any(
            _cell(column[k].as_py() if isinstance(column, pa.Array) else column[k])
            for column in raw_columns
        )
    # Errors as (row index, order within the row, error): validate_row's order.
    found: list[tuple[int, int, RowError]] = []

    def err(rows: Any, order: int, fieldname: str, reason: Any) -> None:
        for k in rows:
            text = reason(k) if callable(reason) else reason
            found.append((int(k), order, RowError(int(k) + 2, fieldname, text, source)))

    fatal = np.zeros(n, dtype=bool)
    bad = keep & ~present["record_id"]
    err(np.flatnonzero(bad), 0, "record_id", "missing")
    fatal |= bad
    placeholder = _distinct(cols["given_name"], is_placeholder_given_name).astype(bool)
    bad = keep & ~present["family_name"] & placeholder
    err(np.flatnonzero(bad), 1, "family_name", NO_NAME)
    fatal |= bad

    for order, col in ((2, "date_of_birth"), (3, "expected_date_of_delivery")):
        is_dob = col == "date_of_birth"
        checked = _distinct(cols[col], lambda v, d=is_dob: check_date(v, d, today))
        problem = np.array([c[1] is not None for c in checked], dtype=bool)
        err(np.flatnonzero(keep & problem), order, col, lambda k, ch=checked: ch[k][1])
        cols[col] = np.array([c[0] for c in checked] or [], dtype=object)
    present["expected_date_of_delivery"] = ~pd.isna(cols["expected_date_of_delivery"])
    future = ~pd.isna(cols["date_of_birth"]) & (
        pd.Series(cols["date_of_birth"], dtype=object).fillna("").to_numpy(dtype=object)
        > today.isoformat()
    )
    as_edd = future & ~present["expected_date_of_delivery"]
    dob = cols["date_of_birth"]
    err(np.flatnonzero(keep & as_edd), 4, "date_of_birth", lambda k: f"{FUTURE_AS_EDD}: {dob[k]}")
    err(np.flatnonzero(keep & future & ~as_edd), 4, "date_of_birth",
        lambda k: f"{FUTURE_DROPPED}: {dob[k]}")  # fmt: skip
    cols["expected_date_of_delivery"][as_edd] = dob[as_edd]
    cols["date_of_birth"] = np.where(future, None, dob)
    sex = cols["sex"]
    sex_bad = ~_distinct(sex, lambda v: (v or "").upper() in _SEX_VALUES).astype(bool)
    err(np.flatnonzero(keep & sex_bad), 5, "sex", lambda k: f"unrecognised value {sex[k]!r}")
    sex[sex_bad] = None

    nhs_codes, nhs_values = factorize(cols["nhs_number"])
    nhs_digits, nhs_valid = nhs_digits_and_validity(nhs_values)
    allowed = set("0123456789 -")
    checked_values: list[tuple[str | None, str | None]] = []
    for value, digits, valid in zip(nhs_values, nhs_digits, nhs_valid, strict=True):
        if len(digits) != 10 or not set(value) <= allowed:
            checked_values.append((None, f"not 10 digits: {value!r}"))
        elif not valid:
            checked_values.append((digits, "fails the modulus 11 check (kept, not compared)"))
        else:
            checked_values.append((digits, None))
    checked_values.append((None, None))  # missing (code -1)
    nhs_table = np.empty(len(checked_values), dtype=object)
    nhs_table[:] = checked_values
    nhs_checked = nhs_table[nhs_codes]
    nhs_bad = np.array([c[1] is not None for c in nhs_checked], dtype=bool)
    err(np.flatnonzero(keep & nhs_bad), 6, "nhs_number", lambda k: nhs_checked[k][1])
    cols["nhs_number"] = np.array([c[0] for c in nhs_checked] or [], dtype=object)
    upn_bad = _distinct(cols["upn"], lambda v: v is not None and normalise_upn(v) is None)
    err(np.flatnonzero(keep & upn_bad.astype(bool)), 7, "upn",
        "invalid UPN check letter or format (kept, not compared)")  # fmt: skip
    valid = keep & ~fatal
    rid_text = pd.Series(cols["record_id"], dtype=object).astype(str)
    dup = np.zeros(n, dtype=bool)
    dup[valid] = rid_text[valid].duplicated().to_numpy()
    err(np.flatnonzero(dup), 8, "record_id", "duplicate")
    found.sort(key=lambda e: (e[0], e[1]))
    table = pd.DataFrame({c: cols[c] for c in ALL_COLUMNS}, dtype=object)
    table["row"] = np.arange(2, n + 2)
    table = table[valid & ~dup].reset_index(drop=True)
    return table, [e for _, _, e in found], source


def read_extract(path: str | Path, *, today: date | None = None) -> ExtractResult:
    """Read a person-extract v1 file (``.csv`` or ``.xlsx``).

    Raises :class:`LayoutError` if required columns are missing; otherwise
    returns every valid row plus a per-row error list.  Duplicate record ids in
    one file are errors (the later row is rejected).
    """
    table, errors, source = read_extract_table(path, today=today)
    rows = table.drop(columns=["row"]).to_dict("records")
    return ExtractResult(source=source, rows=rows, errors=errors)


def write_extract(path: str | Path, rows: list[dict[str, Any]]) -> None:
    """Write rows as a person-extract v1 CSV (all layout columns, in order)."""
    with Path(path).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(ALL_COLUMNS), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in ALL_COLUMNS})
