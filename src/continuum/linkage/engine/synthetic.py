"""Deterministic synthetic multi-agency dataset with ground truth (UK-flavoured).

Households (parents, children — many twins and siblings — some with an unborn
baby) live in a fictional area with UK-shaped postcodes.  Each person appears in
one to four agency extracts (health, school, police, housing, family hub), each
record carrying realistic errors: diminutives, typos, given/family swaps,
stepfather's or maiden surnames, one part of a hyphenated surname, day/month
transposed, mistyped years, old addresses, missing or mistyped NHS numbers, and
unborn "Baby <surname>" records with an expected date of delivery that match a
born child recorded elsewhere.

All data is invented by this module; nothing real is used.  The same seed and
size always give the same output.
"""

from __future__ import annotations

import contextlib
import csv
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from stdnum.gb import upn as stdnum_upn

from .layout import write_extract
from .normalise import nhs_check_digit, nickname_table

AGENCIES: tuple[str, ...] = ("health", "school", "police", "housing", "family_hub")
REFERENCE_DATE = date(2025, 6, 1)

GIRLS = [
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Ivy",
    "Lily",
    "Isabella",
    "Rosie",
    "Sophia",
    "Grace",
    "Willow",
    "Freya",
    "Florence",
    "Emily",
    "Ella",
    "Poppy",
    "Evie",
    "Elsie",
    "Charlotte",
    "Evelyn",
    "Sienna",
    "Daisy",
    "Phoebe",
    "Sofia",
    "Alice",
    "Harper",
    "Matilda",
    "Ruby",
    "Emilia",
    "Maya",
    "Millie",
    "Isabelle",
    "Eva",
    "Luna",
    "Ellie",
    "Esme",
    "Margot",
    "Arabella",
    "Aurora",
    "Hallie",
    "Bonnie",
    "Penelope",
    "Delilah",
    "Maeve",
    "Nancy",
    "Violet",
    "Jessica",
    "Hannah",
    "Chloe",
    "Lucy",
    "Sarah",
    "Rebecca",
    "Elizabeth",
    "Catherine",
    "Margaret",
    "Victoria",
    "Natalie",
    "Samantha",
    "Jennifer",
    "Rachel",
    "Abigail",
    "Amanda",
    "Michelle",
    "Louise",
    "Emma",
    "Zoe",
    "Leah",
    "Jasmine",
    "Aaliyah",
    "Aisha",
    "Fatima",
    "Zainab",
    "Maryam",
    "Amina",
    "Khadija",
    "Ayesha",
    "Priya",
    "Ananya",
    "Saanvi",
    "Noor",
    "Hafsa",
    "Zuzanna",
    "Julia",
    "Lena",
    "Maja",
    "Oliwia",
    "Wiktoria",
    "Aleksandra",
    "Natalia",
    "Kasia",
    "Agnieszka",
    "Aoife",
    "Niamh",
    "Siobhan",
    "Saoirse",
    "Ciara",
    "Roisin",
    "Orla",
    "Shanice",
    "Tanisha",
    "Keisha",
    "Jada",
    "Imani",
    "Chantelle",
    "Adaeze",
    "Chioma",
    "Ngozi",
    "Amara",
    "Folake",
    "Abena",
    "Ama",
    "Efua",
    "Nia",
    "Ayodele",
    "Precious",
    "Blessing",
    "Favour",
    "Joy",
    "Stephanie",
    "Deborah",
    "Patricia",
    "Karen",
    "Helen",
    "Joanna",
    "Susan",
    "Mary",
    "Anne",
    "Frances",
    "Isabel",
    "Josephine",
    "Eleanor",
]

