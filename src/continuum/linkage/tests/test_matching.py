"""The real-time matcher's stored versions, blocking keys and fast scorer, and batch imports."""

from __future__ import annotations

import datetime as dt
import json
import threading

import numpy as np
import pytest
from django.db import connection

from conftest import TWINS_DOB
from continuum.linkage import matching, services
from continuum.linkage.engine import synthetic
from continuum.linkage.engine.pairs import PairScorer
from continuum.linkage.engine.realtime import prepare, score_pair
from continuum.linkage.models import LinkStatus, MatchKey, MatchVersion, SourceRecord
from continuum.linkage.services import imports
from continuum.people.models import Person


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return synthetic.generate(500, seed=5).records()


def _params():
    return matching._default_params()


# -- the fast scorer --------------------------------------------------------------------------


def test_fast_scorer_adds_up_exactly_like_score_pair(records):
    """The lookup-table scorer gives every pair the weight `score_pair` gives it before the
    hard rules, so it can decide which candidates are worth scoring in full."""
    params = _params()
    scorer = matching.Scorer(params)
    prepared = [prepare(r, params) for r in records[:120]]
    for q in prepared[:40]:
        fast = scorer.model_weights(q, prepared)
        slow = [score_pair(q, c, params, apply_rules=False)[0] for c in prepared]
        assert fast == pytest.approx(slow, abs=1e-9)


def test_pair_scorer_gives_every_pair_the_weight_score_pair_gives_it(records):
    """The import's chunk scorer (DuckDB, from the comparisons' SQL) agrees with `score_pair`
    before the hard rules on every pair, term-frequency adjustments included, and flags each
    pair with an unborn record (whose score the unborn rule may raise)."""
    params = _params()
    prepared = [prepare(r, params) for r in records[:150]]
    left, right = prepared[:50], [json.dumps(f) for f in prepared]
    left_index = np.repeat(np.arange(len(left)), len(prepared))
    right_index = np.tile(np.arange(len(prepared)), len(left))
    pairs = PairScorer(params)
    try:
        scored = pairs.weights(left, right, left_index, right_index)
        assert len(pairs.weights(left, right, np.array([], int), np.array([], int)).weights) == 0
    finally:
        pairs.close()
    slow = [score_pair(left[i], prepared[j], params, apply_rules=False)[0]
            for i, j in zip(left_index, right_index, strict=True)]  # fmt: skip
    assert scored.weights.tolist() == pytest.approx(slow, abs=1e-9)
    unborn = [left[i]["unborn"] or prepared[j]["unborn"]
              for i, j in zip(left_index, right_index, strict=True)]  # fmt: skip
    assert scored.unborn.tolist() == unborn and any(unborn)
    exact_given = [left[i]["given"] == prepared[j]["given"] is not None
                   for i, j in zip(left_index, right_index, strict=True)]  # fmt: skip
    assert sum(exact_given) > len(left)  # pairs whose weight has a term-frequency adjustment


def test_fast_scorer_ranks_like_score_pair_with_the_rules(records):
    params = _params()
    _upper, lower = matching.thresholds(params)
    prepared = [prepare(r, params) for r in records[:200]]
    versions = {i: [matching.Version(i, None, f)] for i, f in enumerate(prepared)}
    scorer = matching.Scorer(params)
    for q in prepared[:60]:
        expected = sorted(
            (i for i, f in enumerate(prepared) if score_pair(q, f, params)[1] >= lower),
            key=lambda i: (-score_pair(q, prepared[i], params)[1], i),
        )
        assert [s.person_id for s in scorer.rank(q, versions)] == expected


# -- blocking keys ----------------------------------------------------------------------------


def test_blocking_keys_find_every_pair_the_model_would_link(records):
    """Recall of the keys against the model itself: any two records of the synthetic area
    (nicknames, typos, swapped dates and names, maiden names, unborn babies) that score at or
    above the review threshold share a key, so the matcher offers them."""
    params = _params()
    _upper, lower = matching.thresholds(params)
    scorer = matching.Scorer(params)
    prepared = [prepare(r, params) for r in records]
    stored = [matching.version_keys(r) for r in records]
    asked = [matching.query_keys(r) for r in records]
    missed, linked = [], 0
    for i, q in enumerate(prepared):
        for j, weight in enumerate(scorer.model_weights(q, prepared)):
            maybe = weight >= scorer.lower_weight - 1e-6 or q["unborn"] or prepared[j]["unborn"]
            if i == j or not maybe or score_pair(q, prepared[j], params)[1] < lower:
                continue
            linked += 1
            if not asked[i] & stored[j]:
                missed.append((records[i]["record_id"], records[j]["record_id"]))
    assert linked > len(records) / 2  # the area has many records of the same people
    assert missed == []


