"""Normalisation of identity attributes and derivation of comparison features.

Everything the model compares is derived here, once, by :func:`prepare_record`.
The Splink model (``model.py``) and the pure-Python real-time scorer
(``realtime.py``) both consume the *same* prepared features, which is what lets
the two agree level for level.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import jellyfish
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from stdnum.gb import upn as stdnum_upn

#: Given names that are placeholders rather than names (unborn or unnamed babies).
PLACEHOLDER_GIVEN_NAMES: frozenset[str] = frozenset(
    {
        "BABY", "BABYOF", "UNBORN", "UNKNOWN", "UNNAMED", "INFANT", "NK", "NOTKNOWN",
        "TBC", "TBA", "BOY", "GIRL", "MALE", "FEMALE", "CHILD", "FETUS", "FOETUS", "X",
    }
)  # fmt: skip

_NON_ALPHA = re.compile(r"[^A-Z\- ]+")
_SPACES = re.compile(r"\s+")
_UK_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")

_ADDRESS_ABBREVIATIONS: dict[str, str] = {
    "ROAD": "RD", "STREET": "ST", "AVENUE": "AVE", "AV": "AVE", "LANE": "LN",
    "DRIVE": "DR", "CLOSE": "CL", "COURT": "CT", "CRESCENT": "CRES", "PLACE": "PL",
    "GARDENS": "GDNS", "TERRACE": "TER", "TERR": "TER", "SQUARE": "SQ", "GROVE": "GR",
    "PARK": "PK", "WAY": "WY", "HOUSE": "HO", "APARTMENT": "FLAT", "APT": "FLAT",
    "NORTH": "N", "SOUTH": "S", "EAST": "E", "WEST": "W", "MOUNT": "MT",
}  # fmt: skip


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------


@lru_cache(maxsize=200_000)
def clean_text(value: str | None) -> str:
    """Uppercase, strip accents, drop apostrophes/dots, keep letters, hyphens, spaces."""
    if not value:
        return ""
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O")
    text = text.upper().replace("'", "").replace("\u2019", "").replace(".", " ")
    text = _NON_ALPHA.sub(" ", text)
    return _SPACES.sub(" ", text).strip(" -")


def name_tokens(value: str | None) -> list[str]:
    """Split a name into tokens on spaces and hyphens ("Smith-Jones" → SMITH, JONES)."""
    cleaned = clean_text(value)
    return [t for t in re.split(r"[\s\-]+", cleaned) if t]


def normalise_family_name(value: str | None) -> str | None:
    """Normalised family name: tokens joined by a single space, or None."""
    tokens = name_tokens(value)
    return " ".join(tokens) or None


def is_placeholder_given_name(value: str | None) -> bool:
    """True for a blank given name or a placeholder such as "Baby" or "Unborn"."""
    tokens = name_tokens(value)
    if not tokens:
        return True
    joined = "".join(tokens)
    return tokens[0] in PLACEHOLDER_GIVEN_NAMES or joined in PLACEHOLDER_GIVEN_NAMES


@cache
def nickname_table() -> dict[str, frozenset[str]]:
    """Map every known name form (canonical or variant) to its canonical name(s).

    Loaded from the packaged ``nicknames.csv``.  A canonical name maps to itself;
    an ambiguous diminutive (ALEX, SAM, CHRIS) maps to several canonicals.
    """
    table: dict[str, set[str]] = {}
    text = resources.files(__package__).joinpath("nicknames.csv").read_text("utf-8")
    rows = csv.reader(line for line in text.splitlines() if not line.startswith("#"))
    next(rows)  # header
    for row in rows:
        if len(row) < 2:
            continue
        canonical = clean_text(row[0]).replace(" ", "")
        table.setdefault(canonical, set()).add(canonical)
        for variant in row[1].split(";"):
            for form in {clean_text(variant).replace(" ", ""), "".join(name_tokens(variant))}:
                if form:
                    table.setdefault(form, set()).add(canonical)
    return {k: frozenset(v) for k, v in table.items()}


@lru_cache(maxsize=200_000)
def canonical_names(name: str) -> tuple[str, ...]:
    """Sorted canonical names for a normalised given name (itself if unknown)."""
    found = nickname_table().get(name)
    if not found:
        return (name,)
    return tuple(sorted(found))


@lru_cache(maxsize=400_000)
def phonetic_keys(name: str) -> tuple[str | None, str | None]:
    """(metaphone, NYSIIS) of a normalised name token; None where empty."""
    if not name:
        return (None, None)
    return (jellyfish.metaphone(name) or None, jellyfish.nysiis(name) or None)


def soundex(name: str) -> str | None:
    """Soundex code of a name (exposed for callers; not used by the model)."""
    return jellyfish.soundex(name) if name else None


# ---------------------------------------------------------------------------
# Postcodes, addresses, identifiers, dates
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Postcode:
    """A normalised postcode with its sector and district."""

    full: str | None
    sector: str | None
    district: str | None


@lru_cache(maxsize=200_000)
def normalise_postcode(value: str | None, style: str = "uk") -> Postcode:
    """Normalise a postcode.

    ``style="uk"``: uppercase, one space before the last three characters,
    sector = outward code + first inward digit ("NB1 2"), district = outward
    code ("NB1").  Strings that are not UK-shaped are kept (cleaned) as the
    full value with no sector/district.  ``style="generic"`` (e.g. Australian
    Febrl postcodes): sector/district are the value less its last one/two
    characters.
    """
    if not value:
        return Postcode(None, None, None)
    compact = re.sub(r"[^A-Z0-9]", "", str(value).upper())
    if not compact:
        return Postcode(None, None, None)
    if style == "generic":
        return Postcode(compact, compact[:-1] or None, compact[:-2] or None)
    match = _UK_POSTCODE.match(compact)
    if not match:
        return Postcode(compact, None, None)
    outward, inward = match.groups()
    return Postcode(f"{outward} {inward}", f"{outward} {inward[0]}", outward)


@lru_cache(maxsize=200_000)
def normalise_address(value: str | None) -> str | None:
    """Uppercase, drop punctuation and abbreviate street types ("Road" → "RD")."""
    if not value:
        return None
    text = unicodedata.normalize("NFKD", str(value).upper())
    text = re.sub(r"[^A-Z0-9 ]+", " ", text)
    tokens = [_ADDRESS_ABBREVIATIONS.get(t, t) for t in text.split()]
    return " ".join(tokens) or None


def digits_only(value: Any) -> str:
    """Return the digits of a value (NHS numbers are often written 485 777 3456)."""
    if value is None:
        return ""
    return re.sub(r"\D", "", str(value))


def is_valid_nhs_number(value: Any) -> bool:
    """True if the value is a 10-digit NHS number with a correct modulus-11 check digit."""
    digits = digits_only(value)
    if len(digits) != 10 or not digits.isascii():
        return False
    # stdnum's rule (``stdnum.gb.nhs``): weights 10..1 over all ten digits, sum ≡ 0 (mod 11).
    return sum(w * int(d) for w, d in zip(range(10, 0, -1), digits, strict=True)) % 11 == 0


def nhs_check_digit(first_nine: str) -> int | None:
    """Modulus-11 check digit for nine NHS digits; None if no valid digit exists."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def normalise_upn(value: Any) -> str | None:
    """Uppercase, strip spaces; return the UPN only if its check letter is valid."""
    if value is None:
        return None
    compact = re.sub(r"\s", "", str(value)).upper()
    if not compact:
        return None
    return compact if stdnum_upn.is_valid(compact) else None


