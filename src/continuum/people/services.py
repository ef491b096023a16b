"""Writes to the person and family record. Every write is audited in the same transaction."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from continuum.audit.models import AuditAction
from continuum.audit.services import AuditEntry, audit_record, audit_record_many
from continuum.core.db import bulk_insert
from continuum.core.identifiers import IdentifierError, normalise_postcode
from continuum.directory.models import CatchmentArea
from continuum.governance.models import AccessLevel, InvolvementSource
from continuum.governance.services import involvement_start
from continuum.people.codes import RelationshipKind
from continuum.people.errors import ConflictError
from continuum.people.models import (
    Address,
    Household,
    HouseholdMembership,
    NameKind,
    Person,
    PersonAddress,
    PersonKind,
    PersonName,
    Relationship,
)
from continuum.people.names import normalise_name, phonetic_key

# Other apps keep data derived from who a person is in step with it (linkage: the real-time
# matcher's stored versions). A hook takes the ids of the people whose names, dates,
# identifiers or address changed, and runs inside the same transaction.
IDENTITY_HOOKS: list[Callable[[list[int]], None]] = []


def register_identity_hook(hook: Callable[[list[int]], None]):
    if hook not in IDENTITY_HOOKS:
        IDENTITY_HOOKS.append(hook)
    return hook


def _identity_changed(person_ids) -> None:
    ids = sorted(set(person_ids))
    for hook in IDENTITY_HOOKS:
        hook(ids)


# --- The field rules shared by the forms, the API and imports --------------------------------
# Forms and the API both reach `person_create`/`person_update`, so these rules are checked once,
# here, and a bad value is refused with a message naming the field, never saved and never a 500.

# Characters no name or other short text may hold: C0 and C1 control characters (NUL among
# them: PostgreSQL refuses it outright), the Unicode line and paragraph separators, the byte
# order mark, and the bidirectional embedding, override and isolate controls (U+202A to U+202E,
# U+2066 to U+2069) with the invisible direction marks (U+200E, U+200F, U+061C). The direction
# controls can make a name display as something other than what is stored ("Trojan Source"),
# and invisible marks defeat search and matching; right-to-left names display correctly without
# them. Zero-width joiners (U+200C, U+200D), which some scripts need, are allowed.
FORBIDDEN_TEXT = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]"
)

PERSON_TEXT_FIELDS = {
    "given_name": "Given name",
    "middle_names": "Middle names",
    "family_name": "Family name",
    "known_as": "Known as",
    "gender_identity": "Gender identity",
    "first_language": "First language",
    "nhs_number": "NHS number",
    "upn": "Unique pupil number",
    "ethnicity": "Ethnicity",
    "sex": "Sex",
    "kind": "Who you are recording",
}
# Text fields that must have a value (the others may be left blank).
_REQUIRED_TEXT = {
    "family_name": "Enter the family name",
    "sex": "Choose the person's sex",
    "kind": "Choose whether this is a child, an adult or an unborn child",
}


def text_problem(value: str, label: str) -> str | None:
    """What is wrong with a short piece of text, as a message naming the field, or None."""
    if "\x00" in value:
        return f"{label} must not contain a null character"
    if FORBIDDEN_TEXT.search(value):
        return (
            f"{label} must not contain control or text-direction characters: "
            "type it again rather than pasting it"
        )
    return None


def person_data_clean(data: dict) -> dict:
    """The person fields in `data`, checked and tidied, as `person_create` and `person_update`
    take them; ValidationError naming each bad field.

    - text: `None` means blank (an optional field is cleared; a required one is refused);
      leading and trailing spaces are removed, so a name of only spaces is no name; control
      and text-direction characters are refused;
    - `interpreter_needed` must be true or false; `disabilities` a list (`None` is none).
    Dates are the model's to check (`Person.clean`), as every way of saving a person runs it.
    """
    out = dict(data)
    errors: dict[str, str] = {}
    for field, label in PERSON_TEXT_FIELDS.items():
        if field not in out:
            continue
        value = out[field]
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors[field] = f"{label} must be text"
            continue
        value = value.strip()
        if field == "sex" and not value and out.get("kind") == PersonKind.UNBORN:
            value = "U"  # an unborn baby's sex is unknown (CIN rule 8750)
        problem = text_problem(value, label)
        if problem:
            errors[field] = problem
        elif not value and field in _REQUIRED_TEXT:
            errors[field] = _REQUIRED_TEXT[field]
        out[field] = value
    if "interpreter_needed" in out and not isinstance(out["interpreter_needed"], bool):
        errors["interpreter_needed"] = "Say whether they need an interpreter: yes or no"
    if "disabilities" in out:
        if out["disabilities"] is None:
            out["disabilities"] = []
        elif not isinstance(out["disabilities"], list | tuple):
            errors["disabilities"] = "Choose disabilities from the list"
    if errors:
        raise ValidationError(errors)
    return out


PERSON_FIELDS = [
    "kind",
    "given_name",
    "middle_names",
    "family_name",
    "known_as",
    "date_of_birth",
    "expected_date_of_delivery",
    "date_of_death",
    "sex",
    "gender_identity",
    "ethnicity",
    "first_language",
    "interpreter_needed",
    "disabilities",
    "nhs_number",
    "upn",
]


def catchment_for(
    *,
    postcode: str,
    longitude: float | None = None,
    latitude: float | None = None,
    catchments: list[CatchmentArea] | None = None,
):
    """The catchment an address falls in: by postcode sector first, then by polygon.
    `catchments` saves reading them again when many addresses are placed at once."""
    sector = postcode[:-2]
    catchments = list(CatchmentArea.objects.all()) if catchments is None else catchments
    for catchment in catchments:
        if sector in (catchment.postcode_sectors or []):
            return catchment
    if longitude is not None and latitude is not None:
        for catchment in catchments:
            if catchment.polygon and catchment.contains_point(longitude, latitude):
                return catchment
    return None


def address_values(
    *,
    line1: str,
    postcode: str,
    line2: str = "",
    town: str = "",
    longitude: float | None = None,
    latitude: float | None = None,
    catchments: list[CatchmentArea] | None = None,
) -> dict:
    """Validated address fields with the normalised postcode, its sector and the catchment."""
    errors = {}
    labels = {"line1": "Address line 1", "line2": "Address line 2", "town": "Town or city"}
    given = {"line1": line1, "line2": line2, "town": town, "postcode": postcode}
    for field, value in given.items():
        if value is not None and not isinstance(value, str):
            errors[field] = f"{labels.get(field, 'Postcode')} must be text"
        elif problem := text_problem(value or "", labels.get(field, "Postcode")):
            errors[field] = problem
    if errors:
        raise ValidationError(errors)
    if not (line1 or "").strip():
        errors["line1"] = "Enter address line 1, such as the house number and street"
    try:
        pc = normalise_postcode(postcode or "")
    except IdentifierError as exc:
        errors["postcode"] = str(exc)
    if errors:
        raise ValidationError(errors)
    return {
        "line1": line1.strip(),
        "line2": (line2 or "").strip(),
        "town": (town or "").strip(),
        "postcode": pc.value,
        "postcode_sector": pc.sector,
        "catchment": catchment_for(
            postcode=pc.value, longitude=longitude, latitude=latitude, catchments=catchments
        ),
    }


def address_check(values: dict) -> dict:
    """The fields `address_values` returned, checked against the address's own field rules
    (lengths), as `address_build` checks them before saving; ValidationError if they break one.
    For bulk work, which saves many addresses without a query each."""
    Address(**values).full_clean(exclude=["catchment"], validate_constraints=False)
    return values


def address_build(
    *,
    line1: str,
    postcode: str,
    line2: str = "",
    town: str = "",
    longitude: float | None = None,
    latitude: float | None = None,
    uprn: str = "",
) -> Address:
    """A validated, saved address."""
    values = address_values(
        line1=line1,
        postcode=postcode,
        line2=line2,
        town=town,
        longitude=longitude,
        latitude=latitude,
    )
    address = Address(**values, uprn=uprn, longitude=longitude, latitude=latitude)
    address.full_clean()
    address.save()
    return address


def _name_row(person: Person, kind: str, given: str, family: str, actor, used_until=None):
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
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )


def _current_name_rows(person: Person, actor) -> list[PersonName]:
    """The searchable legal and known-as rows of the person's current names."""
    rows = [_name_row(person, NameKind.LEGAL, person.given_name, person.family_name, actor)]
    if person.known_as and person.known_as != person.given_name:
        rows.append(
            _name_row(person, NameKind.KNOWN_AS, person.known_as, person.family_name, actor)
        )
    return rows


