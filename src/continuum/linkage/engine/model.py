"""Fellegi-Sunter model built with Splink 5 (DuckDB backend).

Typical use::

    frame = prepare_frame(records)              # records: dicts in person-extract v1
    model = train(frame, LinkageConfig())       # unsupervised: u by sampling, m by EM
    pairs = predict(model, frame)               # scored candidate pairs (pandas)
    model.save("model.json"); model = TrainedModel.load("model.json")
    params = model.params                       # for realtime.score_pair

Training is unsupervised: λ from deterministic rules, u by random sampling,
m by EM on two blocking rules (names are estimated while blocking on date of
birth and vice versa).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from .comparisons import Comparison, build_comparisons
from .normalise import FEATURE_COLUMNS, FeatureOptions, prepare_columns

ENGINE_VERSION = "1.2.0"
PARAMS_FORMAT = "continuum-linkage-model"

LIST_FEATURES = frozenset({"given_canon", "middle", "family_parts"})
INT_FEATURES = frozenset({"dob_y", "dob_m", "dob_d"})

#: In a blocking rule: "one of the two records has no date of birth" (not an equality).
NO_DOB = "dob:missing"
#: In a blocking rule: the given and family names' sounds swapped between the two records.
SWAPPED_NAMES = "names:swapped"

#: Candidate-generation rules (each a tuple of columns that must be equal).
#: Chosen for recall at a bounded number of pairs: on the 1,000,000-record
#: synthetic set, date of birth with postcode *district* (2.0 million pairs) and
#: family-name sound with year and month of birth (7.8 million) produced two
#: thirds of all candidate pairs; date of birth with postcode *sector* (0.85
#: million) gives the same linkage quality on the UK benchmark without them.
DEFAULT_BLOCKING_RULES: tuple[tuple[str, ...], ...] = (
    ("nhs",),
    ("upn",),
    ("dob", "pc_sector"),
    ("dob", "family_ph1"),
    ("dob", "given_ph1"),
    ("family_ph1", "given_ph1", "dob_y"),
    ("given_ph1", "family_ph1", "pc_district"),
    ("postcode", "family_ph1"),
    ("address", "given_ph1"),
    # A record without a date of birth (often a police record of an adult) may hold an old
    # address: it meets the records of the same given and family name anywhere.
    ("given", "family", NO_DOB),
    # Given and family names swapped (and often an old address too).
    (SWAPPED_NAMES,),
)
#: EM training rules.  Neither admits twins (who share surname, DOB and address
#: but differ in given name and NHS number): blocking on DOB alone would let EM
#: learn twins as a latent "match" class and inflate m for "given names clearly
#: different".  Names, DOB and address are estimated on NHS-number agreement;
#: the identifiers on given name + DOB agreement.
DEFAULT_TRAINING_RULES: tuple[tuple[str, ...], ...] = (
    ("nhs",),
    ("given", "dob"),
)
#: High-precision rules used to estimate λ (the prior match probability).
DEFAULT_DETERMINISTIC_RULES: tuple[tuple[str, ...], ...] = (
    ("nhs",),
    ("given", "family", "dob"),
)


@dataclass
class LinkageConfig:
    """Everything that configures training, scoring and clustering.

    ``threshold_upper``: match probability at or above which a pair is auto-linked.
    ``threshold_lower``: at or above this (and below upper) a pair goes to review.
    ``identifier_hard_rule``: never link two records whose identifiers (valid NHS
    numbers) differ.  ``given_name_hard_rule``: never link two records whose given
    names are clearly different (twins) unless their identifiers agree.
    ``unborn_window_days``: an unborn record links to a born child whose DOB is
    within this many days of the expected date of delivery.
    ``review_only_rule``: a pair whose evidence is too weak to link on (no date of birth,
    an initial or no given name, and no agreeing identifier: ``rules.review_only``) goes to
    review at most (off for Febrl, whose corrupted fields are not agency practice).
    ``unique_per_source``: a person has at most one record per source (true for
    Febrl 4; false for real agency extracts, which contain duplicates).
    ``link_only``: ignore pairs within the same source.
    ``train_max_records``: train on a uniform random sample of this many records
    when there are more (term frequencies still come from every record).
    """

    threshold_upper: float = 0.99
    threshold_lower: float = 0.80
    identifier_check: str = "nhs"
    postcode_style: str = "uk"
    use_sex: bool = True
    use_upn: bool = True
    use_address: bool = True
    use_town: bool = True
    blocking_rules: list[list[str]] = field(
        default_factory=lambda: [list(r) for r in DEFAULT_BLOCKING_RULES]
    )
    training_rules: list[list[str]] = field(
        default_factory=lambda: [list(r) for r in DEFAULT_TRAINING_RULES]
    )
    deterministic_rules: list[list[str]] = field(
        default_factory=lambda: [list(r) for r in DEFAULT_DETERMINISTIC_RULES]
    )
    deterministic_recall: float = 0.7
    u_max_pairs: float = 1e6
    em_max_pairs: float | None = 3e6
    train_max_records: int = 250_000
    seed: int = 42
    m_floor: float = 1e-3
    identifier_hard_rule: bool = True
    given_name_hard_rule: bool = True
    dob_hard_rule: bool = True
    unborn_window_days: int = 28
    review_only_rule: bool = True
    unique_per_source: bool = False
    link_only: bool = False

    @property
    def feature_options(self) -> FeatureOptions:
        return FeatureOptions(
            identifier_check=self.identifier_check, postcode_style=self.postcode_style
        )

    def comparisons(self) -> list[Comparison]:
        return build_comparisons(
            use_sex=self.use_sex,
            use_upn=self.use_upn,
            use_address=self.use_address,
            use_town=self.use_town,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LinkageConfig:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


# ---------------------------------------------------------------------------
# Input frames
# ---------------------------------------------------------------------------


def prepare_frame(
    records: Iterable[Mapping[str, Any]] | pd.DataFrame,
    options: FeatureOptions | None = None,
    *,
    source: str | None = None,
) -> pd.DataFrame:
    """Turn person-extract records into the engine's feature frame.

    Output columns: ``uid`` (``source:record_id``), ``source``, ``record_id`` and
    the feature columns of :func:`normalise.prepare_record` (derived table-wide by
    :func:`normalise.prepare_columns`).  Records may carry their own ``source``;
    otherwise ``source`` (default ``"default"``) is used.
    """
    table = records if isinstance(records, pd.DataFrame) else pd.DataFrame(list(records))
    n = len(table)
    default_source = source or "default"
    if "source" in table.columns:
        src = table["source"].astype(object)
        src = src.where(src.notna() & (src.astype(str) != ""), default_source).astype(str)
    else:
        src = pd.Series([default_source] * n, dtype=object)
    if "record_id" not in table.columns:
        raise ValueError("records need a record_id")
    rid = table["record_id"].astype(str)
    uid = src.to_numpy(dtype=object) + ":" + rid.to_numpy(dtype=object)
    features = prepare_columns(table.reset_index(drop=True), options)
    frame = pd.DataFrame(
        {"uid": uid, "source": src.to_numpy(dtype=object), "record_id": rid.to_numpy(dtype=object),
         **{c: features[c] for c in FEATURE_COLUMNS}}
    )  # fmt: skip
    if frame["uid"].duplicated().any():
        dupes = frame.loc[frame["uid"].duplicated(), "uid"].head(5).tolist()
        raise ValueError(f"duplicate record ids within a source: {dupes}")
    return frame


def to_arrow(frame: pd.DataFrame) -> pa.Table:
    """Arrow table with explicit types (lists stay lists; nulls stay nulls)."""
    arrays, fields = [], []
    for col in frame.columns:
        values = frame[col].to_numpy(dtype=object)
        if col in LIST_FEATURES:
            typ = pa.list_(pa.string())
        elif col in INT_FEATURES:
            typ = pa.int32()
            values = pd.array(values, dtype="Int32")
        elif col == "unborn":
            typ = pa.bool_()
            values = values.astype(bool)
        else:
            typ = pa.string()
        fields.append(pa.field(col, typ))
        arrays.append(pa.array(values, type=typ, from_pandas=True))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


# ---------------------------------------------------------------------------
# Splink settings
# ---------------------------------------------------------------------------


def _rule_sql(cols: Sequence[str]) -> str:
    special = {
        NO_DOB: '(l."dob" IS NULL OR r."dob" IS NULL)',
        SWAPPED_NAMES: 'l."given_ph1" = r."family_ph1" AND l."family_ph1" = r."given_ph1"',
    }
    return " AND ".join(special.get(c, f'l."{c}" = r."{c}"') for c in cols)


#: The comparisons of where a person lives, and the least Bayes factor a disagreement in
#: one of them may have: people move, and an agency holds whichever address it last heard
#: of, so a different postcode is weak evidence against, not strong (EM on an area's data
#: learns how rare a move is among its *linked* pairs, which are mostly the pairs that did
#: not move).
ADDRESS_COMPARISONS = frozenset({"postcode", "address_line1", "town"})
MOVE_BAYES_FACTOR_FLOOR = 0.5


def splink_settings(config: LinkageConfig) -> dict[str, Any]:
    """Untrained Splink settings dict for the engine's model."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "uid",
        "probability_two_random_records_match": 1e-4,
        "comparisons": [c.as_splink_dict() for c in config.comparisons()],
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": _rule_sql(r)} for r in config.blocking_rules
        ],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "additional_columns_to_retain": ["source"],
    }


