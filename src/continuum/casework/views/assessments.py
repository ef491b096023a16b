"""Pages: early help assessments."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from continuum.casework import selectors, services
from continuum.casework.access import (
    assessment_for_user,
    can_manage_episode,
    episode_for_user,
    is_episode_manager,
    require_manager,
)
from continuum.casework.codes import (
    DIMENSION_DOMAIN,
    DIMENSION_LABELS,
    AssessmentStatus,
    Domain,
)
from continuum.casework.forms import (
    AssessmentChildForm,
    AssessmentFamilyForm,
    AssessmentStartForm,
    AssessmentSubmitForm,
    ReturnForm,
)
from continuum.casework.views._common import (
    _apply_errors,
)
from continuum.governance.access import Access, person_for_user, restricted_person_ids
from continuum.people.errors import ConflictError

# --- Assessments --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def assessment_start(request, episode_id: int):
    episode = episode_for_user(request.user, episode_id, need=Access.EDIT)
    form = AssessmentStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_start(
                actor=request.user, episode=episode, start_date=form.cleaned_data["start_date"]
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The assessment has been started")
            return redirect("casework:assessment", assessment_id=assessment.pk)
    return render(request, "casework/assessment_start.html", {"form": form, "episode": episode})


def _entries_by_key(assessment):
    return {(e.person_id, e.dimension): e for e in assessment.entries.all()}


@require_http_methods(["GET"])
def assessment_detail(request, assessment_id: int):
    assessment = assessment_for_user(request.user, assessment_id)
    episode = episode_for_user(request.user, assessment.episode_id)
    entries = _entries_by_key(assessment)
    family_domains = []
    for domain in (Domain.PARENTING, Domain.FAMILY):
        rows = [
            (label, entries.get((None, code)))
            for code, label in DIMENSION_LABELS.items()
            if _domain_of(code) == domain
        ]
        family_domains.append((domain.label, rows))
    children = []
    hidden = restricted_person_ids(request.user)  # a restricted child is not shown to others
    for child in assessment.children.exclude(person_id__in=hidden).select_related("person"):
        rows = [
            (label, entries.get((child.person_id, code)))
            for code, label in DIMENSION_LABELS.items()
            if _domain_of(code) == Domain.CHILD
        ]
        children.append((child, rows))
    selectors.audit_view(
        request.user,
        "casework.assessment",
        assessment.pk,
        household_id=assessment.episode.household_id,
    )
    return render(
        request,
        "casework/assessment_detail.html",
        {
            "assessment": assessment,
            "episode": episode,
            "family_domains": family_domains,
            "children": children,
            "is_draft": assessment.status == AssessmentStatus.DRAFT and episode.is_open,
            "can_manage": can_manage_episode(request.user, episode),
            "is_manager": is_episode_manager(request.user, episode),
            "return_form": ReturnForm(),
        },
    )


def _domain_of(code):
    return DIMENSION_DOMAIN[code]


def _draft_for_edit(request, assessment_id):
    assessment = assessment_for_user(request.user, assessment_id, need=Access.EDIT)
    if assessment.status != AssessmentStatus.DRAFT:
        messages.error(request, "This assessment has been submitted and cannot be changed")
        return None
    return assessment


@require_http_methods(["GET", "POST"])
def assessment_family(request, assessment_id: int):
    assessment = _draft_for_edit(request, assessment_id)
    if assessment is None:
        return redirect("casework:assessment", assessment_id=assessment_id)
    entries = _entries_by_key(assessment)
    initial = {
        "parents_view": assessment.parents_view,
        "summary": assessment.summary,
        "version": assessment.version,
    }
    for (person_id, code), e in entries.items():
        if person_id is None:
            initial[f"{code}_strengths"], initial[f"{code}_needs"] = e.strengths, e.needs
    form = AssessmentFamilyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.assessment_update(
                actor=request.user,
                assessment=assessment,
                expected_version=d["version"],
                entries=form.entries(),
                parents_view=d["parents_view"],
                summary=d["summary"],
            )
        except ConflictError:
            form.add_error(
                None,
                "Someone else saved this assessment while you were editing it. "
                "Open it again to see their changes.",
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The family sections have been saved")
            return redirect("casework:assessment", assessment_id=assessment.pk)
    return render(
        request,
        "casework/assessment_family.html",
        {"form": form, "assessment": assessment, "episode": assessment.episode},
    )


@require_http_methods(["GET", "POST"])
def assessment_child(request, assessment_id: int, person_id: int):
    # the child's own record first: a restricted child is 404 here as everywhere
    person_for_user(request.user, person_id)
    assessment = _draft_for_edit(request, assessment_id)
    if assessment is None:
        return redirect("casework:assessment", assessment_id=assessment_id)
    row = assessment.children.filter(person_id=person_id).select_related("person").first()
    if row is None:
        raise Http404("Not found")
    initial = {
        "seen": row.seen,
        "seen_alone": row.seen_alone,
        "wishes_and_feelings": row.wishes_and_feelings,
        "version": assessment.version,
    }
    for (pid, code), e in _entries_by_key(assessment).items():
        if pid == row.person_id:
            initial[f"{code}_strengths"], initial[f"{code}_needs"] = e.strengths, e.needs
    form = AssessmentChildForm(request.POST or None, initial=initial, child=row.person)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.assessment_update(
                actor=request.user,
                assessment=assessment,
                expected_version=d["version"],
                entries=form.entries(),
                child=row.person,
                seen=d["seen"],
                seen_alone=d["seen_alone"],
                wishes_and_feelings=d["wishes_and_feelings"],
            )
        except ConflictError:
            form.add_error(
                None,
                "Someone else saved this assessment while you were editing it. "
                "Open it again to see their changes.",
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"{row.person.display_name}'s section has been saved")
            return redirect("casework:assessment", assessment_id=assessment.pk)
    return render(
        request,
        "casework/assessment_child.html",
        {
            "form": form,
            "assessment": assessment,
            "episode": assessment.episode,
            "child": row.person,
        },
    )


@require_http_methods(["GET", "POST"])
def assessment_submit(request, assessment_id: int):
    assessment = _draft_for_edit(request, assessment_id)
    if assessment is None:
        return redirect("casework:assessment", assessment_id=assessment_id)
    form = AssessmentSubmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_submit(
                actor=request.user,
                assessment=assessment,
                factors=form.cleaned_data["factors"],
                completed_date=form.cleaned_data["completed_date"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The assessment has been sent to a manager for sign-off")
            return redirect("casework:assessment", assessment_id=assessment.pk)
    return render(
        request,
        "casework/assessment_submit.html",
        {"form": form, "assessment": assessment, "episode": assessment.episode},
    )


@require_POST
def assessment_sign_off(request, assessment_id: int):
    assessment = assessment_for_user(request.user, assessment_id, need=Access.EDIT)
    require_manager(request.user, assessment.episode)
    try:
        services.assessment_sign_off(actor=request.user, assessment=assessment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "The assessment has been signed off")
    return redirect("casework:assessment", assessment_id=assessment.pk)


@require_POST
def assessment_return(request, assessment_id: int):
    assessment = assessment_for_user(request.user, assessment_id, need=Access.EDIT)
    require_manager(request.user, assessment.episode)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.assessment_return(
                actor=request.user, assessment=assessment, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "The assessment has been returned for changes")
    else:
        messages.error(request, "Say what needs to change")
    return redirect("casework:assessment", assessment_id=assessment.pk)
