"""Family hub pages: gatekeeper → form → service → redirect."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from continuum.core.forms import apply_service_errors as _apply_service_errors
from continuum.core.ratelimit import RateLimited
from continuum.directory.models import User
from continuum.governance import rules as perms
from continuum.governance.access import Access, household_for_user, person_for_user
from continuum.hubs import access, forms, selectors, services
from continuum.hubs.models import MatchStage, OutreachStatus, VisitDiary
from continuum.linkage import selectors as linkage_selectors
from continuum.people.models import PersonKind


def _session_caption(session) -> str:
    return f"{session.activity.name}, {timezone.localtime(session.starts_at):%-d %B %Y}"


def _can_edit_hub(user) -> bool:
    try:
        access.hub_for_user(user, need=Access.EDIT)
    except (PermissionDenied, Http404):
        return False
    return True


# --- Timetable, activities, registers ----------------------------------------------------------


@require_http_methods(["GET"])
def timetable(request):
    hub = access.hub_for_user(request.user)
    try:
        day = dt.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    monday = selectors.week_start(day)
    return render(
        request,
        "hubs/timetable.html",
        {
            "hub": hub,
            "sessions": selectors.timetable(hub, monday),
            "monday": monday,
            "sunday": monday + dt.timedelta(days=6),
            "previous": monday - dt.timedelta(days=7),
            "next": monday + dt.timedelta(days=7),
            "can_edit": _can_edit_hub(request.user),
            "nav": "hub",
        },
    )


@require_http_methods(["GET", "POST"])
def activity_add(request):
    hub = access.hub_for_user(request.user, need=Access.EDIT)
    form = forms.ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            activity = services.activity_create(
                actor=request.user,
                hub=hub,
                name=d["name"],
                kind=d["kind"],
                first_starts_at=form.first_starts_at(),
                duration_minutes=d["duration_minutes"],
                weeks=d["weeks"],
                venue=d["venue"],
                description=d["description"],
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, f"{activity.name} has been added to the timetable")
            return redirect(reverse("hubs:timetable") + f"?week={d['first_date']:%Y-%m-%d}")
    return render(
        request,
        "hubs/form.html",
        {
            "form": form,
            "title": "Add an activity to the timetable",
            "button": "Add activity",
            "back": reverse("hubs:timetable"),
        },
    )


@require_http_methods(["GET", "POST"])
def session_register(request, session_id: int):
    session = access.session_for_user(
        request.user, session_id, need=Access.EDIT if request.method == "POST" else Access.READ
    )
    error = None
    if request.method == "POST":
        attended = [int(p) for p in request.POST.getlist("attended") if p.isdigit()]
        try:
            _register, created = services.register_submit(
                actor=request.user,
                session=session,
                register_uuid=request.POST.get("register_uuid", ""),
                attended=attended,
            )
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            if created:
                messages.success(request, "The register has been saved")
            else:
                messages.success(
                    request, "This register was already saved: nothing was counted twice"
                )
            return redirect("hubs:register", session_id=session.pk)
    return render(
        request,
        "hubs/register.html",
        {
            "session": session,
            "lines": selectors.register_lines(request.user, session),
            "register_uuid": uuid.uuid4(),
            "error": error,
            "can_edit": _can_edit_hub(request.user),
        },
        status=422 if error else 200,
    )


@require_http_methods(["GET", "POST"])
def session_walk_in(request, session_id: int):
    session = access.session_for_user(request.user, session_id, need=Access.EDIT)
    form = forms.WalkInSearchForm(request.GET or None)
    candidates = None
    error = None
    if request.method == "POST":
        try:
            person = person_for_user(request.user, int(request.POST.get("person", "0") or 0))
            if request.POST.get("enrol"):
                services.enrol(actor=request.user, activity=session.activity, person=person)
            services.register_submit(
                actor=request.user,
                session=session,
                register_uuid=request.POST.get("register_uuid", ""),
                attended=[],
                walk_ins=[person.pk],
            )
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, f"{person.display_name} has been added to the register")
            return redirect("hubs:register", session_id=session.pk)
    elif request.GET and form.is_valid():
        candidates = [
            (person, uuid.uuid4())
            for person in selectors.walk_in_candidates(request.user, form.cleaned_data["name"])
        ]
    return render(
        request,
        "hubs/walk_in.html",
        {
            "session": session,
            "form": form,
            "candidates": candidates,
            "error": error,
            "register_uuid": uuid.uuid4(),
        },
        status=422 if error else 200,
    )


@require_http_methods(["GET", "POST"])
def session_quick_add(request, session_id: int):
    session = access.session_for_user(request.user, session_id, need=Access.EDIT)
    form = forms.QuickAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        person_data = {
            "given_name": d["given_name"],
            "family_name": d["family_name"],
            "date_of_birth": d["date_of_birth"],
            "kind": d["kind"],
        }
        try:
            registration = services.family_register(
                actor=request.user,
                hub=access.hub_for_user(request.user),
                address={"line1": d["line1"], "postcode": d["postcode"]},
                adults=[person_data] if d["kind"] == PersonKind.ADULT else [],
                children=[person_data] if d["kind"] == PersonKind.CHILD else [],
                consent_given_by=d["consent_given_by"],
            )
            person = registration.household.memberships.get().person
            services.register_submit(
                actor=request.user,
                session=session,
                register_uuid=uuid.uuid4(),
                attended=[],
                walk_ins=[person.pk],
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(
                request, f"{person.display_name} has been registered and marked as here"
            )
            return redirect("hubs:register", session_id=session.pk)
    return render(
        request,
        "hubs/form.html",
        {
            "form": form,
            "title": "Quick add a walk-in",
            "button": "Register and mark as here",
            "caption": _session_caption(session),
            "back": reverse("hubs:register", args=[session.pk]),
        },
    )


@require_http_methods(["GET", "POST"])
def session_cancel(request, session_id: int):
    session = access.session_for_user(request.user, session_id, need=Access.EDIT)
    form = forms.CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_cancel(
                actor=request.user, session=session, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, "The session has been cancelled")
            return redirect(reverse("hubs:timetable") + f"?week={session.starts_at:%Y-%m-%d}")
    return render(
        request,
        "hubs/form.html",
        {
            "form": form,
            "title": "Cancel a session",
            "button": "Cancel the session",
            "caption": _session_caption(session),
            "back": reverse("hubs:register", args=[session.pk]),
        },
    )


@require_http_methods(["GET"])
def engagement(request, household_id: int):
    household, attendances, events, registrations = selectors.engagement_history(
        request.user, household_id
    )
    return render(
        request,
        "hubs/engagement.html",
        {
            "household": household,
            "attendances": attendances,
            "events": events,
            "registrations": registrations,
        },
    )


# --- Registration, reach, outreach -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def family_register(request):
    hub = access.hub_for_user(request.user, need=Access.EDIT)
    form = forms.FamilyRegistrationForm(request.POST or None)
    matches = None
    if request.method == "POST" and form.is_valid():
        adults, children = form.people()
        if not request.POST.get("confirm_new"):
            # The same duplicate check as adding a person: a family who walk in may already
            # be known (Amy and Harper Pryce, where Amy and Harper Price live).
            try:
                matches = linkage_selectors.family_matches(
                    request.user, [*adults, *children], address=form.address()
                )
            except RateLimited as exc:
                form.add_error(None, str(exc))
    if request.method == "POST" and form.is_valid() and matches is None and not form.errors:
        try:
            registration = services.family_register(
                actor=request.user,
                hub=hub,
                address=form.address(),
                adults=adults,
                children=children,
                consent_given_by=form.cleaned_data["consent_given_by"],
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, "The family has been registered with the hub")
            return redirect("people:household", household_id=registration.household_id)
    return render(
        request,
        "hubs/form.html",
        {
            "form": form,
            "title": "Register a family",
            "button": "Register the family",
            "caption": hub.name,
            "back": reverse("hubs:timetable"),
            "intro": "For families who come to the hub for universal services: "
            "no concern is needed.",
            "matches": matches,
        },
    )


@require_http_methods(["GET", "POST"])
def household_register(request, household_id: int):
    hub = access.hub_for_user(request.user)
    household = household_for_user(request.user, household_id)
    hub = access.hub_for_user(request.user, need=Access.EDIT)
    form = forms.HouseholdRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.household_register(
                actor=request.user,
                hub=hub,
                household=household,
                consent_given_by=form.cleaned_data["consent_given_by"],
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, f"Household {household.reference} is registered with the hub")
            return redirect("people:household", household_id=household.pk)
    return render(
        request,
        "hubs/form.html",
        {
            "form": form,
            "title": f"Register household {household.reference} with the hub",
            "button": "Register",
            "caption": hub.name,
            "back": reverse("people:household", args=[household.pk]),
        },
    )


@require_http_methods(["GET"])
def reach(request):
    hub = access.reach_hub_for_user(request.user, request.GET.get("hub"))
    dates, rows = selectors.reach(request.user, hub)
    area_wide = (
        perms.is_analyst(request.user)
        or perms.sees_whole_area(request.user)
        or (perms.is_manager(request.user))
    )
    from continuum.directory.models import Agency, AgencyKind

    hubs = (
        Agency.objects.filter(kind=AgencyKind.FAMILY_HUB, catchment__isnull=False)
        if area_wide
        else []
    )
    return render(
        request,
        "hubs/reach.html",
        {
            "hub": hub,
            "dates": dates,
            "rows": rows,
            "hubs": hubs,
            "nav": "reach",
        },
    )


@require_http_methods(["GET", "POST"])
def outreach(request):
    hub = access.hub_for_user(request.user)
    if request.method == "POST":
        hub = access.hub_for_user(request.user, need=Access.EDIT)
        added = services.outreach_refresh(actor=request.user, hub=hub)
        messages.success(request, f"{added} new {'family' if added == 1 else 'families'} added")
        return redirect("hubs:outreach")
    status = request.GET.get("status", "")
    status = status if status in OutreachStatus.values else ""
    return render(
        request,
        "hubs/outreach.html",
        {
            "hub": hub,
            "entries": selectors.outreach_list(request.user, hub, status),
            "statuses": OutreachStatus.choices,
            "status": status,
            "can_edit": _can_edit_hub(request.user),
            "nav": "outreach",
        },
    )


@require_http_methods(["GET", "POST"])
def outreach_entry(request, entry_id: int):
    entry = access.outreach_entry_for_user(
        request.user, entry_id, need=Access.EDIT if request.method == "POST" else Access.READ
    )
    form = forms.ContactAttemptForm(
        request.POST or None, initial={"attempted_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        when = (
            timezone.now()
            if d["attempted_on"] == timezone.localdate()
            else dt.datetime.combine(
                d["attempted_on"], dt.time(12), tzinfo=timezone.get_current_timezone()
            )
        )
        try:
            services.contact_attempt_record(
                actor=request.user,
                entry=entry,
                attempted_at=when,
                method=d["method"],
                result=d["result"],
                notes=d["notes"],
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, "The contact has been recorded")
            return redirect("hubs:outreach_entry", entry_id=entry.pk)
    return render(
        request,
        "hubs/outreach_entry.html",
        {
            "entry": entry,
            "form": form,
            "attempts": entry.attempts.select_related("attempted_by"),
            "can_edit": _can_edit_hub(request.user),
        },
    )


# --- Volunteers --------------------------------------------------------------------------------


@require_http_methods(["GET"])
def volunteering(request):
    """A volunteer's own matched families; a co-ordinator's scheme."""
    user = request.user
    if perms.is_volunteer(user):
        return render(
            request,
            "hubs/volunteer_home.html",
            {"matches": selectors.matches_for_volunteer(user), "nav": "volunteering"},
        )
    if not access.is_coordinator(user):
        raise Http404("Not found")
    volunteers = User.objects.filter(
        agency_id=user.agency_id, role="volunteer", is_active=True
    ).select_related("volunteer_profile")
    return render(
        request,
        "hubs/scheme.html",
        {
            "matches": selectors.matches_for_scheme(user),
            "volunteers": volunteers,
            "nav": "volunteering",
        },
    )


@require_http_methods(["GET", "POST"])
def match_start(request, household_id: int):
    household = household_for_user(request.user, household_id)
    if not access.is_coordinator(request.user):
        raise PermissionDenied("Only a volunteer scheme co-ordinator can refer a family")
    form = forms.MatchStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        match = services.match_start(
            actor=request.user,
            household=household,
            needs=form.cleaned_data["needs"],
            preferred_days=form.cleaned_data["preferred_days"],
        )
        messages.success(request, "The family has joined the volunteer scheme")
        return redirect("hubs:match", match_id=match.pk)
    return render(
        request,
        "hubs/form.html",
        {
            "form": form,
            "title": f"Offer household {household.reference} a volunteer",
            "button": "Start engagement",
            "back": reverse("people:household", args=[household.pk]),
        },
    )


@require_http_methods(["GET", "POST"])
def match_detail(request, match_id: int):
    """The family's volunteer support: diaries; for the co-ordinator, matching and stages."""
    match = access.match_for_user(request.user, match_id)
    coordinator = not perms.is_volunteer(request.user) and access.is_coordinator(request.user)
    suggestions = selectors.match_suggestions(match) if coordinator else []
    assign_form = forms.AssignForm(suggestions=suggestions)
    move_form = forms.MoveForm()
    diary_form = forms.DiaryForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "diary":
            diary_form = forms.DiaryForm(request.POST)
            if match.volunteer_id != request.user.pk:
                raise PermissionDenied("Only the matched volunteer writes visit diaries")
            if diary_form.is_valid():
                try:
                    services.diary_write(actor=request.user, match=match, **diary_form.cleaned_data)
                except ValidationError as exc:
                    _apply_service_errors(diary_form, exc)
                else:
                    messages.success(request, "Your visit diary has been saved")
                    return redirect("hubs:match", match_id=match.pk)
        else:
            match = access.match_for_user(request.user, match_id, need=Access.EDIT)
            try:
                if action == "assign":
                    assign_form = forms.AssignForm(request.POST, suggestions=suggestions)
                    if assign_form.is_valid():
                        volunteer = User.objects.get(pk=assign_form.cleaned_data["volunteer"])
                        services.match_assign_volunteer(
                            actor=request.user, match=match, volunteer=volunteer
                        )
                        messages.success(request, f"{volunteer.get_full_name()} is matched")
                        return redirect("hubs:match", match_id=match.pk)
                elif action == "move":
                    move_form = forms.MoveForm(request.POST)
                    if move_form.is_valid():
                        services.match_move(
                            actor=request.user, match=match, to=move_form.cleaned_data["to"]
                        )
                        messages.success(request, "The stage has been updated")
                        return redirect("hubs:match", match_id=match.pk)
                elif action == "review":
                    diary = VisitDiary.objects.get(
                        pk=int(request.POST.get("diary", 0)), match=match
                    )
                    services.diary_review(
                        actor=request.user,
                        diary=diary,
                        comment=request.POST.get("comment", "")[:300],
                    )
                    messages.success(request, "The diary has been marked as reviewed")
                    return redirect("hubs:match", match_id=match.pk)
            except (ValidationError, VisitDiary.DoesNotExist) as exc:
                target = move_form if action == "move" else assign_form
                target.add_error(None, getattr(exc, "messages", ["No such diary"])[0])
    return render(
        request,
        "hubs/match.html",
        {
            "match": match,
            "coordinator": coordinator,
            "suggestions": suggestions,
            "assign_form": assign_form,
            "move_form": move_form,
            "diary_form": diary_form,
            "diaries": match.diaries.select_related("reviewed_by"),
            "transitions": match.transitions.select_related("by").order_by("at"),
            "stages": [
                MatchStage.ENGAGEMENT,
                MatchStage.MATCHING,
                MatchStage.SUPPORT,
                MatchStage.ENDING,
            ],
            "is_volunteer": match.volunteer_id == request.user.pk,
        },
    )


