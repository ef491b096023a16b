"""Reads of the person and family record. Each goes through the gatekeeper and is audited."""

from __future__ import annotations

import datetime as dt
import itertools
import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce

from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.models import FilteredRelation, Prefetch, Q, prefetch_related_objects

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.core.identifiers import IdentifierError, normalise_postcode
from continuum.governance import rules as perms
from continuum.governance.access import (
    Access,
    active_break_glass_for,
    can_edit_person,
    confidential_address_ids,
    household_for_user,
    person_for_user,
    persons_visible_to,
    restricted_person_ids,
    visible_persons_filter,
)
from continuum.governance.models import Involvement
from continuum.people.models import (
    Address,
    Household,
    HouseholdMembership,
    NameToken,
    Person,
    PersonAddress,
    PersonName,
    Relationship,
)
from continuum.people.names import alike_initials, normalise_name, similarity

SEARCH_LIMIT = 50

# What a volunteer is not shown of a person (issue 11, finding 9). A home visit needs the
# person's name, age or date of birth, address and household; their identifiers, protected
# characteristics, former names and the agencies' own records are for staff.
VOLUNTEER_HIDDEN_FIELDS = frozenset(
    {
        "nhs_number",
        "upn",
        "ethnicity",
        "gender_identity",
        "identifiers",  # agencies' reference numbers for the person
        "previous_names",  # previous names and aliases
        "agency_records",  # linkage: what each agency's source record holds
    }
)


def hidden_person_fields(user) -> frozenset[str]:
    """The fields of a person this user's role is not shown, on the page and in the API."""
    return VOLUNTEER_HIDDEN_FIELDS if perms.is_volunteer(user) else frozenset()
_CANDIDATE_CAP = 2000


@dataclass
class SearchQuery:
    name: str = ""
    date_of_birth: dt.date | None = None
    postcode: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.name.strip() or self.date_of_birth or self.postcode.strip())


@dataclass
class SearchHit:
    person: Person
    score: float
    reasons: list[str] = field(default_factory=list)


def _name_parts(name: str) -> tuple[str, str]:
    """("given", "family") from free text; a single word could be either."""
    words = normalise_name(name).split()
    if not words:
        return "", ""
    if len(words) == 1:
        return "", words[0]
    return words[0], words[-1]


_NAME_SIMILAR = 0.8  # a person whose best name scores no more than this is not a hit
# With a given and a family name typed, each must itself be similar, so that an exact family
# name does not carry an unrelated given name (Oliver Smith is not Alice Smith): above
# _PART_SIMILAR (one slip scores 0.9, see names.similarity), or above _NEAR_SIMILAR when the
# other is exact (Sean/Shaun Smith, Mohammed/Muhammad Khan).
_PART_SIMILAR = 0.85
_NEAR_SIMILAR = 0.8
_EXACT = 0.98


def _parts_similar(a: float, b: float) -> bool:
    low, high = min(a, b), max(a, b)
    return low > _PART_SIMILAR or (low > _NEAR_SIMILAR and high > _EXACT)


def _other_part_bar(score: float) -> float | None:
    """What the other part must score above, given one part's score (None: nothing will do)."""
    if score > _EXACT:
        return _NEAR_SIMILAR
    if score > _PART_SIMILAR:
        return _PART_SIMILAR
    if score > _NEAR_SIMILAR:
        return _EXACT
    return None


_LENGTH_WINDOW = 3  # a misspelt word is rarely more than a letter or two longer or shorter


def _name_similarity(names: Iterable[tuple[str, str]], given: str, family: str) -> float:
    """How well the best of a person's (given_norm, family_norm) names matches what was typed."""
    best = 0.0
    for given_norm, family_norm in names:
        fam = _family_similarity(family, family_norm)
        if not given:  # one word typed: it may be either name
            best = max(best, fam, similarity(family, given_norm))
            continue
        giv = similarity(given, given_norm)
        if _parts_similar(fam, giv):
            best = max(best, (fam + giv) / 2)
        # first and last names swapped ("Smith John")
        fam_as_given, giv_as_family = similarity(family, given_norm), similarity(given, family_norm)
        if _parts_similar(fam_as_given, giv_as_family):
            best = max(best, (fam_as_given + giv_as_family) / 2 * 0.95)
    return best


