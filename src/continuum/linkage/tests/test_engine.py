"""Tests of the identity-resolution engine (pure Python; no database needed)."""

from __future__ import annotations

import csv
import math
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from continuum.linkage.engine import synthetic
from continuum.linkage.engine.batch import link_records
from continuum.linkage.engine.cli import main as cli_main
from continuum.linkage.engine.layout import read_extract, write_extract
from continuum.linkage.engine.model import (
    LinkageConfig,
    TrainedModel,
    predict,
    prepare_frame,
    train,
)
from continuum.linkage.engine.normalise import (
    canonical_names,
    is_valid_nhs_number,
    normalise_postcode,
    normalise_upn,
    parse_date,
    prepare_record,
)
from continuum.linkage.engine.realtime import blocking_keys, score_pair

VALID_NHS = "9434765919"  # modulus 11 valid
VALID_NHS_2 = "9434765870"
INVALID_NHS = "9434765918"


def rec(**kw: Any) -> dict[str, Any]:
    base = {
        "record_id": "r",
        "given_name": "Elizabeth",
        "middle_names": "",
        "family_name": "Smith",
        "date_of_birth": "2015-03-04",
        "sex": "F",
        "postcode": "NB1 2AB",
        "address_line1": "12 High Street",
        "nhs_number": "",
    }
    base.update(kw)
    return base


FAST = {"u_max_pairs": 3e5, "em_max_pairs": 3e5}


@pytest.fixture(scope="module")
def dataset() -> synthetic.Dataset:
    return synthetic.generate(2000, seed=3)


@pytest.fixture(scope="module")
def trained(dataset: synthetic.Dataset) -> tuple[TrainedModel, Any]:
    frame = prepare_frame(dataset.records())
    return train(frame, LinkageConfig(**FAST)), frame


@pytest.fixture(scope="module")
def params(trained: tuple[TrainedModel, Any]) -> dict[str, Any]:
    return trained[0].params


def levels(a: dict[str, Any], b: dict[str, Any], params: dict[str, Any]) -> dict[str, str]:
    _, _, breakdown = score_pair(a, b, params, apply_rules=False)
    return {item["field"]: item["level_label"] for item in breakdown}


# -- normalisation -----------------------------------------------------------


def test_nhs_and_upn_checks() -> None:
    assert is_valid_nhs_number(VALID_NHS)
    assert is_valid_nhs_number("943 476 5919")
    assert not is_valid_nhs_number(INVALID_NHS)
    assert normalise_upn("B801200005001") == "B801200005001"
    assert normalise_upn("A801200005001") is None


def test_nhs_check_agrees_with_stdnum() -> None:
    import random

    from stdnum.gb import nhs

    from continuum.linkage.engine.normalise import nhs_digits_and_validity

    rng = random.Random(3)
    numbers = ["".join(rng.choice("0123456789") for _ in range(10)) for _ in range(5000)]
    numbers += [VALID_NHS, "943 476 5919", "943-476-591", "", "12345678901", "٩٤٣٤٧٦٥٩١٩"]
    _, valid = nhs_digits_and_validity(numbers)
    for number, ok in zip(numbers, valid, strict=True):
        assert is_valid_nhs_number(number) == bool(ok) == nhs.is_valid(number), number


def test_postcode_and_dates() -> None:
    pc = normalise_postcode("nb12ab")
    assert (pc.full, pc.sector, pc.district) == ("NB1 2AB", "NB1 2", "NB1")
    assert normalise_postcode("SW1A1AA").full == "SW1A 1AA"
    assert parse_date("04/03/2015").isoformat() == "2015-03-04"
    assert parse_date("2015-03-04").isoformat() == "2015-03-04"
    assert parse_date("31/02/2015") is None


