from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from continuum.directory.models import Agency, User
from continuum.linkage.services import import_create, import_run


class Command(BaseCommand):
    help = "Import an agency's extract (person-extract v1 layout) from the command line."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--agency", required=True, help="Agency code")
        parser.add_argument("--user", required=True, help="Username of the agency's data steward")

    def handle(self, *args, file, agency, user, **options):
        try:
            agency_obj = Agency.objects.get(code=agency)
            actor = User.objects.get(username=user)
        except (Agency.DoesNotExist, User.DoesNotExist) as exc:
            raise CommandError(str(exc)) from exc
        path = Path(file)
        try:
            job = import_create(
                actor=actor, agency=agency_obj, filename=path.name, content=path.read_bytes()
            )
        except PermissionDenied as exc:
            raise CommandError(f"{user} is not {agency_obj.name}'s data steward: {exc}") from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        job = import_run(job.pk)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {job.rows_done} rows: {job.new_people} new people, "
                f"{job.linked_automatically} linked automatically, {job.sent_to_review} to review, "
                f"{len(job.row_errors)} row problems."
            )
        )
