"""`continuum thresholds_publish FILE.json --user NAME`: publish a new version of the area's
continuum of need and make it current. Earlier decisions keep the version they were made under.

The file: {"name": "...", "source": "...", "levels": [{"number": 1, "name": "...",
"summary": "...", "response": "...", "rag": "green", "descriptors": {"Domain": "text"}}, ...]}
with the four levels in order.
"""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from continuum.directory.models import User
from continuum.referrals.services import framework_publish


class Command(BaseCommand):
    help = "Publish a new version of the continuum of need from a JSON file"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="Username of the person publishing")

    def handle(self, *args, file, user, **options):
        try:
            actor = User.objects.get(username=user)
        except User.DoesNotExist:
            raise CommandError(f"There is no user {user!r}") from None
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from None
        if not isinstance(data, dict):
            raise CommandError(f"{file} must hold one JSON object with a name and levels")
        try:
            framework = framework_publish(
                actor=actor,
                name=str(data.get("name") or ""),
                source=str(data.get("source") or ""),
                levels=data.get("levels"),
            )
        except ValidationError as exc:
            messages = (
                [f"{field}: {'; '.join(errs)}" for field, errs in exc.message_dict.items()]
                if hasattr(exc, "error_dict")
                else exc.messages
            )
            raise CommandError("Not published:\n" + "\n".join(messages)) from None
        self.stdout.write(f"Published {framework}; it is now the current continuum of need")
