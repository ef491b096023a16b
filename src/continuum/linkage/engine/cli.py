"""Command line: ``continuum link FILE [FILE ...] --out clusters.csv``.

Also runnable as ``python -m continuum.linkage.engine.cli link ...`` (the
leading ``link`` is optional).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .batch import link_files
from .layout import LayoutError
from .model import LinkageConfig, TrainedModel


def _probability(text: str) -> float:
    value = float(text)
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError("must be a probability strictly between 0 and 1")
    return value


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
    model = TrainedModel.load(args.model) if args.model else None
    try:
        result = link_files(args.files, config, model=model)
    except (LayoutError, ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for err in result.errors:
        print(f"warning: {err}", file=sys.stderr)
    out = result.clusters[["source", "record_id", "person_id"]]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(args.out, index=False)
    if args.review_out:
        result.review.to_csv(args.review_out, index=False)
    if args.save_model:
        result.model.save(args.save_model)
    n_persons = out["person_id"].nunique()
    print(
        f"linked {len(out)} records from {len(args.files)} file(s) into {n_persons} persons; "
        f"{len(result.review)} pairs for review; {len(result.errors)} row problems; "
        f"model {result.model.model_version}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
