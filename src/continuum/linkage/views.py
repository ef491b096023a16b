"""Imports, the review queue, and merge/unmerge pages."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from continuum.core.forms import apply_service_errors as _apply_service_errors
from continuum.directory.models import Agency
from continuum.governance import rules as perms
from continuum.governance.access import Access, person_for_user
from continuum.linkage import access, selectors, services
from continuum.linkage.forms import (
    MappingForm,
    MergeConfirmForm,
    MergeForm,
    ReviewDecisionForm,
    ThresholdForm,
    UndoForm,
    UploadForm,
)
from continuum.linkage.models import ImportStatus


@require_http_methods(["GET", "POST"])
def imports(request):
    jobs = access.imports_visible_to(request.user)[:50]  # 404 unless a data steward
    agencies = Agency.objects.filter(pk=request.user.agency_id)  # their own agency only
    form = UploadForm(request.POST or None, request.FILES or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.import_create(
                actor=request.user,
                agency=form.cleaned_data["agency"],
                filename=upload.name,
                content=upload.read(),
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            return redirect("linkage:import_mapping", job_id=job.pk)
    return render(request, "linkage/imports.html", {"form": form, "jobs": jobs, "nav": "linkage"})


@require_http_methods(["GET", "POST"])
def import_mapping(request, job_id: int):
    job = access.import_for_user(request.user, job_id)
    if job.status != ImportStatus.PENDING:
        return redirect("linkage:import_detail", job_id=job.pk)
    header, rows = services.read_table(Path(job.stored_path))
    form = MappingForm(request.POST or None, header=header, initial=job.column_mapping)
    if request.method == "POST" and form.is_valid():
        try:
            services.import_set_mapping(actor=request.user, job=job, mapping=form.cleaned_data)
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            services.import_start_in_background(job)
            messages.success(request, f"Importing {job.filename}")
            return redirect("linkage:import_detail", job_id=job.pk)
    return render(
        request,
        "linkage/import_mapping.html",
        {
            "form": form,
            "job": job,
            "header": header,
            "sample": rows[:3],
            "nav": "linkage",
        },
    )


@require_http_methods(["GET"])
def import_detail(request, job_id: int):
    job = access.import_for_user(request.user, job_id)
    return render(
        request,
        "linkage/import_detail.html",
        {
            "job": job,
            "errors": job.row_errors[:100],
            "running": job.status in (ImportStatus.PENDING, ImportStatus.RUNNING),
            "nav": "linkage",
        },
    )


@require_http_methods(["GET"])
def import_errors(request, job_id: int):
    job = access.import_for_user(request.user, job_id)
    response = HttpResponse(services.import_errors_csv(job), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    return response


@require_http_methods(["GET"])
def review_queue(request):
    """The front door sees the matches to review; analysts, managers and data stewards only
    how many wait (never who); anyone else 404."""
    status = "not_sure" if request.GET.get("status") == "not_sure" else "open"
    counts = selectors.review_counts(request.user)
    reviews = (
        selectors.review_queue(request.user, status=status)
        if access.can_review(request.user)
        else None
    )
    return render(
        request,
        "linkage/review_queue.html",
        {
            "reviews": reviews,
            "counts": counts,
            "status": status,
            "nav": "reviews",
        },
    )


@require_http_methods(["GET", "POST"])
def review_detail(request, review_id: int):
    review = access.review_for_user(request.user, review_id)
    form = ReviewDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_decide(
                actor=request.user,
                review=review,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, "Your decision has been recorded")
            next_review = selectors.next_review(request.user)
            if next_review:
                return redirect("linkage:review_detail", review_id=next_review.pk)
            return redirect("linkage:review_queue")
    view = selectors.review_detail(request.user, review)
    return render(
        request,
        "linkage/review_detail.html",
        {"view": view, "review": review, "form": form, "nav": "reviews"},
    )


@require_http_methods(["GET", "POST"])
def merge_start(request, person_id: int):
    access.require(access.can_merge, request.user)
    person = person_for_user(request.user, person_id, need=Access.EDIT)
    form = MergeForm(request.POST or request.GET or None)
    if (request.POST or request.GET.get("other")) and form.is_valid():
        other = person_for_user(request.user, form.cleaned_data["other"])
        return redirect("linkage:merge_confirm", person_id=person.pk, other_id=other.pk)
    return render(request, "linkage/merge_start.html", {"form": form, "person": person})


@require_http_methods(["GET", "POST"])
def merge_confirm(request, person_id: int, other_id: int):
    access.require(access.can_merge, request.user)
    kept = person_for_user(request.user, person_id, need=Access.EDIT)
    merged = person_for_user(request.user, other_id, need=Access.EDIT)
    blockers = services.merge_blockers(kept, merged)
    form = MergeConfirmForm(request.POST or None)
    if request.method == "POST" and not blockers and form.is_valid():
        try:
            services.person_merge(
                actor=request.user, kept=kept, merged=merged, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, f"The records have been merged into {kept.display_name}")
            return redirect("people:detail", person_id=kept.pk)
    return render(
        request,
        "linkage/merge_confirm.html",
        {
            "form": form,
            "kept": kept,
            "merged": merged,
            "blockers": blockers,
            "kept_view": selectors.agency_view(kept),
            "merged_view": selectors.agency_view(merged),
        },
    )


@require_http_methods(["GET", "POST"])
def merge_undo(request, merge_id: int):
    merge = access.merge_for_user(request.user, merge_id)
    person_for_user(request.user, merge.kept_id, need=Access.EDIT)
    form = UndoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.merge_undo(actor=request.user, merge=merge, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, "The merge has been undone. Both records are as they were")
            return redirect("people:detail", person_id=merge.kept_id)
    return render(request, "linkage/merge_undo.html", {"form": form, "merge": merge})


@require_http_methods(["GET", "POST"])
def model_settings(request):
    access.require(perms.is_analyst, request.user)
    current = selectors.active_model_summary()
    form = ThresholdForm(request.POST or None, initial={"upper": current["upper"],
                                                        "lower": current["lower"]})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            services.model_set_thresholds(actor=request.user, upper=form.cleaned_data["upper"],
                                          lower=form.cleaned_data["lower"])  # fmt: skip
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, "The thresholds have been changed")
            return redirect("linkage:model")
    return render(
        request, "linkage/model.html", {"form": form, "current": current, "nav": "model"}
    )