def settings_hash(config: LinkageConfig) -> str:
    """SHA-256 of the untrained settings plus config: identifies the model *design*."""
    payload = json.dumps(
        {"engine": ENGINE_VERSION, "settings": splink_settings(config), "config": config.to_dict()},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _new_linker(frame: pd.DataFrame, settings: Mapping[str, Any]) -> Any:
    from splink import DuckDBAPI, Linker

    db_api = DuckDBAPI()
    sdf = db_api.register(to_arrow(frame), table_name="records")
    return Linker(sdf, dict(settings), log_level=logging.WARNING)


# ---------------------------------------------------------------------------
# Trained model
# ---------------------------------------------------------------------------


@dataclass
class TrainedModel:
    """A trained model: config, Splink settings (with m/u) and portable params."""

    config: LinkageConfig
    splink_settings: dict[str, Any]
    params: dict[str, Any]

    @property
    def model_version(self) -> str:
        return str(self.params["model_version"])

    @property
    def settings_hash(self) -> str:
        return str(self.params["settings_hash"])

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": PARAMS_FORMAT,
            "format_version": 1,
            "model_version": self.model_version,
            "settings_hash": self.settings_hash,
            "config": self.config.to_dict(),
            "splink_settings": self.splink_settings,
            "params": self.params,
        }

    def save(self, path: str | Path) -> None:
        """Write the model as JSON (versioned; see :meth:`load`)."""
        Path(path).write_text(json.dumps(self.to_dict(), indent=1, sort_keys=True), "utf-8")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TrainedModel:
        if data.get("format") != PARAMS_FORMAT:
            raise ValueError("not a Continuum linkage model file")
        config = LinkageConfig.from_dict(data["config"])
        expected = settings_hash(config)
        if data.get("settings_hash") != expected:
            raise ValueError(
                "model settings hash mismatch: the file was trained with a different "
                f"engine design ({data.get('settings_hash')} != {expected})"
            )
        return cls(config, dict(data["splink_settings"]), dict(data["params"]))

    @classmethod
    def load(cls, path: str | Path) -> TrainedModel:
        """Read a model written by :meth:`save`, checking its settings hash."""
        return cls.from_dict(json.loads(Path(path).read_text("utf-8")))


