"""Deterministic safety rules applied on top of the probabilistic model.

A wrong merge is worse than a missed one, so two kinds of rule exist:

* **Hard conflicts** (:func:`hard_conflict`): a pair that must never end up in
  the same person, whatever its score, and whatever chain of other links would
  join them.  The clusterer enforces these between *groups*, not only pairs.

  - both records have a valid NHS number and the numbers differ (likewise UPN);
  - the given names are clearly different (the model's "clearly different"
    level: not equal, not a known diminutive, not phonetically or
    orthographically close, not a swapped or middle name; also after undoing a
    given/family swap, and not one typo from a known form of the other name) —
    the signature of twins and siblings who share surname, birthday and
    address — unless a valid identifier agrees;
  - the recorded sexes differ and the given names are not the same name or a
    diminutive of each other (boy/girl twins "Oliver" and "Olivia");
  - the dates of birth are more than a year apart *and* differ in two or more
    of day, month and year (parent and child sharing a name and address),
    unless a valid identifier agrees;
  - an unborn record's expected date of delivery is more than the window away
    from the other record's date of birth (pair-level only: the clusterer
    joins unborn records solely through the unborn rule below).

* **Unborn → born** (:func:`unborn_links_to`): a record with a placeholder or
  blank given name, no date of birth and an expected date of delivery (EDD)
  links to a born child with a shared family-name part, the same postcode or
  first address line, and a date of birth within ±``window_days`` of the EDD.
  The batch clusterer applies it only when exactly one born person fits (twins
  are two candidates, so an unborn twin pregnancy record stays unlinked for
  review).  Two unborn records of the same family, address and EDD (±window)
  are the same pregnancy (:func:`same_pregnancy`).  Model-scored links that
  involve an unborn record are not used: only these rules link them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cache, lru_cache
from typing import Any

from jellyfish import damerau_levenshtein_distance

from .comparisons import (
    DOB_FAR_APART,
    GIVEN_CLEARLY_DIFFERENT,
    date_of_birth_comparison,
    given_name_comparison,
)
from .normalise import canonical_names, given_name_features, nickname_table, phonetic_keys

_GIVEN = given_name_comparison()
_DOB = date_of_birth_comparison()
_DOB_LABELS = [lvl.label for lvl in _DOB.levels]
_GIVEN_LABELS = [lvl.label for lvl in _GIVEN.levels]
_SAME_NAME_LEVELS = {"exact", "nickname/diminutive"}

Features = Mapping[str, Any]


def _days_apart(a: str | None, b: str | None) -> int | None:
    if not a or not b:
        return None
    return abs((date.fromisoformat(a) - date.fromisoformat(b)).days)


#: Given-name levels that depend on the two given names alone (they come before
#: the levels that look at family and middle names).
NAME_ONLY_LEVELS = frozenset({"exact", "nickname/diminutive", "jaro-winkler >= 0.92", "phonetic"})


@lru_cache(maxsize=500_000)
def given_level_by_name(a: str, b: str) -> str | None:
    """The given-name level of two given names if it depends on the names alone, else None."""
    label = _GIVEN_LABELS[_GIVEN.level_of(given_features(a), given_features(b))]
    return label if label in NAME_ONLY_LEVELS else None


def given_name_level(a: Features, b: Features) -> str:
    """Label of the given-name comparison level for two prepared records."""
    ga, gb = a.get("given"), b.get("given")
    if ga is not None and gb is not None:
        label = given_level_by_name(ga, gb)
        if label is not None:
            return label
    return _GIVEN_LABELS[_GIVEN.level_of(a, b)]


@lru_cache(maxsize=100_000)
def given_features(given: str) -> dict[str, Any]:
    """The given-name features of a normalised given name alone (no family name)."""
    canon, ph1, ph2 = given_name_features(given)
    return {"given": given, "given_canon": canon, "given_ph1": ph1, "given_ph2": ph2}


@lru_cache(maxsize=500_000)
def dob_far_apart(a: str, b: str) -> bool:
    """True if two ISO dates of birth are at the "far apart" level (the DOB hard rule)."""
    fa, fb = (
        {"dob": d, "dob_y": int(d[:4]), "dob_m": int(d[5:7]), "dob_d": int(d[8:10])} for d in (a, b)
    )
    return _DOB_LABELS[_DOB.level_of(fa, fb)] == DOB_FAR_APART


@cache
def _variants_by_canonical() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for form, canons in nickname_table().items():
        for canon in canons:
            out.setdefault(canon, set()).add(form)
    return {k: frozenset(v) for k, v in out.items()}


def _near_variant(name: str, other: Features) -> bool:
    """True if ``name`` is one typo away from a known form of the other's given name."""
    if len(name) < 4:
        return False
    variants = _variants_by_canonical()
    for canon in other.get("given_canon") or ():
        for form in variants.get(canon, ()):
            if abs(len(form) - len(name)) <= 1 and damerau_levenshtein_distance(name, form) <= 1:
                return True
    return False


def _swapped(f: Features) -> dict[str, Any]:
    """The record with given and family names exchanged (for swap-aware checks)."""
    family = f.get("family")
    if not family or not f.get("given"):
        return dict(f)
    given = family.split(" ")[0]
    return {**f, "given": given, "given_canon": list(canonical_names(given)),
            "given_ph1": phonetic_keys(given)[0], "given_ph2": phonetic_keys(given)[1],
            "family": f["given"], "family_parts": [f["given"]]}  # fmt: skip


