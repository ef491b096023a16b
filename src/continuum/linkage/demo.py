"""Northbrook's agency extracts for the demo: realistic records with realistic errors.

Health visiting, a school and the police each send an extract of people Continuum already
knows, recorded their own way: nicknames (Liz for Elizabeth), typing slips, day and month
swapped, an old address, a missing or mistyped NHS number, a mother's maiden name, an unborn
baby as "Baby Smith". A few records are of people nobody has recorded yet. Each agency's data
steward imports its extract through the same service the import page uses, so the review queue
and the links in the demo come from the real model, not from the generator. Linking a record
opens no one's record to the agency (docs/adr/0006).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Prefetch

from continuum.directory.models import AgencyKind, Role, User
from continuum.linkage import services
from continuum.linkage.engine.normalise import nickname_table
from continuum.linkage.models import ImportJob, LinkStatus, SourceRecord
from continuum.people.models import NameKind, Person, PersonAddress, PersonKind

HEADER = [
    "record_id", "given_name", "middle_names", "family_name", "date_of_birth", "sex",
    "postcode", "address_line1", "nhs_number", "upn", "expected_date_of_delivery",
]  # fmt: skip


def _diminutives() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for variant, canonicals in nickname_table().items():
        for canonical in canonicals:
            if canonical != variant:
                out.setdefault(canonical, []).append(variant)
    return {k: sorted(v) for k, v in out.items()}


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 2)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def _row(person: Person, record_id: str) -> dict[str, str]:
    current = next(iter(person.current_addresses), None)
    return {
        "record_id": record_id,
        "given_name": person.given_name,
        "middle_names": person.middle_names,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else "",
        "sex": person.sex if person.sex in "MF" else "",
        "postcode": current.address.postcode if current else "",
        "address_line1": current.address.line1 if current else "",
        "nhs_number": person.nhs_number,
        "upn": person.upn,
        "expected_date_of_delivery": (
            person.expected_date_of_delivery.isoformat() if person.expected_date_of_delivery else ""
        ),
    }


def _with_errors(
    rng: random.Random, row: dict, person: Person, nick: dict
) -> tuple[dict, list[str]]:
    """One or two of the ways agencies record the same person differently (and which)."""
    row = dict(row)
    # Most records differ in one or two ways; one in four is hard to place (a nickname, a
    # slip in the surname, an old address, day and month swapped and no NHS number or UPN; the
    # year of birth mistyped with no address and no NHS number; or just an initial and an old
    # address): the model is unsure of many of those, which go to review (an initial is never
    # linked automatically: it could be a twin); those it cannot place at all become
    # duplicates a manager later merges.
    if rng.random() < 0.25:
        kinds = rng.choice([["nickname", "typo", "old_address", "no_nhs", "swap_dob"],
                            ["dob_year", "no_address", "no_nhs"],
                            ["initial", "old_address", "no_nhs"]])  # fmt: skip
        row["upn"] = ""
    else:
        kinds = rng.sample(
            ["nickname", "typo", "swap_dob", "no_nhs", "no_nhs", "bad_nhs", "old_address",
             "maiden", "none", "none", "none"], 2,
        )  # fmt: skip
    for kind in kinds:
        given = (row["given_name"] or "").lower()
        if kind == "initial" and given:
            row["given_name"] = given[0].upper()
        elif kind == "nickname" and nick.get(given):
            row["given_name"] = rng.choice(nick[given]).title()
        elif kind == "typo":
            row["family_name"] = _typo(rng, row["family_name"])
        elif kind == "given_typo" and len(given) > 3:
            row["given_name"] = _typo(rng, row["given_name"])
        elif kind == "dob_year" and row["date_of_birth"]:
            d = dt.date.fromisoformat(row["date_of_birth"])
            row["date_of_birth"] = d.replace(year=d.year + rng.choice((-1, 1)),
                                             day=min(d.day, 28)).isoformat()  # fmt: skip
        elif kind == "no_address":
            row["postcode"] = row["address_line1"] = ""
        elif kind == "swap_dob" and row["date_of_birth"]:
            d = dt.date.fromisoformat(row["date_of_birth"])
            if d.day <= 12 and d.day != d.month:
                row["date_of_birth"] = dt.date(d.year, d.day, d.month).isoformat()
        elif kind == "dob_month" and row["date_of_birth"]:
            d = dt.date.fromisoformat(row["date_of_birth"])
            row["date_of_birth"] = d.replace(month=d.month % 12 + 1, day=min(d.day, 28)).isoformat()
        elif kind == "no_nhs":
            row["nhs_number"] = ""
        elif kind == "bad_nhs" and row["nhs_number"]:
            digits = list(row["nhs_number"])
            digits[3], digits[4] = digits[4], digits[3]
            row["nhs_number"] = "".join(digits)
        elif kind == "old_address":
            previous = [pa for pa in person.addresses.all() if pa.end_date is not None]
            if previous:
                row["postcode"] = previous[0].address.postcode
                row["address_line1"] = previous[0].address.line1
        elif kind == "maiden":
            earlier = [n for n in person.names.all() if n.kind == NameKind.PREVIOUS]
            if earlier:
                row["family_name"] = earlier[0].family_name
    if not row["date_of_birth"] and row["expected_date_of_delivery"]:
        row["given_name"] = "Baby"
    return row, kinds


def _new_people(rng: random.Random, count: int, prefix: str, today: dt.date) -> list[dict]:
    given = ["Zara", "Kacper", "Amelia", "Tyrese", "Ffion", "Idris", "Maja", "Reuben", "Aisha"]
    family = ["Nowicki", "Adeyemi", "Lindqvist", "Choudhury", "Marsh", "O'Neill", "Baptiste"]
    rows = []
    for i in range(count):
        dob = today - dt.timedelta(days=rng.randrange(200, 5000))
        rows.append({
            "record_id": f"{prefix}N{i:03d}", "given_name": rng.choice(given), "middle_names": "",
            "family_name": rng.choice(family), "date_of_birth": dob.isoformat(),
            "sex": rng.choice("MF"), "postcode": f"NB1 {rng.randrange(4, 7)}QT",
            "address_line1": f"{rng.randrange(1, 90)} Canal Walk", "nhs_number": "", "upn": "",
            "expected_date_of_delivery": "",
        })  # fmt: skip
    return rows


def _csv(rows: list[dict]) -> bytes:
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def seed_on_northbrook(*, population, today, rng: random.Random, **_kw) -> None:
    """Receiver of `continuum.demo.seed.northbrook_seeded`: about 50 records per agency for the
    full area, fewer for the small areas the tests build."""
    per_agency = max(2, min(50, len(population.households) // 80))
    seed_agency_extracts(random_seed=rng.randrange(1_000_000), per_agency=per_agency, today=today)


def seed_agency_extracts(
    *, random_seed: int = 2026, per_agency: int = 120, today: dt.date | None = None
) -> list[ImportJob]:
    """Build and import one extract each from health visiting, a school and the police."""
    rng = random.Random(random_seed)
    today = today or dt.date.today()
    # The seed loads people in bulk, past the services that keep the matcher's versions.
    services.features_rebuild_all()
    nick = _diminutives()
    people = list(
        Person.objects.filter(merged_into__isnull=True)
        .prefetch_related(
            "names",
            "addresses__address",
            Prefetch(
                "addresses",
                queryset=PersonAddress.objects.filter(end_date__isnull=True).select_related(
                    "address"
                ),
                to_attr="current_addresses",
            ),
        )
        .order_by("pk")
    )
    children = [p for p in people if p.kind in (PersonKind.CHILD, PersonKind.UNBORN)]
    under5 = [p for p in children if p.kind == PersonKind.UNBORN or (p.age or 0) < 5]
    school_age = [p for p in children if p.kind == PersonKind.CHILD and 4 <= (p.age or 0) < 17]
    adults = [p for p in people if p.kind == PersonKind.ADULT]
    plans = [
        (AgencyKind.HEALTH_VISITING, "HV", under5),
        (AgencyKind.SCHOOL, "SCH", school_age),
        (AgencyKind.POLICE, "POL", adults + children[:50]),
    ]
    jobs = []
    truth: dict[tuple[int, str], tuple[int, list[str]]] = {}  # agency record -> its person
    for kind, prefix, pool in plans:
        # Each agency's extract is loaded by its own data steward (only they may import it).
        steward = (
            User.objects.filter(role=Role.DATA_STEWARD, agency__kind=kind, is_active=True)
            .select_related("agency")
            .order_by("pk")
            .first()
        )
        if steward is None or not pool:
            continue
        agency = steward.agency
        chosen = rng.sample(pool, min(per_agency, len(pool)))
        rows = []
        for i, person in enumerate(chosen):
            row, kinds = _with_errors(rng, _row(person, f"{prefix}{i:05d}"), person, nick)
            truth[(agency.pk, row["record_id"])] = (person.pk, kinds)
            rows.append(row)
        rows += _new_people(rng, max(3, per_agency // 20), prefix, today)
        bad = {**dict.fromkeys(HEADER, ""), "record_id": f"{prefix}BAD1"}
        rows.append({**bad, "given_name": "Unknown", "date_of_birth": "31/02/2019"})
        job = services.import_create(
            actor=steward, agency=agency, filename=f"{agency.code}-extract.csv", content=_csv(rows)
        )
        jobs.append(services.import_run(job.pk))
    _merge_duplicates(truth)
    return jobs


#: How the demo's merge reasons describe each kind of error.
_ERROR_WORDS = {
    "nickname": "a nickname", "typo": "a slip in the surname", "given_typo": "a slip in the "
    "given name", "swap_dob": "day and month swapped", "dob_year": "the year of birth mistyped",
    "dob_month": "the month of birth mistyped", "no_nhs": "no NHS number", "bad_nhs": "a "
    "mistyped NHS number", "old_address": "an old address", "no_address": "no address",
    "maiden": "a previous surname", "initial": "only an initial",
}  # fmt: skip


def _merge_duplicates(truth: dict[tuple[int, str], tuple[int, list[str]]], limit: int = 2):
    """A front door manager merges a couple of the duplicates the imports created (agency
    records of people Continuum holds that the model could not place, which became new
    people), through the service a manager uses, so the demo has merges to see and undo. The
    others stay for a user to find."""
    manager = (
        User.objects.filter(role=Role.TEAM_MANAGER, agency__kind=AgencyKind.FRONT_DOOR)
        .order_by("pk")
        .first()
    )
    if manager is None:
        return
    merged = 0
    records = SourceRecord.objects.filter(link_status=LinkStatus.NEW_PERSON).select_related(
        "agency", "person"
    )
    for record in records.order_by("pk"):
        kept_id, kinds = truth.get((record.agency_id, record.record_id), (None, []))
        if kept_id is None or kept_id == record.person_id:
            continue
        kept = Person.objects.get(pk=kept_id)
        if services.merge_blockers(kept, record.person):
            continue
        errors = ", ".join(_ERROR_WORDS.get(k, k) for k in kinds if k != "none")
        services.person_merge(
            actor=manager, kept=kept, merged=record.person,
            reason=f"{record.agency.name} record {record.record_id} is {kept.display_name}: it "
            f"had {errors}",
        )  # fmt: skip
        merged += 1
        if merged == limit:
            return
