from django.core.management.base import BaseCommand, CommandError

from continuum.demo.seed import (
    DEFAULT_HOUSEHOLDS,
    DEFAULT_RANDOM_SEED,
    SeedRefused,
    seed_northbrook,
)


class Command(BaseCommand):
    help = (
        "Build the synthetic Northbrook area (agencies, staff, demo accounts, families). "
        "Deterministic; demo and test modes only; refuses on a database with data unless --reset."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--households",
            type=int,
            default=DEFAULT_HOUSEHOLDS,
            help=f"Number of family households (default {DEFAULT_HOUSEHOLDS}).",
        )
        parser.add_argument(
            "--reset",
            "--force",
            action="store_true",
            dest="reset",
            help="Delete all personal data and the directory first (the audit log is kept).",
        )
        parser.add_argument(
            "--random-seed",
            type=int,
            default=DEFAULT_RANDOM_SEED,
            help="Seed of the random generator (the default gives the standard Northbrook).",
        )

    def handle(self, *args, households, reset, random_seed, **options):
        if households < 1:
            raise CommandError("--households must be at least 1")
        try:
            result = seed_northbrook(households=households, random_seed=random_seed, reset=reset)
        except SeedRefused as exc:
            raise CommandError(str(exc)) from exc
        counts = result.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded Northbrook in {result.seconds:.1f}s: {counts['agencies']} agencies, "
                f"{counts['staff']} staff, {counts['households']} households "
                f"({counts['families']} families), {counts['persons']} people, "
                f"{counts['relationships']} relationships, {counts['involvements']} involvements."
            )
        )
        if result.hook_seconds >= 0.05:
            self.stdout.write(
                f"(of which {result.hook_seconds:.1f}s adding other apps' demo records)"
            )
