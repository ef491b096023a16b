"""Pages: the plan, its actions and reviews."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from continuum.casework import selectors, services
from continuum.casework.access import (
    episode_for_user,
)
from continuum.casework.codes import (
    OPEN_ACTION_STATUSES,
)
from continuum.casework.forms import (
    ActionEditForm,
    ActionForm,
    PlanEditForm,
    PlanForm,
    ReviewForm,
    owner_choices,
)
from continuum.casework.models import Plan, PlanAction
from continuum.casework.views._common import (
    CONFLICT_MESSAGE,
    _apply_errors,
)
from continuum.governance.access import Access
from continuum.people.errors import ConflictError

# --- Plan ---------------------------------------------------------------------------------


def _plan_owners(user, episode):
    return owner_choices(
        selectors.taf_users(episode), selectors.household_members(episode.household, user=user)
    )


def _resolve_owner(user, episode, form):
    user_id, person_id = form.owner_ids()
    owner_user = next((u for u in selectors.taf_users(episode) if u.pk == user_id), None)
    owner_person = next(
        (
            p
            for p in selectors.household_members(episode.household, user=user)
            if p.pk == person_id
        ),
        None,
    )
    if owner_user is None and owner_person is None:
        raise ValidationError({"owner": "Choose one person to own this action"})
    return owner_user, owner_person


@require_http_methods(["GET", "POST"])
def plan_detail(request, episode_id: int):
    record = selectors.episode_record(request.user, episode_id)
    episode = record.episode
    if record.plan is None:
        if not record.can_record:
            return render(request, "casework/plan_detail.html", {"r": record, "episode": episode})
        form = PlanForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            episode_for_user(request.user, episode_id, need=Access.EDIT)
            d = form.cleaned_data
            try:
                services.plan_create(
                    actor=request.user,
                    episode=episode,
                    start_date=d["start_date"],
                    outcomes_sought=d["outcomes_sought"],
                    review_interval_weeks=d["review_interval_weeks"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, "The plan has been agreed. Now add its actions")
                return redirect("casework:plan", episode_id=episode.pk)
        return render(
            request, "casework/plan_create.html", {"form": form, "episode": episode, "r": record}
        )
    if request.method == "POST":
        raise PermissionDenied("The plan already exists")
    reviews = list(
        record.plan.reviews.select_related("recorded_by").prefetch_related("progress__action")
    )
    return render(
        request,
        "casework/plan_detail.html",
        {"r": record, "episode": episode, "plan": record.plan, "reviews": reviews},
    )


def _plan_for_edit(request, episode_id) -> Plan:
    episode = episode_for_user(request.user, episode_id, need=Access.EDIT)
    plan = Plan.objects.filter(episode=episode).select_related("episode__household").first()
    if plan is None:
        raise Http404("This episode has no plan yet")
    return plan


@require_http_methods(["GET", "POST"])
def plan_edit(request, episode_id: int):
    plan = _plan_for_edit(request, episode_id)
    initial = {
        "outcomes_sought": plan.outcomes_sought,
        "review_interval_weeks": plan.review_interval_weeks,
        "next_review_date": plan.next_review_date,
        "version": plan.version,
    }
    form = PlanEditForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.plan_update(
                actor=request.user,
                plan=plan,
                expected_version=d["version"],
                outcomes_sought=d["outcomes_sought"],
                review_interval_weeks=d["review_interval_weeks"],
                next_review_date=d["next_review_date"],
            )
        except ConflictError as exc:
            conflict = exc
            form.add_error(None, CONFLICT_MESSAGE)
            plan.refresh_from_db()
            data = form.data.copy()
            data["version"] = str(plan.version)
            form.data = data
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The plan has been updated")
            return redirect("casework:plan", episode_id=plan.episode_id)
    status = 409 if conflict else 200
    return render(
        request,
        "casework/plan_edit.html",
        {"form": form, "plan": plan, "episode": plan.episode, "conflict": conflict},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def action_add(request, episode_id: int):
    plan = _plan_for_edit(request, episode_id)
    episode = plan.episode
    form = ActionForm(request.POST or None, owners=_plan_owners(request.user, episode))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            owner_user, owner_person = _resolve_owner(request.user, episode, form)
            services.action_add(
                actor=request.user,
                plan=plan,
                description=d["description"],
                due_date=d["due_date"],
                owner_user=owner_user,
                owner_person=owner_person,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The action has been added to the plan")
            if "another" in request.POST:
                return redirect("casework:action_add", episode_id=episode.pk)
            return redirect("casework:plan", episode_id=episode.pk)
    return render(
        request, "casework/action_form.html", {"form": form, "episode": episode, "plan": plan}
    )


@require_http_methods(["GET", "POST"])
def action_edit(request, episode_id: int, action_id: int):
    plan = _plan_for_edit(request, episode_id)
    episode = plan.episode
    action = PlanAction.objects.filter(plan=plan, pk=action_id).first()
    if action is None:
        raise Http404("Not found")
    owner = f"u{action.owner_user_id}" if action.owner_user_id else f"p{action.owner_person_id}"
    initial = {
        "description": action.description,
        "owner": owner,
        "due_date": action.due_date,
        "status": action.status,
        "version": action.version,
    }
    form = ActionEditForm(
        request.POST or None, owners=_plan_owners(request.user, episode), initial=initial
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            owner_user, owner_person = _resolve_owner(request.user, episode, form)
            services.action_update(
                actor=request.user,
                action=action,
                expected_version=d["version"],
                description=d["description"],
                due_date=d["due_date"],
                status=d["status"],
                owner_user=owner_user,
                owner_person=owner_person,
            )
        except ConflictError as exc:
            conflict = exc
            form.add_error(None, CONFLICT_MESSAGE)
            action.refresh_from_db()
            data = form.data.copy()
            data["version"] = str(action.version)
            form.data = data
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The action has been updated")
            return redirect("casework:plan", episode_id=episode.pk)
    return render(
        request,
        "casework/action_form.html",
        {"form": form, "episode": episode, "plan": plan, "action": action, "conflict": conflict},
        status=409 if conflict else 200,
    )


@require_http_methods(["GET", "POST"])
def review_record(request, episode_id: int):
    plan = _plan_for_edit(request, episode_id)
    episode = plan.episode
    actions = plan.actions.filter(status__in=OPEN_ACTION_STATUSES).select_related(
        "owner_user__agency", "owner_person"
    )
    form = ReviewForm(request.POST or None, actions=actions)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.review_record(
                actor=request.user,
                plan=plan,
                review_date=d["review_date"],
                what_changed=d["what_changed"],
                child_view=d["child_view"],
                next_review_date=d["next_review_date"],
                progress=form.progress(),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The review has been recorded")
            return redirect("casework:plan", episode_id=episode.pk)
    return render(
        request, "casework/review_form.html", {"form": form, "episode": episode, "plan": plan}
    )
