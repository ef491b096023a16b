"""Writes for linkage: importing agency extracts (`imports`), keeping the matcher's stored
versions in step (`features`), deciding reviews, merging and unmerging, training."""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.core.identifiers import is_valid_nhs_number
from continuum.linkage.access import can_review
from continuum.linkage.engine.layout import REQUIRED_COLUMNS
from continuum.linkage.models import (
    LinkageModel,
    LinkStatus,
    MatchReview,
    Merge,
    ReviewStatus,
    SourceRecord,
)
from continuum.linkage.services.features import (
    features_rebuild_all,
    features_refresh,
)
from continuum.linkage.services.imports import (
    CHUNK_SIZE,
    MAX_REVIEW_CANDIDATES,
    _link,
    _person_from_row,
    can_make_person,
    default_mapping,
    import_create,
    import_create_checked,
    import_errors_csv,
    import_run,
    import_set_mapping,
    import_start_in_background,
    mapping_problems,
    read_table,
)
from continuum.people import services as people_services  # noqa: F401  (used as services.people_services)
from continuum.people.models import NameKind, Person, PersonName

# --------------------------------------------------------------------------------------------
# Reviews
# --------------------------------------------------------------------------------------------


@transaction.atomic
def review_decide(*, actor, review: MatchReview, decision: str, note: str = "") -> MatchReview:
    """Accept (same person), reject (different people) or mark not sure. Only the front door
    decides (403 otherwise), and a decision links an agency's record: it opens no one's record
    to the agency or the reviewer (docs/adr/0006)."""
    if not can_review(actor):
        raise PermissionDenied("Identity review is for the front door")
    review = (
        MatchReview.objects.select_for_update()
        .select_related("record", "record__agency")
        .get(pk=review.pk)
    )
    if review.status not in (ReviewStatus.OPEN, ReviewStatus.NOT_SURE):
        raise ValidationError(
            f"This match was already decided: {review.get_status_display().lower()} "
            f"by {review.decided_by.get_full_name() if review.decided_by else 'someone'}"
        )
    if decision not in (ReviewStatus.ACCEPTED, ReviewStatus.REJECTED, ReviewStatus.NOT_SURE):
        raise ValidationError({"decision": "Choose same person, different people or not sure"})
    record = review.record
    review.status = decision
    review.decided_by = actor
    review.decided_at = timezone.now()
    review.note = note[:300]
    review.save(update_fields=["status", "decided_by", "decided_at", "note"])
    if decision == ReviewStatus.ACCEPTED:
        record.match_probability = review.probability
        _link(record, review.candidate, LinkStatus.REVIEWED, actor)
        record.reviews.filter(status__in=[ReviewStatus.OPEN, ReviewStatus.NOT_SURE]).exclude(
            pk=review.pk
        ).update(
            status=ReviewStatus.REJECTED,
            decided_by=actor,
            decided_at=timezone.now(),
            note="Another candidate was accepted",
        )
    elif decision == ReviewStatus.REJECTED:
        pending = record.reviews.filter(status__in=[ReviewStatus.OPEN, ReviewStatus.NOT_SURE])
        if not pending.exists() and record.person_id is None:
            if can_make_person(record.data):
                person = _person_from_row(actor=actor, agency=record.agency, row=record.data)
                _link(record, person, LinkStatus.NEW_PERSON, actor)
            else:  # no date to record a person with: kept as the agency sent it
                record.link_status = LinkStatus.UNLINKED
                record.save(update_fields=["link_status"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="match_review",
        object_id=review.pk,
        changed_fields=["status"],
        reason=note,
        details={
            "decision": decision,
            "source_record_id": record.pk,
            "candidate_person_id": review.candidate_id,
        },
    )
    return review


# --------------------------------------------------------------------------------------------
# Merge and unmerge
# --------------------------------------------------------------------------------------------

# Other apps register checks that make a merge unsafe (e.g. casework: overlapping child
# protection plans). Each takes (kept, merged) and returns reasons; any reason blocks.
MERGE_CHECKS: list[Callable[[Person, Person], list[str]]] = []


def register_merge_check(check: Callable[[Person, Person], list[str]]):
    MERGE_CHECKS.append(check)
    return check


def merge_blockers(kept: Person, merged: Person) -> list[str]:
    reasons = []
    if kept.pk == merged.pk:
        return ["A record cannot be merged with itself"]
    if kept.merged_into_id or merged.merged_into_id:
        reasons.append("One of these records has already been merged into another")
    if (
        is_valid_nhs_number(kept.nhs_number)
        and is_valid_nhs_number(merged.nhs_number)
        and kept.nhs_number != merged.nhs_number
    ):
        reasons.append(
            "They have different NHS numbers, and both are valid: they are probably different "
            "people (twins or siblings). Check with health colleagues before merging"
        )
    if bool(kept.date_of_death) != bool(merged.date_of_death):
        reasons.append(
            "A date of death is recorded on one record only. Confirm the death before merging"
        )
    if kept.date_of_birth and merged.date_of_birth and kept.date_of_birth != merged.date_of_birth:
        d1, d2 = kept.date_of_birth, merged.date_of_birth
        transposed = (d1.day, d1.month, d1.year) == (d2.month, d2.day, d2.year)
        if not transposed and abs((d1 - d2).days) > 366:
            reasons.append("Their dates of birth are more than a year apart")
    for check in MERGE_CHECKS:
        reasons.extend(check(kept, merged))
    return reasons


# Rows that point at a person but must not move with a merge: the Person table itself
# (merged_into), the Merge records, and the derived match features, which
# features_refresh rebuilds for both people after a merge or its undo.
MERGE_SKIP = {"people.Person", "linkage.Merge", "linkage.MatchVersion", "linkage.MatchKey"}


def person_relations():
    """Every foreign key to Person in the project that a merge moves, hidden ones included
    (``related_name="+"``) and the join tables of many-to-many fields, so no app's rows are
    left on the merged record."""
    for relation in Person._meta.get_fields(include_hidden=True):
        if not relation.is_relation or relation.concrete or relation.many_to_many:
            continue  # many-to-many: its join table's own foreign key is yielded instead
        model = relation.related_model
        if model._meta.label in MERGE_SKIP or not relation.field.concrete:
            continue
        yield model, relation.field


def _extra_changes(model, row) -> dict:
    """Changes beyond re-pointing: the merged person's current names become aliases, so the
    kept person keeps one legal name but is still found by the other."""
    if model is PersonName and row.kind in (NameKind.LEGAL, NameKind.KNOWN_AS):
        return {"kind": NameKind.ALIAS}
    return {}


@transaction.atomic
def person_merge(*, actor, kept: Person, merged: Person, reason: str) -> Merge:
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why these records are the same person"})
    locked = {
        p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[kept.pk, merged.pk])
    }
    kept, merged = locked[kept.pk], locked[merged.pk]
    blockers = merge_blockers(kept, merged)
    if blockers:
        raise ValidationError(blockers)
    moved = []
    for model, fk in person_relations():
        for row in model.objects.filter(**{fk.attname: merged.pk}).order_by("pk"):
            extra = _extra_changes(model, row)
            old = {fk.attname: merged.pk, **{k: getattr(row, k) for k in extra}}
            try:
                with transaction.atomic():
                    model.objects.filter(pk=row.pk).update(**{fk.attname: kept.pk}, **extra)
            except IntegrityError:
                continue  # would duplicate a row the kept person already has: left where it is
            moved.append({"model": model._meta.label, "pk": row.pk, "old": old})
    Person.objects.filter(pk=merged.pk).update(merged_into=kept, version=merged.version + 1)
    Person.objects.filter(pk=kept.pk).update(version=kept.version + 1)
    merge = Merge.objects.create(
        kept=kept, merged=merged, moved=moved, reason=reason, performed_by=actor
    )
    features_refresh([kept.pk, merged.pk])  # the kept person is now also found as the other
    # The merged record's involvements (professional relationships with the same person) now
    # open the kept record: named here, so the DPO's page for each shows which moved. A merge
    # never starts an involvement.
    involvements = [m["pk"] for m in moved if m["model"] == "governance.Involvement"]
    for person in (kept, merged):
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="person",
            object_id=person.pk,
            changed_fields=["merged"],
            reason=reason,
            details={"merge_id": merge.pk, "kept": kept.pk, "merged": merged.pk,
                     "involvements_moved": involvements},
        )  # fmt: skip
    return merge