def _sync_current_names(person: Person, actor) -> None:
    """Keep the searchable legal and known-as rows in step with the person's current names."""
    person.names.filter(kind__in=[NameKind.LEGAL, NameKind.KNOWN_AS]).delete()
    PersonName.objects.bulk_create(_current_name_rows(person, actor))


@transaction.atomic
def person_create(
    *,
    actor,
    data: dict,
    address: Address | None = None,
    household: Household | None = None,
    move_in_date: dt.date | None = None,
    previous_names: list[tuple[str, str]] | None = None,
    reason: str = "Registered the person",
    agency=None,
    involvement_source: str = InvolvementSource.REGISTRATION,
    involvement_access: str = AccessLevel.EDIT,
) -> Person:
    """Create a person, give the agency (by default the actor's) a legitimate relationship
    with them, and audit it."""
    data = person_data_clean(data)
    person = Person(**{k: v for k, v in data.items() if k in PERSON_FIELDS})
    if person.kind == PersonKind.UNBORN:
        person.sex = person.sex or "U"
    person.created_by = actor if getattr(actor, "pk", None) else None
    person.full_clean()
    person.save()
    _sync_current_names(person, actor)
    for given, family in previous_names or []:
        _name_row(person, NameKind.PREVIOUS, given, family, actor).save()
    start = move_in_date or person.date_of_birth or timezone.localdate()
    if household is not None:
        HouseholdMembership.objects.create(
            household=household, person=person, start_date=start, recorded_by=actor
        )
        address = address or household.address
    if address is not None:
        PersonAddress.objects.create(
            person=person, address=address, start_date=start, recorded_by=actor
        )
    _identity_changed([person.pk])
    agency_id = agency.pk if agency is not None else getattr(actor, "agency_id", None)
    if agency_id:
        involvement_start(
            actor=actor,
            agency=agency or actor.agency,
            person=person,
            access=involvement_access,
            source=involvement_source,
            reason=reason,
        )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="person",
        object_id=person.pk,
        changed_fields=[f for f in PERSON_FIELDS if data.get(f) not in (None, "", [], False)],
        reason=reason,
        details={"household_id": household.pk if household else None},
    )
    return person