BOYS = [
    "Oliver",
    "George",
    "Noah",
    "Arthur",
    "Leo",
    "Muhammad",
    "Harry",
    "Oscar",
    "Archie",
    "Henry",
    "Theodore",
    "Freddie",
    "Jack",
    "Charlie",
    "Finley",
    "Alfie",
    "Thomas",
    "William",
    "Isaac",
    "Jacob",
    "Lucas",
    "Teddy",
    "Joshua",
    "James",
    "Edward",
    "Samuel",
    "Louie",
    "Albert",
    "Tommy",
    "Max",
    "Reggie",
    "Hugo",
    "Arlo",
    "Jaxon",
    "Elijah",
    "Daniel",
    "Benjamin",
    "Alexander",
    "Joseph",
    "Matthew",
    "Michael",
    "David",
    "Christopher",
    "Andrew",
    "Richard",
    "Robert",
    "Stephen",
    "Anthony",
    "Nicholas",
    "Jonathan",
    "Patrick",
    "Peter",
    "Philip",
    "Timothy",
    "Lewis",
    "Ethan",
    "Dylan",
    "Mason",
    "Logan",
    "Tyler",
    "Callum",
    "Kieran",
    "Connor",
    "Liam",
    "Nathan",
    "Ryan",
    "Jordan",
    "Adam",
    "Zachary",
    "Sebastian",
    "Mohammed",
    "Ibrahim",
    "Yusuf",
    "Ali",
    "Omar",
    "Hamza",
    "Bilal",
    "Ayaan",
    "Arjun",
    "Rohan",
    "Aarav",
    "Vihaan",
    "Kabir",
    "Imran",
    "Hassan",
    "Jakub",
    "Kacper",
    "Szymon",
    "Filip",
    "Mikolaj",
    "Wojciech",
    "Antoni",
    "Franciszek",
    "Piotr",
    "Tomasz",
    "Sean",
    "Declan",
    "Cian",
    "Eoin",
    "Oisin",
    "Padraig",
    "Ciaran",
    "Tyrone",
    "Jermaine",
    "Marcus",
    "Andre",
    "Dwayne",
    "Kwame",
    "Kofi",
    "Chidi",
    "Emeka",
    "Tunde",
    "Femi",
    "Olumide",
    "Chinedu",
    "Obinna",
    "Kayode",
    "Yaw",
    "Kwabena",
    "Abdi",
    "Mustafa",
    "Gabriel",
    "Reuben",
    "Dominic",
    "Francis",
    "Frederick",
    "Lawrence",
    "Raymond",
    "Kenneth",
    "Gregory",
    "Douglas",
    "Harrison",
    "Jayden",
    "Tobias",
]

