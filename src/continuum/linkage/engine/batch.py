"""Batch linkage: train on the data, score candidate pairs, cluster into persons."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .cluster import ClusterStats, cluster_records
from .layout import RowError, read_extract
from .model import LinkageConfig, TrainedModel, predict, prepare_frame, train


@dataclass
class LinkResult:
    """Outcome of a batch run.

    ``clusters``: one row per record (``uid, source, record_id, person_id``).
    ``pairs``: scored candidate pairs at or above the lower threshold.
    ``review``: pairs between the thresholds whose records ended in different persons.
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
    t0 = time.perf_counter()
    if model is None:
        model = train(frame, cfg)
    t1 = time.perf_counter()
    timings["train_s"] = t1 - t0
    pairs = predict(model, frame, min(cfg.threshold_lower, cfg.threshold_upper))
    t2 = time.perf_counter()
    timings["predict_s"] = t2 - t1
    clusters, stats = cluster_records(frame, pairs, cfg)
    timings["cluster_s"] = time.perf_counter() - t2
    person = dict(zip(clusters["uid"], clusters["person_id"], strict=True))
    review = pairs[
        (pairs["match_probability"] < cfg.threshold_upper)
        & (pairs["uid_l"].map(person) != pairs["uid_r"].map(person))
    ].reset_index(drop=True)
    return LinkResult(clusters, pairs, review, model, stats, timings)


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
    records: list[dict[str, Any]] = []
    errors: list[RowError] = []
    sources: set[str] = set()
    for path in paths:
        extract = read_extract(path)
        if extract.source in sources:
            raise ValueError(f"two input files share the source name {extract.source!r}")
        sources.add(extract.source)
        errors.extend(extract.errors)
        records.extend({**row, "source": extract.source} for row in extract.rows)
    result = link_records(records, config, model=model)
    result.errors = errors
    return result