def _term_frequencies(frame: pd.DataFrame, column: str) -> dict[str, float]:
    values = frame[column].dropna()
    if values.empty:
        return {}
    counts = values.value_counts()
    return {str(k): float(v) / float(len(values)) for k, v in counts.items()}


def _observed(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) else None


def regularise(settings: dict[str, Any], m_floor: float, u_floor: float) -> dict[str, Any]:
    """Make every non-null level's m and u explicit and bounded away from zero.

    EM can drive m for a level never seen among matches to ~1e-27 (e.g. "same
    postcode sector" when movers in the data never move locally); that would
    make the level an absolute veto.  m is floored at ``m_floor``; an
    unobserved u becomes ``u_floor`` (one over the number of pairs sampled);
    a level observed in neither gets Bayes factor 1.  No level of an address
    comparison has a Bayes factor below :data:`MOVE_BAYES_FACTOR_FLOOR`.
    """
    out = json.loads(json.dumps(settings))
    for comp in out["comparisons"]:
        for lvl in comp["comparison_levels"]:
            if lvl.get("is_null_level"):
                continue
            m = _observed(lvl.get("m_probability"))
            u = _observed(lvl.get("u_probability"))
            if m is None and u is None:
                m = u = m_floor
            elif m is None:
                m = m_floor
            elif u is None:
                u = u_floor
            lvl["m_probability"] = max(m, m_floor)
            lvl["u_probability"] = max(u, 1e-12)
        if comp.get("output_column_name") in ADDRESS_COMPARISONS:
            for lvl in comp["comparison_levels"]:
                if lvl.get("is_null_level"):
                    continue
                floor = lvl["u_probability"] * MOVE_BAYES_FACTOR_FLOOR
                lvl["m_probability"] = max(lvl["m_probability"], floor)
    return out


