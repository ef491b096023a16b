"""CSV and spreadsheet cells that a spreadsheet will never run as a formula.

A cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return, which some
spreadsheets skip before looking for one) is read by Excel, LibreOffice and Google Sheets as a
formula: a child's name or a reason typed as `=HYPERLINK(...)` would run on the machine of
whoever opens the export (OWASP "CSV injection"). Every CSV and XLSX that Continuum writes goes
through this module, so every column of every export is neutralised in one place:

- `safe_cell(value)`: the value, with a single quote in front when it is a string that starts
  with one of those characters (the quote shows the text is text; nothing else changes);
- `writer(file, ...)`: `csv.writer` whose `writerow`/`writerows` pass every cell through
  `safe_cell`; `dict_writer(file, fieldnames, ...)` is the same for `csv.DictWriter`;
- `safe_frame(frame)`: a pandas DataFrame with every text column neutralised, for the batch
  linkage output written with Arrow (vectorised: a million rows in well under a second).

A test (`core/tests/test_csvsafe.py`) fails when a module in `src/` calls `csv.writer` or
`csv.DictWriter` itself or writes a workbook with openpyxl, so a new export cannot forget it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

# The characters a spreadsheet may read as the start of a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """`value` as it may go into a CSV or XLSX cell: strings that a spreadsheet would treat as a
    formula get a leading single quote; numbers, dates, None and other strings are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in row]


class _SafeWriter:
    """A `csv.writer` that neutralises every cell it writes."""

    def __init__(self, inner):
        self._inner = inner

    @property
    def dialect(self):
        return self._inner.dialect

    def writerow(self, row: Iterable[Any]):
        return self._inner.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class _SafeDictWriter(csv.DictWriter):
    """A `csv.DictWriter` that neutralises every value (the header is ours, not user data)."""

    def writerow(self, rowdict):
        return super().writerow({k: safe_cell(v) for k, v in rowdict.items()})

    def writerows(self, rowdicts):
        for row in rowdicts:
            self.writerow(row)


def writer(file, *args, **kwargs) -> _SafeWriter:
    """`csv.writer(file, ...)`, with every cell passed through `safe_cell`."""
    return _SafeWriter(csv.writer(file, *args, **kwargs))


def dict_writer(file, fieldnames, *args, **kwargs) -> _SafeDictWriter:
    """`csv.DictWriter(file, fieldnames, ...)`, with every value passed through `safe_cell`."""
    return _SafeDictWriter(file, fieldnames, *args, **kwargs)


def safe_frame(frame):
    """A copy of a pandas DataFrame with every text (object or string) column neutralised, as
    `safe_cell` neutralises one value. Numeric and date columns cannot start with a formula
    character as text and are left alone."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if series.dtype == object or str(series.dtype).startswith("string"):
            text = series.astype("string")
            risky = text.str.startswith(FORMULA_PREFIXES).fillna(False).astype(bool)
            if risky.any():
                fixed = series.astype(object).copy()
                fixed[risky] = "'" + text[risky].astype(str)
                out[column] = fixed
    return out