def test_names_and_nicknames() -> None:
    assert "ELIZABETH" in canonical_names("LIZ")
    assert "WILLIAM" in canonical_names("LIAM")
    f = prepare_record(rec(given_name="Zoë", family_name="O'Brien-Kowalski"))
    assert f["given"] == "ZOE"
    assert f["family"] == "OBRIEN KOWALSKI"
    assert f["family_parts"] == ["KOWALSKI", "OBRIEN"]
    baby = prepare_record(
        rec(given_name="Baby", date_of_birth="", expected_date_of_delivery="2025-01-01")
    )
    assert baby["given"] is None and baby["unborn"]


# -- realtime comparison levels ---------------------------------------------


def test_given_name_levels(params: dict[str, Any]) -> None:
    a = rec()
    assert levels(a, rec(), params)["given_name"] == "exact"
    assert levels(a, rec(given_name="Lizzie"), params)["given_name"] == "nickname/diminutive"
    assert levels(a, rec(given_name="Elizabteh"), params)["given_name"] == "jaro-winkler >= 0.92"
    assert levels(rec(given_name="Phoebe"), rec(given_name="Febe"), params)["given_name"] == (
        "phonetic"
    )
    assert levels(rec(given_name="Kayleigh"), rec(given_name="Cailee"), params)["given_name"] == (
        "phonetic"
    )
    swapped = levels(a, rec(given_name="Smith", family_name="Elizabeth"), params)
    assert swapped["given_name"] == "swapped with family name"
    assert swapped["family_name"] == "swapped with given name"
    middle = levels(rec(given_name="Mary", middle_names="Elizabeth"), a, params)
    assert middle["given_name"] == "known by middle name"
    assert levels(rec(given_name="Olivia"), rec(given_name="Amelia"), params)["given_name"] == (
        "clearly different"
    )


def test_family_name_levels(params: dict[str, Any]) -> None:
    a = rec(family_name="Smith-Jones")
    assert levels(a, rec(family_name="Jones"), params)["family_name"] == (
        "shared part or previous name"
    )
    maiden = rec(family_name="Khan", previous_family_names="Smith")
    assert levels(maiden, rec(), params)["family_name"] == "shared part or previous name"
    assert levels(rec(), rec(family_name="Smyth"), params)["family_name"] in {
        "jaro-winkler >= 0.92",
        "phonetic",
        "jaro-winkler >= 0.80",
    }


def test_date_of_birth_levels(params: dict[str, Any]) -> None:
    a = rec(date_of_birth="2015-03-04")

    def dob(x: str) -> str:
        return levels(a, rec(date_of_birth=x), params)["date_of_birth"]

    assert dob("2015-03-04") == "exact"
    assert dob("2015-04-03") == "day and month transposed"
    assert dob("2016-03-04") == "one component different"
    assert dob("2015-03-09") == "one component different"
    assert dob("2014-11-20") == "within a year"
    assert dob("2009-07-21") == "far apart"
    assert dob("") == "null"


def test_swap_with_a_typo_and_town_levels(params: dict[str, Any]) -> None:
    a = rec(given_name="Isabella", family_name="Ctercteko")
    swapped = levels(a, rec(given_name="Ctercteko", family_name="Isabela"), params)
    assert swapped["given_name"] == "swapped with family name, with a typo"
    assert swapped["family_name"] == "swapped with given name, with a typo"
    town = rec(town="Northbrook")
    assert levels(town, rec(town="NORTHBROOK "), params)["town"] == "exact"
    assert levels(town, rec(town="Northbrok"), params)["town"] == "jaro-winkler >= 0.90"
    assert levels(town, rec(town="Leeds"), params)["town"] == "all other comparisons"
    assert levels(town, rec(), params)["town"] == "null"


def test_models_of_engine_1_0_keep_their_comparisons(params: dict[str, Any]) -> None:
    from continuum.linkage.engine.realtime import comparisons_for

    legacy = comparisons_for({**params, "engine_version": "1.0.0"})
    assert "town" not in [c.name for c in legacy]
    assert len(legacy[0].levels) == len(comparisons_for(params)[0].levels) - 1
    assert "town" in [c.name for c in comparisons_for(params)]