def export_params(
    settings: Mapping[str, Any], config: LinkageConfig, frame: pd.DataFrame, shash: str
) -> dict[str, Any]:
    """Portable parameters: per-level m, u, Bayes factors; TF tables; thresholds.

    Read from the (regularised) Splink settings dict, which is exactly what
    Splink predicts with.
    """
    comps_out: list[dict[str, Any]] = []
    for comp, spec in zip(settings["comparisons"], config.comparisons(), strict=True):
        levels_out = []
        for lvl, lspec in zip(comp["comparison_levels"], spec.levels, strict=True):
            if lvl.get("is_null_level"):
                levels_out.append(
                    {"label": lspec.label, "is_null": True, "m_probability": None,
                     "u_probability": None, "bayes_factor": 1.0, "log2_bayes_factor": 0.0,
                     "tf_column": None}
                )  # fmt: skip
                continue
            m, u = float(lvl["m_probability"]), float(lvl["u_probability"])
            bf = m / u
            levels_out.append(
                {
                    "label": lspec.label,
                    "is_null": False,
                    "m_probability": m,
                    "u_probability": u,
                    "bayes_factor": bf,
                    "log2_bayes_factor": math.log2(bf),
                    "tf_column": lspec.tf_column,
                    "tf_minimum_u_value": float(lvl.get("tf_minimum_u_value", 0.0)),
                    "tf_exact_u_probability": u if lspec.tf_column else None,
                }
            )
        comps_out.append({"name": spec.name, "levels": levels_out})
    tf_columns = sorted(
        {lvl.tf_column for c in config.comparisons() for lvl in c.levels if lvl.tf_column}
    )
    lam = float(settings["probability_two_random_records_match"])
    params_core = {
        "probability_two_random_records_match": lam,
        "comparisons": comps_out,
    }
    core_hash = hashlib.sha256(json.dumps(params_core, sort_keys=True).encode()).hexdigest()
    return {
        "format": "continuum-linkage-params",
        "engine_version": ENGINE_VERSION,
        "settings_hash": shash,
        "model_version": f"{ENGINE_VERSION}+{shash[:12]}.{core_hash[:8]}",
        **params_core,
        "term_frequencies": {col: _term_frequencies(frame, col) for col in tf_columns},
        "thresholds": {"upper": config.threshold_upper, "lower": config.threshold_lower},
        "config": config.to_dict(),
    }


def train(frame: pd.DataFrame, config: LinkageConfig | None = None) -> TrainedModel:
    """Train the model on a feature frame (from :func:`prepare_frame`), unsupervised."""
    from splink import block_on

    cfg = config or LinkageConfig()
    shash = settings_hash(cfg)
    sample = frame
    if len(frame) > cfg.train_max_records:
        # λ, u and m are properties of a random pair of records, so a uniform random
        # sample of records estimates them without bias, at a fraction of the cost.
        sample = frame.sample(n=cfg.train_max_records, random_state=cfg.seed)
        sample = sample.sort_index().reset_index(drop=True)
    linker = _new_linker(sample, splink_settings(cfg))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        linker.training.estimate_probability_two_random_records_match(
            [block_on(*r) for r in cfg.deterministic_rules], recall=cfg.deterministic_recall
        )
        n = len(sample)
        u_pairs = min(cfg.u_max_pairs, max(n * (n - 1) / 2, 1.0))
        linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=cfg.seed)
        for rule in cfg.training_rules:
            linker.training.estimate_parameters_using_expectation_maximisation(
                block_on(*rule), max_pairs=cfg.em_max_pairs
            )
    trained_settings = regularise(
        linker.misc.save_model_to_json(), cfg.m_floor, 1.0 / max(u_pairs, 1.0)
    )
    params = export_params(trained_settings, cfg, frame, shash)
    return TrainedModel(cfg, trained_settings, params)


def predict(
    model: TrainedModel, frame: pd.DataFrame, threshold_probability: float | None = None
) -> pd.DataFrame:
    """Score blocked candidate pairs with Splink.

    Returns a DataFrame with ``uid_l, uid_r, source_l, source_r, match_weight,
    match_probability``.
    ``threshold_probability`` defaults to the model's lower (review) threshold.
    """
    threshold = (
        model.config.threshold_lower if threshold_probability is None else threshold_probability
    )
    linker = _new_linker(frame, model.splink_settings)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = linker.inference.predict(threshold_match_probability=threshold)
    cols = ["uid_l", "uid_r", "source_l", "source_r", "match_weight", "match_probability"]
    sql = f"SELECT {', '.join(cols)} FROM {result.physical_name}"  # noqa: S608 (fixed names)
    out = linker._db_api._execute_sql_against_backend(sql).df()
    if model.config.link_only:
        out = out[out["source_l"] != out["source_r"]].reset_index(drop=True)
    return out