def test_query_keys_cover_the_usual_errors():
    born = {"given_name": "Jayden", "family_name": "Smith-Jones", "date_of_birth": "2021-03-04",
            "postcode": "nb1 4qt", "nhs_number": "943 476 5919"}  # fmt: skip
    stored = matching.version_keys(born)
    assert "nhs:9434765919" in stored and "pf:NB1 4QT:S530" in stored
    for error in (
        {"date_of_birth": "2021-04-03"},  # day and month swapped
        {"date_of_birth": "2022-03-04", "family_name": "Jones"},  # a year out, part of the name
        {"given_name": "Smith", "family_name": "Jayden"},  # given and family names swapped
        {"given_name": "Jaydn", "family_name": "Smiht", "postcode": None},  # misspelt
    ):
        query = {**born, "nhs_number": None, **error}
        assert matching.query_keys(query) & stored, error
    unborn = {"given_name": "Baby", "family_name": "Smith", "date_of_birth": None,
              "expected_date_of_delivery": "2026-05-01", "postcode": "NB1 4QT"}  # fmt: skip
    baby = {"given_name": "Mia", "family_name": "Smith", "date_of_birth": "2026-04-20",
            "postcode": "NB9 9ZZ"}  # fmt: skip
    assert matching.query_keys(baby) & matching.version_keys(unborn)
    assert matching.query_keys(unborn) & matching.version_keys(baby)


# -- stored versions follow the people --------------------------------------------------------


def _keys(person) -> set[str]:
    return set(MatchKey.objects.filter(person=person).values_list("key", flat=True))


def test_people_services_keep_the_stored_versions_in_step(family, front_door_worker):
    twin = family.twin1
    version = MatchVersion.objects.get(person=twin, source_record=None)
    assert version.features["given"] == "JAYDEN"
    assert version.record["postcode"] == "NB1 4QT"
    assert f"dg:{TWINS_DOB}:J350" in _keys(twin)
    twin = services.people_services.person_update(
        actor=front_door_worker, person=twin, expected_version=twin.version,
        data={"family_name": "Okafor"}, reason="Adopted",
    )  # fmt: skip
    version = MatchVersion.objects.get(person=twin, source_record=None)
    assert version.features["family"] == "OKAFOR"
    assert "SMITH" in version.features["family_parts"]  # the old name, kept as a previous name
    address = services.people_services.address_build(line1="3 Station Road", postcode="NB2 7HX")
    services.people_services.person_move(
        actor=front_door_worker, person=twin, address=address, start_date=dt.date.today()
    )
    assert "pf:NB2 7HX:O216" in _keys(twin)
    assert "pf:NB1 4QT:O216" not in _keys(twin)


def test_merge_and_unmerge_move_the_stored_versions(family, front_door_worker):
    duplicate = services.people_services.person_create(
        actor=front_door_worker,
        data={"kind": "child", "given_name": "Jaydon", "family_name": "Smyth",
              "date_of_birth": TWINS_DOB, "sex": "M"},
        household=family.household,
    )  # fmt: skip
    merge = services.person_merge(
        actor=front_door_worker, kept=family.twin1, merged=duplicate, reason="Same child"
    )
    assert not MatchVersion.objects.filter(person=duplicate).exists()
    assert not _keys(duplicate)
    kept = MatchVersion.objects.get(person=family.twin1, source_record=None)
    assert "SMYTH" in kept.features["family_parts"]
    services.merge_undo(actor=front_door_worker, merge=merge, reason="Wrong merge")
    assert MatchVersion.objects.filter(person=duplicate).count() == 1
    kept = MatchVersion.objects.get(person=family.twin1, source_record=None)
    assert "SMYTH" not in kept.features["family_parts"]


