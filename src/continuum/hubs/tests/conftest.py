from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from continuum.directory.models import Role
from continuum.directory.tests.factories import UserFactory
from continuum.hubs import services


@pytest.fixture
def hub_admin(agencies):
    """Hub staff who may see the hub's pages but not change them (403)."""
    return UserFactory(username="hub.admin", agency=agencies.hub, role=Role.ADMINISTRATOR)


@pytest.fixture
def programme(involved_practitioner, agencies):
    """A 6-week parenting programme that started 3 weeks ago, Tuesdays 10:00."""
    first = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0) - dt.timedelta(
        weeks=3
    )
    return services.activity_create(
        actor=involved_practitioner,
        hub=agencies.hub,
        name="Incredible Years",
        kind="parenting_programme",
        first_starts_at=first,
        duration_minutes=120,
        weeks=6,
        venue="Mill Lane hall",
    )


@pytest.fixture
def session(programme):
    return programme.sessions.order_by("starts_at")[0]
