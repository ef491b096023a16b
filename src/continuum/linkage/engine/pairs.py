"""Model weights of many record pairs at once, in DuckDB, from the comparisons' own SQL.

An import matches a chunk of rows against the candidates found for them: about ten thousand
pairs per thousand rows. Scoring them one by one in Python (``matching.Scorer``) cost about a
third of an import's time; here each comparison's level is worked out for every pair by one
DuckDB query built from the same level SQL the Splink model was trained with, and the weights
are read from the trained parameters with numpy. The result is the weight ``score_pair`` gives
a pair before the hard rules (term-frequency adjustments included), so a caller can keep the
few pairs worth scoring in full.

Both sides are given as the prepared features (``realtime.prepare``) in JSON, as
``linkage.MatchVersion`` stores them, so stored candidates are never parsed in Python.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from .comparisons import Comparison
from .model import INT_FEATURES, LIST_FEATURES
from .normalise import FEATURE_COLUMNS
from .realtime import comparisons_for

Params = Mapping[str, Any]


@dataclass(frozen=True)
class PairWeights:
    weights: np.ndarray  # log2 odds before the hard rules, one per pair
    unborn: np.ndarray  # either record unborn (the unborn rule may raise the score)


def _duckdb_type(column: str) -> str:
    if column in LIST_FEATURES:
        return '["VARCHAR"]'
    if column in INT_FEATURES:
        return '"INTEGER"'
    if column == "unborn":
        return '"BOOLEAN"'
    return '"VARCHAR"'


#: The JSON structure of a prepared record, for DuckDB's ``json_transform``.
_STRUCTURE = "{" + ", ".join(f'"{c}": {_duckdb_type(c)}' for c in FEATURE_COLUMNS) + "}"


def _level_case(comparison: Comparison) -> str:
    """``CASE WHEN <level 0> THEN 0 … ELSE <last> END``: the pair's level, as Splink's."""
    whens = [
        f"WHEN {level.sql} THEN {index}"
        for index, level in enumerate(comparison.levels)
        if level.sql.strip().upper() != "ELSE"
    ]
    return f"CASE {' '.join(whens)} ELSE {len(comparison.levels) - 1} END"


class PairScorer:
    """The trained model's weights for pairs given as (left index, right index) arrays."""

    def __init__(self, params: Params):
        self.params = params
        self.comparisons = comparisons_for(params)
        lam = float(params["probability_two_random_records_match"])
        self.prior = math.log2(lam / (1.0 - lam))
        self.level_weights: list[np.ndarray] = []
        #: (comparison index, level index, feature column, table, log2 u exact, minimum tf)
        self.tf_levels: list[tuple[int, int, str, dict, float, float]] = []
        tables = params.get("term_frequencies", {})
        for ci, comp_params in enumerate(params["comparisons"]):
            levels = comp_params["levels"]
            self.level_weights.append(
                np.array([0.0 if lv["is_null"] else float(lv["log2_bayes_factor"])
                          for lv in levels])
            )  # fmt: skip
            for li, level in enumerate(levels):
                column = level.get("tf_column")
                if column and not level["is_null"]:
                    u_exact = level.get("tf_exact_u_probability") or level["u_probability"]
                    minimum = float(level.get("tf_minimum_u_value") or 0.0)
                    self.tf_levels.append(
                        (ci, li, column, tables.get(column, {}), math.log2(u_exact), minimum)
                    )
        # The SQL is built from the engine's own column names and level definitions, not input.
        flat = ", ".join(f's."{c}" AS "{c}"' for c in FEATURE_COLUMNS)
        #: Each side's JSON read once into columns (DuckDB would otherwise read it per pair).
        self.load_sql = [
            f"CREATE OR REPLACE TEMP TABLE {side}_features AS SELECT i, {flat} FROM "  # noqa: S608
            f"(SELECT i, json_transform(f, '{_STRUCTURE}') AS s FROM {side}_records)"
            for side in ("left", "right")
        ]
        columns = ", ".join(f'l."{c}" AS "{c}_l", r."{c}" AS "{c}_r"' for c in FEATURE_COLUMNS)
        levels_sql = ", ".join(
            f"{_level_case(comp)} AS g{ci}" for ci, comp in enumerate(self.comparisons)
        )
        self.sql = (
            f"WITH p AS (SELECT n, {columns} FROM pairs "  # noqa: S608
            f"JOIN left_features l ON l.i = pairs.left_index "
            f"JOIN right_features r ON r.i = pairs.right_index) "
            f"SELECT n, unborn_l OR unborn_r AS unborn, {levels_sql} FROM p"
        )
        self._connection = None

    def _tf_adjustment(self, column: str, table: dict, log2_u: float, tf_min: float,
                       value: Any) -> float:  # fmt: skip
        """Splink's adjustment of an exact level for a value (both sides hold the same)."""
        tf = table.get(value) if value is not None else None
        if tf is None:
            return 0.0
        return log2_u - math.log2(max(tf, tf_min))

    def levels(self, left: Sequence[str], right: Sequence[str], left_index: np.ndarray,
               right_index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        """Level of each pair for each comparison (an array: a row per pair, a column per
        comparison), and whether either record of the pair is unborn."""
        out = np.zeros((len(left_index), len(self.comparisons)), dtype=np.int16)
        unborn = np.zeros(len(left_index), dtype=bool)
        if not len(left_index):
            return out, unborn
        import duckdb

        if self._connection is None:
            self._connection = duckdb.connect()
            self._connection.execute("SET threads TO 1")  # the caller's own core
        con = self._connection
        con.register("left_records", pa.table({"i": pa.array(range(len(left)), pa.int32()),
                                               "f": pa.array(left, pa.string())}))  # fmt: skip
        con.register("right_records", pa.table({"i": pa.array(range(len(right)), pa.int32()),
                                                "f": pa.array(right, pa.string())}))  # fmt: skip
        con.register("pairs", pa.table({
            "n": pa.array(np.arange(len(left_index), dtype=np.int32)),
            "left_index": pa.array(np.asarray(left_index, dtype=np.int32)),
            "right_index": pa.array(np.asarray(right_index, dtype=np.int32)),
        }))  # fmt: skip
        try:
            for sql in self.load_sql:
                con.execute(sql)
            result = con.execute(self.sql).fetchnumpy()
        finally:
            for name in ("left_records", "right_records", "pairs"):
                con.unregister(name)
        order = np.asarray(result["n"])
        for ci in range(len(self.comparisons)):
            out[order, ci] = np.asarray(result[f"g{ci}"])
        unborn[order] = np.asarray(result["unborn"], dtype=object) == True  # noqa: E712 (nulls)
        return out, unborn

    def weights(self, left: Sequence[Mapping[str, Any]], right: Sequence[str],
                left_index: np.ndarray, right_index: np.ndarray) -> PairWeights:  # fmt: skip
        """Model weight (log2 odds, before the hard rules) of each pair, and whether either
        record is unborn: `left` are prepared records, `right` prepared records as JSON."""
        left_index = np.asarray(left_index, dtype=np.int64)
        levels, unborn = self.levels([json.dumps(f) for f in left], right, left_index,
                                     np.asarray(right_index, dtype=np.int64))  # fmt: skip
        weights = np.full(len(left_index), self.prior)
        for ci, table in enumerate(self.level_weights):
            weights += table[levels[:, ci]]
        for ci, li, column, table, log2_u, tf_min in self.tf_levels:
            per_left = np.array(
                [self._tf_adjustment(column, table, log2_u, tf_min, f.get(column)) for f in left]
            )
            exact = levels[:, ci] == li
            weights[exact] += per_left[left_index[exact]]
        return PairWeights(weights, unborn)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