SURNAMES = [
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Johnson",
    "Roberts",
    "Robinson",
    "Thompson",
    "Wright",
    "Walker",
    "White",
    "Edwards",
    "Hughes",
    "Green",
    "Hall",
    "Lewis",
    "Harris",
    "Clarke",
    "Patel",
    "Jackson",
    "Wood",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Morris",
    "Moore",
    "Clark",
    "Lee",
    "King",
    "Baker",
    "Harrison",
    "Morgan",
    "Allen",
    "James",
    "Scott",
    "Phillips",
    "Watson",
    "Davis",
    "Parker",
    "Price",
    "Bennett",
    "Young",
    "Griffiths",
    "Mitchell",
    "Kelly",
    "Cook",
    "Carter",
    "Richardson",
    "Bailey",
    "Collins",
    "Bell",
    "Shaw",
    "Murphy",
    "Miller",
    "Cox",
    "Richards",
    "Khan",
    "Marshall",
    "Anderson",
    "Simpson",
    "Ellis",
    "Adams",
    "Singh",
    "Begum",
    "Wilkinson",
    "Foster",
    "Chapman",
    "Powell",
    "Webb",
    "Rogers",
    "Gray",
    "Mason",
    "Ali",
    "Hunt",
    "Hussain",
    "Campbell",
    "Matthews",
    "Owen",
    "Palmer",
    "Holmes",
    "Mills",
    "Barnes",
    "Knight",
    "Lloyd",
    "Butler",
    "Russell",
    "Barker",
    "Fisher",
    "Stevens",
    "Jenkins",
    "Dixon",
    "Fletcher",
    "Ahmed",
    "Rahman",
    "Akhtar",
    "Iqbal",
    "Mahmood",
    "Chaudhry",
    "Sharma",
    "Kaur",
    "Gill",
    "Sandhu",
    "Mistry",
    "Shah",
    "Chowdhury",
    "Islam",
    "Uddin",
    "Miah",
    "Bibi",
    "Nowak",
    "Kowalski",
    "Wisniewski",
    "Wojcik",
    "Kowalczyk",
    "Kaminski",
    "Lewandowski",
    "Zielinski",
    "Szymanski",
    "Wozniak",
    "Dabrowski",
    "Kozlowski",
    "Jankowski",
    "Mazur",
    "Krawczyk",
    "Murphy",
    "Kelly",
    "OSullivan",
    "Walsh",
    "OBrien",
    "Byrne",
    "Ryan",
    "OConnor",
    "ONeill",
    "Doyle",
    "McCarthy",
    "Gallagher",
    "Doherty",
    "Kennedy",
    "Lynch",
    "Murray",
    "Quinn",
    "Moore",
    "McLaughlin",
    "Brennan",
    "Campbell",
    "Grant",
    "Francis",
    "Henry",
    "Hinds",
    "Gordon",
    "Reid",
    "Lewis",
    "Samuels",
    "Bailey",
    "Forbes",
    "Dacosta",
    "Blake",
    "Campbell",
    "Okafor",
    "Adeyemi",
    "Okonkwo",
    "Mensah",
    "Asante",
    "Boateng",
    "Owusu",
    "Adebayo",
    "Oyelaran",
    "Nwosu",
    "Eze",
    "Abubakar",
    "Bello",
    "Mohamed",
    "Osman",
    "Hassan",
    "Abdi",
    "Farah",
    "Warsame",
    "Yusuf",
    "Juma",
    "Kamara",
    "Sesay",
    "Bangura",
    "Conteh",
    "Diallo",
    "Ndlovu",
    "Moyo",
    "Dube",
    "Banda",
    "Phiri",
    "Mwangi",
    "Otieno",
    "Achieng",
    "Kariuki",
    "Smith-Jones",
    "Taylor-Khan",
    "Brown-Okafor",
    "Hughes-Walsh",
    "Nowak-Evans",
]

STREETS = [
    "High",
    "Church",
    "Station",
    "Victoria",
    "Green",
    "Manor",
    "Park",
    "Queens",
    "Kings",
    "Grange",
    "Mill",
    "School",
    "New",
    "Albert",
    "Alexandra",
    "Windsor",
    "Chapel",
    "Springfield",
    "Richmond",
    "Highfield",
    "Oak",
    "Elm",
    "Beech",
    "Ash",
    "Willow",
    "Cedar",
    "Meadow",
    "Orchard",
    "Brook",
    "River",
    "Bridge",
    "Castle",
    "Priory",
    "Abbey",
    "Market",
    "Hill",
    "North",
    "South",
    "West",
    "East",
    "Chestnut",
    "Sycamore",
    "Hawthorn",
    "Rowan",
    "Holly",
    "Laurel",
    "Maple",
    "Poplar",
]
STREET_TYPES = ["Road", "Street", "Avenue", "Lane", "Close", "Drive", "Way", "Crescent",
                "Gardens", "Court", "Place", "Grove", "Terrace"]  # fmt: skip
ADDRESS_ABBREV = {"Road": "Rd", "Street": "St", "Avenue": "Ave", "Lane": "Ln",
                  "Close": "Cl", "Drive": "Dr", "Crescent": "Cres"}  # fmt: skip

OUTWARD_CODES = [f"NB{i}" for i in range(1, 21)] + [f"NW{i}" for i in range(1, 11)]
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
LA_CODE = "801"


@dataclass
class Person:
    """A true person (ground truth)."""

    pid: str
    given: str
    middle: str
    family: str
    sex: str
    dob: date | None
    nhs: str
    upn: str | None
    addresses: list[tuple[str, str]]
    previous_families: list[str] = field(default_factory=list)
    alt_families: list[str] = field(default_factory=list)
    edd: date | None = None
    is_child: bool = True


