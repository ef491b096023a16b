"""Directory rules: catchments, staff and API tokens."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from continuum.directory.models import ApiToken
from continuum.directory.tests.factories import (
    AgencyFactory,
    CatchmentAreaFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SQUARE = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]


def test_catchment_polygon_contains_point():
    area = CatchmentAreaFactory(postcode_sectors=[], polygon=SQUARE)
    assert area.contains_point(0.5, 0.5)
    assert not area.contains_point(1.5, 0.5)
    assert not area.contains_point(-0.1, 0.9)


def test_catchment_needs_sectors_or_polygon():
    with pytest.raises(ValidationError):
        CatchmentAreaFactory.build(postcode_sectors=[], polygon=[]).full_clean()
    with pytest.raises(ValidationError, match="three points"):
        CatchmentAreaFactory.build(postcode_sectors=[], polygon=SQUARE[:2]).full_clean()


def test_staff_team_must_be_in_their_agency():
    user = UserFactory()
    user.team = TeamFactory(agency=AgencyFactory())
    with pytest.raises(ValidationError, match="team must belong"):
        user.full_clean()


def test_tokens_are_random_and_hashed():
    first, second = ApiToken.generate(), ApiToken.generate()
    assert first != second
    assert first.startswith("ctm_")
    assert len(first) > 40
    assert ApiToken.hash(first) == ApiToken.hash(first) != ApiToken.hash(second)
    assert len(ApiToken.hash(first)) == 64