def _family_similarity(typed: str, family_norm: str) -> float:
    """A family name matches on the whole or on any part of a hyphenated name."""
    best = similarity(typed, family_norm)
    if "-" in family_norm:
        best = max(best, *(similarity(typed, part) for part in family_norm.split("-")))
    return best


def _vocabulary(words: Iterable[str]) -> list[str]:
    """Recorded name words that could be what was typed: a similar length with the same (or an
    alike) first letter, a longer word it starts, or a hyphenated name it is part of."""
    condition = Q()
    for word in words:
        condition |= Q(
            initial__in=sorted(alike_initials(word[0])),
            length__range=(len(word) - _LENGTH_WINDOW, len(word) + _LENGTH_WINDOW),
        )
        if len(word) >= 3:
            condition |= Q(token__startswith=word) | Q(token__contains=f"-{word}")
    return list(NameToken.objects.filter(condition).values_list("token", flat=True))


def _similar_names(given: str, family: str) -> Q | None:
    """The (given_norm, family_norm) pairs that score above `_NAME_SIMILAR` for what was typed,
    as a Q on PersonName served by its indexes; None when no recorded name is similar.

    The similarity is worked out once per recorded word (the vocabulary), not per person, and
    only pairs that can be a hit are asked for: a common family name typed in full ("Oliver
    Smith") then reads the Olivers and Olivias among the Smiths, not every Smith. A misspelling
    that changes the sound of a name (Smih, Jonse) is found as well as one that keeps it.
    """
    tokens = _vocabulary([w for w in (given, family) if w])
    fam = {t: _family_similarity(family, t) for t in tokens}
    slack = 1e-9  # the final score decides; do not lose a pair to rounding here
    by_family: dict[str, set[str]] = {}
    given_only: list[str] = []
    if given:
        # (score, token) best first, so each family name takes the given names above a bar
        giv = sorted(((similarity(given, t), t) for t in tokens), reverse=True)

        def above(bar: float) -> list[str]:
            return [t for s, t in itertools.takewhile(lambda item: item[0] > bar, giv)]

        for f, f_score in fam.items():
            bar = _other_part_bar(f_score + slack)
            if bar is not None:
                by_family.setdefault(f, set()).update(above(bar - slack))
        # names typed the other way round ("Smith John")
        for g in tokens:
            bar = _other_part_bar(similarity(family, g) + slack)
            if bar is not None:
                for f in above(bar - slack):
                    by_family.setdefault(f, set()).add(g)
    else:  # one word: it may be either name
        by_family = {f: set() for f, s in fam.items() if s > _NAME_SIMILAR - slack}
        given_only = [t for t in tokens if similarity(family, t) > _NAME_SIMILAR - slack]
    terms = [
        Q(family_norm=f, given_norm__in=sorted(g)) if g else Q(family_norm=f)
        for f, g in sorted(by_family.items())
        if g or not given
    ]
    if given_only:
        terms.append(Q(given_norm__in=sorted(given_only)))
    return reduce(operator.or_, terms) if terms else None


def _score_values(
    date_of_birth: dt.date | None,
    names: list[tuple[str, str]],
    current_postcodes: list[tuple[str, str]],
    given: str,
    family: str,
    query: SearchQuery,
    postcode: str,
    reasons: list[str],
    name_scores: dict[tuple, float] | None = None,
) -> float:
    """The score of one candidate from plain values: (given_norm, family_norm) of each of their
    names and (postcode, postcode_sector) of their current address."""
    score = 0.0
    if family:
        key = tuple(names)
        if name_scores is None:
            best = _name_similarity(names, given, family)
        elif key in name_scores:
            best = name_scores[key]
        else:
            best = name_scores[key] = _name_similarity(names, given, family)
        score += best * 2
        if best > _EXACT:
            reasons.append("name matches")
        elif best > _NAME_SIMILAR:
            reasons.append("name is similar")
    if query.date_of_birth and date_of_birth:
        dob, want = date_of_birth, query.date_of_birth
        if dob == want:
            score += 2
            reasons.append("date of birth matches")
        elif (dob.day, dob.month, dob.year) == (want.month, want.day, want.year):
            score += 1.2
            reasons.append("date of birth matches with day and month swapped")
        elif sum([dob.day == want.day, dob.month == want.month, dob.year == want.year]) == 2:
            score += 0.8
            reasons.append("date of birth differs in one part")
    if postcode:
        if any(code == postcode for code, _ in current_postcodes):
            score += 1.5
            reasons.append("lives at the postcode")
        elif any(sector == postcode[:-2] for _, sector in current_postcodes):
            score += 0.5
            reasons.append("lives nearby")
    return score


