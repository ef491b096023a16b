"""Batch linkage: train on the data, score candidate pairs, cluster into persons."""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .cluster import ClusterStats, cluster_records
from .layout import RowError, read_extract_table
from .model import LinkageConfig, TrainedModel, predict, prepare_frame, train
from .rules import INITIAL_ONLY, NO_DATE_OF_BIRTH, NO_GIVEN_NAME

#: Pairs scored at or above this probability are kept for the second look with each
#: person's address history and household (``history.py``).
HISTORY_FLOOR = 0.05


@dataclass
class LinkResult:
    """Outcome of a batch run.

    ``clusters``: one row per record (``uid, source, record_id, person_id``).
    ``pairs``: scored candidate pairs at or above :data:`HISTORY_FLOOR` (or the lower
    threshold, if lower).
    ``review``: one pair of records per two persons the run kept apart though a pair of
    their records scored at or above the lower threshold, the most likely first
    (``match_probability``, then ``match_weight``), with ``reason`` saying why it is there.
    ``timings``: wall seconds (``<stage>_s``) and process CPU seconds, all threads
    (``<stage>_cpu_s``), per stage.
    """

    clusters: pd.DataFrame
    pairs: pd.DataFrame
    review: pd.DataFrame
    model: TrainedModel
    stats: ClusterStats
    timings: dict[str, float] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)


def link_frame(
    frame: pd.DataFrame,
    config: LinkageConfig | None = None,
    *,
    model: TrainedModel | None = None,
) -> LinkResult:
    """Link a prepared feature frame (train unless a model is given)."""
    cfg = model.config if model is not None else (config or LinkageConfig())
    if model is not None and config is not None:
        model.config.threshold_upper = config.threshold_upper
        model.config.threshold_lower = config.threshold_lower
    timings: dict[str, float] = {}
    t0, c0 = time.perf_counter(), time.process_time()
    if model is None:
        model = train(frame, cfg)
    t1, c1 = time.perf_counter(), time.process_time()
    timings.update(train_s=t1 - t0, train_cpu_s=c1 - c0)
    # Pairs below the review threshold too: people who moved may reach it with their history.
    floor = min(cfg.threshold_lower, cfg.threshold_upper, HISTORY_FLOOR)
    pairs = predict(model, frame, floor)
    pairs = hold_weak_pairs(frame, pairs, cfg)
    t2, c2 = time.perf_counter(), time.process_time()
    timings.update(predict_s=t2 - t1, predict_cpu_s=c2 - c1)
    clusters, stats = cluster_records(frame, pairs, cfg, model.params)
    timings.update(cluster_s=time.perf_counter() - t2, cluster_cpu_s=time.process_time() - c2)
    review = review_pairs(clusters, pairs, cfg, frame=frame, params=model.params)
    return LinkResult(clusters, pairs, review, model, stats, timings)


def hold_weak_pairs(frame: pd.DataFrame, pairs: pd.DataFrame, cfg: LinkageConfig) -> pd.DataFrame:
    """``rules.review_only`` for every scored pair at once: a pair whose evidence is too weak
    to link on (no date of birth, an initial or no given name, and no agreeing identifier)
    keeps its weight, but its probability is held just below the upper threshold, and its
    ``held`` column says why (empty for the others)."""
    pairs = pairs.reset_index(drop=True)
    index = pd.Index(frame["uid"])
    left, right = index.get_indexer(pairs["uid_l"]), index.get_indexer(pairs["uid_r"])

    def col(name: str) -> tuple[np.ndarray, np.ndarray]:
        values = frame[name].to_numpy(dtype=object)
        return values[left], values[right]

    unborn = frame["unborn"].to_numpy(dtype=bool)
    agree = np.zeros(len(pairs), dtype=bool)
    for name in ("nhs", "upn"):
        a, b = col(name)
        agree |= pd.notna(a) & (a == b)
    dob_l, dob_r = col("dob")
    given_l, given_r = col("given")
    no_dob = pd.isna(dob_l) | pd.isna(dob_r)
    no_given = pd.isna(given_l) | pd.isna(given_r)
    lengths = np.vectorize(lambda g: len(g) if isinstance(g, str) else 0, otypes=[int])
    initial = (lengths(given_l) == 1) | (lengths(given_r) == 1)
    open_to = ~(unborn[left] | unborn[right]) & ~agree
    reason = np.full(len(pairs), "", dtype=object)
    reason[open_to & initial] = INITIAL_ONLY
    reason[open_to & no_given] = NO_GIVEN_NAME
    reason[open_to & no_dob] = NO_DATE_OF_BIRTH
    held = (reason != "") & cfg.review_only_rule
    reason[~held] = ""
    cap = math.nextafter(cfg.threshold_upper, 0.0)
    probability = pairs["match_probability"].to_numpy(dtype=float).copy()
    probability[held] = np.minimum(probability[held], cap)
    return pairs.assign(match_probability=probability, held=reason)


