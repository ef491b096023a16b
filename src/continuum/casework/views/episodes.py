"""Pages: my work, episodes, the Team Around the Family, closure."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from continuum.casework import selectors, services
from continuum.casework.access import (
    can_open_episode,
    episode_for_user,
    require_manage,
    require_manager,
)
from continuum.casework.codes import (
    OPEN_ACTION_STATUSES,
    STATUTORY_KINDS,
)
from continuum.casework.forms import (
    ChildEndForm,
    ClosureDecisionForm,
    ClosureForm,
    EpisodeOpenForm,
    TafInviteForm,
)
from continuum.casework.models import PlanAction, TafMember
from continuum.casework.views._common import (
    _apply_errors,
    _pick,
)
from continuum.directory.models import User
from continuum.governance.access import Access, household_for_user
from continuum.people.models import PersonKind

# --- My work ------------------------------------------------------------------------------


@require_http_methods(["GET"])
def my_work(request):
    work = selectors.my_work(request.user)
    return render(
        request,
        "casework/my_work.html",
        {"work": work, "nav": "my_work", "today": timezone.localdate()},
    )


# --- Episodes -----------------------------------------------------------------------------


@require_http_methods(["GET"])
def household_episodes(request, household_id: int):
    household, episodes = selectors.household_episodes(request.user, household_id)
    return render(
        request,
        "casework/household_episodes.html",
        {"household": household, "episodes": episodes, "can_open": can_open_episode(request.user)},
    )


@require_http_methods(["GET", "POST"])
def episode_open(request, household_id: int):
    household = household_for_user(request.user, household_id, need=Access.EDIT)
    if not can_open_episode(request.user):
        raise PermissionDenied("Your role cannot open an episode")
    members = selectors.household_members(household, user=request.user)
    children = [p for p in members if p.kind != PersonKind.ADULT]
    colleagues = list(
        User.objects.filter(agency_id=request.user.agency_id, is_active=True)
        .select_related("agency")
        .order_by("last_name")
    ) or [request.user]
    form = EpisodeOpenForm(
        request.POST or None,
        children=children,
        colleagues=colleagues,
        initial={
            "lead_professional": str(request.user.pk),
            "children": [str(c.pk) for c in children],
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            episode = services.episode_open(
                actor=request.user,
                household=household,
                kind=d["kind"],
                children=[_pick(children, pk) for pk in d["children"]],
                referral_date=d["referral_date"],
                start_date=d["start_date"],
                level_of_need=d["level_of_need"],
                primary_need=d["primary_need"],
                category_of_abuse=d["category_of_abuse"],
                lead_professional=_pick(colleagues, d["lead_professional"]),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The episode has been opened")
            return redirect("casework:episode", episode_id=episode.pk)
    return render(request, "casework/episode_open.html", {"form": form, "household": household})


@require_http_methods(["GET"])
def episode_detail(request, episode_id: int):
    record = selectors.episode_record(request.user, episode_id)
    return render(request, "casework/episode_detail.html", {"r": record, "episode": record.episode})


# --- Team Around the Family ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def taf_invite(request, episode_id: int):
    episode = episode_for_user(request.user, episode_id, need=Access.EDIT)
    require_manage(request.user, episode)
    candidates = selectors.taf_candidates(episode)
    form = TafInviteForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.taf_invite(
                actor=request.user,
                episode=episode,
                user=_pick(candidates, form.cleaned_data["user"]),
                role_in_taf=form.cleaned_data["role_in_taf"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request, f"{member.user.get_full_name()} has joined the Team Around the Family"
            )
            return redirect("casework:episode", episode_id=episode.pk)
    return render(request, "casework/taf_invite.html", {"form": form, "episode": episode})


@require_POST
def taf_leave(request, episode_id: int, member_id: int):
    episode = episode_for_user(request.user, episode_id)
    member = (
        TafMember.objects.filter(episode=episode, pk=member_id)
        .select_related("user", "agency", "episode")
        .first()
    )
    if member is None:
        raise Http404("Not found")
    try:
        services.taf_leave(actor=request.user, member=member)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("casework:episode", episode_id=episode.pk)
    messages.success(request, f"{member.user.get_full_name()} has left the Team Around the Family")
    if member.user_id == request.user.pk:
        return redirect("casework:my_work")
    return redirect("casework:episode", episode_id=episode.pk)


# --- Closure ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def episode_close(request, episode_id: int):
    episode = episode_for_user(request.user, episode_id, need=Access.EDIT)
    require_manage(request.user, episode)
    open_actions = PlanAction.objects.filter(
        plan__episode=episode, status__in=OPEN_ACTION_STATUSES
    ).select_related("owner_user__agency", "owner_person")
    form = ClosureForm(
        request.POST or None, statutory=episode.kind in STATUTORY_KINDS, open_actions=open_actions
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.episode_request_closure(
                actor=request.user,
                episode=episode,
                end_date=d["end_date"],
                reason_for_closure=d.get("reason_for_closure", ""),
                outcome=d.get("outcome", ""),
                summary=d["summary"],
                action_dispositions=form.dispositions(),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Closure has been sent to a manager for approval")
            return redirect("casework:episode", episode_id=episode.pk)
    return render(request, "casework/episode_close.html", {"form": form, "episode": episode})


@require_http_methods(["GET", "POST"])
def episode_close_decide(request, episode_id: int):
    episode = episode_for_user(request.user, episode_id, need=Access.EDIT)
    require_manager(request.user, episode)
    form = ClosureDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if d["decision"] == "approve":
                services.episode_approve_closure(actor=request.user, episode=episode)
                messages.success(request, "The episode has been closed")
            else:
                services.episode_reject_closure(actor=request.user, episode=episode, note=d["note"])
                messages.success(request, "The episode stays open")
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return redirect("casework:episode", episode_id=episode.pk)
    actions = {
        a.pk: a
        for a in PlanAction.objects.filter(plan__episode=episode).select_related(
            "owner_user__agency", "owner_person"
        )
    }
    dispositions = [
        (actions.get(int(pk)), status, note)
        for pk, (status, note) in episode.pending_action_dispositions.items()
    ]
    return render(
        request,
        "casework/episode_close_decide.html",
        {"form": form, "episode": episode, "dispositions": dispositions},
    )


@require_http_methods(["GET", "POST"])
def episode_child_end(request, episode_id: int, child_id: int):
    """End one child's part in the episode while it goes on for the others."""
    episode = episode_for_user(request.user, episode_id, need=Access.EDIT)
    require_manage(request.user, episode)
    child = _pick(selectors.children_in_episode(episode, user=request.user), child_id)
    statutory = episode.kind in STATUTORY_KINDS
    form = ChildEndForm(request.POST or None, statutory=statutory)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.episode_child_end(
                actor=request.user, episode=episode, child=child, end_date=d["end_date"],
                reason_for_closure=d.get("reason_for_closure", ""), note=d["note"],
            )  # fmt: skip
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request, f"{child.person.display_name}'s part in the episode has ended"
            )
            return redirect("casework:episode", episode_id=episode.pk)
    return render(
        request,
        "casework/protection_form.html",
        {
            "form": form, "episode": episode, "submit": "End their part in the episode",
            "title": f"End {child.person.display_name}'s part in this episode",
            "intro": "The episode goes on for the other children.",
        },
    )  # fmt: skip
