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

import numpy as np
import pandas as pd

from .model import LinkageConfig
from .normalise import factorize
from .rules import (
    dob_far_apart,
    given_level_by_name,
    hard_conflict,
    same_pregnancy,
    unborn_links_to,
)


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
    history_links: int = 0
    unborn_links: int = 0
    unborn_ambiguous: int = 0


class _Clusterer:
    def __init__(self, features: Mapping[str, Mapping[str, Any]], config: LinkageConfig):
        self.features = features
        self.config = config
        self.groups = _Groups()
        self.stats = ClusterStats()
        # Pairs of records already checked (a refused merge is often retried through
        # another link between the same two groups).
        self.known: dict[tuple[str, str], bool] = {}

    def conflict(self, ra: str, rb: str) -> bool:
        cfg = self.config
        ma, mb = self.groups.members[ra], self.groups.members[rb]
        if cfg.unique_per_source:
            sources_a = {self.features[m]["source"] for m in ma}
            if any(self.features[m]["source"] in sources_a for m in mb):
                return True
        known = self.known
        for x in ma:
            fx = self.features[x]
            for y in mb:
                key = (x, y) if x < y else (y, x)
                found = known.get(key)
                if found is None:
                    found = known[key] = bool(hard_conflict(
                        fx, self.features[y],
                        identifier_rule=cfg.identifier_hard_rule,
                        given_name_rule=cfg.given_name_hard_rule,
                        dob_rule=cfg.dob_hard_rule,
                        edd_rule=False,
                        unborn_window_days=cfg.unborn_window_days,
                    ))  # fmt: skip
                if found:
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
    # Only records at an unborn record's postcode or address can pair with it.
    near = frame["postcode"].isin(set(unborn["postcode"].dropna())) | frame["address"].isin(
        set(unborn["address"].dropna())
    )
    o = frame.loc[near, cols].explode("family_parts").dropna(subset=["family_parts"])
    pairs: set[tuple[str, str]] = set()
    for place in ("postcode", "address"):
        m = u.dropna(subset=[place]).merge(
            o.dropna(subset=[place]), on=["family_parts", place], suffixes=("_u", "_o")
        )
        pairs.update(zip(m["uid_u"], m["uid_o"], strict=True))
    return sorted((a, b) for a, b in pairs if a != b)