@transaction.atomic
def merge_undo(*, actor, merge: Merge, reason: str) -> Merge:
    """Put back every row exactly as it was before the merge."""
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at:
        raise ValidationError("This merge has already been undone")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the merge was wrong"})
    later = Merge.objects.filter(
        Q(kept=merge.kept) | Q(merged=merge.kept),
        performed_at__gt=merge.performed_at,
        undone_at__isnull=True,
    )
    if later.exists():
        raise ValidationError("Undo the later merges of this person first")
    for entry in reversed(merge.moved):
        model = apps.get_model(entry["model"])
        model.objects.filter(pk=entry["pk"]).update(**entry["old"])
    Person.objects.filter(pk=merge.merged_id).update(merged_into=None)
    features_refresh([merge.kept_id, merge.merged_id])
    merge.undone_at = timezone.now()
    merge.undone_by = actor
    merge.undo_reason = reason
    merge.save(update_fields=["undone_at", "undone_by", "undo_reason"])
    for person_id in (merge.kept_id, merge.merged_id):
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="person",
            object_id=person_id,
            changed_fields=["unmerged"],
            reason=reason,
            details={"merge_id": merge.pk},
        )
    return merge


# --------------------------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------------------------


def model_train(
    *, actor=None, activate: bool = True, upper: float | None = None, lower: float | None = None
) -> LinkageModel:
    """Train on the area's own agency records (unsupervised EM) and store the new version."""
    from continuum.linkage.engine import model as engine_model

    records = [
        {**sr.data, "source": sr.agency.code}
        for sr in SourceRecord.objects.select_related("agency").only("data", "agency__code")
    ]
    if len(records) < 200:
        raise ValidationError("At least 200 agency records are needed to train a model")
    config = engine_model.LinkageConfig()
    if upper is not None:
        config.threshold_upper = upper
    if lower is not None:
        config.threshold_lower = lower
    trained = engine_model.train(
        engine_model.prepare_frame(records, config.feature_options), config
    )
    with transaction.atomic():
        version = trained.model_version
        LinkageModel.objects.filter(version=version).delete()
        if activate:
            LinkageModel.objects.filter(is_active=True).update(is_active=False)
        model = LinkageModel.objects.create(
            version=version,
            params=trained.params,
            threshold_upper=config.threshold_upper,
            threshold_lower=config.threshold_lower,
            trained_on=len(records),
            is_active=activate,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="linkage_model",
            object_id=model.pk,
            details={"version": version, "records": len(records)},
        )
    return model


