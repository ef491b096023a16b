"""End-to-end batch linkage time and peak memory on the UK synthetic set.

Measures feature preparation, training (λ, u sampling, EM), prediction
(blocking + scoring in DuckDB via Splink) and constrained clustering.  Data
generation is timed separately and not counted.

Usage::

    PYTHONPATH=src python benchmarks/linkage_batch_speed.py [--size 100000] [--seed 5]

Writes ``benchmarks/results/linkage_batch_speed_<size>.json``.  Peak memory is
the process's maximum resident set size (Python plus DuckDB), from getrusage.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import time
from pathlib import Path

from continuum.linkage.engine import synthetic
from continuum.linkage.engine.cluster import cluster_records
from continuum.linkage.engine.model import LinkageConfig, predict, prepare_frame, train

RESULTS = Path(__file__).resolve().parent / "results"


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)

    t = time.perf_counter()
    ds = synthetic.generate(args.size, seed=args.seed)
    records = ds.records()
    generate_s = time.perf_counter() - t
    rss_after_generate = _peak_rss_mb()

    config = LinkageConfig()
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    frame = prepare_frame(records, config.feature_options)
    t1 = time.perf_counter()
    model = train(frame, config)
    t2 = time.perf_counter()
    pairs = predict(model, frame, config.threshold_lower)
    t3 = time.perf_counter()
    clusters, stats = cluster_records(frame, pairs, config)
    t4 = time.perf_counter()
    cpu = time.process_time() - cpu0

    result = {
        "records": len(records),
        "persons_found": int(clusters["person_id"].nunique()),
        "true_persons": len(set(ds.truth.values())),
        "pairs_scored_above_lower": len(pairs),
        "seconds": {
            "generate_not_counted": round(generate_s, 1),
            "prepare": round(t1 - t0, 1),
            "train": round(t2 - t1, 1),
            "predict": round(t3 - t2, 1),
            "cluster": round(t4 - t3, 1),
            "total": round(t4 - t0, 1),
        },
        "cpu_seconds": round(cpu, 1),
        "peak_rss_mb": round(_peak_rss_mb(), 0),
        "peak_rss_after_generate_mb": round(rss_after_generate, 0),
        "cluster_stats": vars(stats),
        "cpus": os.cpu_count(),
        "load_average_at_end": os.getloadavg(),
        "python": platform.python_version(),
    }
    print(json.dumps(result, indent=2))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"linkage_batch_speed_{args.size}.json"
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
