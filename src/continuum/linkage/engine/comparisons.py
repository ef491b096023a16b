"""Comparison levels, defined once in SQL (for Splink) and in Python (real time).

Every level has a DuckDB SQL condition over the prepared feature columns
(``normalise.FEATURE_COLUMNS`` with ``_l``/``_r`` suffixes) and a Python
predicate over two prepared feature dicts.  Levels are evaluated top to bottom;
the first that holds is the pair's level, exactly as Splink's CASE WHEN does.
Keeping both forms side by side is what makes ``realtime.score_pair`` agree with
Splink's own predictions (checked in the tests).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import jellyfish

Features = dict[str, Any]
Predicate = Callable[[Features, Features], bool]

#: Label of the given-name level whose pairs are hard-blocked from linking.
GIVEN_CLEARLY_DIFFERENT = "clearly different"
#: Label of the date-of-birth else level (far apart in two or more components).
DOB_FAR_APART = "far apart"
#: Label of the identifier level meaning "both present, different".
IDENTIFIER_DIFFERENT = "different"


@dataclass(frozen=True)
class Level:
    """One comparison level: SQL for Splink, predicate for the Python scorer."""

    label: str
    sql: str
    predicate: Predicate
    is_null: bool = False
    tf_column: str | None = None

    def as_splink_dict(self) -> dict[str, Any]:
        """Splink comparison-level dict for this level."""
        out: dict[str, Any] = {"sql_condition": self.sql, "label_for_charts": self.label}
        if self.is_null:
            out["is_null_level"] = True
        if self.tf_column:
            out["tf_adjustment_column"] = self.tf_column
            out["tf_adjustment_weight"] = 1.0
        return out


@dataclass(frozen=True)
class Comparison:
    """An ordered list of levels for one field (the last is the else level)."""

    name: str
    levels: tuple[Level, ...]
    description: str = ""

    def as_splink_dict(self) -> dict[str, Any]:
        """Splink comparison dict (levels listed from most to least similar)."""
        return {
            "output_column_name": self.name,
            "comparison_description": self.description or self.name,
            "comparison_levels": [lvl.as_splink_dict() for lvl in self.levels],
        }

    def level_of(self, left: Features, right: Features) -> int:
        """Index of the first level whose predicate holds (the else level if none)."""
        for idx, lvl in enumerate(self.levels):
            if lvl.predicate(left, right):
                return idx
        return len(self.levels) - 1


# ---------------------------------------------------------------------------
# Python helpers (None-safe, mirroring SQL NULL semantics: NULL → false)
# ---------------------------------------------------------------------------


def _either_null(*cols: str) -> Predicate:
    return lambda a, b: any(a.get(c) is None or b.get(c) is None for c in cols)


def _eq(col: str) -> Predicate:
    def pred(a: Features, b: Features) -> bool:
        va, vb = a.get(col), b.get(col)
        return va is not None and vb is not None and va == vb

    return pred


def _jw_at_least(col: str, threshold: float) -> Predicate:
    def pred(a: Features, b: Features) -> bool:
        va, vb = a.get(col), b.get(col)
        if va is None or vb is None:
            return False
        return jellyfish.jaro_winkler_similarity(va, vb) >= threshold

    return pred


def _contains(lst: Any, value: Any) -> bool:
    return value is not None and lst is not None and value in lst


def _has_any(a: Any, b: Any) -> bool:
    return a is not None and b is not None and not set(a).isdisjoint(b)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _any(*preds: Predicate) -> Predicate:
    return lambda a, b: any(p(a, b) for p in preds)


def _all(*preds: Predicate) -> Predicate:
    return lambda a, b: all(p(a, b) for p in preds)


def _jw_sql(col: str, threshold: float) -> str:
    return f'jaro_winkler_similarity("{col}_l", "{col}_r") >= {threshold}'


def _else(label: str = "all other comparisons") -> Level:
    return Level(label, "ELSE", lambda a, b: True)


# ---------------------------------------------------------------------------
# Comparisons
# ---------------------------------------------------------------------------


#: Given and family names exchanged, each within Jaro-Winkler 0.9 of the other's
#: (a swap with a typo on either side; the exact swap is its own level).
SWAP_JW = 0.9
_SWAP_FUZZY_SQL = (
    f'jaro_winkler_similarity("given_l", "family_r") >= {SWAP_JW} '
    f'AND jaro_winkler_similarity("given_r", "family_l") >= {SWAP_JW}'
)


def _swapped_fuzzy(a: Features, b: Features) -> bool:
    ga, gb, fa, fb = a.get("given"), b.get("given"), a.get("family"), b.get("family")
    if ga is None or gb is None or fa is None or fb is None:
        return False
    return (
        jellyfish.jaro_winkler_similarity(ga, fb) >= SWAP_JW
        and jellyfish.jaro_winkler_similarity(gb, fa) >= SWAP_JW
    )


def given_name_comparison(*, swap_with_typo: bool = True) -> Comparison:
    """Given name: exact (TF), nickname, JW≥0.92, phonetic, swapped (exact, then with a
    typo), middle, JW≥0.8, else."""

    def swapped(a: Features, b: Features) -> bool:
        return _contains(b.get("family_parts"), a.get("given")) and _contains(
            a.get("family_parts"), b.get("given")
        )

    def middle(a: Features, b: Features) -> bool:
        return _contains(b.get("middle"), a.get("given")) or _contains(
            a.get("middle"), b.get("given")
        )

    return Comparison(
        "given_name",
        (
            Level("null", '"given_l" IS NULL OR "given_r" IS NULL',
                  _either_null("given"), is_null=True),
            Level("exact", '"given_l" = "given_r"', _eq("given"), tf_column="given"),
            Level("nickname/diminutive",
                  'list_has_any("given_canon_l", "given_canon_r")',
                  lambda a, b: _has_any(a.get("given_canon"), b.get("given_canon"))),
            Level("jaro-winkler >= 0.92", _jw_sql("given", 0.92), _jw_at_least("given", 0.92)),
            Level("phonetic",
                  '"given_ph1_l" = "given_ph1_r" OR "given_ph2_l" = "given_ph2_r"',
                  _any(_eq("given_ph1"), _eq("given_ph2"))),
            Level("swapped with family name",
                  'list_contains("family_parts_r", "given_l") '
                  'AND list_contains("family_parts_l", "given_r")',
                  swapped),
            *([Level("swapped with family name, with a typo", _SWAP_FUZZY_SQL, _swapped_fuzzy)]
              if swap_with_typo else []),
            Level("known by middle name",
                  'list_contains("middle_r", "given_l") OR list_contains("middle_l", "given_r")',
                  middle),
            Level("jaro-winkler >= 0.80", _jw_sql("given", 0.80), _jw_at_least("given", 0.80)),
            _else(GIVEN_CLEARLY_DIFFERENT),
        ),
        "Given name",
    )  # fmt: skip


def family_name_comparison(*, swap_with_typo: bool = True) -> Comparison:
    """Family name: exact (TF), shared part/previous name, swapped (exact, then with a typo),
    JW, phonetic, else."""
    return Comparison(
        "family_name",
        (
            Level("null", '"family_l" IS NULL OR "family_r" IS NULL',
                  _either_null("family"), is_null=True),
            Level("exact", '"family_l" = "family_r"', _eq("family"), tf_column="family"),
            Level("shared part or previous name",
                  'list_has_any("family_parts_l", "family_parts_r")',
                  lambda a, b: _has_any(a.get("family_parts"), b.get("family_parts"))),
            Level("swapped with given name",
                  'list_contains("family_parts_r", "given_l") '
                  'AND list_contains("family_parts_l", "given_r")',
                  lambda a, b: _contains(b.get("family_parts"), a.get("given"))
                  and _contains(a.get("family_parts"), b.get("given"))),
            *([Level("swapped with given name, with a typo", _SWAP_FUZZY_SQL, _swapped_fuzzy)]
              if swap_with_typo else []),
            Level("jaro-winkler >= 0.92", _jw_sql("family", 0.92), _jw_at_least("family", 0.92)),
            Level("phonetic",
                  '"family_ph1_l" = "family_ph1_r" OR "family_ph2_l" = "family_ph2_r"',
                  _any(_eq("family_ph1"), _eq("family_ph2"))),
            Level("jaro-winkler >= 0.80", _jw_sql("family", 0.80), _jw_at_least("family", 0.80)),
            _else(),
        ),
        "Family name",
    )  # fmt: skip


def _transposed(a: Features, b: Features) -> bool:
    return (
        a.get("dob_y") == b.get("dob_y")
        and a.get("dob_m") == b.get("dob_d")
        and a.get("dob_d") == b.get("dob_m")
    )


def _one_component(a: Features, b: Features) -> bool:
    y = a.get("dob_y") == b.get("dob_y")
    m = a.get("dob_m") == b.get("dob_m")
    d = a.get("dob_d") == b.get("dob_d")
    return (y and m) or (y and d) or (m and d)


def _within_year(a: Features, b: Features) -> bool:
    da, db = _date(a.get("dob")), _date(b.get("dob"))
    return da is not None and db is not None and abs((da - db).days) <= 365


def date_of_birth_comparison() -> Comparison:
    """Date of birth: exact, day/month transposed, one component different, ≤1 year, else."""
    return Comparison(
        "date_of_birth",
        (
            Level("null", '"dob_l" IS NULL OR "dob_r" IS NULL', _either_null("dob"),
                  is_null=True),
            Level("exact", '"dob_l" = "dob_r"', _eq("dob")),
            Level("day and month transposed",
                  '"dob_y_l" = "dob_y_r" AND "dob_m_l" = "dob_d_r" AND "dob_d_l" = "dob_m_r"',
                  _transposed),
            Level("one component different",
                  '("dob_y_l" = "dob_y_r" AND "dob_m_l" = "dob_m_r") '
                  'OR ("dob_y_l" = "dob_y_r" AND "dob_d_l" = "dob_d_r") '
                  'OR ("dob_m_l" = "dob_m_r" AND "dob_d_l" = "dob_d_r")',
                  _one_component),
            Level("within a year",
                  'abs(date_diff(\'day\', CAST("dob_l" AS DATE), CAST("dob_r" AS DATE))) <= 365',
                  _within_year),
            _else(DOB_FAR_APART),
        ),
        "Date of birth",
    )  # fmt: skip


def sex_comparison() -> Comparison:
    """Sex: exact or different (unknown is null)."""
    return Comparison(
        "sex",
        (
            Level("null", '"sex_l" IS NULL OR "sex_r" IS NULL', _either_null("sex"),
                  is_null=True),
            Level("exact", '"sex_l" = "sex_r"', _eq("sex")),
            _else("different"),
        ),
        "Sex",
    )  # fmt: skip


def postcode_comparison() -> Comparison:
    """Postcode: full, sector, district, else."""
    return Comparison(
        "postcode",
        (
            Level("null", '"postcode_l" IS NULL OR "postcode_r" IS NULL',
                  _either_null("postcode"), is_null=True),
            Level("full", '"postcode_l" = "postcode_r"', _eq("postcode")),
            Level("sector", '"pc_sector_l" = "pc_sector_r"', _eq("pc_sector")),
            Level("district", '"pc_district_l" = "pc_district_r"', _eq("pc_district")),
            _else(),
        ),
        "Postcode",
    )  # fmt: skip


def address_comparison() -> Comparison:
    """First address line: exact, JW≥0.90, else."""
    return Comparison(
        "address_line1",
        (
            Level("null", '"address_l" IS NULL OR "address_r" IS NULL',
                  _either_null("address"), is_null=True),
            Level("exact", '"address_l" = "address_r"', _eq("address")),
            Level("jaro-winkler >= 0.90", _jw_sql("address", 0.90),
                  _jw_at_least("address", 0.90)),
            _else(),
        ),
        "Address line 1",
    )  # fmt: skip


def town_comparison() -> Comparison:
    """Town or locality: exact (TF), JW≥0.90, else."""
    return Comparison(
        "town",
        (
            Level("null", '"town_l" IS NULL OR "town_r" IS NULL', _either_null("town"),
                  is_null=True),
            Level("exact", '"town_l" = "town_r"', _eq("town"), tf_column="town"),
            Level("jaro-winkler >= 0.90", _jw_sql("town", 0.90), _jw_at_least("town", 0.90)),
            _else(),
        ),
        "Town",
    )  # fmt: skip


def _edit_distance_at_most_one(col: str) -> Predicate:
    def pred(a: Features, b: Features) -> bool:
        va, vb = a.get(col), b.get(col)
        if va is None or vb is None:
            return False
        return jellyfish.damerau_levenshtein_distance(va, vb) <= 1

    return pred


def identifier_comparison(name: str, column: str) -> Comparison:
    """An identifier (NHS number, UPN, Febrl soc_sec_id): exact, one edit, different.

    Columns hold only *valid* identifiers (``normalise.prepare_record`` nulls
    invalid NHS numbers and UPNs), so a null level covers missing and invalid.
    """
    return Comparison(
        name,
        (
            Level("null", f'"{column}_l" IS NULL OR "{column}_r" IS NULL',
                  _either_null(column), is_null=True),
            Level("exact", f'"{column}_l" = "{column}_r"', _eq(column)),
            Level("one edit", f'damerau_levenshtein("{column}_l", "{column}_r") <= 1',
                  _edit_distance_at_most_one(column)),
            _else(IDENTIFIER_DIFFERENT),
        ),
        name.replace("_", " ").capitalize(),
    )  # fmt: skip


def build_comparisons(
    *,
    use_sex: bool = True,
    use_upn: bool = True,
    use_address: bool = True,
    use_town: bool = True,
    swap_with_typo: bool = True,
) -> list[Comparison]:
    """The engine's comparisons, in a fixed order (the order of the Splink model).

    ``use_town=False, swap_with_typo=False`` gives the comparisons of engine 1.0.0
    models (no town comparison, no "swapped, with a typo" name levels).
    """
    comps: list[Comparison] = [
        given_name_comparison(swap_with_typo=swap_with_typo),
        family_name_comparison(swap_with_typo=swap_with_typo),
        date_of_birth_comparison(),
    ]
    if use_sex:
        comps.append(sex_comparison())
    comps.append(postcode_comparison())
    if use_address:
        comps.append(address_comparison())
    if use_town:
        comps.append(town_comparison())
    comps.append(identifier_comparison("nhs_number", "nhs"))
    if use_upn:
        comps.append(identifier_comparison("upn", "upn"))
    return comps


def comparison_by_name(comparisons: Sequence[Comparison], name: str) -> Comparison:
    """Find a comparison by output name."""
    for comp in comparisons:
        if comp.name == name:
            return comp
    raise KeyError(name)