def _date_of_birth_filter(query: SearchQuery, *, has_name: bool, prefix: str = "") -> Q:
    d = query.date_of_birth
    dobs = [d]
    if d.day <= 12 and d.day != d.month:
        dobs.append(dt.date(d.year, d.day, d.month))  # day and month swapped
    field = f"{prefix}date_of_birth"
    exact = Q(**{f"{field}__in": dobs})
    if not has_name:
        return exact
    # with a name, a date of birth wrong in one part still ranks (it does not filter out)
    return (
        exact
        | Q(**{f"{field}__year": d.year})
        | Q(**{f"{field}__month": d.month, f"{field}__day": d.day})
    )


_PERSON_FIELDS = [f.attname for f in Person._meta.concrete_fields]
_CURRENT_FIELDS = [f.attname for f in PersonAddress._meta.concrete_fields]
_ADDRESS_FIELDS = [f.attname for f in Address._meta.concrete_fields]


@dataclass
class _Candidate:
    """One person who could be a hit, as the few plain values that score and rank them. Only the
    people shown are then read in full (`_shown`): a common name can bring hundreds of candidates,
    and reading every column of each of them was most of a slow search's time."""

    pk: int
    date_of_birth: dt.date | None
    family_name: str
    given_name: str
    current: list[tuple[str, str]]  # (postcode, postcode_sector) of their current address
    names: list[tuple[str, str]] = field(default_factory=list)  # (given_norm, family_norm)


def _candidates(
    user, query: SearchQuery, given: str, family: str, postcode: str, hidden_addresses=frozenset()
):
    """The people who could be a hit, from one query that applies the gatekeeper, the name and
    the date of birth, and reads what scores each person (with a postcode typed, their current
    postcode, unless it is an address confidential to this user: `hidden_addresses`)."""
    via = "person" if family else ""
    visible = visible_persons_filter(user, via=via)
    if visible is None:
        return []
    ref = "person_id" if family else "pk"
    prefix = "person__" if family else ""
    filters = visible
    if family:
        names = _similar_names(given, family)
        if names is None:
            return []
        filters &= names
    if query.date_of_birth:
        filters &= _date_of_birth_filter(query, has_name=bool(family), prefix=prefix)
    if postcode and not (family or query.date_of_birth):
        # postcode alone filters; with a name or a date of birth it ranks: people move
        at_postcode = PersonAddress.objects.filter(
            end_date__isnull=True, address__postcode=postcode
        ).exclude(address_id__in=hidden_addresses)
        filters &= Q(**{f"{ref}__in": at_postcode.values("person_id")})
    model = PersonName if family else Person
    rows = model.objects.filter(filters)
    leading = ["given_norm", "family_norm"] if family else []
    fields = [*leading, *(prefix + f for f in ("id", "date_of_birth", "family_name", "given_name"))]
    if postcode:  # only a postcode scores by where they live: else their address is not read
        rows = rows.annotate(
            current=FilteredRelation(
                f"{prefix}addresses", condition=Q(**{f"{prefix}addresses__end_date__isnull": True})
            )
        )
        fields += ["current__address", "current__address__postcode"]
        fields += ["current__address__postcode_sector"]
    a = len(leading)
    people: dict[int, _Candidate] = {}
    for row in rows.order_by(ref).values_list(*fields)[:_CANDIDATE_CAP]:
        pid = row[a]
        if pid not in people:
            current = (
                [(row[a + 5], row[a + 6])]
                if postcode and row[a + 4] is not None and row[a + 4] not in hidden_addresses
                else []
            )
            people[pid] = _Candidate(pid, row[a + 1], row[a + 2], row[a + 3], current)
        if family:
            people[pid].names.append((row[0], row[1]))
    return list(people.values())