def test_postcode_and_identifier_levels(params: dict[str, Any]) -> None:
    a = rec(postcode="NB1 2AB", nhs_number=VALID_NHS)

    def lv(**kw: Any) -> dict[str, str]:
        return levels(a, rec(**kw), params)

    assert lv(postcode="nb12ab")["postcode"] == "full"
    assert lv(postcode="NB1 2XY")["postcode"] == "sector"
    assert lv(postcode="NB1 7XY")["postcode"] == "district"
    assert lv(postcode="ZZ9 9ZZ")["postcode"] == "all other comparisons"
    assert lv(nhs_number=VALID_NHS)["nhs_number"] == "exact"
    assert lv(nhs_number=VALID_NHS_2)["nhs_number"] in {"different", "one edit"}
    assert lv(nhs_number=INVALID_NHS)["nhs_number"] == "null"  # invalid is never compared


def test_weights_have_sensible_signs(params: dict[str, Any]) -> None:
    _, _, bd = score_pair(rec(), rec(given_name="Olivia"), params, apply_rules=False)
    given = next(x for x in bd if x["field"] == "given_name")
    assert given["weight"] < -3  # clearly different names are strong evidence against
    w_same, p_same, _ = score_pair(rec(nhs_number=VALID_NHS), rec(given_name="Liz"), params)
    assert p_same > 0.99 and w_same > 0


# -- safety rules -------------------------------------------------------------


def test_twins_are_never_linked(params: dict[str, Any]) -> None:
    olivia = rec(given_name="Olivia", nhs_number=VALID_NHS)
    amelia = rec(given_name="Amelia", nhs_number=VALID_NHS_2)
    weight, prob, bd = score_pair(olivia, amelia, params)
    assert prob == 0.0 and weight == -math.inf
    assert bd[-1]["field"] == "rule"
    # without NHS numbers, different names alone block the link
    _, prob2, _ = score_pair(rec(given_name="Olivia"), rec(given_name="Amelia"), params)
    assert prob2 == 0.0
    # same name twice but different valid NHS numbers: still different people
    _, prob3, _ = score_pair(rec(nhs_number=VALID_NHS), rec(nhs_number=VALID_NHS_2), params)
    assert prob3 == 0.0
    # boy/girl twins with similar names
    _, prob4, _ = score_pair(
        rec(given_name="Oliver", sex="M"), rec(given_name="Olivia", sex="F"), params
    )
    assert prob4 == 0.0


def test_unborn_to_born_rule(params: dict[str, Any]) -> None:
    unborn = rec(
        given_name="Baby", date_of_birth="", sex="", expected_date_of_delivery="2025-01-10"
    )
    born = rec(given_name="Ava", date_of_birth="2024-12-28")
    _, prob, bd = score_pair(unborn, born, params)
    assert prob >= 0.99
    assert any(x["level_label"] == "unborn to born (EDD)" for x in bd)
    older_sibling = rec(given_name="Jack", date_of_birth="2021-06-01", sex="M")
    _, prob2, _ = score_pair(unborn, older_sibling, params)
    assert prob2 == 0.0


def test_name_change_links(params: dict[str, Any]) -> None:
    before = rec(given_name="Beth", family_name="Jones", nhs_number="")
    after = rec(family_name="Okafor", previous_family_names="Jones")
    _, prob, _ = score_pair(before, after, params)
    assert prob > 0.99


def test_blocking_keys() -> None:
    keys = blocking_keys(rec(nhs_number=VALID_NHS))
    assert f"nhs:{VALID_NHS}" in keys
    assert "dob+district:2015-03-04|NB1" in keys
    assert any(k.startswith("part+postcode:SMITH|NB1 2AB") for k in keys)
    # a nickname variant shares the family/dob keys with the full name
    assert set(blocking_keys(rec(given_name="Liz"))) & set(keys)


# -- Splink agreement and persistence ---------------------------------------