@dataclass
class Dataset:
    """Generated extracts (records by agency) and truth (``(source, record_id) → pid``)."""

    extracts: dict[str, list[dict[str, Any]]]
    truth: dict[tuple[str, str], str]
    persons: list[Person]

    def records(self) -> list[dict[str, Any]]:
        """All records with a ``source`` key."""
        return [{**r, "source": src} for src, rows in self.extracts.items() for r in rows]


class _Gen:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.nhs_seen: set[str] = set()
        self.upn_serial = 0
        self.pid_counter = 0
        nick = nickname_table()
        self.diminutives: dict[str, list[str]] = {}
        for form, canon in nick.items():
            for c in canon:
                if form != c:
                    self.diminutives.setdefault(c, []).append(form.title())
        for k in self.diminutives:
            self.diminutives[k].sort()

    # -- identifiers -------------------------------------------------------
    def nhs(self) -> str:
        while True:
            first = str(self.rng.randint(4, 9)) + "".join(
                str(self.rng.randint(0, 9)) for _ in range(8)
            )
            check = nhs_check_digit(first)
            if check is None:
                continue
            number = first + str(check)
            if number not in self.nhs_seen:
                self.nhs_seen.add(number)
                return number

    def upn(self, dob: date) -> str:
        self.upn_serial += 1
        school = f"{2000 + self.upn_serial // 900 % 8000:04d}"
        body = f"{LA_CODE}{school}{(dob.year + 5) % 100:02d}{self.upn_serial % 900 + 100:03d}"
        upn = stdnum_upn.calc_check_digit(body) + body
        return upn

    def address(self) -> tuple[str, str]:
        rng = self.rng
        street = f"{rng.randint(1, 220)} {rng.choice(STREETS)} {rng.choice(STREET_TYPES)}"
        if rng.random() < 0.12:
            street = f"Flat {rng.randint(1, 30)}, {street}"
        outward = rng.choice(OUTWARD_CODES)
        inward = f"{rng.randint(0, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
        return street, f"{outward} {inward}"

    def new_pid(self) -> str:
        self.pid_counter += 1
        return f"T{self.pid_counter:08d}"

    def person(
        self,
        family: str,
        sex: str,
        dob: date | None,
        addresses: list[tuple[str, str]],
        *,
        child: bool,
        given: str | None = None,
    ) -> Person:
        rng = self.rng
        names = GIRLS if sex == "F" else BOYS
        given = given or rng.choice(names)
        middle = rng.choice(names) if rng.random() < 0.6 else ""
        upn = self.upn(dob) if child and dob and 4 <= _age(dob) <= 18 else None
        return Person(self.new_pid(), given, middle, family, sex, dob, self.nhs(), upn,
                      list(addresses), is_child=child)  # fmt: skip


def _age(dob: date) -> int:
    return (REFERENCE_DATE - dob).days // 365


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text) - 1)
    op = rng.random()
    letters = "aeiourstnlmdc"
    if op < 0.3:
        return text[:i] + text[i + 1 :]
    if op < 0.55:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :] if i + 1 < len(text) else text
    if op < 0.8:
        return text[:i] + rng.choice(letters) + text[i + 1 :]
    return text[:i] + text[i] + text[i:]


