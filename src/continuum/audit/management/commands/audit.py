from django.core.management.base import BaseCommand, CommandError

from continuum.audit.services import CheckpointFileError, audit_verify, checkpoint_write


class Command(BaseCommand):
    help = (
        "Audit tools. `audit verify` recomputes the keyed hash chain, checks it against the "
        "checkpoints written outside the database, names the first broken event, and (when the "
        "chain is intact) writes a new checkpoint. `audit checkpoint` writes a signed checkpoint "
        "of the chain head (run it from cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "checkpoint"])
        parser.add_argument(
            "--no-checkpoint",
            action="store_true",
            help="verify only: do not write a checkpoint after a successful verification",
        )

    def handle(self, *args, **options):
        if options["action"] == "checkpoint":
            checkpoint = checkpoint_write()
            if checkpoint is None:
                self.stdout.write("The audit chain is empty: nothing to checkpoint.")
            else:
                self.stdout.write(
                    self.style.SUCCESS(f"Checkpoint written at event {checkpoint.seq}.")
                )
            return
        try:
            report = audit_verify()
        except CheckpointFileError as exc:
            raise CommandError(f"Audit checkpoints unreadable: {exc}") from exc
        if report.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Audit chain intact: {report.checked} events verified against "
                    f"{report.checkpoints} checkpoints."
                )
            )
            if not options["no_checkpoint"]:
                checkpoint_write()
            return
        raise CommandError(
            f"Audit chain BROKEN at event {report.first_broken_seq}: {report.problem}. "
            f"{report.checked} events before it verified."
        )