@dataclass
class NewPerson:
    """One person for `persons_create_many`: the person's fields (as `person_create` takes
    them), their address as `address_values` returned it (or None), and previous names."""

    data: dict
    address: dict | None = None
    previous_names: list[tuple[str, str]] = dataclasses.field(default_factory=list)


_RELATIONS = [f.name for f in Person._meta.concrete_fields if f.is_relation]


def _person_invariants(person: Person) -> None:
    """The model's check constraints, checked in Python (`full_clean` would ask the database
    once per constraint and person)."""
    if person.kind == PersonKind.UNBORN and person.expected_date_of_delivery is None:
        raise ValidationError(
            {"expected_date_of_delivery": "Enter the expected date of delivery of an unborn baby"}
        )
    if person.kind != PersonKind.UNBORN and person.date_of_birth is None:
        raise ValidationError({"date_of_birth": "Enter the date of birth"})


@transaction.atomic
def persons_create_many(
    *,
    actor,
    entries: list[NewPerson],
    agency,
    reason: str,
) -> list[Person | ValidationError]:
    """Create many people at once, as `person_create` creates one (names, address, the
    identity hook, one audit event each), in a few bulk writes: for an agency's extract, where
    a chunk may hold hundreds of people the area does not know. `agency` is the agency whose
    records they come from; holding a record gives it no involvement, so no one but the
    area-wide roles sees these people until someone starts work with them (docs/adr/0006).

    Returns, for each entry in order, the new person or the ValidationError that kept them
    out; the others are still created."""
    out: list[Person | ValidationError] = []
    valid: list[tuple[Person, NewPerson]] = []
    created_by = actor if getattr(actor, "pk", None) else None
    for entry in entries:
        try:
            entry.data = person_data_clean(entry.data)
        except ValidationError as exc:
            out.append(exc)
            continue
        person = Person(**{k: v for k, v in entry.data.items() if k in PERSON_FIELDS})
        if person.kind == PersonKind.UNBORN:
            person.sex = person.sex or "U"
        person.created_by = created_by
        try:  # relations and constraints are checked here, not by a query per person
            person.full_clean(exclude=_RELATIONS, validate_constraints=False)
            _person_invariants(person)
            if entry.address is not None:
                address_check(entry.address)
            for given, family in entry.previous_names:
                _name_row(person, NameKind.PREVIOUS, given, family, None).clean_fields(
                    exclude=["person", "recorded_by"]
                )
        except ValidationError as exc:
            out.append(exc)
            continue
        out.append(person)
        valid.append((person, entry))
    if not valid:
        return out
    bulk_insert([person for person, _entry in valid])
    names, addressed = [], []
    for person, entry in valid:
        names.extend(_current_name_rows(person, actor))
        names.extend(
            _name_row(person, NameKind.PREVIOUS, given, family, actor)
            for given, family in entry.previous_names
        )
        if entry.address is not None:
            addressed.append((person, Address(**entry.address)))
    bulk_insert(names)
    bulk_insert([address for _person, address in addressed])
    today = timezone.localdate()
    bulk_insert([
        PersonAddress(person=person, address=address, recorded_by=created_by,
                      start_date=person.date_of_birth or today)
        for person, address in addressed
    ])  # fmt: skip
    _identity_changed([person.pk for person, _entry in valid])
    audit_record_many(
        actor=actor,
        events=[
            AuditEntry(
                action=AuditAction.CREATE,
                object_type="person",
                object_id=person.pk,
                changed_fields=[
                    f for f in PERSON_FIELDS if entry.data.get(f) not in (None, "", [], False)
                ],
                reason=reason,
                details={"household_id": None, "source_agency_id": agency.pk},
            )
            for person, entry in valid
        ],
    )
    return out