def test_features_stored_by_other_normalisation_code_are_derived_again(family):
    MatchVersion.objects.update(schema="older", features={})
    matches = matching.find_matches(
        {
            "given_name": "Jayden",
            "family_name": "Smith",
            "date_of_birth": TWINS_DOB.isoformat(),
            "postcode": "NB1 4QT",
        }
    )
    assert matches and matches[0].person == family.twin1


def test_rebuilding_everything_gives_what_the_services_stored(family):
    before_versions = sorted(
        MatchVersion.objects.values_list("person_id", "source_record_id", "schema")
    )
    before_keys = sorted(MatchKey.objects.values_list("person_id", "key"))
    services.features_rebuild_all()
    assert sorted(MatchVersion.objects.values_list("person_id", "source_record_id", "schema")) == (
        before_versions
    )
    assert sorted(MatchKey.objects.values_list("person_id", "key")) == before_keys


# -- batch imports ----------------------------------------------------------------------------

HEADER = (
    "record_id,given_name,middle_names,family_name,date_of_birth,sex,postcode,"
    "address_line1,nhs_number\n"
)


def _run(agency, data_steward, lines: list[str], **kwargs):
    content = (HEADER + "\n".join(lines) + "\n").encode()
    job = services.import_create(
        actor=data_steward, agency=agency, filename="x.csv", content=content
    )
    return services.import_run(job.pk, **kwargs)


