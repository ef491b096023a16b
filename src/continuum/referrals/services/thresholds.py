"""The area's continuum of need: publishing a new version. Nothing is changed in place: a new
version becomes the current one, and every decision keeps the version it was made under."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.directory.models import Role, User
from continuum.referrals.models import Rag, ThresholdFramework

MAY_PUBLISH = (Role.ADMINISTRATOR, Role.TEAM_MANAGER)


def _level_errors(levels: object) -> dict[str, str]:
    if not isinstance(levels, list) or len(levels) != 4:
        return {"levels": "Give exactly four levels, numbered 1 to 4"}
    errors: dict[str, str] = {}
    for position, level in enumerate(levels, start=1):
        where = f"levels[{position}]"
        if not isinstance(level, dict):
            errors[where] = "Each level must be an object with a number, name and summary"
            continue
        if level.get("number") != position:
            errors[f"{where}.number"] = f"Level {position} must have the number {position}"
        for key in ("name", "summary"):
            if not str(level.get(key) or "").strip():
                errors[f"{where}.{key}"] = f"Enter the {key} of level {position}"
        if level.get("rag", "") not in ("", *Rag.values):
            errors[f"{where}.rag"] = f"The RAG colour must be one of {', '.join(Rag.values)}"
        descriptors = level.get("descriptors", {})
        if not isinstance(descriptors, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in descriptors.items()
        ):
            errors[f"{where}.descriptors"] = "Descriptors must map each domain to its text"
    return errors


@transaction.atomic
def framework_publish(
    *, actor: User, name: str, levels: list[dict], source: str = "", published_on=None
) -> ThresholdFramework:
    """Add the next version of the named framework, with its four levels, and make it the
    current one. Refused, naming each problem, if a level is missing or incomplete."""
    if not (actor and actor.is_active and actor.role in MAY_PUBLISH):
        raise ValidationError("Only an administrator or a team manager can publish thresholds")
    errors = _level_errors(levels)
    if not name.strip():
        errors["name"] = "Enter the framework's name"
    if errors:
        raise ValidationError(errors)
    latest = ThresholdFramework.objects.filter(name=name.strip()).aggregate(v=Max("version"))["v"]
    ThresholdFramework.objects.filter(is_current=True).update(is_current=False)
    framework = ThresholdFramework(
        name=name.strip(),
        version=(latest or 0) + 1,
        is_current=True,
        published_on=published_on,
        source=source,
    )
    framework.full_clean()
    framework.save()
    for level in levels:
        framework.levels.create(
            number=level["number"],
            name=level["name"].strip(),
            summary=level["summary"].strip(),
            response=str(level.get("response") or "").strip(),
            rag=level.get("rag", ""),
            descriptors=level.get("descriptors", {}),
        )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="threshold_framework",
        object_id=framework.pk,
        details={"name": framework.name, "version": framework.version},
    )
    return framework
