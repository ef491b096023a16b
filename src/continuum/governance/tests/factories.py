"""factory_boy factories for legitimate relationships (involvements)."""

from __future__ import annotations

import factory

from continuum.directory.tests.factories import AgencyFactory
from continuum.governance.models import AccessLevel, Involvement, InvolvementSource


class InvolvementFactory(factory.django.DjangoModelFactory):
    """An open involvement of an agency with a person (or pass household= and person=None)."""

    class Meta:
        model = Involvement

    agency = factory.SubFactory(AgencyFactory)
    person = None
    household = None
    access = AccessLevel.EDIT
    source = InvolvementSource.SERVICE
    reason = "Providing a service to the family"