@require_http_methods(["GET", "POST"])
def volunteer_profile(request, user_id: int):
    """A co-ordinator records a volunteer's skills, languages, availability and checks."""
    if not access.is_coordinator(request.user):
        raise Http404("Not found")
    try:
        volunteer = User.objects.get(
            pk=int(user_id), agency_id=request.user.agency_id, role="volunteer"
        )
    except (User.DoesNotExist, ValueError):
        raise Http404("Not found") from None
    profile = getattr(volunteer, "volunteer_profile", None)
    initial = {}
    if profile:
        initial = {
            "skills": ", ".join(profile.skills),
            "languages": ", ".join(profile.languages),
            "availability": profile.availability,
            "postcode_sector": profile.postcode_sector,
            "dbs_checked_on": profile.dbs_checked_on,
            "training_completed_on": profile.training_completed_on,
        }
    form = forms.VolunteerProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.volunteer_profile_save(
                actor=request.user,
                volunteer=volunteer,
                skills=form.split(d["skills"]),
                languages=form.split(d["languages"]),
                availability=d["availability"],
                postcode_sector=d["postcode_sector"],
                dbs_checked_on=d["dbs_checked_on"],
                training_completed_on=d["training_completed_on"],
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, f"{volunteer.get_full_name()}'s details have been saved")
            return redirect("hubs:volunteering")
    return render(
        request,
        "hubs/form.html",
        {
            "form": form,
            "title": f"{volunteer.get_full_name()}: skills and checks",
            "button": "Save",
            "back": reverse("hubs:volunteering"),
        },
    )


