"""Settings for the test suite: the `test` mode of settings.py."""

import os

os.environ.setdefault("CONTINUUM_ENV", "test")

from continuum.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast hashing in tests only