def test_realtime_agrees_with_splink(trained: tuple[TrainedModel, Any]) -> None:
    model, frame = trained
    pairs = predict(model, frame, threshold_probability=0.0)
    sample = pairs.sample(n=min(300, len(pairs)), random_state=1)
    feats = {r["uid"]: r for r in frame.to_dict("records")}
    for row in sample.itertuples():
        w, _, _ = score_pair(feats[row.uid_l], feats[row.uid_r], model.params, apply_rules=False)
        assert w == pytest.approx(row.match_weight, abs=1e-6)


def test_save_and_load(tmp_path: Path, trained: tuple[TrainedModel, Any]) -> None:
    model, _ = trained
    path = tmp_path / "model.json"
    model.save(path)
    loaded = TrainedModel.load(path)
    assert loaded.model_version == model.model_version
    assert loaded.settings_hash == model.settings_hash
    assert loaded.params["comparisons"] == model.params["comparisons"]


def test_table_preparation_matches_record_preparation(dataset: synthetic.Dataset) -> None:
    unborn = rec(
        record_id="t2",
        given_name="Baby",
        date_of_birth="",
        expected_date_of_delivery="2025-01-01",
        previous_family_names="Khan; Ali",
    )
    records = [*dataset.records()[:3000], rec(record_id="t1", town=" Leeds ", sex="female"), unborn]
    frame = prepare_frame([{**r, "source": r.get("source", "x")} for r in records])
    for record, row in zip(records, frame.to_dict("records"), strict=True):
        expected = prepare_record(record)
        assert {k: row[k] for k in expected} == expected


# -- layout reader ------------------------------------------------------------