@transaction.atomic
def person_update(
    *, actor, person: Person, expected_version: int, data: dict, reason: str = ""
) -> Person:
    """Update the person if nobody else saved it since `expected_version`; else ConflictError.

    A change of name keeps the old name as a previous name, so searches still find the person.
    """
    data = person_data_clean(data)
    current = Person.objects.select_for_update().get(pk=person.pk)
    changes = {
        f: (getattr(current, f), data[f])
        for f in PERSON_FIELDS
        if f in data and getattr(current, f) != data[f]
    }
    if current.version != expected_version:
        # Show what the other person changed against what this user started from.
        raise ConflictError(
            changed={
                f: (data.get(f), getattr(current, f))
                for f in PERSON_FIELDS
                if f in data and data.get(f) != getattr(current, f)
            },
            current_version=current.version,
        )
    if not changes:
        return current
    old_given, old_family = current.given_name, current.family_name
    for field, (_old, new) in changes.items():
        setattr(current, field, new)
    current.full_clean()
    current.updated_at = timezone.now()
    updated = Person.objects.filter(pk=current.pk, version=expected_version).update(
        **{f: getattr(current, f) for f in changes},
        updated_at=current.updated_at,
        version=F("version") + 1,
    )
    if updated != 1:  # a writer slipped in between (only possible without row locks)
        raise ConflictError(changed={}, current_version=expected_version + 1)
    current.refresh_from_db()
    if "given_name" in changes or "family_name" in changes or "known_as" in changes:
        if "given_name" in changes or "family_name" in changes:
            _name_row(
                current,
                NameKind.PREVIOUS,
                old_given,
                old_family,
                actor,
                used_until=timezone.localdate(),
            ).save()
        _sync_current_names(current, actor)
    _identity_changed([current.pk])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="person",
        object_id=current.pk,
        changed_fields=list(changes),
        reason=reason,
    )
    return current


