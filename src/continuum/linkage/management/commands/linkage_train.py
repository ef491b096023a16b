from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from continuum.linkage.services import model_train


class Command(BaseCommand):
    help = "Train the identity-resolution model on this area's agency records and make it active."

    def add_arguments(self, parser):
        parser.add_argument("--upper", type=float, help="Auto-link threshold (probability)")
        parser.add_argument("--lower", type=float, help="Review threshold (probability)")
        parser.add_argument("--no-activate", action="store_true")

    def handle(self, *args, upper=None, lower=None, no_activate=False, **options):
        try:
            model = model_train(activate=not no_activate, upper=upper, lower=lower)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Trained model {model.version} on {model.trained_on} records"
                f"{' and made it active' if model.is_active else ''}."
            )
        )
