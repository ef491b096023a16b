"""Casework pages: gatekeeper → bound form → service → redirect."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from continuum.casework import selectors, services
from continuum.casework.access import (
    assessment_for_user,
    can_manage_episode,
    can_open_episode,
    episode_for_user,
    is_episode_manager,
    require_manage,
    require_manager,
)
from continuum.casework.codes import (
    DIMENSION_DOMAIN,
    DIMENSION_LABELS,
    OPEN_ACTION_STATUSES,
    STATUTORY_KINDS,
    AssessmentStatus,
    Domain,
)
from continuum.casework.forms import (
    ActionEditForm,
    ActionForm,
    AssessmentChildForm,
    AssessmentFamilyForm,
    AssessmentStartForm,
    AssessmentSubmitForm,
    AttachmentForm,
    ChangeLeadForm,
    ChronologyEntryForm,
    ChronologyFilterForm,
    ClosureDecisionForm,
    ClosureForm,
    EpisodeOpenForm,
    PlanEditForm,
    PlanForm,
    PromptResolveForm,
    ReturnForm,
    ReviewForm,
    TafInviteForm,
    VisitForm,
    owner_choices,
)
from continuum.casework.models import IdentifyPrompt, Plan, PlanAction, TafMember
from continuum.directory.models import Agency, User
from continuum.governance.access import Access, household_for_user
from continuum.people.errors import ConflictError
from continuum.people.models import PersonKind

CONFLICT_MESSAGE = (
    "Someone else changed this plan while you were editing it. Their version is shown below; "
    "check it, then make your changes again."
)


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else None
            for error in errors:
                for message in error.messages:
                    form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _pick(items, pk):
    pk = str(pk)
    for item in items:
        if str(item.pk) == pk:
            return item
    raise Http404("Not found")


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
    members = selectors.household_members(household)
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


# --- Visits -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def visit_record(request, episode_id: int):
    episode = episode_for_user(request.user, episode_id, need=Access.EDIT)
    members = selectors.household_members(episode.household)
    children = [c.person for c in episode.children.select_related("person")]
    form = VisitForm(request.POST or None, members=members, children=children)
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


# --- Plan ---------------------------------------------------------------------------------


def _plan_owners(episode):
    return owner_choices(
        selectors.taf_users(episode), selectors.household_members(episode.household)
    )


def _resolve_owner(episode, form):
    user_id, person_id = form.owner_ids()
    owner_user = next((u for u in selectors.taf_users(episode) if u.pk == user_id), None)
    owner_person = next(
        (p for p in selectors.household_members(episode.household) if p.pk == person_id), None
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
    form = ActionForm(request.POST or None, owners=_plan_owners(episode))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            owner_user, owner_person = _resolve_owner(episode, form)
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
    form = ActionEditForm(request.POST or None, owners=_plan_owners(episode), initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            owner_user, owner_person = _resolve_owner(episode, form)
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
    for child in assessment.children.select_related("person"):
        rows = [
            (label, entries.get((child.person_id, code)))
            for code, label in DIMENSION_LABELS.items()
            if _domain_of(code) == Domain.CHILD
        ]
        children.append((child, rows))
    selectors.audit_view(request.user, "casework.assessment", assessment.pk)
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
    writer = csv.writer(response)
    writer.writerow(
        ["Date", "Type", "About", "What happened", "Significant", "Agency", "Recorded by"]
    )
    for i in chronology.items:
        summary = i.summary
        if summary[:1] in ("=", "+", "-", "@"):
            summary = "'" + summary  # never let a spreadsheet run a formula
        writer.writerow(
            [
                i.date.isoformat(),
                i.kind_label,
                i.person,
                summary,
                "Yes" if i.significant else "No",
                i.agency,
                i.recorded_by,
            ]
        )
    return response


def _chronology_page(request, loader, subject_id, *, filename: str, title: str):
    form = ChronologyFilterForm(request.GET or None, agencies=Agency.objects.order_by("name"))
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
