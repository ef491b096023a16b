"""Fixtures for the tests under tests/: the test OpenID Connect provider."""

from tests.oidc_idp.fixture import oidc_idp, sso  # noqa: F401  (fixtures)
