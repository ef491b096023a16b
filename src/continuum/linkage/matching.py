"""Real-time matching: candidates from indexed keys in the database, scored in Python with the
trained model's parameters (no Splink job per query).

Candidate generation uses indexes the record already has: NHS number and UPN, the soundex name
keys of `people.PersonName` (with the date of birth year), date of birth (and with day and month
swapped), the current postcode, and the blocking keys of agency source records
(`SourceRecordKey`). Each candidate person is scored against every version of them that
Continuum holds (their record and each linked agency record); the best score counts.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.db import connection

from continuum.core.identifiers import IdentifierError, is_valid_nhs_number, normalise_postcode
from continuum.linkage.engine.realtime import blocking_keys, prepare, score_pair
from continuum.linkage.models import LinkageModel, SourceRecord
from continuum.people.models import NameKind, Person, PersonAddress, PersonName
from continuum.people.names import normalise_name, phonetic_key

DEFAULT_MODEL_PATH = Path(__file__).with_name("default_model.json")
CANDIDATE_CAP = 300
UNBORN_WINDOW = dt.timedelta(days=42)


@lru_cache(maxsize=1)
def _default_params() -> dict:
    data = json.loads(DEFAULT_MODEL_PATH.read_text("utf-8"))
    return data["params"]


def active_params() -> dict:
    """Parameters of the area's active trained model, or the packaged default model
    (trained on Continuum's synthetic multi-agency data) until the area trains its own."""
    model = (
        LinkageModel.objects.filter(is_active=True)
        .only("params", "threshold_upper", "threshold_lower")
        .first()
    )
    if model is None:
        return _default_params()
    params = dict(model.params)
    params["thresholds"] = {"upper": model.threshold_upper, "lower": model.threshold_lower}
    return params


def thresholds(params: dict) -> tuple[float, float]:
    t = params.get("thresholds", {})
    return float(t.get("upper", 0.99)), float(t.get("lower", 0.8))


def person_as_record(person: Person) -> dict:
    """The person as a person-extract v1 row, from prefetched names and current address."""
    names = list(person.names.all())
    previous = sorted(
        {
            n.family_name
            for n in names
            if n.kind in (NameKind.PREVIOUS, NameKind.ALIAS)
            and n.family_name
            and n.family_name != person.family_name
        }
    )
    current = next(
        (pa for pa in getattr(person, "current_addresses", None) or [] if pa.end_date is None),
        None,
    )
    return {
        "record_id": f"person-{person.pk}",
        "given_name": person.given_name or None,
        "middle_names": person.middle_names or None,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "sex": person.sex if person.sex in ("M", "F") else None,
        "postcode": current.address.postcode if current else None,
        "address_line1": current.address.line1 if current else None,
        "nhs_number": person.nhs_number or None,
        "upn": person.upn or None,
        "expected_date_of_delivery": (
            person.expected_date_of_delivery.isoformat()
            if person.expected_date_of_delivery
            else None
        ),
        "previous_family_names": ";".join(previous) or None,
    }


def _date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _key_sets(record: dict) -> tuple[set[str], str]:
    given = normalise_name(record.get("given_name") or "")
    family = normalise_name(record.get("family_name") or "")
    family_keys = {phonetic_key(part) for part in family.replace("-", " ").split() if part}
    family_keys |= {
        phonetic_key(p) for p in (record.get("previous_family_names") or "").split(";") if p.strip()
    }
    family_keys.discard("")
    return family_keys, (phonetic_key(given) if given else "")


def _in(values) -> tuple[str, list]:
    values = sorted(values)
    return ", ".join(["%s"] * len(values)), values


def candidate_person_ids(record: dict, params: dict | None = None) -> list[int]:
    """Ids of people who could be the person in `record`, from indexed keys only.

    One round trip: a UNION of small index lookups, each capped — names by sound with the year
    of birth, given and family names swapped, NHS number, UPN, date of birth (and with day and
    month swapped) with a name sound, an unborn record's expected date near a date of birth
    (either way round), the current postcode with a family name sound, and the blocking keys
    of agency records already linked to people.
    """
    family_keys, given_key = _key_sets(record)
    dob = _date(record.get("date_of_birth"))
    edd = _date(record.get("expected_date_of_delivery"))
    parts: list[str] = []
    args: list = []
    live = "p.merged_into_id IS NULL"
    name_join = "people_personname n JOIN people_person p ON p.id = n.person_id"

    def add(sql: str, *values) -> None:
        parts.append(f"SELECT person_id FROM ({sql} LIMIT {CANDIDATE_CAP}) AS c{len(parts)}")
        args.extend(values)

    if family_keys:
        fam_sql, fam = _in(family_keys)
        if given_key and dob:
            add(f"SELECT n.person_id FROM {name_join} WHERE n.family_key IN ({fam_sql}) "
                f"AND n.given_key = %s AND p.date_of_birth BETWEEN %s AND %s AND {live}",
                *fam, given_key, dt.date(dob.year - 1, 1, 1),
                dt.date(dob.year + 1, 12, 31))  # fmt: skip
        elif given_key:
            add(f"SELECT n.person_id FROM {name_join} WHERE n.family_key IN ({fam_sql}) "
                f"AND n.given_key = %s AND {live}", *fam, given_key)  # fmt: skip
        if given_key:  # given and family names swapped
            add(f"SELECT n.person_id FROM {name_join} WHERE n.family_key = %s "
                f"AND n.given_key IN ({fam_sql}) AND {live}", given_key, *fam)  # fmt: skip
        if dob:  # a born child meeting its unborn record
            add(f"SELECT n.person_id FROM {name_join} WHERE n.family_key IN ({fam_sql}) "
                f"AND p.expected_date_of_delivery BETWEEN %s AND %s AND {live}",
                *fam, dob - UNBORN_WINDOW, dob + UNBORN_WINDOW)  # fmt: skip
        if edd:  # an unborn record meeting its born child
            add(f"SELECT n.person_id FROM {name_join} WHERE n.family_key IN ({fam_sql}) "
                f"AND p.date_of_birth BETWEEN %s AND %s AND {live}",
                *fam, edd - UNBORN_WINDOW, edd + UNBORN_WINDOW)  # fmt: skip
        try:
            postcode = normalise_postcode(record.get("postcode") or "").value
        except IdentifierError:
            postcode = ""
        if postcode:
            add(f"SELECT pa.person_id FROM people_personaddress pa "
                f"JOIN people_address a ON a.id = pa.address_id "
                f"JOIN people_personname n ON n.person_id = pa.person_id "
                f"JOIN people_person p ON p.id = pa.person_id "
                f"WHERE a.postcode = %s AND pa.end_date IS NULL "
                f"AND n.family_key IN ({fam_sql}) AND {live}", postcode, *fam)  # fmt: skip
    nhs = "".join(ch for ch in str(record.get("nhs_number") or "") if ch.isdigit())
    if is_valid_nhs_number(nhs):
        add(f"SELECT p.id AS person_id FROM people_person p WHERE p.nhs_number = %s AND {live}",
            nhs)  # fmt: skip
    if record.get("upn"):
        add(f"SELECT p.id AS person_id FROM people_person p WHERE p.upn = %s AND {live}",
            str(record["upn"]).upper())  # fmt: skip
    if dob and (family_keys or given_key):
        dobs = [dob]
        if dob.day <= 12 and dob.day != dob.month:
            dobs.append(dt.date(dob.year, dob.day, dob.month))  # day and month swapped
        dob_sql, dob_args = _in(dobs)
        fam_sql, fam = _in(family_keys or {""})
        add(f"SELECT n.person_id FROM {name_join} WHERE p.date_of_birth IN ({dob_sql}) "
            f"AND (n.family_key IN ({fam_sql}) OR n.given_key = %s) AND {live}",
            *dob_args, *fam, given_key or "-")  # fmt: skip
    keys = blocking_keys(record, params)
    if keys:
        key_sql, key_args = _in(k[:160] for k in keys)
        add(f"SELECT r.person_id FROM linkage_sourcerecordkey k "
            f"JOIN linkage_sourcerecord r ON r.id = k.record_id "
            f"JOIN people_person p ON p.id = r.person_id "
            f"WHERE k.key IN ({key_sql}) AND {live}", *key_args)  # fmt: skip
    if not parts:
        return []
    with connection.cursor() as cursor:
        cursor.execute(" UNION ".join(parts), args)
        return sorted({row[0] for row in cursor.fetchall()})[: CANDIDATE_CAP * 2]


@dataclass
class Candidate:
    person: Person
    probability: float
    match_weight: float
    breakdown: list[dict] = field(default_factory=list)
    compared_with: str = ""


def _versions(person_ids: list[int]) -> dict[int, list[tuple[str, dict]]]:
    """Every version of each person Continuum holds, as person-extract rows: their own record
    and each linked agency record. Four flat queries, however many candidates."""
    people = {
        p["id"]: p
        for p in Person.objects.filter(pk__in=person_ids).values(
            "id", "given_name", "middle_names", "family_name", "date_of_birth", "sex",
            "nhs_number", "upn", "expected_date_of_delivery",
        )
    }  # fmt: skip
    previous: dict[int, set[str]] = {}
    for pid, fam in PersonName.objects.filter(
        person_id__in=person_ids, kind__in=[NameKind.PREVIOUS, NameKind.ALIAS]
    ).values_list("person_id", "family_name"):
        if fam and fam != people.get(pid, {}).get("family_name"):
            previous.setdefault(pid, set()).add(fam)
    addresses = {
        pid: (postcode, line1)
        for pid, postcode, line1 in PersonAddress.objects.filter(
            person_id__in=person_ids, end_date__isnull=True
        ).values_list("person_id", "address__postcode", "address__line1")
    }
    out: dict[int, list[tuple[str, dict]]] = {}
    for pid, p in people.items():
        postcode, line1 = addresses.get(pid, (None, None))
        out[pid] = [("Continuum record", {
            "record_id": f"person-{pid}", "given_name": p["given_name"] or None,
            "middle_names": p["middle_names"] or None, "family_name": p["family_name"],
            "date_of_birth": p["date_of_birth"].isoformat() if p["date_of_birth"] else None,
            "sex": p["sex"] if p["sex"] in ("M", "F") else None, "postcode": postcode,
            "address_line1": line1, "nhs_number": p["nhs_number"] or None,
            "upn": p["upn"] or None,
            "expected_date_of_delivery": p["expected_date_of_delivery"].isoformat()
            if p["expected_date_of_delivery"] else None,
            "previous_family_names": ";".join(sorted(previous.get(pid, ()))) or None,
        })]  # fmt: skip
    for pid, data, agency, record_id in SourceRecord.objects.filter(
        person_id__in=person_ids
    ).values_list("person_id", "data", "agency__name", "record_id"):
        out.setdefault(pid, []).append((f"{agency} record {record_id}", data))
    return out


def score_candidates(
    record: dict, person_ids: list[int], params: dict
) -> tuple[list[Candidate], list[int]]:
    """Score each person (best of their record and their agencies' records), best first.
    Returns the candidates (without their Person loaded) and their person ids, in order."""
    if not person_ids:
        return [], []
    query = prepare(record, params)
    scored = []
    for pid, versions in _versions(person_ids).items():
        best = None
        for label, version in versions:
            weight, probability, breakdown = score_pair(query, version, params)
            if best is None or probability > best[1]:
                best = (weight, probability, breakdown, label)
        scored.append((pid, *best))
    scored.sort(key=lambda s: (-s[2], s[0]))
    return [
        Candidate(None, probability, weight, [dict(b) for b in breakdown], label)
        for _pid, weight, probability, breakdown, label in scored
    ], [s[0] for s in scored]


def find_matches(record: dict, *, params: dict | None = None, limit: int = 10) -> list[Candidate]:
    """The people `record` could be, best first, with probability at or above the review
    threshold. No access check: callers filter what the user may see."""
    params = params or active_params()
    _upper, lower = thresholds(params)
    candidates, ids = score_candidates(record, candidate_person_ids(record, params), params)
    kept = [(c, pid) for c, pid in zip(candidates, ids, strict=True) if c.probability >= lower]
    kept = kept[:limit]
    people = Person.objects.in_bulk([pid for _c, pid in kept])
    for candidate, pid in kept:
        candidate.person = people[pid]
    return [c for c, _pid in kept]


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
        "nhs_number": data.get("nhs_number") or None,
        "upn": data.get("upn") or None,
        "expected_date_of_delivery": iso(data.get("expected_date_of_delivery")),
        "previous_family_names": data.get("previous_family_names") or None,
    }