def _household(g: _Gen) -> list[Person]:
    rng = g.rng
    family = rng.choice(SURNAMES)
    home = g.address()
    old = g.address()
    moved = rng.random() < 0.3
    addresses = [home, old] if moved else [home]
    people: list[Person] = []
    mother_dob = REFERENCE_DATE - timedelta(days=rng.randint(20 * 365, 45 * 365))
    maiden = rng.choice(SURNAMES)
    mother = g.person(family, "F", mother_dob, addresses, child=False)
    if maiden != family and rng.random() < 0.5:
        mother.previous_families.append(maiden)
        mother.alt_families.append(maiden)
    people.append(mother)
    partner = None
    if rng.random() < 0.6:
        partner_family = family if rng.random() < 0.7 else rng.choice(SURNAMES)
        partner_dob = mother_dob - timedelta(days=rng.randint(-3 * 365, 6 * 365))
        partner = g.person(partner_family, "M", partner_dob, addresses, child=False)
        people.append(partner)
    n_births = rng.choice([0, 1, 1, 2, 2, 2, 3, 3, 4])
    earliest = max(mother_dob + timedelta(days=18 * 365), REFERENCE_DATE - timedelta(days=18 * 365))
    span = (REFERENCE_DATE - earliest).days
    for _ in range(n_births):
        if span <= 0:
            break
        dob = earliest + timedelta(days=rng.randint(0, span))
        twins = rng.random() < 0.15
        count = 2 if twins else 1
        used: set[str] = {p.given for p in people}
        for _k in range(count):
            sex = rng.choice("MF")
            names = GIRLS if sex == "F" else BOYS
            given = rng.choice([n for n in names if n not in used])
            used.add(given)
            child_family = family
            alt: list[str] = []
            r = rng.random()
            if partner and partner.family != family and r < 0.3:
                child_family = f"{family}-{partner.family}"
            elif r < 0.12:
                # stepfather's surname used by some agencies
                alt.append(rng.choice(SURNAMES))
            child = g.person(child_family, sex, dob, addresses, child=True, given=given)
            child.alt_families = alt
            people.append(child)
    edd = REFERENCE_DATE - timedelta(days=rng.randint(20, 300))
    siblings_clear = all(
        p.dob is None or abs((p.dob - edd).days) > 300 for p in people if p.is_child
    )
    if rng.random() < 0.08 and _age(mother_dob) < 42 and siblings_clear:
        dob = edd + timedelta(days=rng.randint(-21, 14))
        baby = g.person(family, rng.choice("MF"), dob, addresses, child=True)
        baby.edd = edd
        people.append(baby)
    return people


def _eligible(p: Person) -> list[str]:
    if p.dob is None:
        return ["health"]
    age = _age(p.dob)
    if not p.is_child:
        return ["health", "police", "housing", "family_hub"]
    out = ["health"]
    if 4 <= age <= 18:
        out.append("school")
    if age >= 10:
        out.append("police")
    if age <= 5:
        out.append("family_hub")
    out.append("housing")
    return out


def _record(g: _Gen, p: Person, agency: str, rid: str, *, unborn: bool) -> dict[str, Any]:
    rng = g.rng
    given, middle, family = p.given, p.middle, p.family
    prev = ""
    if p.alt_families and rng.random() < 0.5:
        family = p.alt_families[0]
    if p.previous_families and rng.random() < 0.3:
        prev = ";".join(p.previous_families)
    if "-" in family and rng.random() < 0.4:
        family = rng.choice(family.split("-"))
    dims = g.diminutives.get(given.upper())
    if dims and rng.random() < 0.2:
        given = rng.choice(dims)
    if rng.random() < 0.04:
        given = _typo(rng, given)
    if rng.random() < 0.04:
        family = _typo(rng, family)
    if middle and rng.random() < 0.4:
        middle = ""
    if rng.random() < 0.02:
        given, family = family, given
    dob = p.dob
    dob_text: str | None = None
    if dob is not None:
        r = rng.random()
        if r < 0.03 and dob.day <= 12 and dob.day != dob.month:
            dob = date(dob.year, dob.day, dob.month)
        elif r < 0.05:
            with contextlib.suppress(ValueError):  # 29 February
                dob = dob.replace(year=dob.year + rng.choice([-1, 1]))
        elif r < 0.07:
            dob = dob.replace(day=rng.randint(1, 28))
        dob_text = dob.isoformat() if rng.random() < 0.7 else dob.strftime("%d/%m/%Y")
    addr = p.addresses[-1] if len(p.addresses) > 1 and rng.random() < 0.35 else p.addresses[0]
    street, postcode = addr
    if rng.random() < 0.3:
        for full, short in ADDRESS_ABBREV.items():
            street = street.replace(full, short)
    if rng.random() < 0.3:
        postcode = postcode.replace(" ", "").lower()
    if rng.random() < 0.03:
        postcode = ""
    nhs_presence = {"health": 0.97, "family_hub": 0.6, "school": 0.3, "police": 0.15,
                    "housing": 0.1}[agency]  # fmt: skip
    nhs = p.nhs if rng.random() < nhs_presence else ""
    if nhs and rng.random() < 0.02:
        i = rng.randrange(10)
        nhs = nhs[:i] + str((int(nhs[i]) + rng.randint(1, 9)) % 10) + nhs[i + 1 :]
    if nhs and rng.random() < 0.3:
        nhs = f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"
    sex = p.sex if rng.random() > 0.03 else ""
    if sex and rng.random() < 0.2:
        sex = {"M": "Male", "F": "Female"}[sex]
    rec: dict[str, Any] = {
        "record_id": rid,
        "given_name": given,
        "middle_names": middle,
        "family_name": family,
        "date_of_birth": dob_text or "",
        "sex": sex,
        "postcode": postcode,
        "address_line1": street,
        "nhs_number": nhs,
        "upn": (p.upn or "") if agency == "school" else "",
        "expected_date_of_delivery": "",
        "previous_family_names": prev,
    }
    if unborn and p.edd:
        rec.update(
            given_name=rng.choice(["Baby", "Baby", "", "Unborn"]),
            middle_names="",
            family_name=p.family if "-" not in p.family else p.family.split("-")[0],
            date_of_birth="",
            sex="",
            nhs_number="",
            upn="",
            expected_date_of_delivery=p.edd.isoformat(),
        )
    return rec


