"""Settings for the test suite: the `test` mode of settings.py."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("CONTINUUM_ENV", "test")

from continuum.settings import *  # noqa: F403

# Uploaded files go to a throwaway folder, never into the working tree.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="continuum-test-files-"))
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="continuum-test-static-"))
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast hashing in tests only
# Audit checkpoints (written after commits, so only by transactional tests) go to a throwaway file.
AUDIT_CHECKPOINT_FILE = Path(tempfile.mkdtemp(prefix="continuum-test-audit-")) / "checkpoints.jsonl"