def test_two_records_of_one_new_person_in_one_file_make_one_person(
    family, agencies, data_steward, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    before = Person.objects.count()
    job = _run(agencies.police, data_steward, [
        "P1,Amara,,Okafor,2019-08-30,F,NB1 4QX,7 Brook Street,",
        "P2,Amarah,,Okafor,2019-08-30,F,NB1 4QX,7 Brook Street,",
        "P3,Kerry,,Smith,14/06/1996,F,NB1 4QT,12 Mill Lane,9434765919",
    ])  # fmt: skip
    assert (job.new_people, job.linked_automatically) == (1, 2)
    assert Person.objects.count() == before + 1
    records = {r.record_id: r for r in SourceRecord.objects.all()}
    assert records["P1"].person == records["P2"].person
    assert records["P2"].link_status == LinkStatus.AUTOMATIC
    assert records["P3"].person == family.mother
    # Both agency records are versions of the new person the matcher reads.
    assert MatchVersion.objects.filter(person=records["P1"].person).count() == 3
    found = matching.find_matches(
        {"given_name": "Amara", "family_name": "Okafor", "date_of_birth": "2019-08-30"}
    )
    assert [m.person for m in found] == [records["P1"].person]


def test_a_record_id_repeated_in_a_chunk_is_stored_once_then_updated(
    family, agencies, data_steward, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    job = _run(agencies.police, data_steward, [
        "P1,Amara,,Okafor,2019-08-30,F,NB1 4QX,7 Brook Street,",
        "P1,Amara,,Okafor,2019-08-30,F,NB1 4QX,9 Brook Street,",
    ])  # fmt: skip
    assert (job.new_people, job.updated_records) == (1, 1)
    record = SourceRecord.objects.get(record_id="P1")
    assert record.data["address_line1"] == "9 Brook Street"
    assert record.previous_versions[0]["data"]["address_line1"] == "7 Brook Street"
    version = MatchVersion.objects.get(source_record=record)
    assert version.record["address_line1"] == "9 Brook Street"


class _EagerReadAhead(imports._ReadAhead):
    """Reads each next chunk as soon as it is asked to, before the chunk before is stored: the
    worst case of the background read, made deterministic."""

    def __init__(self, enabled: bool, params: dict):
        self.executor, self.pending, self.pairs = None, {}, PairScorer(params)

    enabled = True

    def start(self, start, prepare):
        self.pending[start] = prepare(self.pairs)

    def take(self, start, prepare, pairs):
        return self.pending.pop(start) if start in self.pending else prepare(pairs)

    def close(self):
        self.pending.clear()
        self.pairs.close()


def test_a_chunk_read_ahead_meets_the_rows_the_chunk_before_stored(
    family, agencies, data_steward, settings, tmp_path, monkeypatch
):
    """The next chunk's candidates are read before this chunk is stored, so it cannot find
    what this chunk adds in the database: it meets those rows as it meets its own earlier rows,
    and two records of one new person in consecutive chunks still make one person."""
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(imports, "_ReadAhead", _EagerReadAhead)
    before = Person.objects.count()
    job = _run(agencies.police, data_steward, [
        "P1,Amara,,Okafor,2019-08-30,F,NB1 4QX,7 Brook Street,",
        "P2,Amarah,,Okafor,2019-08-30,F,NB1 4QX,7 Brook Street,",
        "P3,Amara,,Okafor,2019-08-30,F,NB1 4QX,7 Brook St,",
        "P4,Kerry,,Smith,14/06/1996,F,NB1 4QT,12 Mill Lane,9434765919",
    ], chunk_size=1, read_ahead=True)  # fmt: skip
    assert (job.new_people, job.linked_automatically, job.rows_done) == (1, 3, 4)
    assert Person.objects.count() == before + 1
    records = {r.record_id: r for r in SourceRecord.objects.all()}
    assert records["P1"].person == records["P2"].person == records["P3"].person
    assert records["P4"].person == family.mother


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a second connection sees only "
                    "committed data, which the SQLite test database cannot share")  # fmt: skip
@pytest.mark.usefixtures("flushable_audit_log")
def test_reading_ahead_in_the_background_gives_the_same_people(
    family, agencies, data_steward, settings, tmp_path, monkeypatch
):
    """On PostgreSQL outside a transaction, the next chunk is prepared on another connection in
    a background thread while this one is stored; the import's result is the same."""
    settings.MEDIA_ROOT = tmp_path
    threads = set()
    prepare_chunk = imports._prepare_chunk

    def spy(*args, **kwargs):
        threads.add(threading.get_ident())
        return prepare_chunk(*args, **kwargs)

    monkeypatch.setattr(imports, "_prepare_chunk", spy)
    before = Person.objects.count()
    job = _run(agencies.police, data_steward, [
        "P1,Amara,,Okafor,2019-08-30,F,NB1 4QX,7 Brook Street,",
        "P2,Amarah,,Okafor,2019-08-30,F,NB1 4QX,7 Brook Street,",
        "P3,Kerry,,Smith,14/06/1996,F,NB1 4QT,12 Mill Lane,9434765919",
        "P4,Bad,,,2019-08-30,F,NB1 4QX,7 Brook Street,",
    ], chunk_size=1)  # fmt: skip
    assert threads - {threading.get_ident()}, "no chunk was prepared in the background"
    assert job.status == "completed"
    assert (job.new_people, job.linked_automatically, job.rows_done) == (1, 2, 4)
    assert [e["row"] for e in job.row_errors] == [5]
    assert Person.objects.count() == before + 1
    records = {r.record_id: r for r in SourceRecord.objects.all()}
    assert records["P1"].person == records["P2"].person
    assert records["P3"].person == family.mother


def test_values_too_long_for_the_record_are_reported_not_fatal(
    family, agencies, data_steward, settings, tmp_path
):
    """A record id longer than Continuum keeps (as the agency's identifier of the person too)
    is a row error; an address line longer than an address holds leaves the new person without
    an address. The rest still import, on PostgreSQL too (which refuses an over-long value)."""
    settings.MEDIA_ROOT = tmp_path
    long_street = "Flat 1 " + "Very Long Terrace " * 10
    job = _run(agencies.police, data_steward, [
        f"{'X' * 61},Amara,,Okafor,2019-08-30,F,NB1 4QX,7 Brook Street,",
        f"P2,Tobi,,Adeyemi,2018-01-12,M,NB1 4QX,{long_street},",
        "P3,Kerry,,Smith,14/06/1996,F,NB1 4QT,12 Mill Lane,9434765919",
    ])  # fmt: skip
    assert job.status == "completed"
    assert [(e["row"], e["field"]) for e in job.row_errors] == [(2, "record_id")]
    assert (job.new_people, job.linked_automatically) == (1, 1)
    tobi = SourceRecord.objects.get(record_id="P2").person
    assert tobi.family_name == "Adeyemi" and not tobi.addresses.exists()