def _shown(ids: list[int]) -> dict[int, Person]:
    """The people to list, read in full with `current_addresses` as the results page shows them.
    `ids` must come from `_candidates`, in the same transaction: the gatekeeper is applied there
    (applying it again would work out a practitioner's whole caseload a second time)."""
    if not ids:
        return {}
    rows = (
        Person.objects.filter(pk__in=ids)
        .annotate(
            current=FilteredRelation("addresses", condition=Q(addresses__end_date__isnull=True))
        )
        .values_list(
            *_PERSON_FIELDS,
            *(f"current__{f}" for f in _CURRENT_FIELDS),
            *(f"current__address__{f}" for f in _ADDRESS_FIELDS),
        )
    )
    b, c = len(_PERSON_FIELDS), -len(_ADDRESS_FIELDS)
    people: dict[int, Person] = {}
    for row in rows:
        person = Person.from_db(DEFAULT_DB_ALIAS, _PERSON_FIELDS, row[:b])
        person.current_addresses = []
        if row[b] is not None:
            current = PersonAddress.from_db(DEFAULT_DB_ALIAS, _CURRENT_FIELDS, row[b:c])
            current.address = Address.from_db(DEFAULT_DB_ALIAS, _ADDRESS_FIELDS, row[c:])
            person.current_addresses = [current]
        people.setdefault(person.pk, person)
    return people


def person_search(user, query: SearchQuery) -> list[SearchHit]:
    """People this user may see who could be the one described, best first. Audited, in the same
    transaction as the reads it records."""
    if query.is_empty:
        return []
    given, family = _name_parts(query.name)
    postcode = ""
    if query.postcode.strip():
        try:
            postcode = normalise_postcode(query.postcode).value
        except IdentifierError:
            postcode = query.postcode.strip().upper()
    with transaction.atomic():
        # a restricted address is never matched, scored or shown for those it does not name
        hidden_addresses = confidential_address_ids(user)
        if connection.vendor == "postgresql":
            # A search is a few milliseconds of work: starting a parallel worker for the
            # gatekeeper's caseload subquery cost far more (50 ms against 14 ms on a busy machine)
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        scored = []
        # the candidates of a common name share a few names: score each name once
        name_scores: dict[tuple, float] = {}
        for candidate in _candidates(user, query, given, family, postcode, hidden_addresses):
            reasons: list[str] = []
            score = _score_values(
                candidate.date_of_birth,
                candidate.names,
                candidate.current,
                given,
                family,
                query,
                postcode,
                reasons,
                name_scores,
            )
            if family and not any(r.startswith("name") for r in reasons):
                continue
            rank = (-score, candidate.family_name, candidate.given_name, candidate.pk)
            scored.append((rank, score, candidate, reasons))
        scored.sort(key=lambda item: item[0])
        top = scored[:SEARCH_LIMIT]
        shown = _shown([candidate.pk for _, _, candidate, _ in top])
        for person in shown.values():
            if any(pa.address_id in hidden_addresses for pa in person.current_addresses):
                person.current_addresses = []
                person.address_confidential = True
        hits = [
            SearchHit(person=shown[candidate.pk], score=score, reasons=reasons)
            for _, score, candidate, reasons in top
            if candidate.pk in shown
        ]
        audit_record(
            actor=user,
            action=AuditAction.SEARCH,
            object_type="person_search",
            details={
                "criteria": [
                    k
                    for k, v in (
                        ("name", query.name),
                        ("date_of_birth", query.date_of_birth),
                        ("postcode", query.postcode),
                    )
                    if v
                ],
                "result_count": len(hits),
                "result_ids": [h.person.pk for h in hits],
            },
            person_ids=[h.person.pk for h in hits],
        )
    return hits


