"""Batch linkage end to end: ``continuum link`` on the UK synthetic set, timed and sized.

What is timed is exactly what an analyst runs::

    continuum link health.csv school.csv police.csv housing.csv family_hub.csv \
        --out clusters.csv --review-out review.csv

in a fresh process: read and validate the person-extract files, derive the
comparison features, train the model (λ, u by random sampling, m by EM, on a
random sample of at most 250,000 records), predict (blocking and scoring in
DuckDB via Splink), cluster with the hard rules, and persist — write
``clusters.csv`` (``source,record_id,person_id``, the command's output, which is
where its result is read from) and ``review.csv``.  Wall time and the child
process's peak resident memory (Python plus DuckDB, from ``getrusage``) are
measured around the process; the command's ``--report`` gives the seconds per
stage.  The run is repeated (``--runs``, default 3); the median by wall time is
reported, with every run's time and the load average at its start.

Generating the synthetic extracts is not counted (they are the input); they are
cached in ``--data-dir`` so reruns skip it.  After the timed run the clusters
are scored against the generator's truth (pairwise precision, recall, F1).

Usage::

    PYTHONPATH=src python benchmarks/linkage_batch_speed.py [--size 1000000] [--seed 5]

Writes ``benchmarks/results/linkage_batch_speed_<size>.json`` and prints a markdown table.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
SRC = Path(__file__).resolve().parent.parent / "src"


def _extracts(data_dir: Path, size: int, seed: int) -> tuple[list[Path], float | None]:
    """The cached person-extract files for (size, seed), generating them if missing."""
    from continuum.linkage.engine import synthetic

    out = data_dir / f"uk_{size}_{seed}"
    done = out / "COMPLETE"
    if not done.exists():
        t = time.perf_counter()
        paths = synthetic.write_dataset(synthetic.generate(size, seed=seed), out)
        done.write_text("\n".join(p.name for p in paths), "utf-8")
        return paths, time.perf_counter() - t
    return [out / name for name in done.read_text("utf-8").split()], None


def _pair_count(sizes: Counter) -> int:
    return sum(k * (k - 1) // 2 for k in sizes.values())


def pairwise_scores(clusters: Path, truth: Path) -> dict[str, float]:
    """Pairwise precision, recall and F1 of ``clusters.csv`` against ``truth.csv``."""
    true_of: dict[tuple[str, str], str] = {}
    with truth.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            true_of[(row["source"], row["record_id"])] = row["true_person_id"]
    pred, true, both = Counter(), Counter(), Counter()
    with clusters.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            t = true_of[(row["source"], row["record_id"])]
            pred[row["person_id"]] += 1
            true[t] += 1
            both[(row["person_id"], t)] += 1
    tp, p, t = _pair_count(both), _pair_count(pred), _pair_count(true)
    precision = tp / p if p else 1.0
    recall = tp / t if t else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "true_pairs": t,
            "predicted_pairs": p, "true_positives": tp}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3, help="timed runs; the median is reported")
    parser.add_argument(
        "--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "continuum-linkage-bench"
    )
    args = parser.parse_args(argv)

    paths, generate_s = _extracts(args.data_dir, args.size, args.seed)
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        out, review, report = (
            Path(tmp, "clusters.csv"),
            Path(tmp, "review.csv"),
            Path(tmp, "r.json"),
        )
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
        }
        command = [
            *(sys.executable, "-m", "continuum.linkage.engine.cli", "link", *map(str, paths)),
            *("--out", str(out), "--review-out", str(review), "--report", str(report)),
        ]
        for _ in range(args.runs):
            load_start = os.getloadavg()
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            proc = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
            wall = time.perf_counter() - t0
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            if proc.returncode != 0:
                print(proc.stderr[-4000:], file=sys.stderr)
                return proc.returncode
            cpu = (usage.ru_utime + usage.ru_stime) - (before.ru_utime + before.ru_stime)
            runs.append(
                {"wall_seconds": round(wall, 1), "cpu_seconds": round(cpu, 1),
                 "stages": json.loads(report.read_text("utf-8")),
                 "load_average_at_start": [round(x, 2) for x in load_start],
                 "load_average_at_end": [round(x, 2) for x in os.getloadavg()]}
            )  # fmt: skip
            print(f"run {len(runs)}: {wall:.1f} s wall, {cpu:.1f} s CPU, load {load_start[0]:.1f}")
        peak_rss_mb = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0)
        scores = pairwise_scores(out, paths[0].parent / "truth.csv")
    median = sorted(runs, key=lambda r: r["wall_seconds"])[(len(runs) - 1) // 2]
    stages, load_start = median["stages"], median["load_average_at_start"]

    result = {
        "records": stages["records"],
        "files": [p.name for p in paths],
        "command": "continuum link "
        + " ".join(p.name for p in paths)
        + " --out clusters.csv --review-out review.csv",
        "runs": len(runs),
        "wall_seconds": median["wall_seconds"],
        "cpu_seconds": median["cpu_seconds"],
        "peak_rss_mb": peak_rss_mb,
        "all_runs": [
            {k: r[k] for k in ("wall_seconds", "cpu_seconds", "load_average_at_start")}
            for r in runs
        ],
        "stage_seconds": stages["seconds"],
        "stage_cpu_seconds": stages["cpu_seconds"],
        "persons_found": stages["persons"],
        "pairs_at_or_above_lower": stages["pairs_at_or_above_lower"],
        "review_pairs": stages["review_pairs"],
        "cluster_stats": stages["cluster_stats"],
        "quality": {k: (round(v, 4) if isinstance(v, float) else v) for k, v in scores.items()},
        "generate_seconds_not_counted": None if generate_s is None else round(generate_s, 1),
        "cpus": os.cpu_count(),
        "load_average_at_start": load_start,
        "load_average_at_end": median["load_average_at_end"],
        "python": platform.python_version(),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"linkage_batch_speed_{args.size}.json"
    path.write_text(json.dumps(result, indent=2), encoding="utf-8")
    s, c = stages["seconds"], stages["cpu_seconds"]
    stage_names = ("read", "prepare", "train", "predict", "cluster", "write")
    print(
        "| records | median wall (s) | CPU (s) | peak RSS (MB) | wall (CPU) s: "
        + ", ".join(stage_names)
        + " | precision | recall | F1 | load 1/5/15 at start |"
    )
    print("|---:|---:|---:|---:|---|---:|---:|---:|---|")
    per_stage = ", ".join(f"{s[k]:.0f} ({c[k]:.0f})" for k in stage_names)
    print(
        f"| {result['records']:,} | {result['wall_seconds']} | {result['cpu_seconds']} | "
        f"{result['peak_rss_mb']:,} | {per_stage} | {scores['precision']:.4f} | "
        f"{scores['recall']:.4f} | {scores['f1']:.4f} | "
        f"{' / '.join(f'{x:.1f}' for x in load_start)} |"
    )
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