def _worth_review(
    frame: pd.DataFrame, pairs: pd.DataFrame, params: Mapping[str, Any], lower: float
) -> np.ndarray:
    from .realtime import score_pair

    index = pd.Index(frame["uid"])
    rows = np.unique(np.concatenate([index.get_indexer(pairs["uid_l"]),
                                     index.get_indexer(pairs["uid_r"])]))  # fmt: skip
    cols = list(frame.columns)
    values = [frame[c].to_numpy(dtype=object)[rows] for c in cols]
    feats = {v[0]: dict(zip(cols, v, strict=True)) for v in zip(*values, strict=True)}
    return np.array(
        [score_pair(feats[a], feats[b], params)[1] >= lower
         for a, b in zip(pairs["uid_l"], pairs["uid_r"], strict=True)],
        dtype=bool,
    )  # fmt: skip


def review_pairs(
    clusters: pd.DataFrame,
    pairs: pd.DataFrame,
    cfg: LinkageConfig,
    *,
    frame: pd.DataFrame | None = None,
    params: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """The review queue of a batch run: for each two persons the run kept apart though a pair
    of their records reached the lower threshold, that pair (the best one), most likely first,
    with the reason it is there.

    With the ``frame`` and the model's ``params``, each pair is scored again with the rules
    (``realtime.score_pair``, as the app's matcher scores it): a pair the hard rules forbid
    (twins, siblings, a parent and child) or not worth a review
    (``rules.worth_review``) is left out."""
    person = pd.Series(clusters["person_id"].to_numpy(), index=clusters["uid"].to_numpy())
    below = pairs[
        (pairs["match_probability"] >= cfg.threshold_lower)
        & (pairs["match_probability"] < cfg.threshold_upper)
    ]
    p_l = person.reindex(below["uid_l"]).to_numpy()
    p_r = person.reindex(below["uid_r"]).to_numpy()
    apart = p_l != p_r
    review = below[apart].assign(
        person_l=np.minimum(p_l[apart], p_r[apart]), person_r=np.maximum(p_l[apart], p_r[apart])
    )
    review = review.sort_values(["match_probability", "match_weight"], ascending=False)
    if frame is not None and params is not None and len(review):
        review = review[_worth_review(frame, review, params, cfg.threshold_lower)]
    review = review.drop_duplicates(["person_l", "person_r"]).reset_index(drop=True)
    held = review["held"].fillna("") if "held" in review.columns else ""
    review["reason"] = np.where(
        held != "", held, "the model's probability is between the review and link thresholds"
    )
    return review


def link_records(
    records: Iterable[Mapping[str, Any]],
    config: LinkageConfig | None = None,
    *,
    model: TrainedModel | None = None,
) -> LinkResult:
    """Link records (dicts in person-extract v1, each with a ``source`` key)."""
    cfg = model.config if model is not None else (config or LinkageConfig())
    frame = prepare_frame(records, cfg.feature_options)
    return link_frame(frame, config, model=model)


def link_files(
    paths: Sequence[str | Path],
    config: LinkageConfig | None = None,
    *,
    model: TrainedModel | None = None,
) -> LinkResult:
    """Read person-extract files and link records within and across them.

    The source of each record is its file name without extension; two files
    with the same stem are an error.
    """
    tables: list[pd.DataFrame] = []
    errors: list[RowError] = []
    sources: set[str] = set()
    t0, c0 = time.perf_counter(), time.process_time()
    for path in paths:
        table, file_errors, source = read_extract_table(path)
        if source in sources:
            raise ValueError(f"two input files share the source name {source!r}")
        sources.add(source)
        errors.extend(file_errors)
        tables.append(table.drop(columns=["row"]).assign(source=source))
    records = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    t1, c1 = time.perf_counter(), time.process_time()
    cfg = model.config if model is not None else (config or LinkageConfig())
    frame = prepare_frame(records, cfg.feature_options)
    t2, c2 = time.perf_counter(), time.process_time()
    result = link_frame(frame, config, model=model)
    result.errors = errors
    result.timings = {
        "read_s": t1 - t0, "read_cpu_s": c1 - c0, "prepare_s": t2 - t1, "prepare_cpu_s": c2 - c1,
        **result.timings,
    }  # fmt: skip
    return result
