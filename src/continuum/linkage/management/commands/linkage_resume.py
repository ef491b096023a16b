from django.core.management.base import BaseCommand

from continuum.linkage.models import ImportJob, ImportStatus
from continuum.linkage.services import import_run


class Command(BaseCommand):
    help = "Finish interrupted imports (a restart, a crash): each continues where it stopped."

    def handle(self, *args, **options):
        jobs = ImportJob.objects.filter(status__in=[ImportStatus.RUNNING, ImportStatus.FAILED])
        jobs = list(jobs) + list(
            ImportJob.objects.filter(status=ImportStatus.PENDING, started_at__isnull=False)
        )
        if not jobs:
            self.stdout.write("No interrupted imports.")
        for job in jobs:
            self.stdout.write(
                f"Resuming import {job.pk} ({job.filename}) from row {job.rows_done + 1}"
            )
            done = import_run(job.pk)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Import {done.pk}: {done.rows_done} rows, {done.new_people} new people, "
                    f"{done.linked_automatically} linked, {done.sent_to_review} to review"
                )
            )
