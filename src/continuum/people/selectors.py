"""Reads of the person and family record. Each goes through the gatekeeper and is audited."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.core.identifiers import IdentifierError, normalise_postcode
from continuum.governance.access import (
    Access,
    can_edit_person,
    household_for_user,
    person_for_user,
    persons_visible_to,
)
from continuum.governance.models import Involvement
from continuum.people.models import (
    Household,
    HouseholdMembership,
    Person,
    PersonAddress,
    PersonName,
    Relationship,
)
from continuum.people.names import normalise_name, phonetic_key, similarity

SEARCH_LIMIT = 50
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


def _current_address_prefetch():
    return Prefetch(
        "addresses",
        queryset=PersonAddress.objects.filter(end_date__isnull=True).select_related("address"),
        to_attr="current_addresses",
    )


def _name_candidates(given: str, family: str) -> Q:
    """Names that could be what the user typed: exact, same sound, or first and last swapped."""
    fam_key, giv_key = phonetic_key(family), phonetic_key(given)
    q = (
        Q(family_norm=family) | Q(family_norm__startswith=family)
        if len(family) >= 3
        else Q(family_norm=family)
    )
    q |= Q(family_key=fam_key) & (Q(given_key=giv_key) if given else Q())
    if given:
        # first and last names swapped ("Smith John")
        q |= Q(family_key=giv_key, given_key=fam_key)
        q |= Q(family_norm__contains=family) & Q(given_key=giv_key)  # part of a hyphenated name
    return q


_NAME_SIMILAR = 0.8  # a person whose best name scores no more than this is not a hit


def _name_similarity(names: Iterable[tuple[str, str]], given: str, family: str) -> float:
    """How well the best of a person's (given_norm, family_norm) names matches what was typed."""
    best = 0.0
    for given_norm, family_norm in names:
        fam = max(
            similarity(family, family_norm),
            max((similarity(family, part) for part in family_norm.split("-")), default=0),
        )
        giv = similarity(given, given_norm) if given else 0.0
        swapped = (
            similarity(family, given_norm) * 0.5 + similarity(given, family_norm) * 0.5
            if given
            else 0.0
        )
        if not given:  # one word typed: it may be either name
            fam = max(fam, similarity(family, given_norm))
        best = max(best, (fam + giv) / (2 if given else 1), swapped * 0.95)
    return best


def _similar_names(name_rows: QuerySet[PersonName], given: str, family: str) -> Q:
    """Narrow candidate name rows to those similar enough to be a hit, before any person is read.

    A common family name typed in full ("Oliver Smith") makes thousands of candidate rows (every
    Smith), almost all of which score too low to be shown. Scoring each distinct
    (given_norm, family_norm) pair once, here, leaves the database only the people who can be a
    hit: the search stays fast at a million people and the candidate cap is not spent on people
    who would be dropped anyway. Same pair, same score, so below the cap the hits are unchanged;
    the one difference is that the name that makes a person a candidate must now itself be the
    similar one (before, a dissimilar candidate name could admit a person whose other, recorded
    name was similar but not a candidate: a previous name with a different first sound).
    """
    pairs = set(name_rows.values_list("given_norm", "family_norm").distinct())
    keep = [pair for pair in pairs if _name_similarity([pair], given, family) > _NAME_SIMILAR]
    if not keep:
        return Q(pk__in=[])
    # One condition per family name (or per given name, if fewer), each served by an index.
    by_family: dict[str, list[str]] = {}
    by_given: dict[str, list[str]] = {}
    for given_norm, family_norm in keep:
        by_family.setdefault(family_norm, []).append(given_norm)
        by_given.setdefault(given_norm, []).append(family_norm)
    if len(by_family) <= len(by_given):
        terms = [Q(family_norm=f, given_norm__in=sorted(g)) for f, g in sorted(by_family.items())]
    else:
        terms = [Q(given_norm=g, family_norm__in=sorted(f)) for g, f in sorted(by_given.items())]
    return reduce(operator.or_, terms)


def _score_values(
    date_of_birth: dt.date | None,
    names: list[tuple[str, str]],
    current_postcodes: list[tuple[str, str]],
    given: str,
    family: str,
    query: SearchQuery,
    postcode: str,
    reasons: list[str],
) -> float:
    """The score of one candidate from plain values: (given_norm, family_norm) of each of their
    names and (postcode, postcode_sector) of their current address."""
    score = 0.0
    if family:
        best = _name_similarity(names, given, family)
        score += best * 2
        if best > 0.98:
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


