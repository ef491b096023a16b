"""Command line: ``continuum link FILE [FILE ...] --out clusters.csv``.

Also runnable as ``python -m continuum.linkage.engine.cli link ...`` (the
leading ``link`` is optional).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from continuum.core.csvsafe import safe_frame

from .batch import link_files
from .layout import LayoutError
from .model import LinkageConfig, TrainedModel


def _probability(text: str) -> float:
    value = float(text)
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError("must be a probability strictly between 0 and 1")
    return value


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write a table as CSV (header row; values quoted only where needed) with Arrow's writer.
    Text cells a spreadsheet would run as a formula are neutralised first (`core.csvsafe`)."""
    table = pa.Table.from_pandas(safe_frame(frame), preserve_index=False)
    options = pa_csv.WriteOptions(quoting_style="needed")
    pa_csv.write_csv(table, path, write_options=options)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="continuum link",
        description="Link person-extract v1 files (CSV or XLSX) into persons.",
    )
    parser.add_argument("files", nargs="+", type=Path, help="person-extract v1 files")
    parser.add_argument("--out", required=True, type=Path, help="output clusters CSV")
    parser.add_argument(
        "--threshold-upper",
        type=_probability,
        default=None,
        help="match probability at/above which records are linked (0.99)",
    )
    parser.add_argument(
        "--threshold-lower",
        type=_probability,
        default=None,
        help="match probability at/above which pairs go to review (0.80)",
    )
    parser.add_argument(
        "--review-out", type=Path, default=None, help="optional CSV of pairs for human review"
    )
    parser.add_argument(
        "--model",
        type=Path,
        default=None,
        help="use a saved model JSON instead of training on the input",
    )
    parser.add_argument(
        "--save-model", type=Path, default=None, help="write the trained model JSON here"
    )
    parser.add_argument(
        "--report",
        type=Path,
        default=None,
        help="write a JSON summary here (counts and seconds per stage)",
    )
    return parser  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns a process exit code (0 ok, 1 input problem)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] == "link":
        args_list = args_list[1:]
    args = build_parser().parse_args(args_list)

    config = LinkageConfig()
    if args.threshold_upper is not None:
        config.threshold_upper = args.threshold_upper
    if args.threshold_lower is not None:
        config.threshold_lower = args.threshold_lower
    if config.threshold_lower > config.threshold_upper:
        print("error: --threshold-lower must not exceed --threshold-upper", file=sys.stderr)
        return 1
    started = time.perf_counter()
    model = TrainedModel.load(args.model) if args.model else None
    try:
        result = link_files(args.files, config, model=model)
    except (LayoutError, ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for err in result.errors:
        print(f"warning: {err}", file=sys.stderr)
    t_write, c_write = time.perf_counter(), time.process_time()
    out = result.clusters[["source", "record_id", "person_id"]]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_csv(out, args.out)
    if args.review_out:
        write_csv(result.review, args.review_out)
    if args.save_model:
        result.model.save(args.save_model)
    n_persons = out["person_id"].nunique()
    if args.report:
        finished = time.perf_counter()
        report = {
            "records": len(out),
            "persons": int(n_persons),
            "pairs_at_or_above_lower": len(result.pairs),
            "review_pairs": len(result.review),
            "row_problems": len(result.errors),
            "model_version": result.model.model_version,
            "cluster_stats": vars(result.stats),
            "seconds": {
                **{
                    k.removesuffix("_s"): round(v, 2)
                    for k, v in result.timings.items()
                    if not k.endswith("_cpu_s")
                },
                "write": round(finished - t_write, 2),
                "total": round(finished - started, 2),
            },
            "cpu_seconds": {
                **{
                    k.removesuffix("_cpu_s"): round(v, 2)
                    for k, v in result.timings.items()
                    if k.endswith("_cpu_s")
                },
                "write": round(time.process_time() - c_write, 2),
                "total": round(time.process_time(), 2),
            },
        }
        args.report.write_text(json.dumps(report, indent=2), "utf-8")
    print(
        f"linked {len(out)} records from {len(args.files)} file(s) into {n_persons} persons; "
        f"{len(result.review)} pairs for review; {len(result.errors)} row problems; "
        f"model {result.model.model_version}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
