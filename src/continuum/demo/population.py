"""Generate Northbrook's synthetic families as unsaved model instances.

`Population(rng, today, households).build()` creates, in memory and deterministically for a given
random generator and day, the addresses, households, people, names, address history, household
memberships and relationships of the area. `continuum.demo.seed` saves them with bulk_create.

Families are built from a handful of realistic shapes (two-parent, lone parent with a father who
lives elsewhere, blended family with a step-parent and half-siblings, three generations, kinship
care by a grandparent, a teenage mother living with her own mother, a couple expecting their first
baby). Around them are the people children's services care about who live elsewhere: fathers,
boyfriends ("hidden men"), grandparents and other significant adults.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from stdnum.gb import upn as stdnum_upn

from continuum.demo import area
from continuum.demo.names import HERITAGES, MIXED, STREET_ROOTS, STREET_SUFFIXES, Heritage
from continuum.people.codes import Disability, RelationshipKind, Sex
from continuum.people.models import NameKind, PersonKind
from continuum.people.names import normalise_name, phonetic_key


class Row:
    """A row to insert: attributes named like the model's fields, foreign keys as other rows
    (or saved model instances). Much cheaper than a Django model instance, which matters when
    building 80,000 of them; `continuum.demo.seed` turns them into INSERTs."""

    id: int | None = None

    def __init__(self, **values):
        self.__dict__.update(values)

    @property
    def pk(self) -> int | None:
        """The id once saved, as on a model instance."""
        return self.id


class Address(Row):
    pass


class Household(Row):
    pass


class PersonName(Row):
    pass


class PersonAddress(Row):
    pass


class HouseholdMembership(Row):
    pass


class Relationship(Row):
    pass


class Person(Row):
    def __init__(self, **values):
        self.given_name = self.middle_names = self.known_as = ""
        self.first_language = self.nhs_number = self.upn = ""
        self.date_of_birth = self.expected_date_of_delivery = self.date_of_death = None
        self.interpreter_needed = False
        self.disabilities: list[str] = []
        self.mother = self.father = None
        super().__init__(**values)

    def age_on(self, day: dt.date) -> int:
        years = day.year - self.date_of_birth.year
        return years - ((day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day))


R = RelationshipKind
YEAR = 365.25

CHILD_DISABILITIES = [
    (Disability.AUT, 4),
    (Disability.COMM, 3),
    (Disability.LD, 2),
    (Disability.BEH, 2),
    (Disability.MOB, 1),
    (Disability.HEAR, 1),
    (Disability.VIS, 1),
    (Disability.PC, 1),
]
ADULT_DISABILITIES = [
    (Disability.MOB, 3),
    (Disability.LD, 2),
    (Disability.HEAR, 1),
    (Disability.VIS, 1),
    (Disability.DDA, 2),
    (Disability.COMM, 1),
]
SIGNIFICANT_ADULT_NOTES = {
    Sex.FEMALE: [
        "Maternal aunt, looks after the children after school",
        "Godmother, regular overnight stays",
        "Neighbour, emergency contact",
        "Paternal aunt, collects the children from school",
    ],
    Sex.MALE: [
        "Uncle, sees the children most weekends",
        "Family friend, emergency contact",
        "Mother's brother, helps with school runs",
    ],
}


@dataclass
class Family:
    """A generated family household and what the seed needs to know to give agencies
    believable caseloads."""

    household: Household
    catchment: area.Catchment
    members: list[Person] = field(default_factory=list)
    shape: str = ""
    formed: dt.date | None = None
    flags: set[str] = field(default_factory=set)


def name_row(person: Person, kind: str, given: str, family: str, used_until=None) -> PersonName:
    """A searchable name row, exactly as `people.services._name_row` builds it (no actor)."""
    return PersonName(
        person=person,
        kind=kind,
        given_name=given,
        family_name=family,
        used_until=used_until,
        given_norm=normalise_name(given),
        family_norm=normalise_name(family),
        given_key=phonetic_key(given),
        family_key=phonetic_key(family),
    )


class Population:
    def __init__(self, rng: random.Random, today: dt.date, households: int):
        self.rng = rng
        self.today = today
        self.target = households
        self.addresses: list[Address] = []
        self.households: list[Household] = []
        self.persons: list[Person] = []
        self.names: list[PersonName] = []
        self.person_addresses: list[PersonAddress] = []
        self.memberships: list[HouseholdMembership] = []
        self.relationships: list[Relationship] = []
        self.families: list[Family] = []
        self._nhs: set[str] = set()
        self._upn_serial: dict[tuple[str, int], int] = {}
        self._used_doors: set[tuple[str, int]] = set()
        self._streets = self._make_streets()
        refs = rng.sample(range(1_000_000, 10_000_000), households * 3 + 100)
        self._references = iter(refs)
        self._uprn = 100_090_000_000
        self.catchment_by_code = {c.code: c for c in area.CATCHMENTS}
        self.catchment_objects: dict[str, object] = {}  # code -> CatchmentArea, set by the seed
        self.schools: dict[str, area.AgencySpec] = {
            (a.catchment or "all"): a for a in area.AGENCIES if a.phase
        }

    # ---------------------------------------------------------------- helpers
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def weighted(self, pairs):
        values, weights = zip(*pairs, strict=True)
        return self.rng.choices(values, weights=weights)[0]

    def days_ago(self, days: float) -> dt.date:
        return self.today - dt.timedelta(days=int(days))

    def born_aged(self, years: float) -> dt.date:
        """A date of birth for someone aged `years` (fractional) today."""
        return self.days_ago(years * YEAR)

    # ---------------------------------------------------------------- places
    def _make_streets(self) -> dict[str, list[tuple[str, str, int]]]:
        """Per postcode sector: (street name, postcode, last house number)."""
        roots = list(STREET_ROOTS)
        self.rng.shuffle(roots)
        root_iter = iter(roots * 3)
        streets: dict[str, list[tuple[str, str, int]]] = {}
        for catchment in area.CATCHMENTS:
            for sector in catchment.sectors:
                inward = [a + b for a in area.INWARD_LETTERS for b in area.INWARD_LETTERS]
                units = self.rng.sample(inward, 24)
                streets[sector] = [
                    (
                        f"{next(root_iter)} {self.pick(STREET_SUFFIXES)}",
                        f"{sector}{unit}",
                        self.rng.choice([24, 40, 60, 80, 120]),
                    )
                    for unit in units
                ]
        return streets

    def new_address(self, catchment: area.Catchment, *, flat: bool = False) -> Address:
        sector = self.pick(catchment.sectors)
        for _ in range(200):
            street, postcode, top = self.pick(self._streets[sector])
            number = self.rng.randint(1, top)
            if (street, number) not in self._used_doors:
                break
        self._used_doors.add((street, number))
        if flat or self.chance(0.12):
            line1, line2 = f"Flat {self.rng.randint(1, 24)}", f"{number} {street}"
            self._used_doors.discard((street, number))  # more flats in the same building
        else:
            line1, line2 = f"{number} {street}", ""
        w, s, e, n = catchment.sector_box(sector)
        self._uprn += self.rng.randint(1, 40)
        address = Address(
            line1=line1,
            line2=line2,
            town=area.TOWN,
            postcode=postcode,
            postcode_sector=sector,
            catchment=self.catchment_objects.get(catchment.code),
            uprn=str(self._uprn),
            longitude=round(self.rng.uniform(w + 0.002, e - 0.002), 5),
            latitude=round(self.rng.uniform(s + 0.002, n - 0.002), 5),
        )
        self.addresses.append(address)
        return address

    def new_household(self, address: Address) -> Household:
        household = Household(reference=f"H{next(self._references)}", address=address)
        self.households.append(household)
        return household

    # ---------------------------------------------------------------- identifiers
    def nhs_number(self) -> str:
        """A valid NHS number in the 999 range the NHS keeps for test data (modulus 11)."""
        while True:
            body = "999" + "".join(str(self.rng.randrange(10)) for _ in range(6))
            check = 11 - sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True)) % 11
            if check == 10:
                continue
            number = body + str(0 if check == 11 else check)
            if number not in self._nhs:
                self._nhs.add(number)
                return number

    def reception_year(self, dob: dt.date) -> int:
        """The September a child born on `dob` starts reception."""
        return dob.year + 5 if dob.month >= 9 else dob.year + 4

    def school_year(self, dob: dt.date) -> int | None:
        """National curriculum year today (0 = reception … 13), or None if not of school age."""
        academic_start = self.today.year if self.today.month >= 9 else self.today.year - 1
        year = academic_start - self.reception_year(dob)
        return year if 0 <= year <= 13 else None

    def school_for(self, dob: dt.date, catchment: area.Catchment) -> area.AgencySpec | None:
        year = self.school_year(dob)
        if year is None:
            return None
        return self.schools[catchment.code] if year <= 6 else self.schools["all"]

    def upn(self, dob: dt.date, catchment: area.Catchment) -> str:
        """A permanent UPN issued by the child's primary school when they started reception."""
        school = self.schools[catchment.code]
        entry = self.reception_year(dob)
        key = (school.dfe_number, entry)
        self._upn_serial[key] = serial = self._upn_serial.get(key, 0) + 1
        body = f"{area.LA_NUMBER}{school.dfe_number}{entry % 100:02d}{serial:03d}"
        return stdnum_upn.calc_check_digit(body) + body

    # ---------------------------------------------------------------- people
    def given_name(self, heritage: Heritage, sex: str, dob: dt.date) -> str:
        male = sex == Sex.MALE
        if dob.year < 1975:
            pool = (heritage.older_male if male else heritage.older_female) or None
        elif dob.year >= 2008:
            pool = (heritage.young_male if male else heritage.young_female) or None
        else:
            pool = None
        pool = pool or (heritage.male if male else heritage.female)
        return self.pick(pool)

    def person(
        self,
        heritage: Heritage,
        *,
        sex: str,
        dob: dt.date | None,
        family: str,
        kind: str | None = None,
        edd: dt.date | None = None,
        ethnicity: str | None = None,
        catchment: area.Catchment | None = None,
        language: str | None = None,
        given: str | None = None,
    ) -> Person:
        if kind is None:
            kind = PersonKind.CHILD if dob and dob > self.born_aged(18) else PersonKind.ADULT
        p = Person(kind=kind, family_name=family, sex=sex)
        p.heritage = heritage
        if kind == PersonKind.UNBORN:
            p.sex = Sex.UNKNOWN
            p.expected_date_of_delivery = edd
            p.ethnicity = ethnicity or heritage.ethnicity
            self.persons.append(p)
            self.names.append(name_row(p, NameKind.LEGAL, "", family))
            return p
        p.date_of_birth = dob
        p.given_name = given or self.given_name(heritage, sex, dob)
        for _ in range(3):
            if p.given_name != family:
                break
            p.given_name = self.given_name(heritage, sex, dob)
        if heritage.middle_names and self.chance(0.45):
            middle = self.given_name(heritage, sex, dob)
            if middle != p.given_name:
                p.middle_names = middle
        known = heritage.known_as.get(p.given_name)
        if known and self.chance(0.4):
            p.known_as = known
        p.ethnicity = ethnicity or heritage.ethnicity
        if self.chance(0.015):
            p.ethnicity = self.pick(["NOBT", "REFU"])
        adult = kind == PersonKind.ADULT
        languages = heritage.languages
        p.first_language = language or self.weighted(languages)
        if adult and p.first_language != "English" and self.chance(heritage.interpreter_rate):
            p.interpreter_needed = True
        no_nhs = heritage.no_nhs_rate if adult else 0.004
        if not self.chance(no_nhs + 0.02):
            p.nhs_number = self.nhs_number()
        if not adult and catchment and self.school_year(dob) is not None and not self.chance(0.03):
            p.upn = self.upn(dob, catchment)
        if not adult and self.chance(0.08):
            codes = {self.weighted(CHILD_DISABILITIES)}
            if self.chance(0.3):
                codes.add(self.weighted(CHILD_DISABILITIES))
            p.disabilities = sorted(codes)
        elif adult and self.chance(0.05):
            p.disabilities = [self.weighted(ADULT_DISABILITIES)]
        self.persons.append(p)
        self.names.append(name_row(p, NameKind.LEGAL, p.given_name, p.family_name))
        if p.known_as and p.known_as != p.given_name:
            self.names.append(name_row(p, NameKind.KNOWN_AS, p.known_as, p.family_name))
        return p

    def previous_name(self, person: Person, family: str, until: dt.date, given: str | None = None):
        self.names.append(
            name_row(
                person, NameKind.PREVIOUS, given or person.given_name, family, used_until=until
            )
        )

    def relate(self, a: Person, b: Person, kind: str, *, lives_with=False, pr=False, notes=""):
        """Record that `a` is <kind> of `b`, as a practitioner working with the family did once
        both were known to them (the seed fills in which agency recorded it)."""
        family = self.current_family
        known = max(b.date_of_birth or self.today - dt.timedelta(days=60), family.formed)
        day = min(known + dt.timedelta(days=self.rng.randint(2, 120)), self.today)
        self.relationships.append(
            Relationship(
                from_person=a,
                to_person=b,
                kind=kind,
                lives_with=lives_with,
                parental_responsibility=pr,
                notes=notes,
                family=family,
                recorded_at=dt.datetime.combine(day, dt.time(10, 15), tzinfo=dt.UTC),
            )
        )

    def join(
        self,
        household: Household,
        timeline,
        person: Person,
        start: dt.date,
        end: dt.date | None = None,
    ) -> None:
        """Membership of a household from `start` to `end`, and the matching address history
        from the household's timeline of (address, from, to)."""
        self.memberships.append(
            HouseholdMembership(household=household, person=person, start_date=start, end_date=end)
        )
        for address, since, until in timeline:
            s = max(since, start)
            e = until if end is None else (end if until is None else min(until, end))
            if e is not None and e < s:
                continue
            self.person_addresses.append(
                PersonAddress(person=person, address=address, start_date=s, end_date=e)
            )

    def home(self, catchment: area.Catchment, formed: dt.date, *, move_rate=0.25, flat=False):
        """A household with an address timeline; some moved within Northbrook since forming."""
        current = self.new_address(catchment, flat=flat)
        household = self.new_household(current)
        latest_move = self.today - dt.timedelta(days=30)
        if formed < latest_move - dt.timedelta(days=60) and self.chance(move_rate):
            moved = formed + dt.timedelta(days=self.rng.randint(30, (latest_move - formed).days))
            before = self.pick(area.CATCHMENTS) if self.chance(0.3) else catchment
            previous = self.new_address(before, flat=self.chance(0.4))
            timeline = [(previous, formed, moved - dt.timedelta(days=1)), (current, moved, None)]
        else:
            timeline = [(current, formed, None)]
        return household, timeline

    def elsewhere(self, person: Person, since: dt.date, *, alone=True) -> Household:
        """Give someone who does not live with the family a home of their own in Northbrook."""
        since = max(since, person.date_of_birth + dt.timedelta(days=int(16.5 * YEAR)))
        catchment = self.pick(area.CATCHMENTS)
        household, timeline = self.home(
            catchment, since, move_rate=0.15, flat=alone and self.chance(0.5)
        )
        end = person.date_of_death
        self.join(household, timeline, person, since, end)
        return household

    # ---------------------------------------------------------------- families
    def heritage_pair(self) -> tuple[Heritage, Heritage, str | None]:
        """Heritage of mother and father, and the children's ethnicity if it differs."""
        weights = [h.weight for h in HERITAGES]
        mother = self.rng.choices(HERITAGES, weights=weights)[0]
        if mother.code == "white_british" and self.chance(0.09):
            father = self.pick(
                [h for h in HERITAGES if h.code in ("caribbean", "african", "pakistani", "indian")]
            )
        elif self.chance(0.03):
            father = self.rng.choices(HERITAGES, weights=weights)[0]
        else:
            father = mother
        mixed = MIXED.get(frozenset({mother.ethnicity, father.ethnicity}))
        if mother.ethnicity != father.ethnicity and not mixed:
            mixed = "MOTH"
        return mother, father, mixed

    def children_dobs(
        self, mother_dob: dt.date, n: int, *, youngest_max_age=17.5, first_from: float = 17.0
    ) -> list[dt.date]:
        """Dates of birth of up to `n` children, oldest first, all under 18 and born to a mother
        aged `first_from` to 44. Two in a hundred births are twins."""
        mother_age = (self.today - mother_dob).days / YEAR
        low = max(first_from, mother_age - youngest_max_age)
        high = min(mother_age - 0.05, 38.0)
        if high < low:
            high = low = max(mother_age - self.rng.uniform(0.1, 3), first_from)
        age_at = self.rng.uniform(low, high)
        dobs: list[dt.date] = []
        while len(dobs) < n and age_at <= min(mother_age, 44):
            dob = mother_dob + dt.timedelta(days=int(age_at * YEAR) + self.rng.randint(0, 20))
            if dob > self.today - dt.timedelta(days=3):
                break
            dobs.append(dob)
            if self.chance(0.02) and len(dobs) < n:
                dobs.append(dob)  # twins
            age_at += self.rng.uniform(1.1, 5.0)
        return dobs

    def n_children(self) -> int:
        return self.weighted([(1, 34), (2, 36), (3, 18), (4, 8), (5, 4)])

    def build(self) -> None:
        self.showcase_family()
        shapes = [
            ("couple", 40),
            ("lone_mother", 24),
            ("blended", 11),
            ("three_generations", 7),
            ("kinship", 2),
            ("teen_mother", 3),
            ("expecting", 4),
            ("lone_father", 2),
        ]
        catchments = [(c, c.share) for c in area.CATCHMENTS]
        while len(self.families) < self.target:
            catchment = self.weighted(catchments)
            shape = self.weighted(shapes)
            mother_h, father_h, mixed = self.heritage_pair()
            if (
                shape == "couple"
                and mother_h.code in ("pakistani", "bangladeshi", "indian")
                and self.chance(0.25)
            ):
                shape = "three_generations"
            getattr(self, f"family_{shape}")(catchment, mother_h, father_h, mixed)
        self.significant_adults()

    def _family(self, household, catchment, shape, formed: dt.date) -> Family:
        family = Family(household=household, catchment=catchment, shape=shape, formed=formed)
        self.families.append(family)
        self.current_family = family
        return family

    def _children(
        self,
        family: Family,
        timeline,
        mother: Person | None,
        father: Person | None,
        dobs: list[dt.date],
        surname: str,
        heritage: Heritage,
        ethnicity: str | None,
        *,
        household_from: dt.date,
        father_lives=True,
        father_pr=True,
    ):
        kids = []
        previous_dob, previous_sex = None, None
        for dob in dobs:
            sex = self.pick([Sex.MALE, Sex.FEMALE])
            if dob == previous_dob and self.chance(0.5):
                sex = previous_sex  # same-sex twins are as common as mixed pairs
            child = self.person(
                heritage,
                sex=sex,
                dob=dob,
                family=surname,
                ethnicity=ethnicity,
                catchment=family.catchment,
            )
            if mother and mother.first_language and heritage.languages[0][0] != "English":
                child.first_language = mother.first_language
            if dob == previous_dob:
                family.flags.add("twins")
            previous_dob, previous_sex = dob, sex
            self.join(family.household, timeline, child, max(dob, household_from))
            if mother:
                self.relate(mother, child, R.PARENT, lives_with=True, pr=True)
            if father:
                self.relate(father, child, R.PARENT, lives_with=father_lives, pr=father_pr)
            child.mother, child.father = mother, father
            kids.append(child)
            family.members.append(child)
        return kids

    def siblings(self, kids: list[Person]) -> None:
        for i, a in enumerate(kids):
            for b in kids[i + 1 :]:
                same_mother = getattr(a, "mother", None) is getattr(b, "mother", None)
                same_father = getattr(a, "father", None) is getattr(b, "father", None)
                if a.mother is None or b.mother is None:
                    continue
                if same_mother and same_father and a.father is not None:
                    kind = R.SIBLING
                elif same_mother and a.father is None and b.father is None:
                    kind = R.SIBLING  # father not recorded: assume full siblings
                else:
                    kind = R.HALF_SIBLING
                self.relate(a, b, kind, lives_with=True)

    def unborn(
        self,
        family: Family,
        timeline,
        mother: Person,
        surname: str,
        ethnicity,
        *,
        father: Person | None = None,
        father_lives=True,
        edd: dt.date | None = None,
    ):
        edd = edd or self.today + dt.timedelta(days=self.rng.randint(7, 180))
        baby = self.person(
            mother.heritage,
            sex=Sex.UNKNOWN,
            dob=None,
            family=surname,
            kind=PersonKind.UNBORN,
            edd=edd,
            ethnicity=ethnicity,
        )
        self.join(family.household, timeline, baby, self.today)
        self.relate(mother, baby, R.PARENT, lives_with=True, pr=True)
        if father:
            self.relate(father, baby, R.PARENT, lives_with=father_lives, pr=father_lives)
        baby.mother, baby.father = mother, father
        family.members.append(baby)
        family.flags.add("unborn")
        return baby

    def maybe_pregnant(self, family, timeline, mother, kids, surname, ethnicity, father=None):
        recent_birth = kids and kids[-1].date_of_birth >= self.today - dt.timedelta(days=200)
        if mother.date_of_birth > self.born_aged(43) and self.chance(0.05) and not recent_birth:
            self.unborn(family, timeline, mother, surname, ethnicity, father=father)

    def grandparents_elsewhere(self, family: Family, parent: Person, kids: list[Person]):
        """A grandmother (and sometimes grandfather) who lives nearby, or has died."""
        h = parent.heritage
        age = (self.today - parent.date_of_birth).days / YEAR + self.rng.uniform(19, 32)
        surname = getattr(parent, "maiden_name", None) or parent.family_name
        gran = self.person(
            h, sex=Sex.FEMALE, dob=self.born_aged(age), family=surname, kind=PersonKind.ADULT
        )
        people = [gran]
        since_days = self.rng.randint(2000, 9000)
        since = self.days_ago(since_days)
        if self.chance(0.5):
            grandad = self.person(
                h,
                sex=Sex.MALE,
                dob=self.born_aged(age + self.rng.uniform(0, 5)),
                family=surname,
                kind=PersonKind.ADULT,
            )
            if self.chance(0.12):
                grandad.date_of_death = self.days_ago(
                    self.rng.randint(60, min(2000, since_days - 1))
                )
            people.append(grandad)
        catchment = self.pick(area.CATCHMENTS)
        household, timeline = self.home(catchment, since, move_rate=0.1)
        for g in people:
            self.join(household, timeline, g, since, g.date_of_death)
            for kid in kids:
                self.relate(g, kid, R.GRANDPARENT)
        family.flags.add("grandparents_nearby")

    def family_couple(self, catchment, mother_h, father_h, mixed, *, three_generations=False):
        mother_dob = self.born_aged(self.rng.uniform(20, 48))
        dobs = self.children_dobs(mother_dob, self.n_children())
        formed = (dobs[0] if dobs else self.today) - dt.timedelta(days=self.rng.randint(30, 1500))
        formed = max(formed, mother_dob + dt.timedelta(days=int(17 * YEAR)))
        father_dob = mother_dob - dt.timedelta(days=int(self.rng.gauss(2.5, 3.5) * YEAR))
        father_dob = min(father_dob, formed - dt.timedelta(days=int(17.5 * YEAR)))
        household, timeline = self.home(catchment, formed)
        shape = "three_generations" if three_generations else "couple"
        family = self._family(household, catchment, shape, formed)
        father = self.person(
            father_h, sex=Sex.MALE, dob=father_dob, family=self.pick(father_h.surnames)
        )
        married = self.chance(0.55)
        maiden = self.pick(mother_h.surnames)
        mother = self.person(
            mother_h,
            sex=Sex.FEMALE,
            dob=mother_dob,
            family=father.family_name if married else maiden,
        )
        if married and maiden != father.family_name:
            mother.maiden_name = maiden
            self.previous_name(mother, maiden, formed + dt.timedelta(days=self.rng.randint(0, 700)))
        surname = father.family_name if (married or self.chance(0.7)) else maiden
        if not married and self.chance(0.05):
            surname = f"{maiden}-{father.family_name}"
        for adult in (mother, father):
            self.join(household, timeline, adult, formed)
            family.members.append(adult)
        kids = self._children(
            family, timeline, mother, father, dobs, surname, mother_h, mixed, household_from=formed
        )
        self.siblings(kids)
        self.maybe_pregnant(family, timeline, mother, kids, surname, mixed, father)
        if three_generations:
            elders = [
                self.person(
                    father_h,
                    sex=Sex.FEMALE,
                    family=father.family_name,
                    dob=father_dob - dt.timedelta(days=int(self.rng.uniform(20, 30) * YEAR)),
                )
            ]
            if self.chance(0.6):
                elders.append(
                    self.person(
                        father_h,
                        sex=Sex.MALE,
                        family=father.family_name,
                        dob=elders[0].date_of_birth - dt.timedelta(days=self.rng.randint(0, 2500)),
                    )
                )
            moved_in = formed + dt.timedelta(
                days=self.rng.randint(0, max(1, (self.today - formed).days // 2))
            )
            for elder in elders:
                if elder.sex == Sex.MALE and (self.today - moved_in).days > 60 and self.chance(0.1):
                    elder.date_of_death = self.days_ago(
                        self.rng.randint(30, max(31, (self.today - moved_in).days))
                    )
                self.join(household, timeline, elder, moved_in, elder.date_of_death)
                family.members.append(elder)
                for kid in kids:
                    self.relate(elder, kid, R.GRANDPARENT, lives_with=elder.date_of_death is None)
            family.flags.add("three_generations")
        elif kids and self.chance(0.3):
            self.grandparents_elsewhere(family, mother, kids)
        return family

    def family_three_generations(self, catchment, mother_h, father_h, mixed):
        return self.family_couple(catchment, mother_h, father_h, mixed, three_generations=True)

    def absent_father(
        self, family, timeline, mother, kids, father_h, *, formed, lived_until=None, deceased=False
    ) -> Person:
        dob = mother.date_of_birth - dt.timedelta(days=int(self.rng.gauss(3, 4) * YEAR))
        dob = min(dob, kids[0].date_of_birth - dt.timedelta(days=int(18 * YEAR)))
        father = self.person(
            father_h,
            sex=Sex.MALE,
            dob=dob,
            family=kids[0].family_name if self.chance(0.6) else self.pick(father_h.surnames),
        )
        if deceased:
            earliest = kids[-1].date_of_birth - dt.timedelta(days=200)
            span = max(1, (self.today - earliest).days - 40)
            father.date_of_death = earliest + dt.timedelta(days=self.rng.randint(0, span))
            lived_until = father.date_of_death if father.date_of_death >= formed else None
        if lived_until:
            self.join(family.household, timeline, father, formed, lived_until)
        if not deceased:
            self.elsewhere(father, (lived_until or formed) + dt.timedelta(days=1))
        for kid in kids:
            self.relate(father, kid, R.PARENT, lives_with=False, pr=self.chance(0.75))
            kid.father = father
        family.flags.add("father_deceased" if deceased else "father_elsewhere")
        return father

    def hidden_man(self, family, mother, kids, heritage):
        """A boyfriend of the mother who does not live there but is often around."""
        man = self.person(
            heritage,
            sex=Sex.MALE,
            family=self.pick(heritage.surnames),
            dob=min(
                self.born_aged(18.2),
                mother.date_of_birth - dt.timedelta(days=int(self.rng.uniform(-4, 9) * YEAR)),
            ),
        )
        self.elsewhere(man, self.days_ago(self.rng.randint(200, 3000)))
        for kid in kids:
            self.relate(
                man,
                kid,
                R.PARTNER_OF_PARENT,
                lives_with=False,
                notes="Mother's partner, does not live in the household",
            )
        family.flags.add("partner_elsewhere")
        return man

    def family_lone_mother(self, catchment, mother_h, father_h, mixed):
        mother_dob = self.born_aged(self.rng.uniform(18, 46))
        dobs = self.children_dobs(mother_dob, self.n_children())
        if not dobs:
            dobs = [self.days_ago(self.rng.randint(30, 700))]
        surname = self.pick(mother_h.surnames)
        formed = max(
            dobs[0] - dt.timedelta(days=self.rng.randint(0, 400)),
            mother_dob + dt.timedelta(days=int(17 * YEAR)),
        )
        household, timeline = self.home(catchment, formed, move_rate=0.35, flat=self.chance(0.35))
        family = self._family(household, catchment, "lone_mother", formed)
        mother = self.person(mother_h, sex=Sex.FEMALE, dob=mother_dob, family=surname)
        self.join(household, timeline, mother, formed)
        family.members.append(mother)
        # Sometimes the older children have a different father from the younger ones.
        split = (
            self.rng.randint(1, len(dobs) - 1) if len(dobs) > 1 and self.chance(0.35) else len(dobs)
        )
        groups = [dobs[:split], dobs[split:]] if split < len(dobs) else [dobs]
        all_kids = []
        for group in groups:
            kids = self._children(
                family,
                timeline,
                mother,
                None,
                group,
                surname,
                mother_h,
                mixed,
                household_from=formed,
            )
            all_kids.extend(kids)
            roll = self.rng.random()
            if roll < 0.12:
                family.flags.add("father_unknown")
            elif roll < 0.15:
                self.absent_father(
                    family, timeline, mother, kids, father_h, formed=formed, deceased=True
                )
            else:
                lived = None
                if self.chance(0.4) and kids[-1].date_of_birth < self.today - dt.timedelta(days=90):
                    lived = kids[-1].date_of_birth + dt.timedelta(
                        days=self.rng.randint(30, (self.today - kids[-1].date_of_birth).days - 30)
                    )
                self.absent_father(
                    family, timeline, mother, kids, father_h, formed=formed, lived_until=lived
                )
        self.siblings(all_kids)
        if self.chance(0.14):
            self.hidden_man(family, mother, all_kids, father_h)
        self.maybe_pregnant(family, timeline, mother, all_kids, surname, mixed)
        if self.chance(0.35):
            self.grandparents_elsewhere(family, mother, all_kids)
        return family

    def family_blended(self, catchment, mother_h, father_h, mixed):
        mother_dob = self.born_aged(self.rng.uniform(25, 46))
        first = self.children_dobs(
            mother_dob, self.weighted([(1, 5), (2, 4), (3, 1)]), youngest_max_age=16
        )
        if not first:
            return self.family_couple(catchment, mother_h, father_h, mixed)
        old_surname = self.pick(mother_h.surnames)
        formed = max(
            first[0] - dt.timedelta(days=self.rng.randint(0, 300)),
            mother_dob + dt.timedelta(days=int(17 * YEAR)),
        )
        household, timeline = self.home(catchment, formed, move_rate=0.4)
        family = self._family(household, catchment, "blended", formed)
        stepdad_h = self.pick([mother_h, father_h])
        joined = first[-1] + dt.timedelta(
            days=self.rng.randint(200, max(201, (self.today - first[-1]).days - 10))
        )
        joined = min(joined, self.today - dt.timedelta(days=20))
        stepdad = self.person(
            stepdad_h,
            sex=Sex.MALE,
            family=self.pick(stepdad_h.surnames),
            dob=mother_dob - dt.timedelta(days=int(self.rng.uniform(-3, 8) * YEAR)),
        )
        married = self.chance(0.5)
        mother = self.person(
            mother_h,
            sex=Sex.FEMALE,
            dob=mother_dob,
            family=stepdad.family_name if married else old_surname,
        )
        if married:
            mother.maiden_name = old_surname
            self.previous_name(
                mother, old_surname, joined + dt.timedelta(days=self.rng.randint(30, 400))
            )
        self.join(household, timeline, mother, formed)
        self.join(household, timeline, stepdad, joined)
        family.members += [mother, stepdad]
        older = self._children(
            family,
            timeline,
            mother,
            None,
            first,
            old_surname,
            mother_h,
            mixed,
            household_from=formed,
        )
        self.absent_father(family, timeline, mother, older, father_h, formed=formed)
        for kid in older:
            self.relate(stepdad, kid, R.STEP_PARENT, lives_with=True, pr=self.chance(0.1))
            if married and self.chance(0.3):
                # The child's surname was changed to the stepfather's; the old one stays searchable.
                self.previous_name(
                    kid, kid.family_name, joined + dt.timedelta(days=self.rng.randint(60, 500))
                )
                kid.family_name = stepdad.family_name
                for row in self.names:
                    if row.person is kid and row.kind != NameKind.PREVIOUS:
                        row.family_name = kid.family_name
                        row.family_norm = normalise_name(kid.family_name)
                        row.family_key = phonetic_key(kid.family_name)
                family.flags.add("surname_change")
        younger: list[Person] = []
        if self.chance(0.55) and mother_dob > self.born_aged(42):
            dob = joined + dt.timedelta(days=self.rng.randint(280, 900))
            if dob < self.today - dt.timedelta(days=5):
                younger = self._children(
                    family,
                    timeline,
                    mother,
                    stepdad,
                    [dob],
                    stepdad.family_name,
                    mother_h,
                    mixed,
                    household_from=formed,
                )
        self.siblings(older + younger)
        self.maybe_pregnant(
            family, timeline, mother, older + younger, stepdad.family_name, mixed, stepdad
        )
        family.flags.add("step_parent")
        return family

    def family_kinship(self, catchment, mother_h, father_h, mixed):
        """Grandparents bringing up their grandchildren; the mother lives elsewhere."""
        gran_dob = self.born_aged(self.rng.uniform(52, 70))
        mother_dob = gran_dob + dt.timedelta(days=int(self.rng.uniform(18, 30) * YEAR))
        dobs = self.children_dobs(mother_dob, self.weighted([(1, 4), (2, 4), (3, 2)]))
        if not dobs:
            return self.family_lone_mother(catchment, mother_h, father_h, mixed)
        formed = self.days_ago(self.rng.randint(8000, 14000))
        household, timeline = self.home(catchment, formed, move_rate=0.05)
        family = self._family(household, catchment, "kinship", formed)
        surname = self.pick(mother_h.surnames)
        gran = self.person(mother_h, sex=Sex.FEMALE, dob=gran_dob, family=surname)
        self.join(household, timeline, gran, formed)
        family.members.append(gran)
        carers = [gran]
        if self.chance(0.5):
            grandad = self.person(
                mother_h,
                sex=Sex.MALE,
                family=surname,
                dob=gran_dob - dt.timedelta(days=self.rng.randint(0, 1800)),
            )
            self.join(household, timeline, grandad, formed)
            family.members.append(grandad)
            carers.append(grandad)
        mother = self.person(mother_h, sex=Sex.FEMALE, dob=mother_dob, family=surname)
        mother_from = max(formed, mother_dob)
        left = dobs[-1] + dt.timedelta(days=self.rng.randint(60, 700))
        left = max(min(left, self.today - dt.timedelta(days=10)), mother_from)
        self.join(household, timeline, mother, mother_from, left)
        kids = []
        for dob in dobs:
            sex = self.pick([Sex.MALE, Sex.FEMALE])
            kid = self.person(
                mother_h, sex=sex, dob=dob, family=surname, ethnicity=mixed, catchment=catchment
            )
            self.join(household, timeline, kid, max(dob, formed))
            self.relate(mother, kid, R.PARENT, lives_with=False, pr=True)
            for carer in carers:
                self.relate(
                    carer,
                    kid,
                    R.GRANDPARENT,
                    lives_with=True,
                    pr=carer is gran,
                    notes="Special guardianship order" if carer is gran else "",
                )
            kid.mother, kid.father = mother, None
            kids.append(kid)
            family.members.append(kid)
        self.siblings(kids)
        self.elsewhere(mother, left + dt.timedelta(days=1))
        family.flags.add("kinship_care")
        return family

    def family_teen_mother(self, catchment, mother_h, father_h, mixed):
        """A teenage mother living with her own mother, with a baby or expecting one."""
        teen_dob = self.born_aged(self.rng.uniform(16.9, 19.5))
        gran_dob = teen_dob - dt.timedelta(days=int(self.rng.uniform(17, 30) * YEAR))
        surname = self.pick(mother_h.surnames)
        formed = teen_dob
        household, timeline = self.home(catchment, formed, move_rate=0.2)
        family = self._family(household, catchment, "teen_mother", formed)
        gran = self.person(mother_h, sex=Sex.FEMALE, dob=gran_dob, family=surname)
        teen = self.person(
            mother_h, sex=Sex.FEMALE, dob=teen_dob, family=surname, catchment=catchment
        )
        for p in (gran, teen):
            self.join(household, timeline, p, formed)
            family.members.append(p)
        self.relate(gran, teen, R.PARENT, lives_with=True, pr=True)
        aunts = []  # the teenager's younger brothers and sisters
        for _ in range(self.weighted([(0, 4), (1, 4), (2, 2)])):
            dob = teen_dob + dt.timedelta(days=int(self.rng.uniform(1.5, 12) * YEAR))
            if dob < self.today - dt.timedelta(days=30):
                aunts.append(dob)
        aunts.sort()
        siblings = self._children(
            family, timeline, gran, None, aunts, surname, mother_h, None, household_from=formed
        )
        teen.mother, teen.father = gran, None
        self.siblings([teen, *siblings])
        father = self.person(
            father_h,
            sex=Sex.MALE,
            family=self.pick(father_h.surnames),
            dob=teen_dob - dt.timedelta(days=int(self.rng.uniform(0.5, 5) * YEAR)),
        )
        self.elsewhere(father, self.days_ago(self.rng.randint(100, 1500)))
        if self.chance(0.5) and teen.age_on(self.today) >= 17:
            baby_dob = self.days_ago(self.rng.randint(10, 360))
            baby = self._children(
                family,
                timeline,
                teen,
                father,
                [baby_dob],
                surname,
                mother_h,
                mixed,
                household_from=formed,
                father_lives=False,
                father_pr=self.chance(0.6),
            )
            self.relate(gran, baby[0], R.GRANDPARENT, lives_with=True)
        else:
            self.unborn(family, timeline, teen, surname, mixed, father=father, father_lives=False)
        family.flags.add("teen_parent")
        return family

    def family_expecting(self, catchment, mother_h, father_h, mixed):
        mother_dob = self.born_aged(self.rng.uniform(19, 40))
        formed = self.days_ago(self.rng.randint(120, 2500))
        household, timeline = self.home(catchment, formed, move_rate=0.2)
        family = self._family(household, catchment, "expecting", formed)
        mother = self.person(
            mother_h, sex=Sex.FEMALE, dob=mother_dob, family=self.pick(mother_h.surnames)
        )
        self.join(household, timeline, mother, formed)
        family.members.append(mother)
        father = None
        if self.chance(0.8):
            father = self.person(
                father_h,
                sex=Sex.MALE,
                family=self.pick(father_h.surnames),
                dob=mother_dob - dt.timedelta(days=int(self.rng.gauss(2, 3) * YEAR)),
            )
            self.join(household, timeline, father, formed)
            family.members.append(father)
        surname = father.family_name if father else mother.family_name
        self.unborn(family, timeline, mother, surname, mixed, father=father)
        return family

    def family_lone_father(self, catchment, mother_h, father_h, mixed):
        father_dob = self.born_aged(self.rng.uniform(24, 50))
        dobs = self.children_dobs(father_dob + dt.timedelta(days=int(2 * YEAR)), self.n_children())
        if not dobs:
            dobs = [self.days_ago(self.rng.randint(400, 4000))]
        formed = dobs[0] - dt.timedelta(days=self.rng.randint(0, 500))
        household, timeline = self.home(catchment, formed)
        family = self._family(household, catchment, "lone_father", formed)
        father = self.person(
            father_h, sex=Sex.MALE, dob=father_dob, family=self.pick(father_h.surnames)
        )
        self.join(household, timeline, father, formed)
        family.members.append(father)
        mother = self.person(
            mother_h,
            sex=Sex.FEMALE,
            family=self.pick(mother_h.surnames),
            dob=father_dob + dt.timedelta(days=int(self.rng.uniform(0, 5) * YEAR)),
        )
        left = dobs[-1] + dt.timedelta(
            days=self.rng.randint(30, max(31, (self.today - dobs[-1]).days - 10))
        )
        self.join(household, timeline, mother, formed, min(left, self.today - dt.timedelta(days=5)))
        self.elsewhere(mother, min(left, self.today - dt.timedelta(days=5)) + dt.timedelta(days=1))
        kids = self._children(
            family,
            timeline,
            None,
            father,
            dobs,
            father.family_name,
            father_h,
            mixed,
            household_from=formed,
        )
        for kid in kids:
            self.relate(mother, kid, R.PARENT, lives_with=False, pr=True)
            kid.mother = mother
        self.siblings(kids)
        family.flags.add("mother_elsewhere")
        return family

    def showcase_family(self) -> None:
        """A family the demo can rely on: in the north, a 23-year-old mother with a baby of seven
        months and another due in ten weeks, the baby's father living elsewhere, a new partner who
        is around but not in the household, and a grandmother round the corner."""
        from continuum.demo.names import WHITE_BRITISH as wb

        north = self.catchment_by_code["north"]
        mother_dob = self.born_aged(23.4)
        baby_dob = self.days_ago(212)
        formed = baby_dob - dt.timedelta(days=120)
        household, timeline = self.home(north, formed, move_rate=0)
        family = self._family(household, north, "lone_mother", formed)
        family.flags.add("showcase")
        mother = self.person(
            wb,
            sex=Sex.FEMALE,
            dob=mother_dob,
            family="Morris",
            given="Kayleigh",
            language="English",
        )
        mother.middle_names = "Jade"
        self.join(household, timeline, mother, formed)
        family.members.append(mother)
        baby = self._children(
            family, timeline, mother, None, [baby_dob], "Morris", wb, None, household_from=formed
        )[0]
        baby.given_name, baby.middle_names, baby.sex = "Ruby-Mae", "", Sex.FEMALE
        for row in self.names:
            if row.person is baby:
                row.given_name, row.given_norm, row.given_key = (
                    "Ruby-Mae",
                    normalise_name("Ruby-Mae"),
                    phonetic_key("Ruby-Mae"),
                )
        father = self.absent_father(
            family,
            timeline,
            mother,
            [baby],
            wb,
            formed=formed,
            lived_until=baby_dob + dt.timedelta(days=60),
        )
        unborn = self.unborn(
            family, timeline, mother, "Morris", None, edd=self.today + dt.timedelta(days=70)
        )
        partner = self.hidden_man(family, mother, [baby, unborn], wb)
        self.relate(
            partner,
            unborn,
            R.PARENT,
            lives_with=False,
            pr=False,
            notes="Named by mother as the father of the unborn baby",
        )
        self.siblings([baby, unborn])
        self.grandparents_elsewhere(family, mother, [baby])
        family.flags |= {"police", "hub", "home_start"}
        del father

    def significant_adults(self) -> None:
        """Some children have another adult who matters to them: an aunt, a godparent, a
        neighbour. Chosen from adults elsewhere in Northbrook."""
        adults = [p for p in self.persons if p.kind == PersonKind.ADULT and not p.date_of_death]
        for family in self.families:
            self.current_family = family
            kids = [m for m in family.members if m.kind == PersonKind.CHILD]
            if not kids or not self.chance(0.05):
                continue
            adult = self.pick(adults)
            if adult in family.members or any(adult in (k.mother, k.father) for k in kids):
                continue
            note = self.pick(SIGNIFICANT_ADULT_NOTES[adult.sex])
            for kid in kids:
                self.relate(adult, kid, R.OTHER_SIGNIFICANT_ADULT, notes=note)