@dataclass
class PersonRecord:
    person: Person
    can_edit: bool
    current_address: PersonAddress | None
    previous_addresses: list[PersonAddress]
    names: list[PersonName]
    memberships: list[HouseholdMembership]
    relationships: list[tuple[str, Person, Relationship]]
    agencies: list[Involvement]
    hidden: frozenset[str] = frozenset()  # fields this user's role is not shown
    # the user's running emergency access that lets them see this person, if that is how
    break_glass: object | None = None
    # ids of addresses shown as "Address confidential" to this user (restricted records)
    hidden_addresses: frozenset[int] = frozenset()
    # related people and household members whose record this user may open (linked on the page)
    openable: frozenset[int] = frozenset()

    @property
    def address_confidential(self) -> bool:
        current = self.current_address
        return bool(current and current.address_id in self.hidden_addresses)


def person_record(user, person_id: int, *, reason: str = "") -> PersonRecord:
    """Everything the person page shows, in a fixed number of queries (one per section), read in
    one transaction with the audit event that records the view."""
    from continuum.people.codes import INVERSE_LABEL, SYMMETRIC, RelationshipKind

    with transaction.atomic():
        person = person_for_user(user, person_id)  # the gatekeeper's read is the person's read
        prefetch_related_objects(
            [person],
            Prefetch(
                "addresses",
                queryset=PersonAddress.objects.select_related("address", "address__catchment"),
            ),
            Prefetch("names", queryset=PersonName.objects.order_by("kind", "-recorded_at")),
            Prefetch(
                "memberships",
                queryset=HouseholdMembership.objects.select_related(
                    "household", "household__address"
                ).prefetch_related(
                    Prefetch(
                        "household__memberships",
                        queryset=HouseholdMembership.objects.filter(
                            end_date__isnull=True
                        ).select_related("person"),
                    )
                ),
            ),
            "identifiers__agency",
        )
        # both directions of every open relationship, in one query; the ones recorded from this
        # person first, as the page has always listed them
        from_this: list[tuple[str, Person, Relationship]] = []
        to_this: list[tuple[str, Person, Relationship]] = []
        for rel in (
            Relationship.objects.filter(Q(from_person=person) | Q(to_person=person))
            .filter(ended_at__isnull=True)
            .select_related("from_person", "to_person", "recorded_by_agency")
            .order_by("pk")
        ):
            kind = RelationshipKind(rel.kind)
            if rel.from_person_id == person.pk:
                # this person is <kind> of the other: show the other as the inverse
                label = kind.label if kind in SYMMETRIC else INVERSE_LABEL[kind]
                from_this.append((label, rel.to_person, rel))
            else:
                to_this.append((kind.label, rel.from_person, rel))
        addresses = list(person.addresses.all())
        memberships = list(person.memberships.all())
        # a restricted person is left out of the household and relationships of those the
        # restriction does not name, and a restricted address is not shown to them
        hidden_people = restricted_person_ids(user)
        hidden_addresses = frozenset(confidential_address_ids(user))
        for m in memberships:
            m.others = [
                o
                for o in m.household.memberships.all()
                if o.person_id != person.pk and o.person_id not in hidden_people
            ]
        from_this = [r for r in from_this if r[1].pk not in hidden_people]
        to_this = [r for r in to_this if r[1].pk not in hidden_people]
        # Related people and household members are named here, but a link is offered only to
        # those whose record this user may open (one query), never to a page that answers 404.
        related_ids = {r[1].pk for r in from_this + to_this} | {
            o.person_id for m in memberships for o in m.others
        }
        openable: frozenset[int] = frozenset()
        if related_ids:
            visible = persons_visible_to(user).filter(pk__in=related_ids)
            openable = frozenset(visible.values_list("pk", flat=True))
        household_ids = [m.household_id for m in memberships if m.end_date is None]
        agencies = list(
            Involvement.objects.filter(Q(person=person) | Q(household_id__in=household_ids))
            .filter(ended_at__isnull=True)
            .select_related("agency")
            .order_by("agency__name")
        )
        can_edit = can_edit_person(user, person)
        break_glass = active_break_glass_for(user, person)
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            object_type="person",
            object_id=person.pk,
            reason=reason,
            # a view under emergency access is marked, for the DPO's review
            details={"break_glass": break_glass.pk} if break_glass else None,
            person_ids=[person.pk],
        )
    return PersonRecord(
        person=person,
        can_edit=can_edit,
        current_address=next((a for a in addresses if a.end_date is None), None),
        previous_addresses=[a for a in addresses if a.end_date is not None],
        names=list(person.names.all()),
        memberships=memberships,
        relationships=from_this + to_this,
        agencies=agencies,
        hidden=hidden_person_fields(user),
        break_glass=break_glass,
        hidden_addresses=hidden_addresses,
        openable=openable,
    )


