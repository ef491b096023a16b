import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from continuum.core.db import refresh_planner_statistics
from continuum.demo import area
from continuum.demo.seed import DEFAULT_HOUSEHOLDS, seed_allowed
from continuum.directory.models import Agency, Role, User

URL = "http://127.0.0.1:8000/"


class Command(BaseCommand):
    help = (
        "Run the demo: migrate, build the synthetic Northbrook area if the database has no "
        "agencies, list the demo accounts, and serve on http://127.0.0.1:8000/."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve", action="store_true", help="Prepare and list accounts only."
        )
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--households",
            type=int,
            default=DEFAULT_HOUSEHOLDS,
            help="Family households to generate on first run (tests use a small number).",
        )

    def handle(self, *args, no_serve, host, port, households, **options):
        if not seed_allowed():
            raise CommandError(
                "The demo runs only in demo mode (CONTINUUM_ENV=demo); `continuum demo` sets it."
            )
        self.stdout.write("Preparing the database…")
        call_command("migrate", interactive=False, verbosity=0)
        if not Agency.objects.exists():
            self.stdout.write("Building the synthetic Northbrook area (first run only)…")
            started = time.perf_counter()
            call_command("seed", households=households, stdout=self.stdout)
            self.stdout.write(f"Ready in {time.perf_counter() - started:.1f}s.")
        else:
            # An area seeded before the seed gathered statistics would be slow without them.
            refresh_planner_statistics()
        self.stdout.write(self.banner(host, port))
        if not no_serve:
            # Static files are served from the app directories in demo mode; an empty
            # STATIC_ROOT keeps whitenoise from warning that it is missing.
            Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
            call_command("serve", host=host, port=port)

    def banner(self, host: str, port: int) -> str:
        url = URL if (host, port) == ("127.0.0.1", 8000) else f"http://{host}:{port}/"
        users = {
            u.username: u
            for u in User.objects.filter(
                username__in=[s.username for s in area.DEMO_ACCOUNTS]
            ).select_related("agency")
        }
        rows = [("Username", "Role", "Agency")]
        for spec in area.DEMO_ACCOUNTS:
            user = users.get(spec.username)
            if user is None:
                continue
            rows.append(
                (user.username, Role(user.role).label, user.agency.name if user.agency else "")
            )
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        rule = "  ".join("-" * w for w in widths)
        lines = [
            "",
            "=" * len(rule),
            f"Continuum demo: the synthetic area of {area.TOWN}",
            "",
            f"Open {url} in your browser and sign in as one of these accounts.",
            f"Every demo account has the password: {area.DEMO_PASSWORD}",
            "",
            "  ".join(h.ljust(w) for h, w in zip(rows[0], widths, strict=True)).rstrip(),
            rule,
        ]
        for row in rows[1:]:
            lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        lines += [
            "",
            "All people in the demo are synthetic. Press Ctrl+C to stop.",
            "=" * len(rule),
            "",
        ]
        return "\n".join(lines)