def generate(n_records: int = 10_000, seed: int = 7) -> Dataset:
    """Generate about ``n_records`` records (stops at the first household past it)."""
    g = _Gen(seed)
    rng = g.rng
    extracts: dict[str, list[dict[str, Any]]] = {a: [] for a in AGENCIES}
    truth: dict[tuple[str, str], str] = {}
    persons: list[Person] = []
    counters = dict.fromkeys(AGENCIES, 0)
    total = 0

    def emit(p: Person, agency: str, unborn: bool = False) -> None:
        nonlocal total
        counters[agency] += 1
        rid = f"{agency[:2].upper()}{counters[agency]:07d}"
        extracts[agency].append(_record(g, p, agency, rid, unborn=unborn))
        truth[(agency, rid)] = p.pid
        total += 1

    while total < n_records:
        for p in _household(g):
            persons.append(p)
            eligible = _eligible(p)
            k = min(len(eligible), rng.choice([1, 1, 2, 2, 2, 3, 3, 4]))
            agencies = rng.sample(eligible, k)
            if p.edd is not None:
                emit(p, "health", unborn=True)
                if rng.random() < 0.5:
                    emit(p, "family_hub", unborn=True)
            for agency in agencies:
                emit(p, agency)
                if rng.random() < 0.04:
                    emit(p, agency)  # duplicate within one agency
    return Dataset(extracts, truth, persons)


def write_dataset(dataset: Dataset, out_dir: str | Path) -> list[Path]:
    """Write one person-extract CSV per agency plus ``truth.csv``; return the extract paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for agency, rows in dataset.extracts.items():
        path = out / f"{agency}.csv"
        write_extract(path, rows)
        paths.append(path)
    with (out / "truth.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["source", "record_id", "true_person_id"])
        for (src, rid), pid in sorted(dataset.truth.items()):
            writer.writerow([src, rid, pid])
    return paths


def twin_pairs(dataset: Dataset) -> list[tuple[str, str]]:
    """Pairs of true person ids who are twins (same family, DOB, address)."""
    by_key: dict[tuple[Any, ...], list[Person]] = {}
    for p in dataset.persons:
        if p.is_child and p.dob and p.edd is None:
            by_key.setdefault((p.family, p.dob, p.addresses[0]), []).append(p)
    out = []
    for group in by_key.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                out.append((a.pid, b.pid))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m continuum.linkage.engine.synthetic OUT_DIR [N] [SEED]``."""
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print(main.__doc__)
        return 2
    n = int(args[1]) if len(args) > 1 else 10_000
    seed = int(args[2]) if len(args) > 2 else 7
    ds = generate(n, seed)
    paths = write_dataset(ds, args[0])
    print(f"wrote {sum(len(r) for r in ds.extracts.values())} records to {len(paths)} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
