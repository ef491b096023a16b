"""Emergency (break-glass) access and restricted records: gatekeeper → form → service → redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from continuum.core.forms import apply_service_errors
from continuum.governance import selectors, services
from continuum.governance.access import person_for_user
from continuum.governance.context_processors import mark_session
from continuum.governance.forms import (
    BreakGlassForm,
    EndBreakGlassForm,
    LiftRestrictionForm,
    RestrictionForm,
    ReviewForm,
)


@require_http_methods(["GET", "POST"])
def break_glass(request):
    """Ask for emergency access to a record, by the exact details a caller gave."""
    selectors.require_break_glass(request.user)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        found = selectors.break_glass_find(
            request.user,
            reason=data["reason"],
            continuum_id=data.get("continuum_id"),
            given_name=data.get("given_name") or "",
            family_name=data.get("family_name") or "",
            date_of_birth=data.get("date_of_birth"),
        )
        if found.person is None:
            form.add_error(None, found.problem)
        elif found.already_visible:
            messages.info(request, "You can already see this record: no emergency access needed")
            return redirect("people:detail", person_id=found.person.pk)
        else:
            try:
                access = services.break_glass_open(
                    actor=request.user, person=found.person, reason=data["reason"]
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                mark_session(request, access.expires_at)
                until = timezone.localtime(access.expires_at).strftime("%H:%M")
                messages.warning(request, f"You have emergency access to this record until {until}")
                return redirect("people:detail", person_id=access.person_id)
    return render(
        request,
        "governance/break_glass.html",
        {
            "form": form,
            "running": selectors.break_glass_page(request.user),
            "hours": services.break_glass_duration().total_seconds() // 3600,
            "nav": "break_glass",
        },
    )


@require_http_methods(["POST"])
def break_glass_end(request, access_id: int):
    access = selectors.break_glass_for_worker(request.user, access_id)
    form = EndBreakGlassForm(request.POST)
    if form.is_valid():
        try:
            services.break_glass_end(actor=request.user, access=access)
        except ValidationError as exc:
            messages.info(request, " ".join(exc.messages))
        else:
            messages.success(request, "Your emergency access has ended")
    return redirect("governance:break_glass")


@require_http_methods(["GET"])
def break_glass_reviews(request):
    reviewed = request.GET.get("reviewed") == "1"
    accesses = selectors.break_glass_review_list(request.user, reviewed=reviewed)
    return render(
        request,
        "governance/break_glass_reviews.html",
        {"accesses": accesses, "reviewed": reviewed, "nav": "break_glass_reviews"},
    )


@require_http_methods(["GET", "POST"])
def break_glass_review(request, access_id: int):
    access = selectors.break_glass_review_page(request.user, access_id)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not access.is_reviewed:
        try:
            services.break_glass_review(
                actor=request.user,
                access=access,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "The emergency access has been reviewed")
            return redirect("governance:break_glass_reviews")
    return render(
        request,
        "governance/break_glass_review.html",
        {"access": access, "form": form, "nav": "break_glass_reviews"},
    )


@require_http_methods(["GET"])
def restrictions(request):
    return render(
        request,
        "governance/restrictions.html",
        {
            "restrictions": selectors.restriction_list(request.user),
            "nav": "restrictions",
        },
    )


@require_http_methods(["GET", "POST"])
def restriction_add(request, person_id: int):
    selectors.require_restrict(request.user)
    person = person_for_user(request.user, person_id)
    form = RestrictionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.restriction_create(
                actor=request.user,
                person=person,
                scope=form.cleaned_data["scope"],
                reason=form.cleaned_data["reason"],
                allowed=form.cleaned_data["allowed"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{person.display_name}'s record is restricted")
            return redirect("governance:restrictions")
    return render(
        request,
        "governance/restriction_form.html",
        {
            "form": form,
            "person": person,
            "existing": selectors.restrictions_of(person),
            "nav": "restrictions",
        },
    )


@require_http_methods(["GET", "POST"])
def restriction_lift(request, restriction_id: int):
    restriction = selectors.restriction_page(request.user, restriction_id)
    form = LiftRestrictionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.restriction_lift(
                actor=request.user, restriction=restriction, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "The restriction has been lifted")
            return redirect("governance:restrictions")
    return render(
        request,
        "governance/restriction_lift.html",
        {"form": form, "restriction": restriction, "nav": "restrictions"},
    )
