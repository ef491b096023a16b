#!/usr/bin/env python3
"""Bootstrap Continuum on a fresh machine: `python3 dev.py demo` or `python3 dev.py test`.

Creates .venv with the newest suitable Python it can find (Django 6 needs 3.12+; on a machine
with only 3.11 the Django 5.2 LTS line is installed instead), installs the pinned dependencies,
then runs the demo or the whole test suite. Extra arguments are passed on (to pytest for `test`).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def _version(python: str) -> tuple[int, int] | None:
    try:
        out = subprocess.run(
            [python, "-c", "import sys, venv; print(*sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    major, minor = out.split()
    return int(major), int(minor)


def find_python() -> str:
    candidates = [os.environ.get("CONTINUUM_PYTHON", "")]
    candidates += [shutil.which(f"python3.{m}") or "" for m in (12, 13, 14)]
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.1[2-4]*/bin/python3")))
    candidates += [sys.executable]
    best, best_version = None, (0, 0)
    for python in filter(None, candidates):
        version = _version(python)
        if version and version >= (3, 11) and (version == (3, 12) or version > best_version):
            best, best_version = python, version
            if version == (3, 12):  # the line CI tests on
                break
    if best is None:
        sys.exit("Continuum needs Python 3.11 or newer (3.12+ for Django 6).")
    return best


def ensure_venv(extras: str) -> None:
    stamp = VENV / f".installed-{extras or 'base'}"
    pyproject = ROOT / "pyproject.toml"
    if stamp.exists() and stamp.stat().st_mtime >= pyproject.stat().st_mtime:
        return
    if not (BIN / "python").exists():
        python = find_python()
        print(f"Creating .venv with {python}", flush=True)
        subprocess.run([python, "-m", "venv", str(VENV)], check=True)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    target = f".[{extras}]" if extras else "."
    print(f"Installing Continuum and its pinned dependencies ({target})…", flush=True)
    subprocess.run([*pip, "-e", target], check=True, cwd=ROOT)
    stamp.touch()


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "test"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "demo":
        ensure_venv("")
        return subprocess.call([str(BIN / "continuum"), "demo", *rest], cwd=ROOT)
    ensure_venv("test")
    env = dict(os.environ)
    code = subprocess.call([str(BIN / "ruff"), "check", "src", "tests", "benchmarks"], cwd=ROOT)
    if code != 0:
        return code
    code = subprocess.call([str(BIN / "python"), "-m", "pytest", *rest], cwd=ROOT, env=env)
    if code == 5:
        print("pytest collected no tests: that is a failure here.", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
