from django.core.management.base import BaseCommand, CommandError

from continuum.audit.services import audit_verify


class Command(BaseCommand):
    help = "Audit tools. `audit verify` recomputes the hash chain and names the first broken event."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        report = audit_verify()
        if report.ok:
            self.stdout.write(
                self.style.SUCCESS(f"Audit chain intact: {report.checked} events verified.")
            )
            return
        raise CommandError(
            f"Audit chain BROKEN at event {report.first_broken_seq}: {report.problem}. "
            f"{report.checked} events before it verified."
        )
