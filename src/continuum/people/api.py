"""People and households over HTTP: the same selectors, services, gatekeepers and audit."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from continuum.core.identifiers import IdentifierError, clean_nhs_number, clean_upn
from continuum.governance import rules as perms
from continuum.people import selectors, services
from continuum.people.models import PersonKind

router = Router(tags=["people"])


class AddressOut(Schema):
    line1: str
    line2: str
    town: str
    postcode: str
    catchment: str | None = None


class PersonOut(Schema):
    id: int
    kind: str
    given_name: str
    middle_names: str
    family_name: str
    known_as: str
    date_of_birth: dt.date | None
    expected_date_of_delivery: dt.date | None
    date_of_death: dt.date | None
    sex: str
    ethnicity: str | None = Field(description="null when your role is not shown it (volunteers)")
    first_language: str
    interpreter_needed: bool
    disabilities: list[str]
    nhs_number: str | None = Field(description="null when your role is not shown it (volunteers)")
    upn: str | None = Field(description="null when your role is not shown it (volunteers)")
    version: int


class PersonDetailOut(PersonOut):
    current_address: AddressOut | None
    household_ids: list[int]
    agencies_involved: list[str]


class SearchHitOut(Schema):
    person: PersonOut
    score: float
    reasons: list[str]


class AddressIn(Schema):
    line1: str
    line2: str = ""
    town: str = ""
    postcode: str


class PersonIn(Schema):
    kind: PersonKind = PersonKind.CHILD
    given_name: str = ""
    middle_names: str = ""
    family_name: str
    known_as: str = ""
    date_of_birth: dt.date | None = None
    expected_date_of_delivery: dt.date | None = None
    sex: str = "U"
    ethnicity: str = "NOBT"
    first_language: str = ""
    interpreter_needed: bool = False
    disabilities: list[str] = []
    nhs_number: str = ""
    upn: str = ""
    address: AddressIn | None = None
    household_id: int | None = None


class PersonPatch(Schema):
    version: int
    given_name: str | None = None
    middle_names: str | None = None
    family_name: str | None = None
    known_as: str | None = None
    date_of_birth: dt.date | None = None
    expected_date_of_delivery: dt.date | None = None
    date_of_death: dt.date | None = None
    sex: str | None = None
    ethnicity: str | None = None
    first_language: str | None = None
    interpreter_needed: bool | None = None
    disabilities: list[str] | None = None
    nhs_number: str | None = None
    upn: str | None = None


class MemberOut(Schema):
    person_id: int
    name: str
    start_date: dt.date


class HouseholdOut(Schema):
    id: int
    reference: str
    address: AddressOut | None
    members: list[MemberOut]


class MemberIn(Schema):
    person: PersonIn
    start_date: dt.date | None = None


def _address_out(address) -> AddressOut | None:
    if address is None:
        return None
    return AddressOut(
        line1=address.line1,
        line2=address.line2,
        town=address.town,
        postcode=address.postcode,
        catchment=address.catchment.name if address.catchment_id else None,
    )


def _person_out(person, user) -> PersonOut:
    """The person as this user may be shown them: fields their role does not see are null."""
    out = PersonOut.from_orm(person)
    for field in selectors.hidden_person_fields(user) & set(PersonOut.model_fields):
        setattr(out, field, None)
    return out


def _clean_identifiers(data: dict) -> dict:
    errors = {}
    for field, cleaner in (("nhs_number", clean_nhs_number), ("upn", clean_upn)):
        if data.get(field):
            try:
                data[field] = cleaner(data[field])
            except IdentifierError as exc:
                errors[field] = str(exc)
    if errors:
        raise ValidationError(errors)
    return data


@router.get("/people", response=list[SearchHitOut], summary="Search for people you may see")
def search_people(
    request, name: str = "", date_of_birth: dt.date | None = None, postcode: str = ""
):
    query = selectors.SearchQuery(name=name, date_of_birth=date_of_birth, postcode=postcode)
    if query.is_empty:
        raise ValidationError({"name": "Give at least one of name, date_of_birth or postcode"})
    return [
        SearchHitOut(
            person=_person_out(h.person, request.user),
            score=round(h.score, 3),
            reasons=h.reasons,
        )
        for h in selectors.person_search(request.user, query)
    ]


@router.get("/people/{int:person_id}", response=PersonDetailOut, summary="Read a person's record")
def read_person(request, person_id: int):
    record = selectors.person_record(request.user, person_id)
    out = _person_out(record.person, request.user).dict()
    return PersonDetailOut(
        **out,
        current_address=_address_out(
            record.current_address.address if record.current_address else None
        ),
        household_ids=[m.household_id for m in record.memberships if m.end_date is None],
        agencies_involved=sorted({i.agency.name for i in record.agencies}),
    )


@router.post("/people", response={201: PersonOut}, summary="Create a person")
def create_person(request, payload: PersonIn):
    if not perms.can_create_people(request.user):
        raise HttpError(403, "Your role cannot add people")
    data = _clean_identifiers(payload.dict(exclude={"address", "household_id"}))
    household = None
    if payload.household_id is not None:
        household = selectors.household_for_edit(request.user, payload.household_id)
    with transaction.atomic():  # the address, household and person are saved together or not at all
        address = None
        if payload.address is not None:
            address = services.address_build(**payload.address.dict())
        if household is None and address is not None:
            household = services.household_create(actor=request.user, address=address)
        person = services.person_create(
            actor=request.user, data=data, address=address, household=household
        )
    return 201, person


@router.patch(
    "/people/{int:person_id}", response=PersonOut, summary="Update a person (optimistic locking)"
)
def update_person(request, person_id: int, payload: PersonPatch):
    """Send the `version` you read. If someone saved since, you get 409 with what they changed."""
    person = selectors.person_for_edit(request.user, person_id)
    data = _clean_identifiers(payload.dict(exclude={"version"}, exclude_unset=True))
    return services.person_update(
        actor=request.user, person=person, expected_version=payload.version, data=data
    )


@router.get("/households/{int:household_id}", response=HouseholdOut, summary="Read a household")
def read_household(request, household_id: int):
    record = selectors.household_record(request.user, household_id)
    return HouseholdOut(
        id=record.household.pk,
        reference=record.household.reference,
        address=_address_out(record.household.address),
        members=[
            MemberOut(person_id=m.person_id, name=m.person.display_name, start_date=m.start_date)
            for m in record.current
        ],
    )


@router.post(
    "/households/{int:household_id}/members",
    response={201: PersonOut},
    summary="Add a new person to a household",
)
def add_household_member(request, household_id: int, payload: MemberIn):
    household = selectors.household_for_edit(request.user, household_id)
    data = _clean_identifiers(payload.person.dict(exclude={"address", "household_id"}))
    person = services.person_create(
        actor=request.user,
        data=data,
        household=household,
        move_in_date=payload.start_date,
        reason="Added to a household",
    )
    return 201, person