@dataclass
class HouseholdRecord:
    household: Household
    current: list[HouseholdMembership]
    former: list[HouseholdMembership]
    can_edit: bool = False  # may add members (the gatekeeper's EDIT answer)
    address_confidential: bool = False
    break_glass: object | None = None


def household_record(user, household_id: int) -> HouseholdRecord:
    household = household_for_user(user, household_id)
    try:
        household_for_user(user, household.pk, need=Access.EDIT)
    except PermissionDenied:
        can_edit = False
    else:
        can_edit = True
    # a restricted member is left out for those the restriction does not name, and the
    # household's address is confidential when it is (or was) a restricted person's address
    hidden_people = restricted_person_ids(user)
    memberships = [
        m
        for m in household.memberships.select_related("person").order_by("person__date_of_birth")
        if m.person_id not in hidden_people
    ]
    current = [m for m in memberships if m.end_date is None]
    household = Household.objects.select_related("address").get(pk=household.pk)
    hidden_addresses = confidential_address_ids(user)
    restricted_here = any(
        m.person_id in hidden_people for m in household.memberships.filter(end_date__isnull=True)
    )
    break_glass = next(
        (b for b in (active_break_glass_for(user, m.person) for m in current[:1]) if b), None
    )
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="household",
        object_id=household.pk,
        details={"break_glass": break_glass.pk} if break_glass else None,
        person_ids=[m.person_id for m in memberships],
    )
    return HouseholdRecord(
        household=household,
        current=current,
        former=[m for m in memberships if m.end_date is not None],
        can_edit=can_edit,
        address_confidential=household.address_id in hidden_addresses or restricted_here,
        break_glass=break_glass,
    )


def person_for_edit(user, person_id: int) -> Person:
    """The person, for a user about to change them (403 if they may only read)."""
    return person_for_user(user, person_id, need=Access.EDIT)


def household_for_edit(user, household_id: int) -> Household:
    return household_for_user(user, household_id, need=Access.EDIT)


def current_address(person: Person) -> PersonAddress | None:
    return person.addresses.filter(end_date__isnull=True).select_related("address").first()


def relationship_candidates(user, person: Person) -> list[Person]:
    """People this person could be recorded as related to: those the user may see who share a
    household with them now or before, or are already related to them."""
    household_ids = HouseholdMembership.objects.filter(person=person).values("household_id")
    return list(
        persons_visible_to(user)
        .filter(
            Q(memberships__household_id__in=household_ids)
            | Q(relationships_from__to_person=person)
            | Q(relationships_to__from_person=person)
        )
        .exclude(pk=person.pk)
        .distinct()
        .order_by("family_name", "given_name")
    )


def people_in_households(household_ids) -> list[int]:
    """Everyone who has ever belonged to these households: whom a page about them is about
    (the audit event's subjects; not a read shown to anyone)."""
    return list(
        HouseholdMembership.objects.filter(household_id__in=list(household_ids))
        .order_by()
        .values_list("person_id", flat=True)
        .distinct()
    )


def person_audit_subject(person_id: int):
    """The person as the data protection officer's audit pages name them (those pages check
    the DPO role themselves): their name and every household they have belonged to."""
    from continuum.audit.selectors import PersonSubject

    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        return None
    households = HouseholdMembership.objects.filter(person=person).values_list(
        "household_id", flat=True
    )
    return PersonSubject(person.pk, person.display_name, list(households))


def person_audit_names(person_ids: list[int]) -> dict[int, str]:
    """Names of the people on an audit page, for the data protection officer."""
    return {p.pk: p.display_name for p in Person.objects.filter(pk__in=person_ids)}