@transaction.atomic
def household_create(*, actor, address: Address | None, reason: str = "New household") -> Household:
    for _ in range(5):
        reference = "H" + "".join(secrets.choice("0123456789") for _ in range(7))
        if not Household.objects.filter(reference=reference).exists():
            break
    household = Household.objects.create(reference=reference, address=address)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="household",
        object_id=household.pk,
        reason=reason,
    )
    return household


@transaction.atomic
def household_add_member(
    *, actor, household: Household, person: Person, start_date: dt.date, reason: str = ""
) -> HouseholdMembership:
    if start_date > timezone.localdate():
        raise ValidationError(
            {"start_date": "Date they joined the household must be today or in the past"}
        )
    if HouseholdMembership.objects.filter(
        household=household, person=person, end_date__isnull=True
    ).exists():
        raise ValidationError(
            {"person": f"{person.display_name} is already a member of this household"}
        )
    membership = HouseholdMembership(
        household=household, person=person, start_date=start_date, recorded_by=actor
    )
    membership.full_clean()
    membership.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="household",
        object_id=household.pk,
        changed_fields=["members"],
        reason=reason,
        details={"added_person_id": person.pk},
    )
    return membership


@transaction.atomic
def household_end_membership(
    *, actor, membership: HouseholdMembership, end_date: dt.date, reason: str
) -> None:
    if end_date < membership.start_date:
        raise ValidationError(
            {"end_date": "Date they left must be on or after the date they joined"}
        )
    membership.end_date = end_date
    membership.save(update_fields=["end_date"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="household",
        object_id=membership.household_id,
        changed_fields=["members"],
        reason=reason,
        details={"removed_person_id": membership.person_id},
    )


@transaction.atomic
def relationship_record(
    *,
    actor,
    from_person: Person,
    to_person: Person,
    kind: str,
    lives_with: bool = False,
    parental_responsibility: bool = False,
    notes: str = "",
) -> Relationship:
    if from_person.pk == to_person.pk:
        raise ValidationError(
            {"other_person": "A person cannot have a relationship with themselves"}
        )
    if kind not in RelationshipKind.values:
        raise ValidationError({"kind": "Choose how they are related"})
    exists = Relationship.objects.filter(
        from_person=from_person, to_person=to_person, kind=kind, ended_at__isnull=True
    ).exists()
    if exists:
        raise ValidationError({"kind": "This relationship is already recorded"})
    relationship = Relationship(
        from_person=from_person,
        to_person=to_person,
        kind=kind,
        lives_with=lives_with,
        parental_responsibility=parental_responsibility,
        notes=notes,
        recorded_by=actor,
        recorded_by_agency_id=getattr(actor, "agency_id", None),
    )
    relationship.full_clean()
    try:
        with transaction.atomic():
            relationship.save()
    except IntegrityError as exc:
        raise ValidationError({"kind": "This relationship is already recorded"}) from exc
    for subject in (from_person, to_person):
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="person",
            object_id=subject.pk,
            changed_fields=["relationships"],
            details={"relationship_id": relationship.pk},
        )
    return relationship


@transaction.atomic
def person_move(
    *,
    actor,
    person: Person,
    address: Address,
    start_date: dt.date,
    household: Household | None = None,
    reason: str = "Moved address",
) -> PersonAddress:
    """Record a move: the current address ends the day before, the new one starts."""
    if start_date > timezone.localdate():
        raise ValidationError({"start_date": "Date they moved must be today or in the past"})
    current = (
        PersonAddress.objects.select_for_update()
        .filter(person=person, end_date__isnull=True)
        .first()
    )
    if current:
        if start_date <= current.start_date:
            raise ValidationError(
                {
                    "start_date": "Date they moved must be after they moved to their current "
                    f"address ({current.start_date:%-d %B %Y})"
                }
            )
        current.end_date = start_date - dt.timedelta(days=1)
        current.save(update_fields=["end_date"])
    new = PersonAddress.objects.create(
        person=person, address=address, start_date=start_date, recorded_by=actor
    )
    if household is not None and household.address_id != address.pk:
        household.address = address
        household.save(update_fields=["address"])
    _identity_changed([person.pk])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="person",
        object_id=person.pk,
        changed_fields=["address"],
        reason=reason,
    )
    return new


