"""Real-time matching: candidates from indexed keys in the database, scored in Python with the
trained model's parameters (no Splink job per query).

Every version of a person that Continuum holds — their own record and each agency record linked
to them — is stored once as a `MatchVersion`: the person-extract row, the model's comparison
features derived from it (`engine.realtime.prepare`), and its blocking keys (`MatchKey`: name
sounds — a given name's also for the full names it is short for — with the year of birth, date
of birth with a name sound or the postcode district, postcode with a name sound, NHS number,
UPN, an unborn record's family name with the month it is due). Services keep them in step when
people, names, addresses and links change.

A query derives the same kinds of key (with the year either side, the day and month swapped,
given and family names swapped, and the months around an expected date), and one query finds
the people who share one (at most `KEY_CAP` people per key) with their stored versions, which
are scored: each comparison's level is worked out once per distinct value among the
candidates and its weight read from the trained model's parameters; the few candidates that
could reach the review threshold (or meet an unborn record) are then scored in full with
`engine.realtime.score_pair`, the same levels, Bayes factors and hard rules as the batch model.
Imports do the same for a chunk of rows at once (`people_by_key`, `stored_features`), with the
levels of every pair worked out together in DuckDB (`engine.pairs`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from operator import itemgetter
from pathlib import Path

import jellyfish
from django.db import connection

from continuum.core.db import column_in, value_lists
from continuum.core.identifiers import IdentifierError, normalise_postcode
from continuum.linkage.engine import normalise as engine_normalise
from continuum.linkage.engine.normalise import (
    canonical_names,
    is_placeholder_given_name,
    parse_date,
)
from continuum.linkage.engine.realtime import (
    best_at_any_address,
    comparisons_for,
    places_of,
    prepare,
    score_pair,
)
from continuum.linkage.models import LinkageModel, MatchKey, MatchVersion, SourceRecord
from continuum.people.models import NameKind, Person, PersonAddress, PersonName
from continuum.people.names import normalise_name

DEFAULT_MODEL_PATH = Path(__file__).with_name("default_model.json")
#: At most this many people per blocking key (a key shared by more says little about identity).
KEY_CAP = 100
#: A born child meets an unborn record due within this many days of the date of birth.
UNBORN_WINDOW = dt.timedelta(days=42)
#: Bumped when the blocking keys below change: stored keys are then rebuilt
#: (`continuum linkage_features`).
KEYS_VERSION = "1"
OWN_RECORD = "Continuum record"


# --------------------------------------------------------------------------------------------
# The active model
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _default_params() -> dict:
    data = json.loads(DEFAULT_MODEL_PATH.read_text("utf-8"))
    return data["params"]


_ACTIVE: dict[tuple, dict] = {}


def active_params() -> dict:
    """Parameters of the area's active trained model, or the packaged default model
    (trained on Continuum's synthetic multi-agency data) until the area trains its own.

    The parameters (with their term-frequency tables) are read from the database once per
    model version and thresholds, then served from memory."""
    row = (
        LinkageModel.objects.filter(is_active=True)
        .values_list("pk", "version", "trained_at", "threshold_upper", "threshold_lower")
        .first()
    )
    if row is None:
        return _default_params()
    params = _ACTIVE.get(row)
    if params is None:
        stored = LinkageModel.objects.values_list("params", flat=True).get(pk=row[0])
        params = {**stored, "thresholds": {"upper": row[3], "lower": row[4]}}
        _ACTIVE.clear()  # one active model at a time
        _ACTIVE[row] = params
    return params


def thresholds(params: dict) -> tuple[float, float]:
    t = params.get("thresholds", {})
    return float(t.get("upper", 0.99)), float(t.get("lower", 0.8))


def _options_key(params: dict) -> tuple:
    cfg = params.get("config", {})
    return (cfg.get("identifier_check", "nhs"), cfg.get("postcode_style", "uk"))


#: Records whose derived features fingerprint the engine's normalisation: accents, hyphens,
#: apostrophes, placeholders, nicknames, middle and previous names, date formats, postcodes,
#: address abbreviations, identifiers valid and not.
_PROBES = (
    {"given_name": "Zoë Lizzie", "middle_names": "Anne-Marie", "family_name": "O'Brien-Smith",
     "date_of_birth": "2019-03-04", "sex": "F", "postcode": "nb1 4qt",
     "address_line1": "12a Mill Road", "town": "Northbrook", "nhs_number": "943 476 5919",
     "upn": "B801200005001", "previous_family_names": "Jones; MacDonald"},
    {"given_name": "Baby", "family_name": "Kowalski", "expected_date_of_delivery": "01/05/2026",
     "postcode": "SW1A1AA", "address_line1": "Flat 3, 41 St. John's Avenue", "sex": "U",
     "nhs_number": "1234567890", "upn": "X"},
    {"given_name": "Jayden", "middle_names": "Lee", "family_name": "Smith",
     "date_of_birth": "04/03/2021", "sex": "male", "postcode": "NB15 3DT",
     "address_line1": "3 Station Road", "nhs_number": "4010232137"},
    {"given_name": "Bill", "family_name": "Ahmed", "date_of_birth": "20190304", "sex": "2",
     "postcode": "2000", "address_line1": "1 North Street West"},
    {"given_name": "Amelia", "family_name": "Khan", "expected_date_of_delivery": "2026-05-01",
     "postcode": "NB1 4QT", "previous_addresses": [["nb2 7hx", "3 Station Road", "Northbrook"]]},
)  # fmt: skip


@cache
def _schema_for(options: tuple) -> str:
    """Fingerprint of how stored features are derived: the features the engine derives from a
    few probe records (so a change to its normalisation shows, a cosmetic edit does not), its
    nickname table and feature columns, and the model's feature options. Stored features with
    another fingerprint are derived again from their record when read."""
    digest = hashlib.sha1(usedforsecurity=False)
    digest.update(Path(engine_normalise.__file__).with_name("nicknames.csv").read_bytes())
    params = {"config": {"identifier_check": options[0], "postcode_style": options[1]}}
    probes = [prepare(p, params) for p in _PROBES]
    digest.update(json.dumps([engine_normalise.FEATURE_COLUMNS, probes, options, KEYS_VERSION],
                             sort_keys=True, default=str).encode())  # fmt: skip
    return digest.hexdigest()[:16]


def feature_schema(params: dict) -> str:
    return _schema_for(_options_key(params))


# --------------------------------------------------------------------------------------------
# Records: the person-extract row of each version of a person
# --------------------------------------------------------------------------------------------


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _own_record(
    person: dict, previous: set[str], address: tuple | None, history: list | None = None
) -> dict:
    postcode, line1, town = address or (None, None, None)
    return {
        "previous_addresses": [list(a) for a in history or ()] or None,
        "record_id": f"person-{person['id']}",
        "given_name": person["given_name"] or None,
        "middle_names": person["middle_names"] or None,
        "family_name": person["family_name"],
        "date_of_birth": _iso(person["date_of_birth"]),
        "sex": person["sex"] if person["sex"] in ("M", "F") else None,
        "postcode": postcode or None,
        "address_line1": line1 or None,
        "town": town or None,
        "nhs_number": person["nhs_number"] or None,
        "upn": person["upn"] or None,
        "expected_date_of_delivery": _iso(person["expected_date_of_delivery"]),
        "previous_family_names": ";".join(sorted(previous)) or None,
    }


def person_as_record(person: Person) -> dict:
    """The person as a person-extract v1 row, from prefetched names and current address."""
    previous = {
        n.family_name
        for n in person.names.all()
        if n.kind in (NameKind.PREVIOUS, NameKind.ALIAS)
        and n.family_name
        and n.family_name != person.family_name
    }
    current = next(
        (pa for pa in getattr(person, "current_addresses", None) or [] if pa.end_date is None),
        None,
    )
    address = (
        (current.address.postcode, current.address.line1, current.address.town) if current else None
    )
    values = {
        f: getattr(person, f)
        for f in ("id", "given_name", "middle_names", "family_name", "date_of_birth", "sex",
                  "nhs_number", "upn", "expected_date_of_delivery")
    }  # fmt: skip
    return _own_record(values, previous, address)


@dataclass
class VersionSource:
    """One version of a person, before its features are derived."""

    person_id: int
    source_record_id: int | None
    record: dict
    given_names: list[str] = field(default_factory=list)  # other given names (known as)
    features: dict | None = None  # when already derived (`prepare`) with the same parameters
    keys: set[str] | None = None  # when already derived (`version_keys`)


def version_sources(person_ids) -> list[VersionSource]:
    """Every version of these people Continuum holds, as person-extract rows: their own record
    (unless merged into another) and each agency record linked to them. Four flat queries."""
    person_ids = list(person_ids)
    people = {
        p["id"]: p
        for p in Person.objects.filter(pk__in=person_ids, merged_into__isnull=True).values(
            "id", "given_name", "middle_names", "family_name", "date_of_birth", "sex",
            "nhs_number", "upn", "expected_date_of_delivery",
        )
    }  # fmt: skip
    previous: dict[int, set[str]] = {}
    known_as: dict[int, set[str]] = {}
    for pid, kind, given, family in PersonName.objects.filter(person_id__in=people).values_list(
        "person_id", "kind", "given_name", "family_name"
    ):
        previous_kind = kind in (NameKind.PREVIOUS, NameKind.ALIAS)
        if previous_kind and family and family != people[pid]["family_name"]:
            previous.setdefault(pid, set()).add(family)
        if given and given != people[pid]["given_name"]:
            known_as.setdefault(pid, set()).add(given)
    addresses = {
        pid: (postcode, line1, town)
        for pid, postcode, line1, town in PersonAddress.objects.filter(
            person_id__in=people, end_date__isnull=True
        )
        .order_by("start_date", "pk")
        .values_list("person_id", "address__postcode", "address__line1", "address__town")
    }
    history: dict[int, list[tuple]] = {}
    for pid, postcode, line1, town in (
        PersonAddress.objects.filter(person_id__in=people, end_date__isnull=False)
        .order_by("start_date", "pk")
        .values_list("person_id", "address__postcode", "address__line1", "address__town")
    ):
        if (postcode, line1, town) not in history.setdefault(pid, []):
            history[pid].append((postcode, line1, town))
    out = [
        VersionSource(
            pid,
            None,
            _own_record(p, previous.get(pid, set()), addresses.get(pid), history.get(pid)),
            sorted(known_as.get(pid, ())),
        )
        for pid, p in people.items()
    ]
    for pk, pid, data in SourceRecord.objects.filter(person_id__in=people).values_list(
        "pk", "person_id", "data"
    ):
        out.append(VersionSource(pid, pk, data))
    return out


# --------------------------------------------------------------------------------------------
# Blocking keys
# --------------------------------------------------------------------------------------------

_SPLIT = re.compile(r"[\s\-]+")


@lru_cache(maxsize=100_000)
def _sounds(value: str | None) -> tuple[str, ...]:
    """Soundex of each part of a name ("Smith-Jones" → S530, J520)."""
    return tuple(
        sorted({jellyfish.soundex(p) for p in _SPLIT.split(normalise_name(value or "")) if p})
    )


@lru_cache(maxsize=100_000)
def _given_sounds(value: str | None) -> tuple[str, ...]:
    """Soundex of a given name and of the full names it is a diminutive of (Debbie → Deborah),
    none for a placeholder ("Baby")."""
    if not value or is_placeholder_given_name(value):
        return ()
    tokens = [p for p in _SPLIT.split(normalise_name(value)) if p]
    if not tokens:
        return ()
    names = {tokens[0].upper(), *canonical_names(tokens[0].upper())}
    return tuple(sorted({jellyfish.soundex(n) for n in names}))


@lru_cache(maxsize=100_000)
def _postcode(value: str | None) -> str | None:
    try:
        return normalise_postcode(value or "").value or None
    except IdentifierError:
        return None


_NHS_WEIGHTS = range(10, 1, -1)


def _nhs(value) -> str | None:
    """The NHS number if it has 10 digits and a right modulus-11 check digit."""
    digits = "".join(ch for ch in str(value or "") if ch.isdigit())
    if len(digits) != 10:
        return None
    check = 11 - sum(int(d) * w for d, w in zip(digits[:9], _NHS_WEIGHTS, strict=True)) % 11
    return digits if (0 if check == 11 else check) == int(digits[9]) else None


def _upn(value) -> str | None:
    text = re.sub(r"\s", "", str(value or "")).upper()
    return text or None


def identity(record: dict, extra_given=()) -> tuple:
    """What a record's keys are made of: (given sounds, family sounds, dob, edd, postcode,
    district, nhs, upn). `version_keys` and `query_keys` take it, so a record that needs both
    works it out once."""
    given = set(_given_sounds(record.get("given_name")))
    for other in extra_given:
        given.update(_given_sounds(other))
    family = set(_sounds(record.get("family_name")))
    for previous in re.split(r"[;|,]", record.get("previous_family_names") or ""):
        family.update(_sounds(previous))
    dob = parse_date(record.get("date_of_birth"))
    edd = parse_date(record.get("expected_date_of_delivery")) if dob is None else None
    postcode = _postcode(record.get("postcode"))
    district = postcode.split(" ")[0] if postcode else None
    return (sorted(given), sorted(family), dob, edd, postcode, district,
            _nhs(record.get("nhs_number")), _upn(record.get("upn")))  # fmt: skip


def version_keys(record: dict, extra_given=(), *, of: tuple | None = None) -> set[str]:
    """The keys a stored version is found by (`of`: the record's `identity`, if known)."""
    given, family, dob, edd, postcode, district, nhs, upn = of or identity(record, extra_given)
    keys = set()
    if nhs:
        keys.add(f"nhs:{nhs}")
    if upn:
        keys.add(f"upn:{upn}")
    for f in family:
        if postcode:
            keys.add(f"pf:{postcode}:{f}")
        if dob:
            keys.add(f"df:{dob}:{f}")
            keys.update(f"n:{f}:{g}:{dob.year}" for g in given)
        elif edd:
            keys.add(f"u:{f}:{edd:%Y-%m}")
    if postcode:
        keys.update(f"pg:{postcode}:{g}" for g in given)
    if dob:
        keys.update(f"dg:{dob}:{g}" for g in given)
        if district:
            keys.add(f"dd:{dob}:{district}")
    return keys


@lru_cache(maxsize=50_000)
def _months(day: dt.date, window: dt.timedelta) -> tuple[str, ...]:
    """The months ("2026-05") that the days within `window` of `day` fall in."""
    start, end = day - window, day + window
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(months)


def query_keys(record: dict, *, of: tuple | None = None) -> set[str]:
    """The keys to look up for a record: each kind of key a version of the same person would
    have despite the usual errors (a year out, day and month swapped, names swapped, a
    misspelt name, the baby born near the expected date). `of`: the record's `identity`."""
    given, family, dob, edd, postcode, district, nhs, upn = of or identity(record)
    keys = set()
    if nhs:
        keys.add(f"nhs:{nhs}")
    if upn:
        keys.add(f"upn:{upn}")
    if postcode:
        keys.update(f"pf:{postcode}:{f}" for f in family)
        keys.update(f"pg:{postcode}:{g}" for g in given)
    if dob:
        dobs = {dob}
        if dob.day <= 12 and dob.day != dob.month:
            dobs.add(dt.date(dob.year, dob.day, dob.month))
        for year in (dob.year - 1, dob.year, dob.year + 1):
            for f in family:
                keys.update(f"n:{f}:{g}:{year}" for g in given)
                keys.update(f"n:{g}:{f}:{year}" for g in given)  # given and family swapped
        for day in dobs:
            keys.update(f"df:{day}:{f}" for f in family)
            keys.update(f"dg:{day}:{g}" for g in given)
            if district:
                keys.add(f"dd:{day}:{district}")
        for year in (dob.year - 1, dob.year + 1):  # the year mistyped, the surname changed
            if dob.month != 2 or dob.day != 29:
                keys.update(f"dg:{dob.replace(year=year)}:{g}" for g in given)
        for month in _months(dob, UNBORN_WINDOW):  # a born child meeting its unborn record
            keys.update(f"u:{f}:{month}" for f in family)
    elif edd:  # an unborn record meeting its born child
        for offset in range(-UNBORN_WINDOW.days, UNBORN_WINDOW.days + 1):
            day = edd + dt.timedelta(days=offset)
            keys.update(f"df:{day}:{f}" for f in family)
        for month in _months(edd, UNBORN_WINDOW):  # the same pregnancy recorded twice
            keys.update(f"u:{f}:{month}" for f in family)
    return keys


# --------------------------------------------------------------------------------------------
# Candidates
# --------------------------------------------------------------------------------------------


@dataclass
class Version:
    """A stored version of a person, with the model's features."""

    person_id: int
    source_record_id: int | None
    features: dict


def _capped_people_sql(where: str) -> str:
    """People with each key matched by `where` (at most KEY_CAP per key, lowest ids first)."""
    return (
        f"SELECT key, person_id FROM (SELECT key, person_id, ROW_NUMBER() OVER "
        f"(PARTITION BY key ORDER BY person_id) AS rank "
        f"FROM {MatchKey._meta.db_table} WHERE {where}) AS ranked WHERE rank <= %s"
    )


def people_by_key(keys) -> dict[str, list[int]]:
    """The people (at most KEY_CAP, lowest ids first) who have each key."""
    found: dict[str, list[int]] = {}
    with connection.cursor() as cursor:
        for chunk in value_lists(keys):
            where, args = column_in("key", chunk)
            cursor.execute(_capped_people_sql(where), [*args, KEY_CAP])
            for key, person_id in cursor.fetchall():
                found.setdefault(key, []).append(person_id)
    return found


def frozen(features: dict) -> dict:
    """Features with their lists as tuples, so the scorer can use them as lookup keys."""
    for name, value in features.items():
        if isinstance(value, list):
            features[name] = tuple(value)
    return features


def _versions_from_rows(rows, params: dict) -> dict[int, list[Version]]:
    """Versions from (person_id, source_record_id, features are current, features or record)
    rows, own record first; features stored by other normalisation code derived again."""
    out: dict[int, list[Version]] = {}
    stale: list[tuple[Version, dict]] = []
    for person_id, source_id, current, data in rows:
        value = json.loads(data) if isinstance(data, str) else data
        version = Version(person_id, source_id, frozen(value) if current else {})
        if not current:
            stale.append((version, value))
        out.setdefault(person_id, []).append(version)
    for version, record in stale:
        version.features = frozen(prepare(record, params))
    for versions in out.values():
        versions.sort(key=lambda v: (v.source_record_id is not None, v.source_record_id or 0))
    return out


_POSTCODE_JSON = re.compile(r'"postcode":\s*"([^"]*)"')


@dataclass
class StoredFeatures:
    """A stored version as an import reads it to score a chunk of rows at once
    (`engine.pairs`): the features as JSON text, parsed only for the few pairs scored in full."""

    person_id: int
    source_record_id: int | None
    features_json: str

    @property
    def postcode(self) -> str | None:
        """The version's normalised postcode, read without parsing the rest."""
        found = _POSTCODE_JSON.search(self.features_json)
        return found.group(1) if found else None

    def version(self) -> Version:
        return Version(self.person_id, self.source_record_id,
                       frozen(json.loads(self.features_json)))  # fmt: skip


def stored_features(person_ids, params: dict) -> dict[int, list[StoredFeatures]]:
    """The stored versions of these people (own record first), with features derived again
    from the record where they were stored by other normalisation code."""
    schema = feature_schema(params)
    out: dict[int, list[StoredFeatures]] = {}
    with connection.cursor() as cursor:
        for chunk in value_lists(person_ids):
            where, args = column_in("person_id", chunk, "bigint")
            cursor.execute(
                f"SELECT person_id, source_record_id, schema = %s, "
                f"CASE WHEN schema = %s THEN features ELSE record END "
                f"FROM {MatchVersion._meta.db_table} WHERE {where} "
                f"ORDER BY person_id, source_record_id IS NOT NULL, source_record_id",
                [schema, schema, *args],
            )
            for person_id, source_id, current, data in cursor.fetchall():
                if not current:  # stored by other normalisation code: derived again
                    record = json.loads(data) if isinstance(data, str) else data
                    data = prepare(record, params)
                text = data if isinstance(data, str) else json.dumps(data)
                out.setdefault(person_id, []).append(StoredFeatures(person_id, source_id, text))
    return out


def versions_for_keys(keys, params: dict) -> tuple[dict[int, list[Version]], dict[int, Person]]:
    """The stored versions of the people who have any of these keys (at most KEY_CAP per key),
    and those people (unless merged into another): key lookup and reads in one query."""
    if not keys:
        return {}, {}
    where, args = column_in("key", sorted(keys))
    schema = feature_schema(params)
    sql = (
        f"SELECT p.*, v.person_id AS match_person, v.source_record_id AS match_source, "
        f"v.schema = %s AS match_current, "
        f"CASE WHEN v.schema = %s THEN v.features ELSE v.record END AS match_data "
        f"FROM {MatchVersion._meta.db_table} v "
        f"JOIN {Person._meta.db_table} p ON p.id = v.person_id AND p.merged_into_id IS NULL "
        f"WHERE v.person_id IN (SELECT person_id FROM ({_capped_people_sql(where)}) AS hits)"
    )
    people: dict[int, Person] = {}
    rows = []
    for person in Person.objects.raw(sql, [schema, schema, *args, KEY_CAP]):
        people.setdefault(person.pk, person)
        rows.append((person.match_person, person.match_source, person.match_current,
                     person.match_data))  # fmt: skip
    return _versions_from_rows(rows, params), people


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------

_COLUMN = re.compile(r'"(\w+)_[lr]"')


class Scorer:
    """The trained model's weights as lookup tables, for scoring many candidates against one
    record: a comparison's level depends only on the feature columns its levels read (named in
    their SQL), so it is worked out once per distinct value among the candidates."""

    def __init__(self, params: dict):
        self.params = params
        self.comparisons = comparisons_for(params)
        self.levels = [c["levels"] for c in params["comparisons"]]
        lam = float(params["probability_two_random_records_match"])
        self.prior = math.log2(lam / (1.0 - lam))
        self.tf = params.get("term_frequencies", {})
        self.columns: list[tuple[str, ...] | None] = []
        for comp in self.comparisons:
            cols = {c for level in comp.levels for c in _COLUMN.findall(level.sql)}
            cols |= {level.tf_column for level in comp.levels if level.tf_column}
            self.columns.append(tuple(sorted(cols)) if cols else None)
        _upper, lower = thresholds(params)
        self.lower = lower
        self.lower_weight = math.log2(lower / (1.0 - lower)) if lower < 1 else math.inf
        # The most a version's score can rise when compared at another of its person's
        # addresses (the spread of the address comparisons' level weights).
        self.move_gain = 0.0
        for comp in params["comparisons"]:
            if comp["name"] in ("postcode", "address_line1", "town"):
                weights = [lv["log2_bayes_factor"] for lv in comp["levels"] if not lv["is_null"]]
                self.move_gain += max(weights, default=0.0) - min([*weights, 0.0])

    def _tf_adjustment(self, level: dict, a: dict, b: dict) -> float:
        col = level.get("tf_column")
        if not col:
            return 0.0
        table = self.tf.get(col, {})
        tfs = [t for t in (table.get(a.get(col)), table.get(b.get(col))) if t is not None]
        if not tfs:
            return 0.0
        u_exact = level.get("tf_exact_u_probability") or level["u_probability"]
        tf_value = max(*tfs, float(level.get("tf_minimum_u_value") or 0.0))
        return math.log2(u_exact) - math.log2(tf_value)

    def _level_weight(self, i: int, q: dict, c: dict) -> float:
        level = self.levels[i][self.comparisons[i].level_of(q, c)]
        if level["is_null"]:
            return 0.0
        return float(level["log2_bayes_factor"]) + self._tf_adjustment(level, q, c)

    def model_weights(self, q: dict, candidates: list[dict]) -> list[float]:
        """Match weight of each candidate before the hard rules (as `score_pair` adds it up).
        Candidates' list features must be tuples (as `StoredFeatures.version` gives them)."""
        getters = [itemgetter(*cols) if cols else None for cols in self.columns]
        memos: list[dict] = [{} for _ in self.comparisons]
        out = []
        for c in candidates:
            weight = self.prior
            for i, get in enumerate(getters):
                try:
                    key = get(c) if get is not None else None
                    lw = memos[i].get(key) if get is not None else None
                except (KeyError, TypeError):  # a feature missing, or a list: no memo
                    key, lw = None, None
                    get = None
                if lw is None:
                    lw = self._level_weight(i, q, c)
                    if get is not None:
                        memos[i][key] = lw
                weight += lw
            out.append(weight)
        return out

    def rank(self, q: dict, versions: dict[int, list[Version]]) -> list[Scored]:
        """People whose best version scores at or above the review threshold, best first.
        A version at another postcode than the query's is also compared at each address the
        person has had (`history_floor`: those that could reach the threshold there)."""
        flat = [v for vs in versions.values() for v in vs]
        weights = self.model_weights(q, [v.features for v in flat])
        best: dict[int, Scored] = {}
        floor = self.lower_weight - 1e-6
        history_floor = floor - self.move_gain
        places: dict[int, set] = {}
        for version, weight in zip(flat, weights, strict=True):
            unborn = q.get("unborn") or version.features.get("unborn")
            elsewhere = q.get("postcode") not in (None, version.features.get("postcode"))
            if weight < floor and not unborn and not (elsewhere and weight >= history_floor):
                continue  # the hard rules only lower a score, except the unborn rule
            if elsewhere:
                person = version.person_id
                if person not in places:
                    places[person] = places_of([v.features for v in versions[person]])
                scored = self.in_full(q, version, places[person])
            else:
                scored = self.in_full(q, version)
            held = best.get(version.person_id)
            if scored is not None and (held is None or scored.probability > held.probability):
                best[version.person_id] = scored
        return ranked(best)

    def in_full(self, q: dict, version: Version, places: set | None = None) -> Scored | None:
        """The version scored with the model and the hard rules (`score_pair`; with the
        person's `places`, at the best of their addresses: `best_at_any_address`), if it
        reaches the review threshold."""
        if places:
            full_weight, probability, breakdown = best_at_any_address(
                q, version.features, places, self.params
            )
        else:
            full_weight, probability, breakdown = score_pair(q, version.features, self.params)
        if probability < self.lower:
            return None
        return Scored(version.person_id, probability, full_weight, breakdown, version)


def ranked(best: dict[int, Scored]) -> list[Scored]:
    """Each person's best score, best first (ties by person id)."""
    return sorted(best.values(), key=lambda s: (-s.probability, s.person_id))


@dataclass
class Scored:
    person_id: int
    probability: float
    match_weight: float
    breakdown: list
    version: Version


_SCORERS: dict[int, tuple[dict, Scorer]] = {}


def scorer_for(params: dict) -> Scorer:
    held = _SCORERS.get(id(params))
    if held is not None and held[0] is params:
        return held[1]
    scorer = Scorer(params)
    if len(_SCORERS) > 8:
        _SCORERS.clear()
    _SCORERS[id(params)] = (params, scorer)
    return scorer


# --------------------------------------------------------------------------------------------
# The public matcher
# --------------------------------------------------------------------------------------------


@dataclass
class Candidate:
    person: Person
    probability: float
    match_weight: float
    breakdown: list[dict] = field(default_factory=list)
    compared_with: str = ""


def find_matches(record: dict, *, params: dict | None = None, limit: int = 10) -> list[Candidate]:
    """The people `record` could be, best first, with probability at or above the review
    threshold. No access check: callers filter what the user may see. One query reads the
    candidates and their stored versions (one more names an agency record compared with)."""
    params = params or active_params()
    versions, people = versions_for_keys(query_keys(record), params)
    query = prepare(record, params)
    scored = [s for s in scorer_for(params).rank(query, versions) if s.person_id in people]
    kept = scored[:limit]
    source_ids = [s.version.source_record_id for s in kept if s.version.source_record_id]
    sources = {
        pk: f"{agency} record {record_id}"
        for pk, agency, record_id in SourceRecord.objects.filter(pk__in=source_ids).values_list(
            "pk", "agency__name", "record_id"
        )
    } if source_ids else {}  # fmt: skip
    return [
        Candidate(
            people[s.person_id],
            s.probability,
            s.match_weight,
            [dict(b) for b in s.breakdown],
            sources.get(s.version.source_record_id, OWN_RECORD),
        )
        for s in kept
    ]


def record_from_fields(data: dict) -> dict:
    """A person-extract v1 row from form or API fields (names, dates, address, identifiers)."""

    def iso(value):
        return value.isoformat() if isinstance(value, dt.date) else (value or None)

    return {
        "record_id": "query",
        "given_name": data.get("given_name") or None,
        "middle_names": data.get("middle_names") or None,
        "family_name": data.get("family_name") or None,
        "date_of_birth": iso(data.get("date_of_birth")),
        "sex": data.get("sex") if data.get("sex") in ("M", "F") else None,
        "postcode": data.get("postcode") or None,
        "address_line1": data.get("line1") or data.get("address_line1") or None,
        "town": data.get("town") or None,
        "nhs_number": data.get("nhs_number") or None,
        "upn": data.get("upn") or None,
        "expected_date_of_delivery": iso(data.get("expected_date_of_delivery")),
        "previous_family_names": data.get("previous_family_names") or None,
    }