def _read_row_by_row(
    path: Path, today: date | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    """The reader's rules applied one row at a time with ``validate_row``."""
    from continuum.linkage.engine.layout import ALL_COLUMNS, _cell, validate_row

    with path.open(newline="", encoding="utf-8-sig") as fh:
        header, *body = list(csv.reader(fh))
    index = {h.strip().lower(): i for i, h in enumerate(header) if h.strip().lower() in ALL_COLUMNS}
    rows, errors, seen = [], [], set()
    for offset, values in enumerate(body):
        if not any(_cell(v) for v in values):
            continue
        raw = {c: _cell(values[i]) if i < len(values) else None for c, i in index.items()}
        row, errs = validate_row(raw, offset + 2, path.stem, today=today)
        errors.extend(str(e) for e in errs)
        if row is None:
            continue
        if row["record_id"] in seen:
            errors.append(f"{path.stem}: row {offset + 2}, record_id: duplicate")
            continue
        seen.add(row["record_id"])
        rows.append(row)
    return rows, errors


def test_reader_matches_row_by_row_validation(tmp_path: Path) -> None:
    import random

    rng = random.Random(5)
    choices = {
        "record_id": ["1", "2", "3", "", " 4 ", "5", "6", "7"],
        "given_name": ["Ann", "", "Baby", "Zoë"],
        "middle_names": ["", "May"],
        "family_name": ["Smith", "", " Jones ", "Khan"],
        "date_of_birth": ["2001-02-03", "03/02/2001", "", "bad", "1850-01-01", "20010203"],
        "sex": ["M", "f", "", "Q", "male"],
        "postcode": ["NB1 2AB", ""],
        "address_line1": ["1 Road", ""],
        "nhs_number": ["", VALID_NHS, "943 476 5919", "123", INVALID_NHS, "943-476-5919"],
        "upn": ["", "B801200005001", "A801200005001"],
        "expected_date_of_delivery": ["", "2026-01-01", "nope"],
        "town": ["", "Leeds"],
        "notes": ["", "x"],
    }
    header = list(choices)
    rng.shuffle(header)
    path = tmp_path / "mixed.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for _ in range(600):
            row = [rng.choice(choices[h]) for h in header]
            if rng.random() < 0.03:
                row = [""] * len(header)
            elif rng.random() < 0.03:
                row = row[:4]
            writer.writerow(row)
    expected_rows, expected_errors = _read_row_by_row(path)
    result = read_extract(path)
    assert result.rows == expected_rows
    assert [str(e) for e in result.errors] == expected_errors
    assert len(result.rows) > 5 and len(result.errors) > 100


def test_reader_handles_quoting_and_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "quoted.csv"
    rows = [
        rec(record_id="1", address_line1="Flat 2, 12 High Street"),
        rec(record_id="2", address_line1='The "Old" Mill\nBack Lane', given_name=" Amy "),
        rec(record_id="3", nhs_number=VALID_NHS, middle_names=""),
    ]
    write_extract(path, rows)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    expected_rows, expected_errors = _read_row_by_row(path)
    result = read_extract(path)
    assert result.rows == expected_rows
    assert [str(e) for e in result.errors] == expected_errors
    assert result.rows[1]["address_line1"] == 'The "Old" Mill\nBack Lane'
    assert result.rows[1]["given_name"] == "Amy"


def test_reader_reports_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "health.csv"
    rows = [
        rec(record_id="1"),
        rec(record_id="2", date_of_birth="31/02/2015"),
        rec(record_id="3", family_name=""),
        rec(record_id="4", nhs_number=INVALID_NHS),
        rec(record_id="1"),
        rec(record_id="5", family_name="", given_name="Baby"),
        rec(record_id="", family_name="Smith"),
    ]
    write_extract(path, rows)
    result = read_extract(path)
    assert result.source == "health"
    # refused: no name at all (row 7), no record id (row 8), a repeated id (row 6)
    assert [r["record_id"] for r in result.rows] == ["1", "2", "3", "4"]
    assert result.rows[1]["date_of_birth"] is None  # kept without the unreadable date
    assert result.rows[2]["given_name"] == "Elizabeth" and result.rows[2]["family_name"] is None
    problems = {(e.row, e.field) for e in result.errors}
    assert {(3, "date_of_birth"), (5, "nhs_number"), (6, "record_id"), (7, "family_name"),
            (8, "record_id")} <= problems  # fmt: skip
    assert (4, "family_name") not in problems


def test_reader_keeps_rows_without_a_date_of_birth_and_takes_a_future_one_as_the_edd(
    tmp_path: Path,
) -> None:
    path = tmp_path / "police.csv"
    rows = [
        rec(record_id="1", date_of_birth=""),
        rec(record_id="2", given_name="Baby", date_of_birth="2031-05-01"),
        rec(record_id="3", given_name="J"),
        rec(record_id="4", given_name="", date_of_birth=""),
        rec(
            record_id="5",
            given_name="Baby",
            date_of_birth="2031-05-01",
            expected_date_of_delivery="2031-05-03",
        ),
    ]
    write_extract(path, rows)
    result = read_extract(path, today=date(2030, 1, 1))
    assert [r["record_id"] for r in result.rows] == ["1", "2", "3", "4", "5"]
    assert result.rows[1]["date_of_birth"] is None
    assert result.rows[1]["expected_date_of_delivery"] == "2031-05-01"
    assert result.rows[4]["expected_date_of_delivery"] == "2031-05-03"
    warnings = [str(e) for e in result.errors]
    assert warnings == [
        "police: row 3, date_of_birth: after today, taken as the expected date of delivery: "
        "2031-05-01",
        "police: row 6, date_of_birth: after today, left out (the row has an expected date of "
        "delivery): 2031-05-01",
    ]
    expected_rows, expected_errors = _read_row_by_row(path, today=date(2030, 1, 1))
    assert result.rows == expected_rows and warnings == expected_errors


def test_reader_xlsx(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    header = list(rec().keys())
    ws.append(header)
    ws.append([rec(record_id="x1")[h] for h in header])
    path = tmp_path / "school.xlsx"
    wb.save(path)
    result = read_extract(path)
    assert len(result.rows) == 1 and not result.errors


# -- batch + CLI end to end ---------------------------------------------------


def test_batch_links_and_keeps_twins_apart(
    dataset: synthetic.Dataset, trained: tuple[TrainedModel, Any]
) -> None:
    ds = dataset
    result = link_records(ds.records(), model=trained[0])
    person = dict(zip(result.clusters["uid"], result.clusters["person_id"], strict=True))
    by_pid: dict[str, list[str]] = {}
    for (src, rid), pid in ds.truth.items():
        by_pid.setdefault(pid, []).append(f"{src}:{rid}")
    twins = synthetic.twin_pairs(ds)
    assert twins
    for a, b in twins:
        persons_a = {person[u] for u in by_pid.get(a, [])}
        persons_b = {person[u] for u in by_pid.get(b, [])}
        assert not persons_a & persons_b, (a, b)


def test_clustering_splits_only_components_with_a_conflict() -> None:
    import pandas as pd

    from continuum.linkage.engine.cluster import cluster_records

    records = [
        rec(record_id="a1", given_name="Elizabeth"), rec(record_id="a2", given_name="Liz"),
        rec(record_id="a3", given_name="Beth", date_of_birth="2015-04-03"),
        rec(record_id="t1", given_name="Olivia", family_name="Moss"),
        rec(record_id="t2", given_name="Amelia", family_name="Moss"),
        rec(record_id="t3", given_name="", family_name="Moss"),  # fits either twin
    ]  # fmt: skip
    frame = prepare_frame([{**r, "source": "s"} for r in records])
    pairs = pd.DataFrame(
        [("s:a1", "s:a2", 20.0), ("s:a2", "s:a3", 15.0),
         ("s:t1", "s:t3", 9.0), ("s:t2", "s:t3", 12.0)],
        columns=["uid_l", "uid_r", "match_weight"],
    )  # fmt: skip
    pairs["match_probability"] = 0.999
    clusters, stats = cluster_records(frame, pairs, LinkageConfig())
    person = dict(zip(clusters["uid"], clusters["person_id"], strict=True))
    assert person["s:a1"] == person["s:a2"] == person["s:a3"]
    # the stronger link (t2-t3) wins; Olivia cannot then join a group holding Amelia
    assert person["s:t2"] == person["s:t3"] != person["s:t1"]
    assert stats.model_links_refused == 1 and stats.model_links_used == 3


def test_cli_end_to_end(tmp_path: Path) -> None:
    ds = synthetic.generate(700, seed=9)
    paths = synthetic.write_dataset(ds, tmp_path / "in")
    out = tmp_path / "clusters.csv"
    code = cli_main(["link", *map(str, paths), "--out", str(out), "--threshold-upper", "0.99"])
    assert code == 0
    with out.open() as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == ["source", "record_id", "person_id"]
        rows = list(reader)
    person = {(r["source"], r["record_id"]): r["person_id"] for r in rows}
    assert set(person) == set(ds.truth)
    # pairs of records that are exact copies of each other's identity must share a person
    truth_groups: dict[str, list[tuple[str, str]]] = {}
    for key, pid in ds.truth.items():
        truth_groups.setdefault(pid, []).append(key)
    linked = sum(
        1 for keys in truth_groups.values() if len(keys) > 1 and len({person[k] for k in keys}) == 1
    )
    multi = sum(1 for keys in truth_groups.values() if len(keys) > 1)
    assert linked / multi > 0.85
    for a, b in synthetic.twin_pairs(ds):
        pa = {person[k] for k in truth_groups.get(a, [])}
        pb = {person[k] for k in truth_groups.get(b, [])}
        assert not pa & pb


# -- issue 12: rows the engine used to drop, people who move ----------------------------


def test_a_police_row_without_a_date_of_birth_links_by_nhs_number_only(
    params: dict[str, Any],
) -> None:
    from continuum.linkage.engine.realtime import classify
    from continuum.linkage.engine.rules import NO_DATE_OF_BIRTH

    health = rec(given_name="Kerry", nhs_number=VALID_NHS)
    police = rec(given_name="KERRY", family_name="SMITH", date_of_birth="", nhs_number=VALID_NHS)
    _, prob, _ = score_pair(health, police, params)
    assert classify(prob, params) == "link"
    # the same row without the NHS number: name and address alone go to review, never a link
    weight, prob, bd = score_pair(health, {**police, "nhs_number": ""}, params)
    assert classify(prob, params) == "review"
    assert prob < params["thresholds"]["upper"] < 2.0 ** weight / (1 + 2.0 ** weight)
    assert bd[-1] == {**bd[-1], "field": "rule", "level_label": NO_DATE_OF_BIRTH}
    # a mother and daughter of one family and address, no date of birth, names alike but not
    # the same name: not even a review
    jade, jane = rec(given_name="Jade"), rec(given_name="Jane", date_of_birth="")
    assert levels(jade, jane, params)["given_name"] == "jaro-winkler >= 0.80"
    _, prob, _ = score_pair(jade, jane, params)
    assert classify(prob, params) == "no_link"


def test_an_initial_or_a_family_name_only_goes_to_review_not_a_link(
    params: dict[str, Any],
) -> None:
    from continuum.linkage.engine.realtime import classify

    for other in (rec(given_name="E"), rec(given_name="")):
        _, prob, _ = score_pair(rec(), other, params)
        assert classify(prob, params) == "review"
    # an initial that fits neither twin's name is a conflict, as before
    _, prob, _ = score_pair(rec(given_name="Olivia"), rec(given_name="A"), params)
    assert prob == 0.0
    # with the NHS number, the initial links
    _, prob, _ = score_pair(rec(nhs_number=VALID_NHS), rec(given_name="E", nhs_number=VALID_NHS),
                            params)  # fmt: skip
    assert classify(prob, params) == "link"


def test_a_future_date_of_birth_is_the_expected_date_of_delivery() -> None:
    from continuum.linkage.engine.normalise import FeatureOptions

    options = FeatureOptions(today=date(2030, 6, 1))
    row = rec(record_id="u1", given_name="Baby", date_of_birth="2030-09-01")
    features = prepare_record(row, options)
    assert features["dob"] is None and features["edd"] == "2030-09-01" and features["unborn"]
    frame = prepare_frame([{**row, "source": "health"}], options)
    assert frame.loc[0, "dob"] is None and frame.loc[0, "edd"] == "2030-09-01"
    assert bool(frame.loc[0, "unborn"])
    # a named unborn baby (the parents chose the name) is unborn too
    assert prepare_record(rec(given_name="Ava", date_of_birth="2030-09-01"), options)["unborn"]
    # a date of birth before `today` stays a date of birth
    assert prepare_record(rec(), options)["dob"] == "2015-03-04"


def test_a_different_postcode_is_weak_evidence_against(params: dict[str, Any]) -> None:
    moved = rec(postcode="ZZ9 9ZZ", address_line1="3 New Road")
    _, _, bd = score_pair(rec(), moved, params, apply_rules=False)
    against = {b["field"]: b["weight"] for b in bd}
    assert against["postcode"] >= -1.0 and against["address_line1"] >= -1.0
    # the same name and date of birth at a new address still links
    _, prob, _ = score_pair(rec(), moved, params)
    assert prob >= params["thresholds"]["upper"]


def test_a_mover_links_by_address_history(params: dict[str, Any]) -> None:
    from continuum.linkage.engine.history import ADDRESS_FIELDS, best_over_history

    # a step-father's surname, day and month transposed, and an old address
    old = prepare_record(rec(given_name="Liz", family_name="Jones", date_of_birth="2015-04-03"))
    new = prepare_record(rec(postcode="ZZ9 9ZZ", address_line1="3 New Road"))
    direct, prob, _ = score_pair(old, new, params)
    assert prob < params["thresholds"]["upper"]
    history_of_new = {tuple(old[f] for f in ADDRESS_FIELDS)}  # the person lived at the old one
    weight, _bd, moved = best_over_history(old, new, set(), history_of_new, params)
    assert moved and weight > direct
    assert 2.0**weight / (1 + 2.0**weight) >= params["thresholds"]["upper"]


def _cluster(records: list[dict[str, Any]], scored: list[tuple[str, str, float]],
             params: dict[str, Any]) -> dict[str, str]:  # fmt: skip
    import pandas as pd

    from continuum.linkage.engine.batch import hold_weak_pairs
    from continuum.linkage.engine.cluster import cluster_records

    config = LinkageConfig()
    frame = prepare_frame(records)
    pairs = pd.DataFrame(
        [{"uid_l": a, "uid_r": b, "match_probability": p,
          "match_weight": math.log2(p / (1 - p))} for a, b, p in scored]
    )  # fmt: skip
    clusters, _ = cluster_records(frame, hold_weak_pairs(frame, pairs, config), config, params)
    return dict(zip(clusters["uid"], clusters["person_id"], strict=True))


def test_a_household_that_moved_together_links_and_twins_still_never_do(
    params: dict[str, Any],
) -> None:
    old = {"postcode": "NB1 2AB", "address_line1": "12 High Street"}
    new = {"postcode": "ZZ9 9ZZ", "address_line1": "3 New Road"}
    records = [
        # the mother, known at both addresses (the health record is linked to the school's)
        rec(record_id="m1", source="health", given_name="Kerry", date_of_birth="1990-01-02",
            nhs_number=VALID_NHS, **new),
        rec(record_id="m2", source="police", given_name="Kerry", date_of_birth="1990-01-02",
            nhs_number=VALID_NHS, **old),
        # her daughter: a step-father's surname at the old address, her own at the new one
        rec(record_id="d1", source="police", family_name="Jones", **old),
        rec(record_id="d2", source="health", given_name="Elizabeth", **new),
        # the daughter's twin at the new address
        rec(record_id="t1", source="health", given_name="Olivia", **new),
    ]  # fmt: skip
    person = _cluster(
        records,
        [("health:m1", "police:m2", 0.9999), ("police:d1", "health:d2", 0.5),
         ("police:d1", "health:t1", 0.4)],
        params,
    )  # fmt: skip
    assert person["health:m1"] == person["police:m2"]
    assert person["police:d1"] == person["health:d2"]  # moved with her mother
    assert person["health:t1"] != person["health:d2"]  # the twin stays apart
    # without the mother seen at both addresses, the two records stay apart
    alone = _cluster(records[2:], [("police:d1", "health:d2", 0.5)], params)
    assert alone["police:d1"] != alone["health:d2"]


def test_without_a_date_of_birth_a_relationship_is_needed_to_link_automatically(
    params: dict[str, Any],
) -> None:
    records = [
        rec(record_id="k1", source="health", given_name="Kerry", date_of_birth="1990-01-02",
            nhs_number=VALID_NHS),
        rec(record_id="j1", source="health", given_name="Jason", family_name="Cole",
            date_of_birth="1988-05-06", sex="M"),
        rec(record_id="j2", source="police", given_name="JASON", family_name="COLE",
            date_of_birth="", sex="M"),
    ]  # fmt: skip
    scored = [("health:j1", "police:j2", 0.9999)]
    alone = _cluster(records, scored, params)
    assert alone["health:j1"] != alone["police:j2"]  # name and address alone: review
    # the police also record Kerry at that address: both agencies know the household
    records.append(rec(record_id="k2", source="police", given_name="Kerry",
                       date_of_birth="1990-01-02", nhs_number=VALID_NHS))  # fmt: skip
    together = _cluster(records, [*scored, ("health:k1", "police:k2", 0.9999)], params)
    assert together["health:j1"] == together["police:j2"]
