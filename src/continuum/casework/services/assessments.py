"""Early help assessments, with manager sign-off."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from continuum.audit.models import AuditAction
from continuum.casework import rules
from continuum.casework.access import require_manager
from continuum.casework.codes import (
    DIMENSION_DOMAIN,
    AssessmentStatus,
    ChronologyKind,
)
from continuum.casework.models import (
    Assessment,
    AssessmentChild,
    AssessmentEntry,
    Episode,
)
from continuum.casework.services._common import (
    _audit,
    _check_version,
    _chronology,
    _today,
)
from continuum.people.models import Person

# --- Assessments --------------------------------------------------------------------------


@transaction.atomic
def assessment_start(*, actor, episode: Episode, start_date: dt.date) -> Assessment:
    rules.episode_is_open(episode)
    rules.activity_date(
        what="Assessment start",
        day=start_date,
        episode=episode,
        today=_today(),
        field="start_date",
    )
    rules.single_open_assessment(
        open_count=episode.assessments.exclude(status=AssessmentStatus.COMPLETED).count()
    )
    assessment = Assessment(episode=episode, start_date=start_date, created_by=actor)
    assessment.full_clean()
    assessment.save()
    for child in episode.children.filter(end_date__isnull=True).select_related("person"):
        AssessmentChild.objects.create(assessment=assessment, person=child.person)
    _chronology(
        actor=actor,
        episode=episode,
        date=start_date,
        kind=ChronologyKind.ASSESSMENT,
        summary="Assessment started",
        source=assessment,
    )
    _audit(actor, AuditAction.CREATE, assessment, details={"episode": episode.pk})
    return assessment


def _require_draft(assessment: Assessment) -> None:
    if assessment.status != AssessmentStatus.DRAFT:
        raise ValidationError(
            "This assessment has been submitted for sign-off and cannot be changed. "
            "A manager can return it for changes"
        )


@transaction.atomic
def assessment_update(
    *,
    actor,
    assessment: Assessment,
    expected_version: int,
    entries: dict[tuple[int | None, str], tuple[str, str]],
    parents_view: str | None = None,
    summary: str | None = None,
    child: Person | None = None,
    seen: bool | None = None,
    seen_alone: bool | None = None,
    wishes_and_feelings: str | None = None,
) -> Assessment:
    """Save a section of a draft assessment. `entries` maps (person id or None, dimension) to
    (strengths, needs); for a child's section pass child= and their voice."""
    assessment = (
        Assessment.objects.select_for_update().select_related("episode").get(pk=assessment.pk)
    )
    rules.episode_is_open(assessment.episode)
    _require_draft(assessment)
    _check_version(assessment, expected_version, {})
    for (person_id, dimension), (strengths, needs) in entries.items():
        if dimension not in DIMENSION_DOMAIN:
            raise ValidationError("Unknown assessment dimension")
        AssessmentEntry.objects.update_or_create(
            assessment=assessment,
            person_id=person_id,
            dimension=dimension,
            defaults={
                "domain": DIMENSION_DOMAIN[dimension],
                "strengths": strengths or "",
                "needs": needs or "",
            },
        )
    fields = []
    if parents_view is not None:
        assessment.parents_view = parents_view
        fields.append("parents_view")
    if summary is not None:
        assessment.summary = summary
        fields.append("summary")
    if child is not None:
        row = assessment.children.get(person=child)
        if seen_alone and not seen:
            raise ValidationError({"seen_alone": "A child seen alone must also be seen"})
        row.seen = bool(seen)
        row.seen_alone = bool(seen_alone)
        row.wishes_and_feelings = wishes_and_feelings or ""
        row.save(update_fields=["seen", "seen_alone", "wishes_and_feelings"])
    assessment.version = expected_version + 1
    assessment.save(update_fields=[*fields, "version"])
    _audit(actor, AuditAction.UPDATE, assessment, fields=[*fields, "entries"])
    return assessment


@transaction.atomic
def assessment_submit(
    *, actor, assessment: Assessment, factors: list[str], completed_date: dt.date
) -> Assessment:
    """The practitioner finishes the assessment, with the factors identified, for sign-off."""
    episode = assessment.episode
    rules.episode_is_open(episode)
    _require_draft(assessment)
    rules.activity_date(
        what="Completion",
        day=completed_date,
        episode=episode,
        today=_today(),
        field="completed_date",
    )
    rules.assessment_dates(start_date=assessment.start_date, completed_date=completed_date)
    rules.assessment_factors(factors=factors, completed=True)
    if not (assessment.summary or "").strip():
        raise ValidationError("Write the analysis and summary before submitting the assessment")
    assessment.factors = factors
    assessment.completed_date = completed_date
    assessment.submitted_by = actor
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.version += 1
    assessment.save(
        update_fields=["factors", "completed_date", "submitted_by", "status", "version"]
    )
    _audit(actor, AuditAction.UPDATE, assessment, fields=["status", "factors"])
    return assessment


@transaction.atomic
def assessment_sign_off(*, actor, assessment: Assessment) -> Assessment:
    episode = assessment.episode
    require_manager(actor, episode)
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise ValidationError("Only a submitted assessment can be signed off")
    if assessment.submitted_by_id == actor.pk:
        raise ValidationError("A manager cannot sign off an assessment they submitted themselves")
    rules.assessment_factors(factors=assessment.factors, completed=True)
    assessment.status = AssessmentStatus.COMPLETED
    assessment.signed_off_by = actor
    assessment.version += 1
    assessment.save(update_fields=["status", "signed_off_by", "version"])
    _chronology(
        actor=actor,
        episode=episode,
        date=assessment.completed_date,
        kind=ChronologyKind.ASSESSMENT,
        summary="Assessment completed and signed off; factors: " + ", ".join(assessment.factors),
        source=assessment,
    )
    _audit(actor, AuditAction.UPDATE, assessment, fields=["status"], reason="Signed off")
    return assessment


@transaction.atomic
def assessment_return(*, actor, assessment: Assessment, note: str) -> Assessment:
    require_manager(actor, assessment.episode)
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise ValidationError("Only a submitted assessment can be returned")
    assessment.status = AssessmentStatus.DRAFT
    assessment.factors = []  # factors only on completed assessments (8614)
    assessment.completed_date = None
    assessment.version += 1
    assessment.save(update_fields=["status", "factors", "completed_date", "version"])
    _audit(actor, AuditAction.UPDATE, assessment, fields=["status"], reason=note[:300])
    return assessment