def person_search(user, query: SearchQuery) -> list[SearchHit]:
    """People this user may see who could be the one described, best first. Audited."""
    if query.is_empty:
        return []
    given, family = _name_parts(query.name)
    postcode = ""
    if query.postcode.strip():
        try:
            postcode = normalise_postcode(query.postcode).value
        except IdentifierError:
            postcode = query.postcode.strip().upper()
    visible = persons_visible_to(user)
    filters = Q()
    if family:
        name_rows = PersonName.objects.filter(_name_candidates(given, family))
        if not given:  # one word: could be a given name too
            name_rows = PersonName.objects.filter(
                _name_candidates("", family)
                | Q(given_norm=family)
                | Q(given_key=phonetic_key(family))
            )
        name_rows = PersonName.objects.filter(_similar_names(name_rows, given, family))
        filters &= Q(pk__in=name_rows.values("person_id"))
    if query.date_of_birth:
        d = query.date_of_birth
        dobs = [d]
        if d.day <= 12 and d.day != d.month:
            dobs.append(dt.date(d.year, d.day, d.month))  # day and month swapped
        filters &= (
            Q(date_of_birth__in=dobs)
            if not family
            else Q(date_of_birth__in=dobs)
            | Q(date_of_birth__year=d.year)
            | Q(date_of_birth__month=d.month, date_of_birth__day=d.day)
        )
    if postcode:
        at_postcode = PersonAddress.objects.filter(
            end_date__isnull=True, address__postcode=postcode
        )
        if family or query.date_of_birth:
            pass  # postcode ranks rather than filters: people move
        else:
            filters &= Q(pk__in=at_postcode.values("person_id"))
    # Score the candidates from plain values, then read in full only the people shown: a common
    # name can make a couple of thousand candidates, and model instances for each are slow.
    candidates = visible.filter(filters)
    fields = ["pk", "family_name", "given_name", "date_of_birth"]
    if postcode:
        current = PersonAddress.objects.filter(person=OuterRef("pk"), end_date__isnull=True)
        candidates = candidates.annotate(
            current_postcode=Subquery(current.values("address__postcode")[:1]),
            current_sector=Subquery(current.values("address__postcode_sector")[:1]),
        )
        fields += ["current_postcode", "current_sector"]
    rows = list(candidates.order_by("pk").values_list(*fields)[:_CANDIDATE_CAP])
    names: dict[int, list[tuple[str, str]]] = {}
    if family and rows:
        for person_id, given_norm, family_norm in PersonName.objects.filter(
            person_id__in=[row[0] for row in rows]
        ).values_list("person_id", "given_norm", "family_norm"):
            names.setdefault(person_id, []).append((given_norm, family_norm))
    scored = []
    for row in rows:
        reasons: list[str] = []
        addresses = [(row[4], row[5])] if postcode and row[4] is not None else []
        score = _score_values(
            row[3], names.get(row[0], []), addresses, given, family, query, postcode, reasons
        )
        if family and not any(r.startswith("name") for r in reasons):
            continue
        scored.append((-score, row[1], row[2], row[0], score, reasons))
    scored.sort(key=lambda item: item[:4])
    scored = scored[:SEARCH_LIMIT]
    people = Person.objects.prefetch_related(_current_address_prefetch(), "names").in_bulk(
        [item[3] for item in scored]
    )
    hits = [
        SearchHit(person=people[pk], score=score, reasons=reasons)
        for _, _, _, pk, score, reasons in scored
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


def person_record(user, person_id: int, *, reason: str = "") -> PersonRecord:
    """Everything the person page shows, in a fixed number of queries, audited as a view."""
    person = person_for_user(user, person_id)
    person = (
        Person.objects.filter(pk=person.pk)
        .prefetch_related(
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
            Prefetch(
                "relationships_from",
                queryset=Relationship.objects.filter(ended_at__isnull=True).select_related(
                    "to_person", "recorded_by_agency"
                ),
            ),
            Prefetch(
                "relationships_to",
                queryset=Relationship.objects.filter(ended_at__isnull=True).select_related(
                    "from_person", "recorded_by_agency"
                ),
            ),
            "identifiers__agency",
        )
        .get()
    )
    addresses = list(person.addresses.all())
    current = next((a for a in addresses if a.end_date is None), None)
    relationships: list[tuple[str, Person, Relationship]] = []
    from continuum.people.codes import INVERSE_LABEL, SYMMETRIC, RelationshipKind

    for rel in person.relationships_from.all():
        # this person is <kind> of the other: show the other as the inverse
        kind = RelationshipKind(rel.kind)
        label = kind.label if kind in SYMMETRIC else INVERSE_LABEL[kind]
        relationships.append((label, rel.to_person, rel))
    for rel in person.relationships_to.all():
        relationships.append((RelationshipKind(rel.kind).label, rel.from_person, rel))
    household_ids = [m.household_id for m in person.memberships.all() if m.end_date is None]
    agencies = list(
        Involvement.objects.filter(Q(person=person) | Q(household_id__in=household_ids))
        .filter(ended_at__isnull=True)
        .select_related("agency")
        .order_by("agency__name")
    )
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="person",
        object_id=person.pk,
        reason=reason,
    )
    return PersonRecord(
        person=person,
        can_edit=can_edit_person(user, person),
        current_address=current,
        previous_addresses=[a for a in addresses if a.end_date is not None],
        names=list(person.names.all()),
        memberships=list(person.memberships.all()),
        relationships=relationships,
        agencies=agencies,
    )


@dataclass
class HouseholdRecord:
    household: Household
    current: list[HouseholdMembership]
    former: list[HouseholdMembership]


def household_record(user, household_id: int) -> HouseholdRecord:
    household = household_for_user(user, household_id)
    memberships = list(
        household.memberships.select_related("person").order_by("person__date_of_birth")
    )
    audit_record(
        actor=user, action=AuditAction.VIEW, object_type="household", object_id=household.pk
    )
    return HouseholdRecord(
        household=Household.objects.select_related("address").get(pk=household.pk),
        current=[m for m in memberships if m.end_date is None],
        former=[m for m in memberships if m.end_date is not None],
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
