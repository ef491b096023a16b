"""People move: a second look at the pairs the model left between the thresholds.

After the first clustering, each person (cluster) has every address any of its
records holds.  A pair of records that the model kept apart may differ only
because one agency holds an old address.  For each such pair (at or above the
review threshold, in two different persons):

* **Address history.**  The pair is scored again with each record's address
  replaced by each address its person has had (:func:`best_over_history`); the
  best score counts.  A police record at the old address then meets the health
  record at the new one through the school record that holds both.
* **Households move together.**  If the two records are at different postcodes
  and another person is recorded (by any agency) at both (the same mother, a
  sibling), the household moved together: that adds :data:`HOUSEHOLD_BITS` to the
  weight.  At one postcode it is no evidence (everyone there shares it).

A pair whose evidence is too weak to link on (``rules.review_only``: no date of
birth, an initial or no given name) is linked only with the strongest evidence
short of an identifier: the full name (the same name or a diminutive, and the
family name), an address the two persons share (now or in their history), and a
relationship: the household moved together, or each of the two agencies records
another member of the household at the record's address.
Every link still goes through the clusterer's conflict check, so twins and a
parent and child of one name stay apart.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .realtime import score_pair

#: Bits added to a pair's weight when the household is seen at both records' addresses.
HOUSEHOLD_BITS = 6.0
#: The address fields replaced together when a record is compared at another address.
ADDRESS_FIELDS = ("postcode", "pc_sector", "pc_district", "address", "town")
_SAME_GIVEN = {"exact", "nickname/diminutive"}
_SAME_FAMILY = {"exact", "shared part or previous name"}


def _at(features: Mapping[str, Any], place: tuple[Any, ...]) -> dict[str, Any]:
    return {**features, **dict(zip(ADDRESS_FIELDS, place, strict=True))}


def best_over_history(
    a: Mapping[str, Any],
    b: Mapping[str, Any],
    places_a: set[tuple[Any, ...]],
    places_b: set[tuple[Any, ...]],
    params: Mapping[str, Any],
) -> tuple[float, list[Any], bool]:
    """(best model weight, its breakdown, whether it needed another address) of a pair,
    each record compared at its own address and at every address its person has had."""
    own = tuple(a.get(f) for f in ADDRESS_FIELDS), tuple(b.get(f) for f in ADDRESS_FIELDS)
    best_w, best_bd = score_pair(a, b, params, apply_rules=False)[::2]
    moved = False
    for pa in places_a | {own[0]}:
        for pb in places_b | {own[1]}:
            if (pa, pb) == own or pa[0] is None or pb[0] is None or pa[0] != pb[0]:
                continue  # only another address that shares the postcode can raise the score
            w, _p, bd = score_pair(_at(a, pa), _at(b, pb), params, apply_rules=False)
            if w > best_w:
                best_w, best_bd, moved = w, bd, True
    return best_w, best_bd, moved


def _probability(weight: float) -> float:
    return 1.0 / (1.0 + 2.0 ** (-weight)) if weight > -1000 else 0.0


def history_links(
    frame: pd.DataFrame,
    pairs: pd.DataFrame,
    person: np.ndarray,
    params: Mapping[str, Any],
    threshold_upper: float,
) -> list[tuple[str, str, float, str]]:
    """The pairs the second look would link, strongest first: ``(uid_l, uid_r, weight, why)``.

    ``person``: each frame row's person label after the first clustering.  ``pairs`` has
    ``held`` (``batch.hold_weak_pairs``).
    """
    uids = frame["uid"].to_numpy(dtype=object)
    index = pd.Index(uids)
    label = pd.Series(person, index=uids)
    band = pairs[pairs["match_probability"] < threshold_upper]
    if band.empty:
        return []
    pl = label.reindex(band["uid_l"]).to_numpy()
    pr = label.reindex(band["uid_r"]).to_numpy()
    # Only a pair kept apart that a move explains (different postcodes) or held for its weak
    # evidence can gain from a second look.
    moved = band["uid_l"].map(dict(zip(uids, frame["postcode"], strict=True))).to_numpy(
        dtype=object
    ) != band["uid_r"].map(dict(zip(uids, frame["postcode"], strict=True))).to_numpy(dtype=object)
    held_any = (band["held"] != "").to_numpy() if "held" in band.columns else False
    band = band[(pl != pr) & (moved | held_any)]
    if band.empty:
        return []
    rows = np.unique(np.concatenate([index.get_indexer(band["uid_l"]),
                                     index.get_indexer(band["uid_r"])]))  # fmt: skip
    involved_people = set(person[rows].tolist())
    # Every address each involved person has had.
    places: dict[Any, set[tuple[Any, ...]]] = defaultdict(set)
    cols = {f: frame[f].to_numpy(dtype=object) for f in ADDRESS_FIELDS}
    for k in np.flatnonzero(np.isin(person, list(involved_people))):
        place = tuple(cols[f][k] for f in ADDRESS_FIELDS)
        if place[0] is not None:
            places[person[k]].add(place)
    # The people recorded at each postcode, by any agency and by each agency.
    at: dict[Any, set[Any]] = defaultdict(set)
    at_by: dict[tuple[Any, Any], set[Any]] = defaultdict(set)
    for k, (src, pc) in enumerate(zip(frame["source"], cols["postcode"], strict=True)):
        if pc is not None:
            at[pc].add(person[k])
            at_by[(src, pc)].add(person[k])
    feature_cols = list(frame.columns)
    values = {c: frame[c].to_numpy(dtype=object) for c in feature_cols}

    def features(k: int) -> dict[str, Any]:
        return {c: values[c][k] for c in feature_cols}

    upper_weight = math.log2(threshold_upper / (1.0 - threshold_upper))
    out: list[tuple[str, str, float, str]] = []
    held = band["held"].to_numpy(dtype=object) if "held" in band.columns else None
    for n, (ul, ur) in enumerate(zip(band["uid_l"], band["uid_r"], strict=True)):
        ka, kb = index.get_loc(ul), index.get_loc(ur)
        fa, fb = features(ka), features(kb)
        if fa.get("unborn") or fb.get("unborn"):
            continue
        pa, pb = person[ka], person[kb]
        weight, breakdown, moved = best_over_history(fa, fb, places[pa], places[pb], params)
        household = (
            fa["postcode"] is not None
            and fb["postcode"] is not None
            and fa["postcode"] != fb["postcode"]
            and bool((at[fa["postcode"]] & at[fb["postcode"]]) - {pa, pb})
        )
        if household:
            weight += HOUSEHOLD_BITS
        labels = {b["field"]: b["level_label"] for b in breakdown}
        why = ", ".join(
            w for w, on in (("address history", moved), ("household seen at both", household))
            if on
        )
        weak = held is not None and held[n]
        if weak:
            # A relationship: the household moved together, or both agencies record another
            # member of it at these addresses.
            known_together = bool(
                (at_by[(fa["source"], fa["postcode"])] & at_by[(fb["source"], fb["postcode"])])
                - {pa, pb}
            )
            full_name = (
                labels.get("given_name") in _SAME_GIVEN
                and labels.get("family_name") in _SAME_FAMILY
            )
            shared_place = labels.get("postcode") == "full" or labels.get("address_line1") == (
                "exact"
            )
            if full_name and shared_place and (household or known_together):
                why = why or "household known to both agencies"
                out.append((ul, ur, weight, why))
        elif weight >= upper_weight and (moved or household):
            out.append((ul, ur, weight, why))
    out.sort(key=lambda t: -t[2])
    return out
