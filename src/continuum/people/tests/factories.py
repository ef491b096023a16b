"""factory_boy factories for the person and family record.

`PersonFactory` creates people through `people.services.person_create`, so searchable names,
household membership, the current address, the creator agency's involvement and the audit event
are all written exactly as in the application. Pass `actor=` (a user or None), `household=` and
`address=` and `move_in_date=` as extra keyword arguments.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from continuum.people import services
from continuum.people.codes import Sex
from continuum.people.models import (
    Address,
    Household,
    HouseholdMembership,
    Person,
    PersonKind,
    Relationship,
)


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    line1 = factory.Sequence(lambda n: f"{n + 1} Mill Lane")
    town = "Northbrook"
    postcode = "NB1 4QT"
    postcode_sector = factory.LazyAttribute(lambda a: a.postcode[:-2])


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    reference = factory.Sequence(lambda n: f"H{n:07d}")
    address = factory.SubFactory(AddressFactory)


# Names as they are written in England. Every other person a factory makes carries one of these
# on purpose (an apostrophe, a hyphen, an accent, a particle), so a page that shows a name
# escaped or mangled, or a test that looks for the raw name in HTML instead of what a user sees,
# fails every run, not once in a while when Faker happens to pick "O'Brien".
GIVEN_NAMES_AS_WRITTEN = [
    "Zoë", "Siân", "Chloé", "Mary-Jane", "Aoife", "Renée", "Jean-Luc", "Dónal", "Anaïs",
    "Seán", "Niamh", "Łucja", "Björn", "Inês", "Ruairí", "Mai-Li", "Anne-Marie", "Zoé",
]  # fmt: skip
FAMILY_NAMES_AS_WRITTEN = [
    "O'Brien", "D'Souza", "Ashworth-Clarke", "Núñez", "O'Connor-Hughes", "McAllister",
    "Ó Súilleabháin", "de la Cruz", "Brontë", "Smith-Ngozi", "Łukasz", "N'Diaye", "Müller",
    "van der Berg", "O'Neill", "Fitz-Gerald", "Séguin", "Al-Hassan",
]  # fmt: skip


def _as_written(names: list[str], faker_kind: str):
    """Every even-numbered person gets a name from `names`, the others a Faker en_GB name."""
    fake = factory.Faker._get_faker(locale="en_GB")
    return factory.Sequence(
        lambda n: names[(n // 2) % len(names)] if n % 2 == 0 else getattr(fake, faker_kind)()
    )


class PersonFactory(factory.django.DjangoModelFactory):
    """A born child by default; `PersonFactory(adult=True)` or `PersonFactory(unborn=True)`.

    Half the names have apostrophes, hyphens or accents (see `FAMILY_NAMES_AS_WRITTEN`): compare
    what a user sees (`response.context`, or the text with HTML entities decoded), never a raw
    name against escaped HTML."""

    class Meta:
        model = Person

    class Params:
        adult = factory.Trait(
            kind=PersonKind.ADULT,
            date_of_birth=factory.LazyFunction(
                lambda: timezone.localdate() - dt.timedelta(days=365 * 30)
            ),
        )
        unborn = factory.Trait(
            kind=PersonKind.UNBORN,
            given_name="",
            date_of_birth=None,
            sex=Sex.UNKNOWN,
            expected_date_of_delivery=factory.LazyFunction(
                lambda: timezone.localdate() + dt.timedelta(days=90)
            ),
        )

    kind = PersonKind.CHILD
    given_name = _as_written(GIVEN_NAMES_AS_WRITTEN, "first_name")
    family_name = _as_written(FAMILY_NAMES_AS_WRITTEN, "last_name")
    date_of_birth = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=365 * 4))
    sex = Sex.FEMALE

    @classmethod
    def _create(
        cls,
        model_class,
        *args,
        actor=None,
        household=None,
        address=None,
        move_in_date=None,
        **kwargs,
    ):
        return services.person_create(
            actor=actor,
            data=kwargs,
            household=household,
            address=address,
            move_in_date=move_in_date,
        )


class HouseholdMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HouseholdMembership

    household = factory.SubFactory(HouseholdFactory)
    person = factory.SubFactory(PersonFactory)
    start_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=365))


class RelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relationship

    from_person = factory.SubFactory(PersonFactory, adult=True)
    to_person = factory.SubFactory(PersonFactory)
    kind = "parent"
    lives_with = True
    parental_responsibility = True