# --- Risk factors agencies have recorded --------------------------------------------------------


def _can_record_flags(user, household_id) -> bool:
    try:
        access.risk_flags_household_for_user(user, household_id, need=Access.EDIT)
    except (PermissionDenied, Http404):
        return False
    return True


@require_http_methods(["GET"])
def risk_flags(request, household_id: int):
    household = access.risk_flags_household_for_user(request.user, household_id)
    _members, flags = selectors.household_risk_flags(request.user, household)
    return render(
        request,
        "hubs/risk_flags.html",
        {
            "household": household,
            "flags": flags,
            "can_record": _can_record_flags(request.user, household.pk),
        },
    )


@require_http_methods(["GET", "POST"])
def risk_flag_add(request, household_id: int):
    household = access.risk_flags_household_for_user(request.user, household_id, need=Access.EDIT)
    members, _flags = selectors.household_risk_flags(request.user, household)
    form = forms.RiskFlagForm(request.POST or None, people=members)
    if request.method == "POST" and form.is_valid():
        person = next(p for p in members if p.pk == form.cleaned_data["person"])
        try:
            flag = services.risk_flag_record(
                actor=request.user, person=person, kind=form.cleaned_data["kind"]
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{flag.get_kind_display()} has been recorded for {person.display_name}",
            )
            return redirect("hubs:risk_flags", household_id=household.pk)
    return render(
        request,
        "hubs/form.html",
        {
            "form": form,
            "title": "Record a risk factor your agency knows about",
            "caption": f"Household {household.reference}",
            "intro": "It counts in the family hubs' reach for families with this risk factor, "
            "flags the family for priority contact, and goes on the family's chronology.",
            "button": "Record risk factor",
            "back": reverse("hubs:risk_flags", args=[household.pk]),
        },
    )


@require_http_methods(["GET", "POST"])
def risk_flag_withdraw(request, flag_id: int):
    flag = access.risk_flag_for_user(request.user, flag_id)
    form = forms.RiskFlagWithdrawForm(request.POST or None)
    household_id = request.GET.get("household")
    back = (
        reverse("hubs:risk_flags", args=[household_id])
        if str(household_id or "").isdigit()
        else reverse("people:detail", args=[flag.person_id])
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_flag_withdraw(
                actor=request.user, flag=flag, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, f"{flag.get_kind_display()} has been withdrawn")
            return redirect(back)
    return render(
        request,
        "hubs/form.html",
        {
            "form": form,
            "title": f"Withdraw {flag.get_kind_display().lower()}",
            "caption": flag.person.display_name,
            "intro": f"Recorded by {flag.recorded_by_agency.name} on "
            f"{timezone.localtime(flag.recorded_at):%-d %B %Y}. It will stop counting from now; "
            "the family's chronology keeps both entries.",
            "button": "Withdraw",
            "back": back,
        },
    )
