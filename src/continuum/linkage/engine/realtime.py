"""Pure-Python real-time scoring with the trained parameters (no Splink, no DuckDB).

``score_pair`` reproduces the Splink model's comparison levels (the same
``comparisons.py`` definitions), Bayes factors and term-frequency adjustments,
so a pair scores the same here as in a Splink batch run.  ``blocking_keys``
gives indexable strings for database candidate generation.

Records may be raw person-extract dicts or already-prepared feature dicts (as
returned by :func:`prepare`); raw dicts are prepared on the fly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cache
from typing import Any, TypedDict

from .comparisons import Comparison, build_comparisons
from .normalise import (
    FEATURE_COLUMNS,
    FeatureOptions,
    clean_text,
    normalise_address,
    normalise_postcode,
    prepare_record,
)
from .rules import hard_conflict, review_only, unborn_links_to, worth_review

Params = Mapping[str, Any]


class FieldScore(TypedDict):
    """One entry of the per-field breakdown returned by :func:`score_pair`."""

    field: str
    level_label: str
    level_index: int
    bayes_factor: float
    weight: float


def _options(params: Params) -> FeatureOptions:
    cfg = params.get("config", {})
    return FeatureOptions(
        identifier_check=cfg.get("identifier_check", "nhs"),
        postcode_style=cfg.get("postcode_style", "uk"),
    )


@cache
def _comparisons(
    use_sex: bool, use_upn: bool, use_address: bool, use_town: bool, swap_with_typo: bool
) -> list[Comparison]:
    return build_comparisons(
        use_sex=use_sex,
        use_upn=use_upn,
        use_address=use_address,
        use_town=use_town,
        swap_with_typo=swap_with_typo,
    )


def comparisons_for(params: Params) -> list[Comparison]:
    """The comparison definitions that match a params dict.

    Models stored by engine 1.0.0 (before the town comparison and the "swapped,
    with a typo" name levels) keep scoring with the comparisons they were
    trained with.
    """
    cfg = params.get("config", {})
    legacy = params.get("engine_version", "1.0.0") == "1.0.0"
    return _comparisons(
        bool(cfg.get("use_sex", True)),
        bool(cfg.get("use_upn", True)),
        bool(cfg.get("use_address", True)),
        bool(cfg.get("use_town", True)) and not legacy,
        not legacy,
    )


def prepare(record: Mapping[str, Any], params: Params | None = None) -> dict[str, Any]:
    """Prepared features for a raw record (pass-through if already prepared).

    A record may carry ``previous_addresses``, the person's earlier addresses as
    ``[[postcode, line 1, town], …]`` (the app's address history): they become the feature
    ``history``, the same address fields as the record's own, one list per address, which
    :func:`best_at_any_address` compares a query with.
    """
    if "given_canon" in record and "family_parts" in record:
        return dict(record)
    options = _options(params or {})
    features = prepare_record(record, options)
    previous = record.get("previous_addresses")
    if previous:
        features["history"] = sorted(
            place
            for postcode, line1, town in previous
            if (place := _place(postcode, line1, town, options))[0] is not None
        )
    return features


def _place(postcode: Any, line1: Any, town: Any, options: FeatureOptions) -> list[Any]:
    pc = normalise_postcode(postcode, options.postcode_style)
    return [pc.full, pc.sector, pc.district, normalise_address(line1), clean_text(town) or None]


#: The address fields of a prepared record, in the order of a ``history`` entry.
ADDRESS_FIELDS = ("postcode", "pc_sector", "pc_district", "address", "town")


def places_of(versions: list[Mapping[str, Any]]) -> set[tuple[Any, ...]]:
    """Every address a person has had: each version's own and its ``history``."""
    out: set[tuple[Any, ...]] = set()
    for f in versions:
        if f.get("postcode") is not None:
            out.add(tuple(f.get(name) for name in ADDRESS_FIELDS))
        out.update(tuple(h) for h in f.get("history") or ())
    return out


def best_at_any_address(
    query: Mapping[str, Any],
    version: Mapping[str, Any],
    places: set[tuple[Any, ...]],
    params: Params,
) -> tuple[float, float, list[FieldScore]]:
    """:func:`score_pair` of the query with the version, and with the version at each other
    address of the person who shares the query's postcode (people move; an agency may hold an
    old address): the best, with a ``"rule"`` entry ``"address history"`` when a former
    address gave it."""
    best = score_pair(query, version, params)
    postcode = query.get("postcode")
    if postcode is None or postcode == version.get("postcode"):
        return best
    for place in places:
        if place[0] != postcode:
            continue
        moved = {**version, **dict(zip(ADDRESS_FIELDS, place, strict=True))}
        scored = score_pair(query, moved, params)
        if scored[1] > best[1]:
            note = FieldScore(field="rule", level_label="address history", level_index=-1,
                              bayes_factor=1.0, weight=0.0)  # fmt: skip
            best = (scored[0], scored[1], [*scored[2], note])
    return best


def _tf_adjustment(
    level: Mapping[str, Any], a: Mapping[str, Any], b: Mapping[str, Any], params: Params
) -> float:
    """Splink's TF adjustment (log2) for an exact-match level with TF enabled."""
    col = level.get("tf_column")
    if not col:
        return 0.0
    table = params.get("term_frequencies", {}).get(col, {})
    tfs = [t for t in (table.get(a.get(col)), table.get(b.get(col))) if t is not None]
    if not tfs:
        return 0.0
    u_exact = level.get("tf_exact_u_probability") or level["u_probability"]
    tf_value = max(*tfs, float(level.get("tf_minimum_u_value") or 0.0))
    return math.log2(u_exact) - math.log2(tf_value)


def score_pair(
    record_a: Mapping[str, Any],
    record_b: Mapping[str, Any],
    params: Params,
    *,
    apply_rules: bool = True,
) -> tuple[float, float, list[FieldScore]]:
    """Score a pair of records: ``(match_weight, probability, breakdown)``.

    ``match_weight`` is log2 of the posterior odds (prior + Σ level weights + TF
    adjustments), as in Splink.  ``breakdown`` lists each comparison's level and
    Bayes factor (TF adjustment folded in).  With ``apply_rules`` (default) the
    engine's hard rules are applied after the model: a conflicting pair (valid NHS
    numbers differ; clearly different given names, i.e. twins) gets weight -inf
    and probability 0; an unborn record whose EDD fits a born child's DOB gets at
    least ``unborn_link_probability`` (the caller must still check that only one
    born child fits, as the batch clusterer does); a pair whose evidence is too weak
    to link on (``rules.review_only``: no date of birth, an initial or no given name,
    and no identifier that agrees) keeps its weight but its probability is held below
    the upper threshold (:func:`review_cap`).  Each rule that fires is appended to the
    breakdown as field ``"rule"``.
    """
    a = prepare(record_a, params)
    b = prepare(record_b, params)
    lam = float(params["probability_two_random_records_match"])
    weight = math.log2(lam / (1.0 - lam))
    breakdown: list[FieldScore] = []
    for comp, comp_params in zip(comparisons_for(params), params["comparisons"], strict=True):
        idx = comp.level_of(a, b)
        level = comp_params["levels"][idx]
        lw = float(level["log2_bayes_factor"]) if not level["is_null"] else 0.0
        if not level["is_null"]:
            lw += _tf_adjustment(level, a, b, params)
        weight += lw
        breakdown.append(
            FieldScore(field=comp.name, level_label=level["label"], level_index=idx,
                       bayes_factor=2.0**lw, weight=lw)
        )  # fmt: skip
    probability = _probability(weight)
    if apply_rules:
        cfg = params.get("config", {})
        conflict = hard_conflict(
            a, b,
            identifier_rule=bool(cfg.get("identifier_hard_rule", True)),
            given_name_rule=bool(cfg.get("given_name_hard_rule", True)),
            dob_rule=bool(cfg.get("dob_hard_rule", True)),
            unborn_window_days=int(cfg.get("unborn_window_days", 28)),
        )  # fmt: skip
        if conflict:
            breakdown.append(
                FieldScore(
                    field="rule",
                    level_label=conflict,
                    level_index=-1,
                    bayes_factor=0.0,
                    weight=float("-inf"),
                )
            )
            return float("-inf"), 0.0, breakdown
        weak = review_only(a, b) if cfg.get("review_only_rule", True) else None
        if weak:
            cap = review_cap(params, review=worth_review(a, b, weak))
            probability = min(probability, cap)
            breakdown.append(
                FieldScore(field="rule", level_label=weak, level_index=-1, bayes_factor=1.0,
                           weight=0.0)
            )  # fmt: skip
        window = int(cfg.get("unborn_window_days", 28))
        if unborn_links_to(a, b, window) or unborn_links_to(b, a, window):
            floor = float(params.get("unborn_link_probability", 0.995))
            if probability < floor:
                weight = math.log2(floor / (1.0 - floor))
                probability = floor
            breakdown.append(
                FieldScore(
                    field="rule",
                    level_label="unborn to born (EDD)",
                    level_index=-1,
                    bayes_factor=1.0,
                    weight=0.0,
                )
            )
    return weight, probability, breakdown


def review_cap(params: Params, *, review: bool = True) -> float:
    """The highest probability a pair whose evidence is too weak to link
    (:func:`rules.review_only`) may have: just below the upper threshold, so it goes
    to review when the model rates it that high, and never links; just below the lower
    threshold when it is not worth a review either (``rules.worth_review``)."""
    thresholds = params.get("thresholds", {})
    bound = float(thresholds.get("upper", 0.99) if review else thresholds.get("lower", 0.8))
    return math.nextafter(bound, 0.0)


def _probability(weight: float) -> float:
    if weight > 1000:
        return 1.0
    if weight < -1000:
        return 0.0
    odds = 2.0**weight
    return odds / (1.0 + odds)


def classify(probability: float, params: Params) -> str:
    """``"link"``, ``"review"`` or ``"no_link"`` against the params' thresholds."""
    thresholds = params.get("thresholds", {})
    if probability >= float(thresholds.get("upper", 0.99)):
        return "link"
    if probability >= float(thresholds.get("lower", 0.8)):
        return "review"
    return "no_link"


def blocking_keys(record: Mapping[str, Any], params: Params | None = None) -> list[str]:
    """Indexable candidate-generation keys for a record.

    Two records that share any key are candidates.  The keys cover the batch
    blocking rules (``model.DEFAULT_BLOCKING_RULES``; date of birth with postcode
    district covers the batch rule's sector, and family name with year and month
    of birth is kept, cheap as an index lookup, though the batch no longer blocks
    on it), so a database index on ``(key)`` finds what the batch run would
    compare, plus the unborn rule's key (family name part + postcode) so an
    unborn record meets its born child.
    """
    f = prepare(record, params)
    keys: list[str] = []

    def add(name: str, *values: Any) -> None:
        if all(v is not None and v != "" for v in values):
            keys.append(name + ":" + "|".join(str(v) for v in values))

    add("nhs", f.get("nhs"))
    add("upn", f.get("upn"))
    add("dob+district", f.get("dob"), f.get("pc_district"))
    add("dob+fam", f.get("dob"), f.get("family_ph1"))
    add("dob+given", f.get("dob"), f.get("given_ph1"))
    add("fam+given+year", f.get("family_ph1"), f.get("given_ph1"), f.get("dob_y"))
    add("given+fam+district", f.get("given_ph1"), f.get("family_ph1"), f.get("pc_district"))
    add("postcode+fam", f.get("postcode"), f.get("family_ph1"))
    add("address+given", f.get("address"), f.get("given_ph1"))
    add("fam+year+month", f.get("family_ph1"), f.get("dob_y"), f.get("dob_m"))
    for part in f.get("family_parts") or []:
        add("part+postcode", part, f.get("postcode"))
    return sorted(set(keys))


__all__ = [
    "FEATURE_COLUMNS",
    "FieldScore",
    "blocking_keys",
    "classify",
    "comparisons_for",
    "prepare",
    "score_pair",
]
