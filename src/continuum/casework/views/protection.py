"""Pages: section 47 enquiries, initial child protection conferences, child protection plans
and the end of a child in need plan. Gatekeeper → bound form → service → redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from continuum.casework import selectors, services
from continuum.casework.access import episode_for_user, require_manage
from continuum.casework.forms import (
    CpReviewForm,
    IcpcForm,
    PlanEndForm,
    S47OutcomeForm,
    S47StartForm,
)
from continuum.casework.views._common import _apply_errors, _pick
from continuum.governance.access import Access


def _episode(request, episode_id: int):
    episode = episode_for_user(request.user, episode_id, need=Access.EDIT)
    require_manage(request.user, episode)
    return episode


def _page(request, episode, form, *, title: str, intro: str = "", submit: str = "Save"):
    return render(
        request,
        "casework/protection_form.html",
        {"form": form, "episode": episode, "title": title, "intro": intro, "submit": submit},
    )


def _done(request, episode, message: str):
    messages.success(request, message)
    return redirect("casework:episode", episode_id=episode.pk)


@require_http_methods(["GET", "POST"])
def s47_start(request, episode_id: int):
    episode = _episode(request, episode_id)
    children = selectors.children_in_episode(episode, user=request.user)
    form = S47StartForm(request.POST or None, children=children)
    if request.method == "POST" and form.is_valid():
        try:
            s47 = services.s47_start(
                actor=request.user,
                episode=episode,
                child=_pick(children, form.cleaned_data["child"]),
                start_date=form.cleaned_data["start_date"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return _done(
                request, episode,
                f"Section 47 enquiry started. The initial child protection conference is due by "
                f"{s47.icpc_target:%-d %B %Y}",
            )  # fmt: skip
    return _page(request, episode, form, title="Start a section 47 enquiry", submit="Start")


@require_http_methods(["GET", "POST"])
def s47_outcome(request, episode_id: int, s47_id: int):
    episode = _episode(request, episode_id)
    s47 = selectors.s47_in_episode(episode, s47_id)
    form = S47OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.s47_conclude(actor=request.user, s47=s47, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return _done(request, episode, "The outcome of the enquiry has been recorded")
    return _page(
        request, episode, form, title="Record the outcome of the section 47 enquiry",
        intro=f"About {s47.child.person.display_name}, started {s47.start_date:%-d %B %Y}.",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def icpc_record(request, episode_id: int, s47_id: int):
    episode = _episode(request, episode_id)
    s47 = selectors.s47_in_episode(episode, s47_id)
    form = IcpcForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.icpc_record(actor=request.user, s47=s47, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return _done(request, episode, "The initial child protection conference is recorded")
    return _page(
        request, episode, form, title="Record the initial child protection conference",
        intro=f"About {s47.child.person.display_name}. The section 47 enquiry started on "
        f"{s47.start_date:%-d %B %Y}; the conference is due by {s47.icpc_target:%-d %B %Y}.",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def cp_review_add(request, episode_id: int, plan_id: int):
    episode = _episode(request, episode_id)
    plan = selectors.cp_plan_in_episode(episode, plan_id)
    form = CpReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cp_review_record(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return _done(request, episode, "The review conference is recorded")
    return _page(
        request, episode, form, title="Record a child protection review conference",
        intro=f"{plan.child.person.display_name}'s plan started on {plan.start_date:%-d %B %Y}; "
        f"the next review is due by {plan.next_review_due():%-d %B %Y}.",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def cp_plan_end(request, episode_id: int, plan_id: int):
    episode = _episode(request, episode_id)
    plan = selectors.cp_plan_in_episode(episode, plan_id)
    form = PlanEndForm(request.POST or None, initial={"version": plan.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.cp_plan_end(
                actor=request.user, plan=plan, end_date=form.cleaned_data["end_date"],
                expected_version=form.cleaned_data["version"] or plan.version,
            )  # fmt: skip
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return _done(request, episode, "The child protection plan has ended")
    return _page(
        request, episode, form, title="End the child protection plan", submit="End the plan",
        intro=f"{plan.child.person.display_name}'s plan started on {plan.start_date:%-d %B %Y}.",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def cin_plan_end(request, episode_id: int):
    episode = _episode(request, episode_id)
    plan = selectors.plan_of(episode)
    form = PlanEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cin_plan_end(
                actor=request.user, plan=plan, end_date=form.cleaned_data["end_date"]
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return _done(request, episode, "The child in need plan has ended")
    return _page(
        request, episode, form, title="End the child in need plan", submit="End the plan",
        intro="A child in need plan must end before a child protection plan starts.",
    )  # fmt: skip
