"""A second synthetic multi-agency set, written apart from ``synthetic.py``.

The engine was tuned on ``synthetic.py``; this generator is the yardstick it was
not tuned on.  It was written without reading that module's error model, with
its own name lists, its own diminutive table (not the engine's
``nicknames.csv``), its own rates and its own agencies:

* ``health`` (GP and maternity): an unborn baby is often written with the
  expected date of delivery in the date-of-birth column; mothers under a
  maiden name; NHS numbers mostly present.
* ``school``: children of school age, UPNs, names as the child is known
  (nicknames), a step-father's surname now and then.
* ``police``: dates of birth often missing (one in six), names in capitals,
  an initial only, one address in three out of date; adults who appear in no
  other agency ("known only to the police"), several records each.
* ``childrens_centre``: young children and their mothers, names as said at
  the desk (transliterations, middle name as first name, swapped names).

Households live at a sequence of addresses: a household that moves, moves
together, and each agency holds whichever address it last heard of.

All data is invented here.  The same ``size``, ``seed`` and
``reference_date`` always give the same records.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from stdnum.gb import upn as stdnum_upn

from .normalise import nhs_check_digit

SOURCES: tuple[str, ...] = ("health", "school", "police", "childrens_centre")
#: The day the extracts were taken; expected dates of delivery fall after it.
REFERENCE_DATE = date(2026, 12, 1)


def _words(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


def _rates(**rates: float) -> dict[str, float]:
    return rates


_FEMALE = _words(
    "Jessica Chloe Megan Hannah Lauren Bethany Rebecca Katie Sophie Emma Sarah Laura Amy "
    "Charlotte Victoria Natalie Danielle Gemma Kirsty Stacey Jade Leanne Nicola Samantha "
    "Jennifer Elizabeth Catherine Margaret Patricia Susan Deborah Kimberley Zoe Abigail "
    "Harriet Imogen Matilda Eleanor Maisie Millie Ruby Scarlett Aisha Fatima Zainab Maryam "
    "Amina Khadija Noor Priya Anjali Simran Harpreet Agnieszka Katarzyna Zuzanna Oliwia "
    "Chantelle Shanice Tiana Precious Blessing Aaliyah Inaaya Hafsa Roxanne Kayleigh Toni"
)
_MALE = _words(
    "Jack Thomas James Joshua Daniel Harry Samuel Joseph Matthew Callum Luke William Lewis "
    "Benjamin Connor Ryan Liam Kieran Jordan Bradley Nathan Michael Christopher Anthony "
    "Robert Richard Andrew Stephen David Paul Mark Jonathan Nicholas Edward Frederick Alfie "
    "Archie Theo Oscar Leo Reggie Tommy Mohammed Yusuf Ibrahim Omar Hamza Ali Bilal Imran "
    "Arjun Rohan Harjit Gurpreet Jakub Kacper Szymon Mateusz Kwame Tunde Emmanuel Tyrone "
    "Jayden Kai Dylan Mason Riley Zachary Alexander Patrick Sean Declan"
)
_FAMILY = _words(
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans "
    "Walker White Roberts Green Hall Wood Jackson Clarke Patel Khan Hussain Ahmed Ali Begum "
    "Shah Singh Kaur Sharma Mistry Nowak Kowalski Wisniewski Lewandowski Okafor Mensah "
    "Adeyemi Campbell Murphy Kelly O'Brien McDonald Fitzgerald Hughes Edwards Turner Hill "
    "Moore Harris Martin Cooper Ward Morris King Baker Harrison Morgan Allen James Scott "
    "Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kaur Lloyd Bailey "
    "Cox Richardson Marshall Holmes Chapman Mason Stevens Pearce Dawson Lambert Fletcher "
    "Barker Hudson Saunders Ellis Grant Knight Webb Fisher Reid Hunt Palmer Mills Rose Day"
)
_DOUBLE = ["Smith-Jones", "Ahmed-Khan", "Taylor-Brown", "Clarke-Hughes", "Reid-Campbell",
           "Walker-Price", "Hussain-Shah", "Bennett-Ward"]  # fmt: skip

#: Diminutives as people give them at a front desk (this module's own table).
_SHORT: dict[str, list[str]] = {
    "Jessica": ["Jess", "Jessie"], "Rebecca": ["Becky", "Becca"], "Katie": ["Kate", "Kat"],
    "Victoria": ["Vicky", "Tori"], "Natalie": ["Nat"], "Danielle": ["Dani"],
    "Samantha": ["Sam", "Sammy"], "Jennifer": ["Jen", "Jenny"], "Nicola": ["Nicky", "Nikki"],
    "Elizabeth": ["Liz", "Beth", "Lizzie", "Betty"], "Catherine": ["Cathy", "Kate", "Cath"],
    "Margaret": ["Maggie", "Peggy", "Meg"], "Patricia": ["Trish", "Pat", "Patsy"],
    "Susan": ["Sue", "Susie"], "Deborah": ["Debbie", "Deb"], "Kimberley": ["Kim"],
    "Abigail": ["Abbie", "Abi"], "Harriet": ["Hattie"], "Eleanor": ["Ellie", "Nell"],
    "Matilda": ["Tilly"], "Charlotte": ["Lottie", "Charlie"], "Bethany": ["Beth"],
    "Thomas": ["Tom", "Tommy"], "James": ["Jim", "Jimmy", "Jamie"], "Joshua": ["Josh"],
    "Daniel": ["Dan", "Danny"], "Samuel": ["Sam", "Sammy"], "Joseph": ["Joe", "Joey"],
    "Matthew": ["Matt"], "William": ["Will", "Billy", "Liam"], "Benjamin": ["Ben", "Benny"],
    "Michael": ["Mike", "Mick", "Micky"], "Christopher": ["Chris", "Kit"],
    "Anthony": ["Tony", "Ant"], "Robert": ["Rob", "Bob", "Bobby"], "Richard": ["Rick", "Dick"],
    "Andrew": ["Andy", "Drew"], "Stephen": ["Steve", "Stevie"], "David": ["Dave", "Davy"],
    "Jonathan": ["Jon", "Jonny"], "Nicholas": ["Nick", "Nicky"], "Edward": ["Ed", "Eddie", "Ted"],
    "Frederick": ["Fred", "Freddie"], "Alexander": ["Alex", "Xander"], "Patrick": ["Paddy", "Pat"],
    "Zachary": ["Zach", "Zack"], "Bradley": ["Brad"], "Nathan": ["Nate"], "Callum": ["Cal"],
    "Archie": ["Arch"], "Theo": ["Teddy"], "Mohammed": ["Mo"], "Ibrahim": ["Ibby"],
    "Emmanuel": ["Manny"], "Katarzyna": ["Kasia"], "Agnieszka": ["Aga"], "Jakub": ["Kuba"],
}  # fmt: skip
#: Transliteration variants: any form may be written for any other.
_TRANSLIT: list[list[str]] = [
    ["Mohammed", "Muhammad", "Mohamed", "Mohammad", "Muhammed"],
    ["Yusuf", "Yousef", "Yusef"], ["Ibrahim", "Ebrahim"], ["Omar", "Umar"],
    ["Hamza", "Hamzah"], ["Bilal", "Belal"], ["Fatima", "Fatimah", "Fatma"],
    ["Aisha", "Ayesha", "Aysha"], ["Zainab", "Zaynab"], ["Maryam", "Mariam"],
    ["Khadija", "Khadijah"], ["Amina", "Aminah"], ["Hussain", "Hussein", "Husain"],
    ["Ahmed", "Ahmad"], ["Gurpreet", "Gurprit"], ["Harjit", "Harjeet"],
]  # fmt: skip
_TRANSLIT_OF = {name: group for group in _TRANSLIT for name in group}

_STREETS = _words(
    "Mill Lane|Station Road|Church Street|Victoria Road|Park Avenue|Queens Road|Kings Drive|"
    "Manor Close|Albert Terrace|Chapel Street|Orchard Way|Beech Grove|Willow Crescent|"
    "Oak Gardens|Meadow View|Canal Side|Foundry Street|Cobden Place|Peel Square|Ash Court",
    "|",
)
_STREET_SHORT = {"Road": "Rd", "Street": "St", "Avenue": "Ave", "Lane": "Ln", "Drive": "Dr",
                 "Close": "Cl", "Crescent": "Cres", "Gardens": "Gdns",
                 "Terrace": "Terr"}  # fmt: skip
_TOWNS = ["Ashbridge", "Kelham", "Northmoor", "Riverside", "Stanwick"]


@dataclass
class _Person:
    pid: str
    given: str
    middle: str | None
    family: str
    sex: str
    dob: date | None  # None while unborn
    nhs: str | None
    maiden: str | None = None
    edd: date | None = None
    upn: str | None = None
    nickname_habit: str | None = None  # the name the person goes by, if any
    known_only_to_police: bool = False


@dataclass
class _Household:
    hid: int
    addresses: list[tuple[str, str, str]]  # (line 1, postcode, town), oldest first
    members: list[_Person] = field(default_factory=list)


@dataclass
class AltDataset:
    """Records by source and truth (``(source, record_id) → person id``)."""

    extracts: dict[str, list[dict[str, Any]]]
    truth: dict[tuple[str, str], str]
    reference_date: date

    def records(self) -> list[dict[str, Any]]:
        """Every record with its ``source``."""
        return [dict(r, source=s) for s, rows in self.extracts.items() for r in rows]


class _Gen:
    def __init__(self, seed: int, reference_date: date):
        self.rng = random.Random(f"alt-{seed}")
        self.today = reference_date
        self.pid = 0
        self.used_nhs: set[str] = set()
        self.postcodes: set[str] = set()

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def new_pid(self) -> str:
        self.pid += 1
        return f"Q{self.pid:07d}"

    def nhs(self) -> str:
        while True:
            first = "".join(str(self.rng.randint(0, 9)) for _ in range(9))
            if first[0] == "0":
                continue
            check = nhs_check_digit(first)
            if check is not None and first + str(check) not in self.used_nhs:
                self.used_nhs.add(first + str(check))
                return first + str(check)

    def upn(self) -> str:
        body = "".join(str(self.rng.randint(0, 9)) for _ in range(12))
        letters = "ABCDEFGHJKLMNPQRTUVWXYZ"
        for ch in letters:
            candidate = ch + body
            if stdnum_upn.is_valid(candidate):
                return candidate
        return self.upn()  # pragma: no cover - some letter always checks

    def address(self) -> tuple[str, str, str]:
        rng = self.rng
        while True:
            area = rng.choice(["ZA", "ZB", "ZC", "ZD", "ZE", "QW", "QX"])
            unit = "".join(rng.choice("ABDEFGHJLNPQRSTUWXYZ") for _ in range(2))
            pc = f"{area}{rng.randint(1, 19)} {rng.randint(0, 9)}{unit}"
            if pc not in self.postcodes or rng.random() < 0.3:  # a few shared by neighbours
                self.postcodes.add(pc)
                break
        number = rng.randint(1, 240)
        flat = f"Flat {rng.randint(1, 12)}, " if rng.random() < 0.15 else ""
        return f"{flat}{number} {rng.choice(_STREETS)}", pc, rng.choice(_TOWNS)

    def given(self, sex: str, avoid: set[str] = frozenset()) -> str:  # type: ignore[assignment]
        while True:  # parents do not give two of their children one name
            name = self.rng.choice(_FEMALE if sex == "F" else _MALE)
            if name not in avoid:
                return name

    def person(
        self, sex: str, dob: date | None, family: str, avoid: set[str] = frozenset(), **kw: Any
    ) -> _Person:  # type: ignore[assignment]
        middle = self.given(sex) if self.chance(0.45) else None
        nhs = self.nhs() if dob is not None else None
        p = _Person(self.new_pid(), self.given(sex, avoid), middle, family, sex, dob, nhs, **kw)
        short = _SHORT.get(p.given)
        if short and self.chance(0.45):
            p.nickname_habit = self.rng.choice(short)
        return p


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    i = rng.randint(1, len(text) - 2)
    kind = rng.random()
    if kind < 0.3:  # drop a letter
        return text[:i] + text[i + 1 :]
    if kind < 0.55:  # double a letter
        return text[:i] + text[i] + text[i:]
    if kind < 0.8:  # swap two letters
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    vowels = "aeiou"
    ch = text[i]
    repl = rng.choice([v for v in vowels if v != ch.lower()]) if ch.lower() in vowels else ch
    return text[:i] + repl + text[i + 1 :]


def _build_household(g: _Gen, hid: int) -> _Household:
    rng = g.rng
    n_addresses = 1 + (rng.random() < 0.4) + (rng.random() < 0.12)
    hh = _Household(hid, [g.address() for _ in range(n_addresses)])
    family = rng.choice(_DOUBLE) if rng.random() < 0.04 else rng.choice(_FAMILY)
    mother_age = rng.randint(19, 44)
    mother_dob = g.today - timedelta(days=mother_age * 365 + rng.randint(0, 364))
    mother = g.person("F", mother_dob, family)
    if rng.random() < 0.55:
        mother.maiden = rng.choice(_FAMILY)
    hh.members.append(mother)
    if rng.random() < 0.6:
        father = g.person("M", mother_dob - timedelta(days=rng.randint(-1500, 3000)), family)
        hh.members.append(father)
    n_children = rng.choice([0, 1, 1, 2, 2, 2, 3, 3, 4])
    child_family = family if rng.random() < 0.85 else rng.choice(_FAMILY)
    max_age = max(0, min(17, mother_age - 17))
    born = 0
    while born < n_children:
        age_days = rng.randint(0, max_age * 365 + 364)
        dob = g.today - timedelta(days=age_days)
        twins = rng.random() < 0.035
        for _ in range(2 if twins else 1):
            sex = rng.choice("MF")
            child = g.person(sex, dob, child_family, avoid={m.given for m in hh.members})
            if (g.today - dob).days > 4 * 365:
                child.upn = g.upn()
            hh.members.append(child)
            born += 1
    if mother_age < 42 and rng.random() < 0.12:
        edd = g.today + timedelta(days=rng.randint(10, 200))
        unborn = _Person(g.new_pid(), "", None, child_family, rng.choice("MF"), None, None,
                         edd=edd)  # fmt: skip
        hh.members.append(unborn)
    return hh


def _hidden_man(g: _Gen, hid: int) -> _Household:
    """A man known only to the police, at one or two addresses."""
    rng = g.rng
    hh = _Household(hid, [g.address() for _ in range(1 + (rng.random() < 0.5))])
    dob = g.today - timedelta(days=rng.randint(18, 55) * 365 + rng.randint(0, 364))
    man = g.person("M", dob, rng.choice(_FAMILY), known_only_to_police=True)
    man.nhs = g.nhs() if rng.random() < 0.2 else None
    hh.members.append(man)
    return hh


def _age(p: _Person, today: date) -> int:
    return -1 if p.dob is None else (today - p.dob).days // 365


def _sources_for(g: _Gen, p: _Person, is_adult: bool) -> list[str]:
    rng = g.rng
    if p.known_only_to_police:
        return ["police"] * rng.choice([1, 2, 2, 3, 3, 4])
    if p.dob is None:  # unborn: maternity, and sometimes the children's centre's antenatal list
        out = ["health"] if rng.random() < 0.9 else []
        if rng.random() < 0.35:
            out.append("childrens_centre")
        return out
    age = _age(p, g.today)
    out: list[str] = []
    if rng.random() < (0.85 if is_adult else 0.92):
        out.append("health")
    if 4 <= age <= 16 and rng.random() < 0.93:
        out.append("school")
    if (age <= 5 or (is_adult and p.sex == "F")) and rng.random() < 0.45:
        out.append("childrens_centre")
    police_p = 0.38 if (is_adult and p.sex == "M") else 0.16 if is_adult else 0.07
    if rng.random() < police_p:
        out.append("police")
    if out and rng.random() < 0.06:  # a duplicate inside one agency
        out.append(rng.choice(out))
    if 0 <= (g.today - p.dob).days < 150 and rng.random() < 0.5:
        out.append("antenatal")  # maternity's record of the pregnancy, still on file
    return out


_RATES: dict[str, dict[str, float]] = {
    # address: chance the record holds an earlier address when the household moved
    # (the current one otherwise; the earliest when it moved twice, at random).
    "health": _rates(old_address=0.2, nickname=0.25, typo_given=0.04, typo_family=0.03,
                   caps=0.05, initial=0.0, middle_first=0.02, swapped=0.01, translit=0.35,
                   no_dob=0.0, dob_error=0.02, maiden=0.35, hyphen_part=0.3, nhs_missing=0.12,
                   nhs_typo=0.015, edd_in_dob=0.65, step=0.0, no_given=0.0),
    "school": _rates(old_address=0.12, nickname=0.6, typo_given=0.05, typo_family=0.04,
                   caps=0.03, initial=0.0, middle_first=0.03, swapped=0.01, translit=0.4,
                   no_dob=0.0, dob_error=0.03, maiden=0.0, hyphen_part=0.5, nhs_missing=0.7,
                   nhs_typo=0.02, edd_in_dob=0.0, step=0.12, no_given=0.0),
    "police": _rates(old_address=0.32, nickname=0.45, typo_given=0.07, typo_family=0.06,
                   caps=0.55, initial=0.09, middle_first=0.03, swapped=0.04, translit=0.5,
                   no_dob=0.17, dob_error=0.06, maiden=0.5, hyphen_part=0.55, nhs_missing=0.8,
                   nhs_typo=0.03, edd_in_dob=0.0, step=0.1, no_given=0.0),
    "childrens_centre": _rates(old_address=0.18, nickname=0.5, typo_given=0.06, typo_family=0.05,
                             caps=0.1, initial=0.02, middle_first=0.05, swapped=0.03,
                             translit=0.5, no_dob=0.08, dob_error=0.04, maiden=0.3,
                             hyphen_part=0.45, nhs_missing=0.55, nhs_typo=0.02, edd_in_dob=0.5,
                             step=0.08, no_given=0.0),
}  # fmt: skip


def _dob_error(rng: random.Random, dob: date) -> date:
    kind = rng.random()
    try:
        if kind < 0.35 and dob.day <= 12 and dob.day != dob.month:
            return date(dob.year, dob.day, dob.month)
        if kind < 0.6:
            return dob.replace(day=max(1, min(28, dob.day + rng.choice([-1, 1, 10, -10]))))
        if kind < 0.8:
            return dob.replace(year=dob.year + rng.choice([-1, 1]))
        month = max(1, min(12, dob.month + rng.choice([-1, 1])))
        return dob.replace(month=month, day=min(dob.day, 28))
    except ValueError:
        return dob


def _write_date(rng: random.Random, d: date) -> str:
    return d.isoformat() if rng.random() < 0.7 else d.strftime("%d/%m/%Y")


def _record(g: _Gen, hh: _Household, p: _Person, source: str, rid: str) -> dict[str, Any]:
    """One record of ``p`` as ``source`` writes it (``"antenatal"``: health's record of the
    pregnancy, kept after the birth)."""
    rng = g.rng
    r = _RATES["health" if source == "antenatal" else source]
    # Address: the current one, or an earlier one if the agency has not heard of the move.
    address = hh.addresses[-1]
    if len(hh.addresses) > 1 and rng.random() < r["old_address"]:
        address = rng.choice(hh.addresses[:-1])
    line1, postcode, town = address
    if rng.random() < 0.3:
        for long, short in _STREET_SHORT.items():
            line1 = line1.replace(long, short)
    if rng.random() < 0.2:
        postcode = postcode.replace(" ", "")
    if rng.random() < 0.08:
        line1 = None if rng.random() < 0.5 else line1
    # Names.
    given = p.given
    middle = p.middle
    family = p.family
    previous = None
    antenatal = p.dob is None or source == "antenatal"
    if antenatal:  # unborn (or the maternity record kept from before the birth)
        given = rng.choice(["Baby", "Baby", "Unborn", ""])
        middle = None
    else:
        if p.nickname_habit and rng.random() < r["nickname"]:
            given = p.nickname_habit
        if given in _TRANSLIT_OF and rng.random() < r["translit"]:
            given = rng.choice(_TRANSLIT_OF[given])
        if family in _TRANSLIT_OF and rng.random() < r["translit"]:
            family = rng.choice(_TRANSLIT_OF[family])
        if middle and rng.random() < r["middle_first"]:
            given, middle = middle, None
        if rng.random() < r["typo_given"]:
            given = _typo(rng, given)
        if p.maiden and rng.random() < r["maiden"]:
            if rng.random() < 0.4:
                previous = family
            family = p.maiden
        elif p.maiden and source == "health" and rng.random() < 0.3:
            previous = p.maiden
        if "-" in family and rng.random() < r["hyphen_part"]:
            family = rng.choice(family.split("-"))
        if _age(p, g.today) < 18 and rng.random() < r["step"]:
            family = rng.choice(_FAMILY)
        if rng.random() < r["typo_family"]:
            family = _typo(rng, family)
        if rng.random() < r["initial"]:
            given = given[0]
        if rng.random() < r["swapped"]:
            given, family = family, given
    if rng.random() < r["caps"]:
        given, family = given.upper(), family.upper()
        middle = middle.upper() if middle else middle
        line1 = line1.upper() if line1 else line1
    elif rng.random() < 0.03:
        given, family = given.lower(), family.lower()
    # Dates.
    dob_text: str | None = None
    edd_text: str | None = None
    if antenatal:
        expected = p.edd or (p.dob + timedelta(days=rng.randint(-14, 14)))  # type: ignore[operator]
        edd = expected + timedelta(days=rng.randint(-3, 3))
        if rng.random() < r["edd_in_dob"]:
            dob_text = _write_date(rng, edd)
        else:
            edd_text = _write_date(rng, edd)
    elif rng.random() >= r["no_dob"]:
        dob = _dob_error(rng, p.dob) if rng.random() < r["dob_error"] else p.dob
        dob_text = _write_date(rng, dob)
    # Identifiers.
    nhs = None
    if p.nhs and not antenatal and rng.random() >= r["nhs_missing"]:
        nhs = p.nhs
        if rng.random() < r["nhs_typo"]:
            i = rng.randint(0, 9)
            nhs = nhs[:i] + str((int(nhs[i]) + rng.randint(1, 9)) % 10) + nhs[i + 1 :]
        if rng.random() < 0.3:
            nhs = f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"
    upn = p.upn if source == "school" and p.upn and rng.random() < 0.95 else None
    sex = p.sex
    if rng.random() < 0.05:
        sex = ""
    elif rng.random() < 0.3:
        sex = {"M": "Male", "F": "Female"}[p.sex]
    return {
        "record_id": rid,
        "given_name": given,
        "middle_names": middle or "",
        "family_name": family,
        "date_of_birth": dob_text,
        "sex": sex,
        "postcode": postcode,
        "address_line1": line1,
        "nhs_number": nhs,
        "upn": upn,
        "expected_date_of_delivery": edd_text,
        "previous_family_names": previous,
        "town": town if rng.random() < 0.7 else None,
    }


def generate(
    size: int = 20_000, seed: int = 1, reference_date: date = REFERENCE_DATE
) -> AltDataset:
    """About ``size`` records across the four sources, with the truth."""
    g = _Gen(seed, reference_date)
    extracts: dict[str, list[dict[str, Any]]] = {s: [] for s in SOURCES}
    truth: dict[tuple[str, str], str] = {}
    counters = dict.fromkeys(SOURCES, 0)
    prefix = {"health": "H", "school": "S", "police": "PN", "childrens_centre": "CC"}
    total = 0
    hid = 0
    while total < size:
        hid += 1
        hh = _hidden_man(g, hid) if g.chance(0.06) else _build_household(g, hid)
        for p in hh.members:
            is_adult = p.dob is not None and _age(p, g.today) >= 18
            for kind in _sources_for(g, p, is_adult):
                source = "health" if kind == "antenatal" else kind
                counters[source] += 1
                rid = f"{prefix[source]}{seed:02d}{counters[source]:07d}"
                extracts[source].append(_record(g, hh, p, kind, rid))
                truth[(source, rid)] = p.pid
                total += 1
    for rows in extracts.values():  # agencies do not list people in household order
        g.rng.shuffle(rows)
    return AltDataset(extracts, truth, reference_date)


def main(argv: Sequence[str] | None = None) -> int:  # pragma: no cover - a dev helper
    import argparse
    from pathlib import Path

    from .layout import write_extract

    parser = argparse.ArgumentParser(description="Write the second synthetic set as CSV files.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    ds = generate(args.size, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    for source, rows in ds.extracts.items():
        write_extract(args.out / f"{source}.csv", rows)
    with (args.out / "truth.csv").open("w", encoding="utf-8") as fh:
        fh.write("source,record_id,person_id\n")
        for (s, r), pid in sorted(ds.truth.items()):
            fh.write(f"{s},{r},{pid}\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
