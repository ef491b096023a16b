"""The `continuum` console command.

continuum demo            migrate, seed Northbrook if empty, and serve on 127.0.0.1:8000
continuum serve           serve (production: behind a reverse proxy)
continuum seed            build the synthetic Northbrook area (deterministic)
continuum audit verify    prove the audit chain, or name the first broken entry
continuum link ...        batch identity resolution of person-extract files (no web app)
continuum <django command> any Django management command (migrate, createsuperuser, …)
"""

from __future__ import annotations

import os
import sys


def _setup(default_env: str | None = None) -> None:
    if default_env:
        os.environ.setdefault("CONTINUUM_ENV", default_env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "continuum.settings")
    import django

    django.setup()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv else "help"
    if command in {"help", "-h", "--help"}:
        print(__doc__)
        return 0
    if command == "link":
        from continuum.linkage.engine.cli import main as link_main

        return int(link_main(argv[1:]) or 0)
    from django.core.exceptions import ImproperlyConfigured

    try:
        _setup("demo" if command == "demo" else None)
    except ImproperlyConfigured as exc:
        # A settings problem is the operator's to fix: one line saying what to do, not a
        # traceback (e.g. a README command run without production settings, or the demo's).
        print(f"continuum: {exc}", file=sys.stderr)
        return 2
    if command == "demo":
        from django.core.management import call_command

        call_command("demo", *argv[1:])
        return 0
    from django.core.management import execute_from_command_line

    if command == "audit":
        argv = ["audit", *argv[1:]]
    execute_from_command_line(["continuum", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
