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


class PersonFactory(factory.django.DjangoModelFactory):
    """A born child by default; `PersonFactory(adult=True)` or `PersonFactory(unborn=True)`."""

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
    given_name = factory.Faker("first_name", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")
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
