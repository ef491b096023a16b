"""Pages: visits, the chronology, attachments, changing the lead professional."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from continuum.casework import selectors, services
from continuum.casework.access import (
    assessment_for_user,
    episode_for_user,
    require_manage,
)
from continuum.casework.forms import (
    AttachmentForm,
    ChangeLeadForm,
    ChronologyEntryForm,
    ChronologyFilterForm,
    PromptResolveForm,
    VisitForm,
)
from continuum.casework.models import IdentifyPrompt
from continuum.casework.views._common import (
    _apply_errors,
    _pick,
)
from continuum.core import csvsafe
from continuum.directory.models import Agency, User
from continuum.governance.access import Access, household_for_user
from continuum.people.models import PersonKind

# --- Visits -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def visit_record(request, episode_id: int):
    episode = episode_for_user(request.user, episode_id, need=Access.EDIT)
    members = selectors.household_members(episode.household)
    children = [c.person for c in selectors.children_in_episode(episode)]
    # From the child's page ("Record a visit", ?child=<id>): that child is ticked as seen.
    child = request.GET.get("child", "")
    initial = {f"c{c.pk}_seen": True for c in children if str(c.pk) == child}
    form = VisitForm(request.POST or None, members=members, children=children, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.visit_record(
                actor=request.user,
                episode=episode,
                date=d["date"],
                kind=d["kind"],
                present=[_pick(members, pk) for pk in d["present"]],
                children=form.children_data(),
                observations=d["observations"],
                significant=d["significant"],
                unknown_adult=d["unknown_adult"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The visit has been recorded")
            return redirect("casework:episode", episode_id=episode.pk)
    return render(request, "casework/visit_form.html", {"form": form, "episode": episode})


@require_http_methods(["GET"])
def visit_detail(request, episode_id: int, visit_id: int):
    episode, visit = selectors.visit_for_user(request.user, episode_id, visit_id)
    return render(request, "casework/visit_detail.html", {"episode": episode, "visit": visit})


@require_http_methods(["GET", "POST"])
def prompt_resolve(request, episode_id: int, prompt_id: int):
    episode = episode_for_user(request.user, episode_id, need=Access.EDIT)
    require_manage(request.user, episode)
    prompt = (
        IdentifyPrompt.objects.filter(episode=episode, pk=prompt_id)
        .select_related("visit", "episode")
        .first()
    )
    if prompt is None:
        raise Http404("Not found")
    people = [
        p for p in selectors.household_members(episode.household) if p.kind == PersonKind.ADULT
    ]
    form = PromptResolveForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.prompt_resolve(
                actor=request.user,
                prompt=prompt,
                person=_pick(people, d["person"]) if d["person"] else None,
                note=d["note"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Thank you: the adult has been identified or explained")
            return redirect("casework:episode", episode_id=episode.pk)
    return render(
        request,
        "casework/prompt_resolve.html",
        {"form": form, "episode": episode, "prompt": prompt},
    )


# --- Chronology ---------------------------------------------------------------------------


def _filters(form) -> selectors.ChronologyFilters:
    if not form.is_valid():
        return selectors.ChronologyFilters()
    d = form.cleaned_data
    return selectors.ChronologyFilters(
        agency_id=int(d["agency"]) if d.get("agency") else None,
        kinds=d.get("kind") or [],
        date_from=d.get("date_from"),
        date_to=d.get("date_to"),
        significant_only=d.get("significant") or False,
    )


def _csv(chronology, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csvsafe.writer(response)  # no cell a spreadsheet would run as a formula
    writer.writerow(
        ["Date", "Type", "About", "What happened", "Significant", "Agency", "Recorded by"]
    )
    for i in chronology.items:
        writer.writerow(
            [
                i.date.isoformat(),
                i.kind_label,
                i.person,
                i.summary,
                "Yes" if i.significant else "No",
                i.agency,
                i.recorded_by,
            ]
        )
    return response


def _chronology_page(request, loader, subject_id, *, filename: str, title: str):
    # The agency asked for is checked against the directory here; the list offered is the
    # chronology's own agencies, set once the chronology is read (no query when not filtering).
    asked = request.GET.get("agency", "")
    agencies = Agency.objects.filter(pk=int(asked)) if asked.isdigit() else Agency.objects.none()
    form = ChronologyFilterForm(request.GET or None, agencies=agencies)
    filters = _filters(form) if request.GET else selectors.ChronologyFilters()
    export = request.GET.get("format") == "csv"
    chronology = loader(request.user, subject_id, filters, export=export)
    if export:
        return _csv(chronology, filename)
    form.fields["agency"].choices = [("", "All agencies")] + [
        (str(a.pk), a.name) for a in chronology.agencies
    ]
    query = request.GET.copy()
    query["format"] = "csv"
    return render(
        request,
        "casework/chronology.html",
        {"form": form, "c": chronology, "title": title, "csv_query": query.urlencode()},
    )


@require_http_methods(["GET"])
def household_chronology(request, household_id: int):
    return _chronology_page(
        request,
        selectors.household_chronology,
        household_id,
        filename=f"chronology-household-{household_id}.csv",
        title="Family chronology",
    )


@require_http_methods(["GET"])
def person_chronology(request, person_id: int):
    return _chronology_page(
        request,
        selectors.person_chronology,
        person_id,
        filename=f"chronology-person-{person_id}.csv",
        title="Chronology",
    )


@require_http_methods(["GET", "POST"])
def chronology_add(request, household_id: int):
    household = household_for_user(request.user, household_id, need=Access.EDIT)
    people = selectors.household_members(household)
    form = ChronologyEntryForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.chronology_add(
                actor=request.user,
                household=household,
                date=d["date"],
                kind=d["kind"],
                summary=d["summary"],
                significant=d["significant"],
                person=_pick(people, d["person"]) if d["person"] else None,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The event has been added to the chronology")
            return redirect("casework:household_chronology", household_id=household.pk)
    return render(request, "casework/chronology_add.html", {"form": form, "household": household})


# --- Attachments --------------------------------------------------------------------------


def _attachment_form_page(request, episode, *, visit=None, assessment=None, back: str):
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.attachment_add(
                actor=request.user, episode=episode, upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"], visit=visit, assessment=assessment,
            )  # fmt: skip
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The file has been attached")
            return redirect(back)
    return render(
        request, "casework/attachment_form.html", {"form": form, "episode": episode, "back": back}
    )


@require_http_methods(["GET", "POST"])
def visit_attachment_add(request, episode_id: int, visit_id: int):
    episode = episode_for_user(request.user, episode_id, need=Access.EDIT)
    visit = episode.visits.filter(pk=visit_id).first()
    if visit is None:
        raise Http404("No visit found")
    back = reverse("casework:visit", args=[episode.pk, visit.pk])
    return _attachment_form_page(request, episode, visit=visit, back=back)


@require_http_methods(["GET", "POST"])
def assessment_attachment_add(request, assessment_id: int):
    assessment = assessment_for_user(request.user, assessment_id, need=Access.EDIT)
    episode = episode_for_user(request.user, assessment.episode_id, need=Access.EDIT)
    back = reverse("casework:assessment", args=[assessment.pk])
    return _attachment_form_page(request, episode, assessment=assessment, back=back)


@require_http_methods(["GET"])
def attachment_download(request, episode_id: int, attachment_id: int):
    attachment = selectors.attachment_for_user(request.user, episode_id, attachment_id)
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
        content_type=attachment.content_type,
    )  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def episode_change_lead(request, episode_id: int):
    episode = episode_for_user(request.user, episode_id, need=Access.EDIT)
    require_manage(request.user, episode)
    candidates = {u.pk: u for u in selectors.taf_users(episode)}
    for u in User.objects.filter(agency_id=episode.agency_id, is_active=True).select_related(
        "agency"
    ):
        candidates.setdefault(u.pk, u)
    candidates.pop(episode.lead_professional_id, None)
    people = sorted(candidates.values(), key=lambda u: (u.last_name, u.first_name))
    form = ChangeLeadForm(request.POST or None, candidates=people)
    if request.method == "POST" and form.is_valid():
        try:
            services.episode_change_lead(
                actor=request.user, episode=episode,
                lead_professional=_pick(people, form.cleaned_data["lead_professional"]),
            )  # fmt: skip
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The lead professional has been changed")
            return redirect("casework:episode", episode_id=episode.pk)
    return render(request, "casework/change_lead.html", {"form": form, "episode": episode})
