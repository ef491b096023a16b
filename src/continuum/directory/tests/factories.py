"""factory_boy factories for the directory: catchments, agencies, teams and staff."""

from __future__ import annotations

import factory

from continuum.directory.models import Agency, AgencyKind, ApiToken, CatchmentArea, Role, Team, User

TEST_PASSWORD = "correct-horse-battery-staple"


class CatchmentAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CatchmentArea
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"catchment-{n}")
    name = factory.Sequence(lambda n: f"Catchment {n}")
    postcode_sectors = factory.LazyFunction(lambda: ["NB1 4"])


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"agency-{n}")
    name = factory.Sequence(lambda n: f"Agency {n}")
    kind = AgencyKind.FAMILY_HUB


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    """A member of staff in one agency with one role; password TEST_PASSWORD."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    # Fixed, unmistakable staff names: a random surname (say "Smith", shown in the signed-in
    # bar) would make tests that check a family's name is NOT on a page fail at random.
    first_name = "Staff"
    last_name = factory.Sequence(lambda n: f"Member{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@northbrook.example")
    agency = factory.SubFactory(AgencyFactory)
    role = Role.PRACTITIONER
    password = factory.django.Password(TEST_PASSWORD)


def api_token_for(user: User, name: str = "Test system") -> str:
    """Create an API token for the user and return the raw bearer token (only its hash is kept)."""
    raw = ApiToken.generate()
    ApiToken.objects.create(user=user, name=name, prefix=raw[:8], token_hash=ApiToken.hash(raw))
    return raw