def _components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected-component label of each of ``n`` nodes joined by the given edges."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _distinct_per_group(groups: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Number of distinct non-null ``values`` per group label (indexed by label)."""
    codes = factorize(values)[0]
    present = codes >= 0
    width = int(codes.max()) + 1 if present.any() else 1
    keys = pd.unique(groups[present].astype(np.int64) * width + codes[present])
    return np.bincount(keys // width, minlength=int(groups.max()) + 1 if len(groups) else 0)


def _value_pairs(groups: np.ndarray, values: np.ndarray) -> pd.DataFrame:
    """Distinct (group, a, b) with a < b two non-null values found together in a group."""
    df = pd.DataFrame({"g": groups, "v": values}).dropna().drop_duplicates()
    df = df[df.duplicated("g", keep=False)]
    pairs = df.merge(df, on="g")
    return pairs[pairs["v_x"] < pairs["v_y"]]


def _groups_where(pairs: pd.DataFrame, fn: Any) -> np.ndarray:
    """Groups of ``pairs`` for which ``fn(a, b)`` holds for some value pair."""
    if pairs.empty:
        return np.zeros(0, dtype=np.int64)
    keys = pd.MultiIndex.from_arrays([pairs["v_x"], pairs["v_y"]])
    codes, uniques = pd.factorize(keys)
    hit = np.array([bool(fn(a, b)) for a, b in uniques], dtype=bool)
    return np.unique(pairs["g"].to_numpy()[hit[codes]])


_SAME_NAME = {"exact", "nickname/diminutive"}


def _conflict_free(
    frame: pd.DataFrame, members: np.ndarray, comp: np.ndarray, unique_per_source: bool
) -> np.ndarray:
    """Per component label: True if no two of its records can be a hard conflict.

    A sufficient test, computed for all components at once, that no rule of
    ``rules.hard_conflict`` can fire for any pair of the component's records:
    at most one distinct NHS number and UPN; every two distinct given names in
    it are the same name, a diminutive, or close in spelling or sound — judged
    on the names alone — and, unless all are the same name or diminutives, one
    recorded sex at most; no two of its dates of birth far apart; and, with
    ``unique_per_source``, no two records from one source.
    """
    ok = np.ones(int(comp.max()) + 1 if len(comp) else 0, dtype=bool)
    if not len(members):
        return ok
    groups = comp[members]

    def column(name: str) -> np.ndarray:
        return frame[name].to_numpy(dtype=object)[members]

    for col in ("nhs", "upn"):
        distinct = _distinct_per_group(groups, column(col))
        ok[: len(distinct)] &= distinct <= 1
    if unique_per_source:
        sources = _distinct_per_group(groups, column("source"))
        sizes = np.bincount(groups, minlength=len(sources))
        ok[: len(sources)] &= sources == sizes
    names = _value_pairs(groups, column("given"))
    ok[_groups_where(names, lambda a, b: given_level_by_name(a, b) is None)] = False
    several_sexes = np.flatnonzero(_distinct_per_group(groups, column("sex")) > 1)
    close = names[np.isin(names["g"].to_numpy(), several_sexes)]
    ok[_groups_where(close, lambda a, b: given_level_by_name(a, b) not in _SAME_NAME)] = False
    dobs = _value_pairs(groups, column("dob"))
    ok[_groups_where(dobs, lambda a, b: dob_far_apart(a, b))] = False
    return ok


def cluster_records(
    frame: pd.DataFrame,
    pairs: pd.DataFrame,
    config: LinkageConfig,
    params: Mapping[str, Any] | None = None,
) -> tuple[pd.DataFrame, ClusterStats]:
    """Assign a ``person_id`` to every record of ``frame``.

    ``pairs`` are scored pairs (``uid_l, uid_r, match_probability, match_weight``);
    only those at or above ``config.threshold_upper`` are auto-links.  Returns
    (DataFrame ``uid, source, record_id, person_id``, stats).

    Links only ever join records of one connected component of the link graph, so
    components are clustered independently.  A component in which no two records
    can conflict (:func:`_conflict_free`) becomes one person at once — exactly
    what the greedy merge would produce — and only the others go through the
    greedy, conflict-checked merge, strongest link first.

    With the model's ``params``, the pairs left between the thresholds then get a
    second look with every address each person has had and the households seen at
    both addresses (``history.history_links``), linked through the same conflict check.
    """
    frame = frame.reset_index(drop=True)
    n = len(frame)
    stats = ClusterStats()
    uid_index = pd.Index(frame["uid"])
    unborn = frame["unborn"].to_numpy(dtype=bool)
    links = pairs[pairs["match_probability"] >= config.threshold_upper]
    left = uid_index.get_indexer(links["uid_l"])
    right = uid_index.get_indexer(links["uid_r"])
    model_link = ~(unborn[left] | unborn[right]) if len(links) else np.zeros(0, dtype=bool)
    left, right = left[model_link], right[model_link]
    weight = links["match_weight"].to_numpy()[model_link]
    comp = _components(n, left, right)
    sizes = np.bincount(comp)
    members = np.flatnonzero(sizes[comp] > 1)
    safe = _conflict_free(frame, members, comp, config.unique_per_source)

    label = comp.copy()  # final group label per record
    edge_comp = comp[left]
    slow = ~safe[edge_comp]
    stats.model_links_used += int((~slow).sum())
    if slow.any():
        # Strongest link first; ties in the order of the records in the input.
        order = np.lexsort((right[slow], left[slow], -weight[slow]))
        sl, sr = left[slow][order], right[slow][order]
        needed = np.unique(np.concatenate([sl, sr]))
        uids = frame["uid"].to_numpy()
        cl = _Clusterer(_feature_dicts(frame, needed), config)
        for a, b in zip(uids[sl], uids[sr], strict=True):
            if cl.try_merge(a, b):
                stats.model_links_used += 1
            else:
                stats.model_links_refused += 1
        base = n  # fresh labels for the groups the greedy merge formed
        roots = {}
        for k in needed:
            root = cl.groups.find(uids[k])
            label[k] = roots.setdefault(root, base + len(roots))

    if params is not None:
        from .history import history_links

        found = history_links(frame, pairs, label, params, config.threshold_upper)
        if found:
            label = _link_history(frame, label, found, config, stats)

    candidates = _unborn_candidates(frame)
    if candidates:
        label = _link_unborn(frame, label, candidates, config, stats)

    # Person ids numbered in the order of each group's first record in the input.
    labels, inverse = np.unique(label, return_inverse=True)
    first = np.full(len(labels), n, dtype=np.int64)
    np.minimum.at(first, inverse, np.arange(n))
    number = np.empty(len(labels), dtype=np.int64)
    number[np.argsort(first, kind="stable")] = np.arange(1, len(labels) + 1)
    out = frame[["uid", "source", "record_id"]].copy()
    out["person_id"] = pd.Series(number[inverse]).map("P{:08d}".format).to_numpy()
    return out, stats


#: The columns the hard rules and the unborn rule read.
_RULE_COLUMNS = (
    "uid", "source", "given", "given_canon", "given_ph1", "given_ph2", "middle", "family",
    "family_parts", "dob", "dob_y", "dob_m", "dob_d", "sex", "postcode", "address", "nhs",
    "upn", "edd", "unborn",
)  # fmt: skip


def _feature_dicts(frame: pd.DataFrame, rows: np.ndarray) -> dict[str, dict[str, Any]]:
    """Feature dicts (as ``rules`` takes them) of some rows, keyed by uid."""
    cols = list(_RULE_COLUMNS)
    values = [frame[c].to_numpy(dtype=object)[rows] for c in cols]
    uid_at = cols.index("uid")
    return {vals[uid_at]: dict(zip(cols, vals, strict=True)) for vals in zip(*values, strict=True)}


def _regroup(
    frame: pd.DataFrame, label: np.ndarray, uids_involved: Iterable[str], config: LinkageConfig
) -> tuple[_Clusterer, np.ndarray]:
    """A clusterer holding the current groups of the records involved (and their groups'
    other members), and the rows it holds."""
    uids = frame["uid"].to_numpy(dtype=object)
    uid_index = pd.Index(uids)
    involved = uid_index.get_indexer(sorted(set(uids_involved)))
    touched = np.isin(label, np.unique(label[involved]))
    idx = np.flatnonzero(touched)
    cl = _Clusterer(_feature_dicts(frame, idx), config)
    by_label: dict[int, str] = {}
    for k in idx:  # rebuild the existing groups among the touched records
        first = by_label.setdefault(int(label[k]), uids[k])
        if first != uids[k]:
            cl.groups.union(cl.groups.find(first), cl.groups.find(uids[k]))
    return cl, idx


def _relabel(frame: pd.DataFrame, label: np.ndarray, cl: _Clusterer, idx: np.ndarray) -> np.ndarray:
    uids = frame["uid"].to_numpy(dtype=object)
    out = label.copy()
    base = int(label.max()) + 1 if len(label) else 0
    roots: dict[str, int] = {}
    for k in idx:
        out[k] = roots.setdefault(cl.groups.find(uids[k]), base + len(roots))
    return out


def _link_history(
    frame: pd.DataFrame,
    label: np.ndarray,
    links: list[tuple[str, str, float, str]],
    config: LinkageConfig,
    stats: ClusterStats,
) -> np.ndarray:
    """Apply the second look's links (strongest first), each through the conflict check."""
    cl, idx = _regroup(frame, label, (u for a, b, _w, _y in links for u in (a, b)), config)
    for a, b, _weight, _why in links:
        if cl.groups.find(a) != cl.groups.find(b) and cl.try_merge(a, b):
            stats.history_links += 1
    return _relabel(frame, label, cl, idx)


def _link_unborn(
    frame: pd.DataFrame,
    label: np.ndarray,
    candidates: list[tuple[str, str]],
    config: LinkageConfig,
    stats: ClusterStats,
) -> np.ndarray:
    """Apply the unborn rule on top of the model's groups; return new labels."""
    uids = frame["uid"].to_numpy(dtype=object)
    uid_index = pd.Index(uids)
    involved = uid_index.get_indexer(sorted({u for pair in candidates for u in pair}))
    touched = np.isin(label, np.unique(label[involved]))
    idx = np.flatnonzero(touched)
    cl = _Clusterer(_feature_dicts(frame, idx), config)
    by_label: dict[int, str] = {}
    for k in idx:  # rebuild the existing groups among the touched records
        first = by_label.setdefault(int(label[k]), uids[k])
        if first != uids[k]:
            cl.groups.union(cl.groups.find(first), cl.groups.find(uids[k]))
    _attach_unborn(cl, candidates, config.unborn_window_days)
    stats.unborn_links += cl.stats.unborn_links
    stats.unborn_ambiguous += cl.stats.unborn_ambiguous
    out = label.copy()
    base = int(label.max()) + 1 if len(label) else 0
    roots: dict[str, int] = {}
    for k in idx:
        out[k] = roots.setdefault(cl.groups.find(uids[k]), base + len(roots))
    return out


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