__all__ = [
    "CHUNK_SIZE",
    "MAX_REVIEW_CANDIDATES",
    "REQUIRED_COLUMNS",
    "default_mapping",
    "features_rebuild_all",
    "features_refresh",
    "import_create",
    "import_create_checked",
    "import_errors_csv",
    "import_run",
    "import_set_mapping",
    "import_start_in_background",
    "mapping_problems",
    "merge_blockers",
    "merge_undo",
    "model_set_thresholds",
    "model_train",
    "person_merge",
    "read_table",
    "register_merge_check",
    "review_decide",
]


@transaction.atomic
def model_set_thresholds(*, actor, upper: float, lower: float) -> LinkageModel:
    """Change the auto-link and review thresholds of the active model. The packaged default
    model is copied into the database the first time, so the change is versioned with it."""
    errors = {}
    if not 0.5 <= upper <= 1:
        errors["upper"] = "The auto-link threshold must be between 0.5 and 1"
    if not 0.5 <= lower <= 1:
        errors["lower"] = "The review threshold must be between 0.5 and 1"
    if not errors and lower > upper:
        errors["lower"] = "The review threshold must not be above the auto-link threshold"
    if errors:
        raise ValidationError(errors)
    model = LinkageModel.objects.select_for_update().filter(is_active=True).first()
    if model is None:
        from continuum.linkage.matching import _default_params

        params = _default_params()
        model = LinkageModel.objects.create(
            version=str(params["model_version"]), params=params, threshold_upper=upper,
            threshold_lower=lower, trained_on=0, is_active=True,
        )  # fmt: skip
    old = (model.threshold_upper, model.threshold_lower)
    model.threshold_upper, model.threshold_lower = upper, lower
    model.full_clean()
    model.save(update_fields=["threshold_upper", "threshold_lower"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, object_type="linkage_model", object_id=model.pk,
        changed_fields=["threshold_upper", "threshold_lower"],
        details={"before": list(old), "after": [upper, lower]},
    )  # fmt: skip
    return model