def given_names_clearly_different(a: Features, b: Features) -> bool:
    """The twins test: given names that no error pattern explains.

    Clearly different on the model's given-name comparison, also after undoing a
    given/family swap on either side, and neither name is one typo away from a
    known form (diminutive or full) of the other.
    """
    if given_name_level(a, b) != GIVEN_CLEARLY_DIFFERENT:
        return False
    for x, y in ((a, b), (b, a)):
        fam_y = y.get("family_parts") or ()
        if x.get("given") in fam_y and given_name_level(_swapped(x), y) != GIVEN_CLEARLY_DIFFERENT:
            return False
    ga, gb = a.get("given"), b.get("given")
    if ga and gb and (_initial_of(ga, gb) or _initial_of(gb, ga)):
        return False  # an initial could be either name: never linked on it, but not a conflict
    return not (ga and gb and (_near_variant(ga, b) or _near_variant(gb, a)))


def _initial_of(initial: str, name: str) -> bool:
    return len(initial) == 1 and name[:1] == initial


#: The reasons a pair may go to review but is never linked automatically.
NO_DATE_OF_BIRTH = "no date of birth: not linked on name and address alone"
INITIAL_ONLY = "a given name is an initial: not linked on it alone"
NO_GIVEN_NAME = "no given name: not linked on family name and address alone"


#: Given-name levels close enough for a pair without a date of birth to be worth a review.
CLOSE_GIVEN_LEVELS = frozenset({
    "exact", "nickname/diminutive", "jaro-winkler >= 0.92", "phonetic",
    "swapped with family name", "swapped with family name, with a typo", "known by middle name",
})  # fmt: skip


def worth_review(a: Features, b: Features, reason: str) -> bool:
    """Whether a pair held at review (:func:`review_only`) is worth a reviewer's time: without
    a date of birth, only when the given names are the same name, a diminutive, or close (a
    mother and daughter of one family and address differ only in given name and age)."""
    if reason != NO_DATE_OF_BIRTH:
        return True
    if not a.get("given") or not b.get("given"):
        return True  # the family name and address are all there is to go on
    return given_name_level(a, b) in CLOSE_GIVEN_LEVELS


def review_only(a: Features, b: Features) -> str | None:
    """Why the evidence of a pair is too weak to link it automatically, or None.

    A record with no date of birth, a given name that is only an initial, or no given
    name is linked automatically only when an identifier agrees (a valid NHS number
    or UPN); otherwise the pair goes to review at most, however well names and
    address agree (two people of one family at one address share those).  Unborn
    records are linked by the unborn rule, not here.
    """
    if a.get("unborn") or b.get("unborn"):
        return None
    for col in ("nhs", "upn"):
        if a.get(col) is not None and a.get(col) == b.get(col):
            return None
    if not a.get("dob") or not b.get("dob"):
        return NO_DATE_OF_BIRTH
    ga, gb = a.get("given"), b.get("given")
    if not ga or not gb:
        return NO_GIVEN_NAME
    if len(ga) == 1 or len(gb) == 1:
        return INITIAL_ONLY
    return None


def hard_conflict(
    a: Features,
    b: Features,
    *,
    identifier_rule: bool = True,
    given_name_rule: bool = True,
    dob_rule: bool = True,
    edd_rule: bool = True,
    unborn_window_days: int = 28,
) -> str | None:
    """Reason why two prepared records must never be linked, or None."""
    nhs_a, nhs_b = a.get("nhs"), b.get("nhs")
    same_identifier = nhs_a is not None and nhs_a == nhs_b
    if identifier_rule and nhs_a is not None and nhs_b is not None and nhs_a != nhs_b:
        return "NHS numbers differ"
    upn_a, upn_b = a.get("upn"), b.get("upn")
    if identifier_rule and upn_a is not None and upn_b is not None and upn_a != upn_b:
        return "UPNs differ"
    if given_name_rule and not same_identifier:
        if given_names_clearly_different(a, b):
            return "given names clearly different"
        level = given_name_level(a, b)
        sex_a, sex_b = a.get("sex"), b.get("sex")
        if (
            sex_a is not None
            and sex_b is not None
            and sex_a != sex_b
            and a.get("given") is not None
            and b.get("given") is not None
            and level not in _SAME_NAME_LEVELS
        ):
            return "sex differs and given names differ"
    if (
        dob_rule
        and not same_identifier
        and a.get("dob")
        and b.get("dob")
        and dob_far_apart(a["dob"], b["dob"])
    ):
        return "dates of birth far apart"
    for u, other in ((a, b), (b, a)):
        if edd_rule and u.get("unborn") and other.get("dob"):
            gap = _days_apart(u.get("edd"), other.get("dob"))
            if gap is not None and gap > unborn_window_days:
                return "date of birth outside the EDD window"
    return None


def _family_overlap(a: Features, b: Features) -> bool:
    pa, pb = a.get("family_parts"), b.get("family_parts")
    return bool(pa) and bool(pb) and not set(pa).isdisjoint(pb)


def _same_place(a: Features, b: Features) -> bool:
    return (a.get("postcode") is not None and a.get("postcode") == b.get("postcode")) or (
        a.get("address") is not None and a.get("address") == b.get("address")
    )


def unborn_links_to(unborn: Features, born: Features, window_days: int = 28) -> bool:
    """True if ``unborn`` (EDD, no DOB) fits ``born`` (a child with a DOB)."""
    if not unborn.get("unborn") or born.get("unborn") or not born.get("dob"):
        return False
    gap = _days_apart(unborn.get("edd"), born.get("dob"))
    return (
        gap is not None
        and gap <= window_days
        and _family_overlap(unborn, born)
        and _same_place(unborn, born)
    )


def same_pregnancy(a: Features, b: Features, window_days: int = 28) -> bool:
    """True if two unborn records describe the same pregnancy."""
    if not a.get("unborn") or not b.get("unborn"):
        return False
    gap = _days_apart(a.get("edd"), b.get("edd"))
    return gap is not None and gap <= window_days and _family_overlap(a, b) and _same_place(a, b)
