"""Batch linkage: train on the data, score candidate pairs, cluster into persons."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .cluster import ClusterStats, cluster_records
from .layout import RowError, read_extract_table
from .model import LinkageConfig, TrainedModel, predict, prepare_frame, train


@dataclass
class LinkResult:
    """Outcome of a batch run.

    ``clusters``: one row per record (``uid, source, record_id, person_id``).
    ``pairs``: scored candidate pairs at or above the lower threshold.
    ``review``: pairs between the thresholds whose records ended in different persons.
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
    pairs = predict(model, frame, min(cfg.threshold_lower, cfg.threshold_upper))
    t2, c2 = time.perf_counter(), time.process_time()
    timings.update(predict_s=t2 - t1, predict_cpu_s=c2 - c1)
    clusters, stats = cluster_records(frame, pairs, cfg)
    timings.update(cluster_s=time.perf_counter() - t2, cluster_cpu_s=time.process_time() - c2)
    person = pd.Series(clusters["person_id"].to_numpy(), index=clusters["uid"].to_numpy())
    below = pairs[pairs["match_probability"] < cfg.threshold_upper]
    apart = person.reindex(below["uid_l"]).to_numpy() != person.reindex(below["uid_r"]).to_numpy()
    review = below[apart].reset_index(drop=True)
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
