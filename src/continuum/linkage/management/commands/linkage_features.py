from django.core.management.base import BaseCommand

from continuum.linkage.services import features_rebuild_all


class Command(BaseCommand):
    help = (
        "Rebuild the real-time matcher's stored versions and blocking keys of every person "
        "(after an upgrade, a bulk load, or a change to the engine's normalisation)."
    )

    def handle(self, *args, **options):
        def progress(done: int, total: int) -> None:
            self.stdout.write(f"  {done:,} of {total:,} people", ending="\r")
            self.stdout.flush()

        people = features_rebuild_all(progress=progress)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Stored match versions of {people:,} people."))