@transaction.atomic
def address_correct(*, actor, person: Person, address: Address, data: dict, reason: str) -> Address:
    """Correct a mistake in an address in place (a typo, not a move). Everyone living there sees
    the corrected address, and the correction is audited on each of them."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the address is being corrected"})
    values = address_values(
        line1=data.get("line1", ""),
        line2=data.get("line2", ""),
        town=data.get("town", ""),
        postcode=data.get("postcode", ""),
        longitude=address.longitude,
        latitude=address.latitude,
    )
    changed = [
        f for f in ("line1", "line2", "town", "postcode") if values[f] != getattr(address, f)
    ]
    for field, value in values.items():
        setattr(address, field, value)
    address.full_clean()
    address.save(update_fields=list(values))
    residents = set(address.residents.values_list("person_id", flat=True)) | {person.pk}
    _identity_changed(residents)
    for person_id in sorted(residents):
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="person",
            object_id=person_id,
            changed_fields=[f"address.{f}" for f in changed],
            reason=reason,
        )
    return address


@transaction.atomic
def person_move_with_household(
    *,
    actor,
    person: Person,
    whole_household: bool,
    line1: str,
    postcode: str,
    start_date: dt.date,
    line2: str = "",
    town: str = "",
) -> Address:
    """Record a move for the person, and for everyone in their current household if asked."""
    address = address_build(line1=line1, line2=line2, town=town, postcode=postcode)
    membership = (
        person.memberships.filter(end_date__isnull=True).select_related("household").first()
    )
    movers = [person]
    household = membership.household if membership else None
    if whole_household and household:
        movers = [
            m.person
            for m in household.memberships.filter(end_date__isnull=True).select_related("person")
        ]
    for mover in movers:
        person_move(
            actor=actor,
            person=mover,
            address=address,
            start_date=start_date,
            household=household if whole_household else None,
        )
    return address


#: The earliest a baby can be born before the expected date, for a birth to be recorded.
BIRTH_BEFORE_DUE = dt.timedelta(weeks=24)


@transaction.atomic
def person_record_birth(
    *,
    actor,
    person: Person,
    date_of_birth: dt.date,
    given_name: str = "",
    sex: str = "",
    reason: str = "",
) -> Person:
    """The unborn child is born: the same person becomes a child with a date of birth.

    Nothing is copied or re-pointed: every record, involvement, relationship, household
    membership and agency source record of the unborn child stays theirs. The expected date
    of delivery is kept (it says when the baby was due). A name given now is their legal name;
    the sex, if given, replaces "Unknown" (which an unborn child must have).
    """
    current = Person.objects.select_for_update().get(pk=person.pk)
    if current.kind != PersonKind.UNBORN:
        raise ValidationError({"date_of_birth": "This child's birth is already recorded"})
    if date_of_birth is None:
        raise ValidationError({"date_of_birth": "Enter the date of birth"})
    if date_of_birth > timezone.localdate():
        raise ValidationError({"date_of_birth": "Date of birth must be today or in the past"})
    due = current.expected_date_of_delivery
    if due and date_of_birth < due - BIRTH_BEFORE_DUE:
        raise ValidationError(
            {"date_of_birth": "Date of birth must be no more than 24 weeks before the "
             f"expected date of delivery ({due:%-d %B %Y})"}
        )  # fmt: skip
    data = {"kind": PersonKind.CHILD, "date_of_birth": date_of_birth}
    if given_name.strip():
        data["given_name"] = given_name.strip()
    if sex:
        data["sex"] = sex
    return person_update(
        actor=actor,
        person=current,
        expected_version=current.version,
        data=data,
        reason=reason or "Birth recorded",
    )
