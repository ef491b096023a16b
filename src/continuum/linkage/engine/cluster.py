"""Constraint-aware clustering of scored pairs into persons.

Plain connected components would let a chain of links (twin A — shared
"Baby" record — twin B) merge two people.  Instead, links are merged greedily
from strongest to weakest and a merge of two groups is refused if *any* pair of
records across them is a hard conflict (``rules.hard_conflict``) or, when
``unique_per_source`` is set, if both groups hold a record from the same source.
Unborn records are then attached by the deterministic EDD rule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .model import LinkageConfig
from .rules import hard_conflict, same_pregnancy, unborn_links_to


class _Groups:
    """Union-find that keeps each root's member list."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.members: dict[str, list[str]] = {}

    def find(self, x: str) -> str:
        parent = self.parent
        if x not in parent:
            parent[x] = x
            self.members[x] = [x]
            return x
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, ra: str, rb: str) -> str:
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))
        return ra


@dataclass
class ClusterStats:
    """Counts reported by :func:`cluster_records`."""

    model_links_used: int = 0
    model_links_refused: int = 0
    unborn_links: int = 0
    unborn_ambiguous: int = 0


class _Clusterer:
    def __init__(self, features: Mapping[str, Mapping[str, Any]], config: LinkageConfig):
        self.features = features
        self.config = config
        self.groups = _Groups()
        self.stats = ClusterStats()

    def conflict(self, ra: str, rb: str) -> bool:
        cfg = self.config
        ma, mb = self.groups.members[ra], self.groups.members[rb]
        if cfg.unique_per_source:
            sources_a = {self.features[m]["source"] for m in ma}
            if any(self.features[m]["source"] in sources_a for m in mb):
                return True
        for x in ma:
            fx = self.features[x]
            for y in mb:
                if hard_conflict(
                    fx, self.features[y],
                    identifier_rule=cfg.identifier_hard_rule,
                    given_name_rule=cfg.given_name_hard_rule,
                    dob_rule=cfg.dob_hard_rule,
                    edd_rule=False,
                    unborn_window_days=cfg.unborn_window_days,
                ):  # fmt: skip
                    return True
        return False

    def try_merge(self, a: str, b: str) -> bool:
        ra, rb = self.groups.find(a), self.groups.find(b)
        if ra == rb:
            return True
        if self.conflict(ra, rb):
            return False
        self.groups.union(ra, rb)
        return True


def _unborn_candidates(frame: pd.DataFrame) -> list[tuple[str, str]]:
    """Pairs (unborn uid, other uid) sharing a family-name part and postcode or address."""
    unborn = frame[frame["unborn"]]
    if unborn.empty:
        return []
    cols = ["uid", "family_parts", "postcode", "address"]
    u = unborn[cols].explode("family_parts").dropna(subset=["family_parts"])
    o = frame[cols].explode("family_parts").dropna(subset=["family_parts"])
    pairs: set[tuple[str, str]] = set()
    for place in ("postcode", "address"):
        m = u.dropna(subset=[place]).merge(
            o.dropna(subset=[place]), on=["family_parts", place], suffixes=("_u", "_o")
        )
        pairs.update(zip(m["uid_u"], m["uid_o"], strict=True))
    return sorted((a, b) for a, b in pairs if a != b)


def cluster_records(
    frame: pd.DataFrame,
    pairs: pd.DataFrame,
    config: LinkageConfig,
) -> tuple[pd.DataFrame, ClusterStats]:
    """Assign a ``person_id`` to every record of ``frame``.

    ``pairs`` are scored pairs (``uid_l, uid_r, match_probability, match_weight``);
    only those at or above ``config.threshold_upper`` are auto-links.  Returns
    (DataFrame ``uid, source, record_id, person_id``, stats).
    """
    links = pairs[pairs["match_probability"] >= config.threshold_upper]
    links = links.sort_values(["match_weight", "uid_l", "uid_r"], ascending=[False, True, True])
    unborn_uids = set(frame.loc[frame["unborn"], "uid"])
    candidates = _unborn_candidates(frame)

    needed = set(links["uid_l"]) | set(links["uid_r"])
    needed.update(u for pair in candidates for u in pair)
    sub = frame[frame["uid"].isin(needed)]
    features = {rec["uid"]: rec for rec in sub.to_dict("records")}

    cl = _Clusterer(features, config)
    for a, b in zip(links["uid_l"], links["uid_r"], strict=True):
        if a in unborn_uids or b in unborn_uids:
            continue
        if cl.try_merge(a, b):
            cl.stats.model_links_used += 1
        else:
            cl.stats.model_links_refused += 1
    _attach_unborn(cl, candidates, config.unborn_window_days)

    person_of: dict[str, str] = {}
    roots: dict[str, list[str]] = defaultdict(list)
    for uid in frame["uid"]:
        roots[cl.groups.find(uid)].append(uid)
    ordered = sorted(roots.values(), key=min)
    for idx, members in enumerate(ordered, start=1):
        for uid in members:
            person_of[uid] = f"P{idx:08d}"
    out = frame[["uid", "source", "record_id"]].copy()
    out["person_id"] = out["uid"].map(person_of)
    return out, cl.stats


def _attach_unborn(cl: _Clusterer, candidates: Iterable[tuple[str, str]], window: int) -> None:
    feats = cl.features
    born_for: dict[str, set[str]] = defaultdict(set)
    for u, o in candidates:
        fu, fo = feats[u], feats[o]
        if same_pregnancy(fu, fo, window):
            cl.try_merge(u, o)
        elif unborn_links_to(fu, fo, window):
            born_for[u].add(o)
    # Per pregnancy group: link only if exactly one born person fits.
    by_group: dict[str, set[str]] = defaultdict(set)
    for u, borns in born_for.items():
        by_group[cl.groups.find(u)].update(borns)
    for root, borns in sorted(by_group.items()):
        persons = {cl.groups.find(b) for b in borns}
        if len(persons) == 1:
            if cl.try_merge(root, next(iter(persons))):
                cl.stats.unborn_links += 1
        else:
            cl.stats.unborn_ambiguous += 1