def parse_date(value: Any) -> date | None:
    """Parse ISO ``yyyy-mm-dd``, ``dd/mm/yyyy`` or compact ``yyyymmdd``; None if invalid."""
    if value is None:
        return None
    if isinstance(value, date):
        return value if not hasattr(value, "date") else value.date()  # type: ignore[union-attr]
    text = str(value).strip()
    if not text:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text):
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if re.fullmatch(r"\d{8}", text):
            return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None
    return None


def normalise_sex(value: Any) -> str | None:
    """Map sex/gender codes to "M", "F" or None (unknown, indeterminate, blank)."""
    if value is None:
        return None
    text = str(value).strip().upper()
    if text in {"M", "MALE", "1", "BOY"}:
        return "M"
    if text in {"F", "FEMALE", "2", "GIRL"}:
        return "F"
    return None


# ---------------------------------------------------------------------------
# Feature derivation
# ---------------------------------------------------------------------------

#: Columns produced by :func:`prepare_record`, in order.
FEATURE_COLUMNS: tuple[str, ...] = (
    "given", "given_canon", "given_ph1", "given_ph2", "middle",
    "family", "family_parts", "family_ph1", "family_ph2",
    "dob", "dob_y", "dob_m", "dob_d", "sex",
    "postcode", "pc_sector", "pc_district", "address", "town",
    "nhs", "upn", "edd", "unborn",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class FeatureOptions:
    """How raw columns are interpreted when deriving features.

    ``identifier_check``: ``"nhs"`` keeps only modulus-11-valid NHS numbers;
    ``"none"`` keeps any non-empty identifier (e.g. Febrl's ``soc_sec_id``).
    ``postcode_style``: ``"uk"`` or ``"generic"`` (see :func:`normalise_postcode`).
    ``today``: see :func:`prepare_record` (a date of birth after it is an expected date).
    """

    identifier_check: str = "nhs"
    postcode_style: str = "uk"
    #: A date of birth after this day is an expected date of delivery (health systems
    #: record an unborn baby that way); None: today.
    today: date | None = None

    def today_iso(self) -> str:
        return (self.today or date.today()).isoformat()


def _identifier(value: Any, check: str) -> str | None:
    if check == "nhs":
        digits = digits_only(value)
        return digits if is_valid_nhs_number(digits) else None
    if value is None:
        return None
    text = re.sub(r"\s", "", str(value)).upper()
    return text or None


def _text(record: Mapping[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN from pandas
        return None
    text = str(value).strip()
    return text or None


def _raw(record: Mapping[str, Any], key: str) -> Any:
    value = record.get(key)
    if isinstance(value, float) and value != value:  # NaN from pandas
        return None
    return value


def given_name_parts(value: str | None) -> tuple[str | None, tuple[str, ...], bool]:
    """(given name, other given-name tokens, is placeholder) of a raw given name."""
    tokens = name_tokens(value)
    if is_placeholder_given_name(value):
        return None, (), True
    return tokens[0], tuple(tokens[1:]), False


def family_name_features(
    family_raw: str | None, previous: str | None
) -> tuple[str | None, list[str] | None, str | None, str | None]:
    """(family name, sorted family-name parts incl. previous names, metaphone, NYSIIS)."""
    tokens = name_tokens(family_raw)
    family = " ".join(tokens) or None
    parts = set(tokens)
    if previous:
        for prev in re.split(r"[;|,]", previous):
            parts.update(name_tokens(prev))
    ph = phonetic_keys(family.replace(" ", "")) if family else (None, None)
    return family, sorted(parts) or None, ph[0], ph[1]


def given_name_features(
    given: str | None,
) -> tuple[list[str] | None, str | None, str | None]:
    """(canonical names, metaphone, NYSIIS) of a normalised given name."""
    if not given:
        return None, None, None
    ph = phonetic_keys(given)
    return list(canonical_names(given)), ph[0], ph[1]


def prepare_record(
    record: Mapping[str, Any], options: FeatureOptions | None = None
) -> dict[str, Any]:
    """Derive the comparison features of one person-extract record.

    Lists (``given_canon``, ``middle``, ``family_parts``) are sorted lists of
    strings or None, so they serialise identically for DuckDB and JSON.  A date of
    birth after ``options.today`` is taken as the expected date of delivery, and a
    record with an expected date and no date of birth is unborn, whatever its given
    name ("Baby", blank, or the name the parents chose).
    :func:`prepare_columns` derives the same features for a whole table.
    """
    opts = options or FeatureOptions()
    given, given_rest, _placeholder = given_name_parts(_text(record, "given_name"))
    middle = set(given_rest)
    middle.update(name_tokens(_text(record, "middle_names")))
    family, parts, f_ph1, f_ph2 = family_name_features(
        _text(record, "family_name"), _text(record, "previous_family_names")
    )
    canon, g_ph1, g_ph2 = given_name_features(given)
    dob = parse_date(_text(record, "date_of_birth"))
    edd = parse_date(_text(record, "expected_date_of_delivery"))
    if dob is not None and dob.isoformat() > opts.today_iso():
        dob, edd = None, edd or dob  # a future date of birth is the expected date
    pc = normalise_postcode(_text(record, "postcode"), opts.postcode_style)

    return {
        "given": given,
        "given_canon": canon,
        "given_ph1": g_ph1,
        "given_ph2": g_ph2,
        "middle": sorted(middle) or None,
        "family": family,
        "family_parts": parts,
        "family_ph1": f_ph1,
        "family_ph2": f_ph2,
        "dob": dob.isoformat() if dob else None,
        "dob_y": dob.year if dob else None,
        "dob_m": dob.month if dob else None,
        "dob_d": dob.day if dob else None,
        "sex": normalise_sex(_raw(record, "sex")),
        "postcode": pc.full,
        "pc_sector": pc.sector,
        "pc_district": pc.district,
        "address": normalise_address(_text(record, "address_line1")),
        "town": clean_text(_text(record, "town")) or None,
        "nhs": _identifier(_raw(record, "nhs_number"), opts.identifier_check),
        "upn": normalise_upn(_text(record, "upn")),
        "edd": edd.isoformat() if edd else None,
        "unborn": bool(dob is None and edd is not None),
    }


# ---------------------------------------------------------------------------
# The same features for a whole table (batch): each function runs once per
# distinct value, not once per row.
# ---------------------------------------------------------------------------


def factorize(values: Any) -> tuple[np.ndarray, list[Any]]:
    """(code per value, distinct values); missing values (None/NaN) get code -1.

    Text columns are encoded by Arrow (much faster than hashing Python objects);
    anything else by pandas.
    """
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    try:
        encoded = pc.dictionary_encode(pa.array(arr, type=pa.string(), from_pandas=True))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        codes, uniques = pd.factorize(pd.Series(arr, dtype=object), use_na_sentinel=True)
        return codes, list(uniques)
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, encoded.dictionary.to_pylist()


def nhs_digits_and_validity(texts: list[str]) -> tuple[list[str], np.ndarray]:
    """For many texts at once: their digits, and whether each is a valid NHS number
    (:func:`is_valid_nhs_number`, vectorised)."""
    digits = [digits_only(t) for t in texts]
    shaped = np.array([len(d) == 10 and d.isascii() for d in digits], dtype=bool)
    valid = shaped.copy()
    if shaped.any():
        joined = "".join(d for d, ok in zip(digits, shaped, strict=True) if ok).encode()
        matrix = np.frombuffer(joined, dtype=np.uint8).reshape(-1, 10).astype(np.int64) - 48
        valid[shaped] = (matrix @ np.arange(10, 0, -1)) % 11 == 0
    return digits, valid


def _nhs_column(values: Any) -> np.ndarray:
    """``_identifier(value, "nhs")`` for a whole column."""
    codes, uniques = factorize(values)
    digits, valid = nhs_digits_and_validity([str(u) for u in uniques])
    table = np.empty(len(uniques) + 1, dtype=object)
    table[:] = [*(d if ok else None for d, ok in zip(digits, valid, strict=True)), None]
    return table[codes]


def _distinct_map(values: Any, fn: Callable[[Any], Any], width: int = 0) -> Any:
    """Apply ``fn`` to each distinct value of a column; return the row-aligned result.

    ``values``: a sequence with None/NaN for missing (``fn`` gets None for those).
    With ``width`` > 0, ``fn`` returns a tuple and a list of ``width`` arrays is returned.
    """
    codes, uniques = factorize(values)
    results = [fn(u) for u in uniques]
    results.append(fn(None))  # code -1 (missing) indexes the last entry
    if not width:
        table = np.empty(len(results), dtype=object)
        table[:] = results
        return table[codes]
    out = []
    for k in range(width):
        table = np.empty(len(results), dtype=object)
        table[:] = [r[k] for r in results]
        out.append(table[codes])
    return out


def _clean_cell(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None


def prepare_columns(
    table: pd.DataFrame, options: FeatureOptions | None = None
) -> dict[str, np.ndarray]:
    """:func:`prepare_record` for every row of a person-extract table, column by column.

    Returns one object array per name in :data:`FEATURE_COLUMNS` (``unborn`` is bool).
    """
    opts = options or FeatureOptions()
    n = len(table)

    def col(name: str) -> np.ndarray:
        if name not in table.columns:
            return np.full(n, None, dtype=object)
        return _distinct_map(table[name].to_numpy(dtype=object), _clean_cell)

    given, given_rest, _placeholder = _distinct_map(col("given_name"), given_name_parts, 3)
    middle_tokens = _distinct_map(col("middle_names"), lambda v: tuple(name_tokens(v)))
    middle = np.empty(n, dtype=object)
    middle[:] = [
        (sorted(set(a) | set(b)) or None) if (a or b) else None
        for a, b in zip(given_rest, middle_tokens, strict=True)
    ]
    family_raw, previous = col("family_name"), col("previous_family_names")
    if any(p is not None for p in previous):
        keys = pd.Series(list(zip(family_raw, previous, strict=True)), dtype=object)
        family, parts, f_ph1, f_ph2 = _distinct_map(
            keys, lambda k: family_name_features(*(k or (None, None))), 4
        )
    else:
        family, parts, f_ph1, f_ph2 = _distinct_map(
            family_raw, lambda v: family_name_features(v, None), 4
        )
    canon, g_ph1, g_ph2 = _distinct_map(given, given_name_features, 3)

    def date_parts(value: Any) -> tuple[Any, ...]:
        d = parse_date(value)
        return (d.isoformat(), d.year, d.month, d.day) if d else (None, None, None, None)

    today = opts.today_iso()

    def birth_parts(value: Any) -> tuple[Any, ...]:
        parts = date_parts(value)
        return (None, None, None, None, parts[0]) if (parts[0] or "") > today else (*parts, None)

    dob, dob_y, dob_m, dob_d, future = _distinct_map(col("date_of_birth"), birth_parts, 5)
    edd = _distinct_map(col("expected_date_of_delivery"), lambda v: date_parts(v)[0])
    edd = np.where(pd.isna(pd.Series(edd, dtype=object)).to_numpy(), future, edd)

    def postcode(value: Any) -> tuple[str | None, str | None, str | None]:
        pc = normalise_postcode(value, opts.postcode_style)
        return pc.full, pc.sector, pc.district

    pc_full, pc_sector, pc_district = _distinct_map(col("postcode"), postcode, 3)
    raw_sex = table["sex"].to_numpy(dtype=object) if "sex" in table.columns else col("sex")
    raw_nhs = (
        table["nhs_number"].to_numpy(dtype=object)
        if "nhs_number" in table.columns
        else col("nhs_number")
    )
    unborn = (
        pd.isna(pd.Series(dob, dtype=object)).to_numpy()
        & pd.notna(pd.Series(edd, dtype=object)).to_numpy()
    )
    return {
        "given": given,
        "given_canon": canon,
        "given_ph1": g_ph1,
        "given_ph2": g_ph2,
        "middle": middle,
        "family": family,
        "family_parts": parts,
        "family_ph1": f_ph1,
        "family_ph2": f_ph2,
        "dob": dob,
        "dob_y": dob_y,
        "dob_m": dob_m,
        "dob_d": dob_d,
        "sex": _distinct_map(raw_sex, normalise_sex),
        "postcode": pc_full,
        "pc_sector": pc_sector,
        "pc_district": pc_district,
        "address": _distinct_map(col("address_line1"), normalise_address),
        "town": _distinct_map(col("town"), lambda v: clean_text(v) or None),
        "nhs": (
            _nhs_column(raw_nhs)
            if opts.identifier_check == "nhs"
            else _distinct_map(raw_nhs, lambda v: _identifier(v, opts.identifier_check))
        ),
        "upn": _distinct_map(col("upn"), normalise_upn),
        "edd": edd,
        "unborn": unborn,
    }
