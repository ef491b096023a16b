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

from django.db.models import Prefetch, Q

from continuum.core.identifiers import IdentifierError, is_valid_nhs_number, normalise_postcode
from continuum.linkage.engine.realtime import blocking_keys, score_pair
from continuum.linkage.models import LinkageModel, SourceRecord, SourceRecordKey
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


def candidate_person_ids(record: dict, params: dict | None = None) -> list[int]:
    """Ids of people who could be the person in `record`, from indexed keys only."""
    given = normalise_name(record.get("given_name") or "")
    family = normalise_name(record.get("family_name") or "")
    family_keys = {phonetic_key(part) for part in family.replace("-", " ").split() if part}
    family_keys |= {
        phonetic_key(p) for p in (record.get("previous_family_names") or "").split(";") if p.strip()
    }
    family_keys.discard("")
    given_key = phonetic_key(given) if given else ""
    dob = _date(record.get("date_of_birth"))
    edd = _date(record.get("expected_date_of_delivery"))
    live = Q(person__merged_into__isnull=True)
    # Each query is small and served by an index; their union is the candidate set.
    queries = []
    if family_keys:
        name_q = Q(family_key__in=family_keys)
        if given_key:
            name_q &= Q(given_key=given_key)
        if dob:
            name_q &= Q(person__date_of_birth__year__in=[dob.year - 1, dob.year, dob.year + 1])
        queries.append(PersonName.objects.filter(name_q, live).values_list("person_id"))
        if given_key:  # given and family names swapped
            queries.append(
                PersonName.objects.filter(
                    live, family_key=given_key, given_key__in=family_keys
                ).values_list("person_id")
            )
    nhs = "".join(ch for ch in str(record.get("nhs_number") or "") if ch.isdigit())
    if is_valid_nhs_number(nhs):
        queries.append(Person.objects.filter(nhs_number=nhs).values_list("pk"))
    if record.get("upn"):
        queries.append(Person.objects.filter(upn=str(record["upn"]).upper()).values_list("pk"))
    if dob and (family_keys or given_key):
        dobs = [dob]
        if dob.day <= 12 and dob.day != dob.month:
            dobs.append(dt.date(dob.year, dob.day, dob.month))  # day and month swapped
        same_name = Q(family_key__in=family_keys) | Q(given_key=given_key)
        queries.append(
            PersonName.objects.filter(same_name, live, person__date_of_birth__in=dobs).values_list(
                "person_id"
            )
        )
    if family_keys and dob:  # a born child meeting its unborn record
        window = (dob - UNBORN_WINDOW, dob + UNBORN_WINDOW)
        queries.append(
            PersonName.objects.filter(
                live, family_key__in=family_keys, person__expected_date_of_delivery__range=window
            ).values_list("person_id")
        )
    if family_keys and edd:  # an unborn record meeting its born child
        window = (edd - UNBORN_WINDOW, edd + UNBORN_WINDOW)
        queries.append(
            PersonName.objects.filter(
                live, family_key__in=family_keys, person__date_of_birth__range=window
            ).values_list("person_id")
        )
    try:
        postcode = normalise_postcode(record.get("postcode") or "").value
    except IdentifierError:
        postcode = ""
    if postcode and family_keys:
        queries.append(
            PersonAddress.objects.filter(
                end_date__isnull=True,
                address__postcode=postcode,
                person__names__family_key__in=family_keys,
                person__merged_into__isnull=True,
            ).values_list("person_id")
        )
    keys = blocking_keys(record, params)
    if keys:
        queries.append(
            SourceRecordKey.objects.filter(
                key__in=keys,
                record__person__isnull=False,
                record__person__merged_into__isnull=True,
            ).values_list("record__person_id")
        )
    ids: set[int] = set()
    for query in queries:
        ids.update(row[0] for row in query[:CANDIDATE_CAP])
    return sorted(ids)[: CANDIDATE_CAP * 2]


@dataclass
class Candidate:
    person: Person
    probability: float
    match_weight: float
    breakdown: list[dict] = field(default_factory=list)
    compared_with: str = ""


def score_candidates(record: dict, person_ids: list[int], params: dict) -> list[Candidate]:
    """Score each person (best of their record and their agencies' records), best first."""
    if not person_ids:
        return []
    people = Person.objects.filter(pk__in=person_ids).prefetch_related(
        "names",
        Prefetch(
            "addresses",
            queryset=PersonAddress.objects.filter(end_date__isnull=True).select_related("address"),
            to_attr="current_addresses",
        ),
        Prefetch(
            "source_records",
            queryset=SourceRecord.objects.select_related("agency").only(
                "data", "agency__name", "record_id", "person_id"
            ),
        ),
    )
    results = []
    for person in people:
        versions = [("Continuum record", person_as_record(person))]
        versions += [
            (f"{sr.agency.name} record {sr.record_id}", sr.data)
            for sr in person.source_records.all()
        ]
        best = None
        for label, version in versions:
            weight, probability, breakdown = score_pair(record, version, params)
            if best is None or probability > best.probability:
                best = Candidate(person, probability, weight, [dict(b) for b in breakdown], label)
        results.append(best)
    results.sort(key=lambda c: (-c.probability, c.person.pk))
    return results


def find_matches(record: dict, *, params: dict | None = None, limit: int = 10) -> list[Candidate]:
    """The people `record` could be, best first, with probability at or above the review
    threshold. No access check: callers filter what the user may see."""
    params = params or active_params()
    _upper, lower = thresholds(params)
    scored = score_candidates(record, candidate_person_ids(record, params), params)
    return [c for c in scored if c.probability >= lower][:limit]


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
