"""Referral pages: gatekeeper → bound form → service → redirect."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.core import csvsafe
from continuum.core.forms import apply_service_errors as _apply_service_errors
from continuum.governance.access import person_for_user
from continuum.people.selectors import person_record
from continuum.referrals import access, selectors, services
from continuum.referrals.errors import AlreadyDecided
from continuum.referrals.forms import (
    AnswerForm,
    DecisionForm,
    InformationRequestForm,
    NoteForm,
    ReasonForm,
    ReceiveForm,
    ReceivingTeamForm,
    ReferralForm,
    RegisterFilterForm,
)
from continuum.referrals.models import Destination, Status

# --- the referrer ---


@require_http_methods(["GET"])
def my_referrals(request):
    referrals = list(selectors.referrals_sent(request.user)[:200])
    selectors.audit_list(request.user, "referrals.sent", referrals)
    return render(
        request,
        "referrals/my_referrals.html",
        {
            "referrals": referrals,
            "nav": "referrals",
        },
    )


def _save_referral(request, form, *, child=None, referral=None, episode=None):
    """Save the draft, then submit it if the user pressed Submit. Returns a redirect or None.

    A new referral sent with answers missing is refused without saving anything, so reloading
    the page (the browser sends the form again) cannot make another draft."""
    if referral is None and "submit" in request.POST:
        missing = services.missing_for_new(
            actor=request.user, child=child, data=form.draft_data(), episode=episode
        )
        if missing:
            _apply_service_errors(form, ValidationError(missing))
            form.add_error(
                None,
                "Nothing has been sent or saved yet. Complete the missing answers to send the "
                "referral, or save it as a draft.",
            )
            return None, None
    try:
        if referral is None:
            referral = services.referral_create(
                actor=request.user, child=child, data=form.draft_data(), episode=episode
            )
        else:
            referral = services.referral_update_draft(
                actor=request.user, referral=referral, data=form.draft_data()
            )
    except ValidationError as exc:
        _apply_service_errors(form, exc)
        return None, referral
    if "submit" in request.POST:
        try:
            services.referral_submit(actor=request.user, referral=referral)
        except ValidationError as exc:
            _apply_service_errors(form, exc)
            form.add_error(
                None, "Your draft has been saved. Complete the missing answers to submit it."
            )
            return None, referral
        messages.success(request, f"Referral {referral.reference} has been sent")
        return redirect("referrals:detail", referral_id=referral.pk), referral
    messages.success(request, "Your draft has been saved")
    return redirect("referrals:edit", referral_id=referral.pk), referral


@require_http_methods(["GET", "POST"])
def referral_new(request, person_id: int):
    child = person_for_user(request.user, person_id)  # 404 if they may not see the child
    if not access.can_act_on_contact(request.user):
        raise PermissionDenied("Your role cannot make referrals")
    record = person_record(request.user, child.pk, reason="Making a referral")
    initial = {
        "source": services.SOURCE_FOR_AGENCY.get(request.user.agency.kind, ""),
        "destination": Destination.FRONT_DOOR,
        "urgency": "routine",
    }
    # Step-up from casework: pre-filled from an episode the user may see (else a plain form).
    step_up = None
    if request.GET.get("from_episode"):
        step_up = selectors.episode_step_up(request.user, request.GET["from_episode"], child)
    if step_up is not None:
        initial.update(step_up.initial)
    episode = step_up.episode if step_up else None
    draft = selectors.own_draft_for(request.user, child, episode=episode)
    if draft is not None and request.method == "GET":
        # carry on with the draft already started for this child, not a second one
        messages.info(request, f"You have a draft referral {draft.reference} for this child")
        return redirect("referrals:edit", referral_id=draft.pk)
    form = ReferralForm(request.POST or None, initial=initial, levels=selectors.current_levels())
    if request.method == "POST" and form.is_valid():
        # a form sent again after a draft was made (another tab) updates that draft
        response, referral = _save_referral(
            request, form, child=child, referral=draft, episode=episode
        )
        if response:
            return response
        if referral is not None:
            return render(
                request,
                "referrals/referral_form.html",
                {
                    "form": form,
                    "record": person_record(request.user, child.pk),
                    "referral": referral,
                    "episode": referral.episode,
                    "levels": selectors.current_levels(),
                    "nav": "referrals",
                },
                status=200,
            )
    return render(
        request,
        "referrals/referral_form.html",
        {
            "form": form,
            "record": record,
            "episode": episode,
            "levels": selectors.current_levels(),
            "nav": "referrals",
        },
    )


@require_http_methods(["GET", "POST"])
def referral_edit(request, referral_id: int):
    view = selectors.referral_for_referrer(request.user, referral_id)
    referral = view.referral
    if referral.status != Status.DRAFT:
        return redirect("referrals:detail", referral_id=referral.pk)
    if referral.referrer_id != request.user.pk:
        raise PermissionDenied("Only the person who wrote this draft can change it")
    form = ReferralForm(request.POST or None, instance=referral, levels=selectors.current_levels())
    if request.method == "POST" and form.is_valid():
        response, _ = _save_referral(request, form, referral=referral)
        if response:
            return response
    return render(
        request,
        "referrals/referral_form.html",
        {
            "form": form,
            "record": person_record(request.user, referral.child_id),
            "referral": referral,
            "episode": referral.episode,
            "levels": selectors.current_levels(),
            "nav": "referrals",
        },
    )


@require_http_methods(["GET"])
def referral_detail(request, referral_id: int):
    view = selectors.referral_for_referrer(request.user, referral_id)
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "view": view,
            "referral": view.referral,
            "withdraw_form": ReasonForm(),
            "nav": "referrals",
        },
    )


@require_POST
def referral_withdraw(request, referral_id: int):
    view = selectors.referral_for_referrer(request.user, referral_id)
    if view.referral.referrer_id != request.user.pk:
        raise PermissionDenied("Only the referrer can withdraw this referral")
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.referral_withdraw(
                actor=request.user, referral=view.referral, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, "The referral has been withdrawn")
            return redirect("referrals:detail", referral_id=view.referral.pk)
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "view": view,
            "referral": view.referral,
            "withdraw_form": form,
            "nav": "referrals",
        },
        status=400,
    )


# --- the receiving team ---


@require_http_methods(["GET"])
def queue(request):
    if not access.can_act_on_contact(request.user):
        raise Http404("Not found")
    rag = request.GET.get("rag", "")
    rows, page, counts, overdue = selectors.front_door_queue(
        request.user, page=request.GET.get("page") or 1, rag=rag
    )
    return render(
        request,
        "referrals/queue.html",
        {
            "rows": rows,
            "page": page,
            "counts": counts,
            "unrated": counts.get("", 0),
            "overdue": overdue,
            "rag": rag,
            "now": timezone.now(),
            "front_door": access.works_at_front_door(request.user),
            "nav": "front_door",
        },
    )


def _contact_page(request, referral_id, *, status=200, **forms):
    record = selectors.contact_record(request.user, referral_id)
    levels = selectors.current_levels()
    context = {
        "record": record,
        "referral": record.referral,
        "levels": levels,
        "now": timezone.now(),
        "receive_form": forms.get("receive_form") or ReceiveForm(),
        "note_form": forms.get("note_form") or NoteForm(),
        "nav": "front_door",
    }
    return render(request, "referrals/contact.html", context, status=status)


@require_http_methods(["GET"])
def contact(request, referral_id: int):
    return _contact_page(request, referral_id)


def _contact_for_action(request, referral_id):
    referral = access.contact_for_user(request.user, referral_id)
    if not access.can_act_on_contact(request.user):
        raise PermissionDenied("You can see this contact but cannot act on it")
    return referral


@require_POST
def contact_receive(request, referral_id: int):
    referral = _contact_for_action(request, referral_id)
    form = ReceiveForm(request.POST)
    if form.is_valid():
        try:
            services.referral_receive(
                actor=request.user,
                referral=referral,
                rag=form.cleaned_data["rag"],
                confirm_low_rating=form.cleaned_data["confirm_low_rating"],
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, "You have acknowledged this contact")
            return redirect("referrals:contact", referral_id=referral.pk)
    return _contact_page(request, referral_id, receive_form=form, status=400)


@require_POST
def contact_note(request, referral_id: int):
    referral = _contact_for_action(request, referral_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.contact_add_note(
            actor=request.user, referral=referral, text=form.cleaned_data["text"]
        )
        messages.success(request, "Your note has been added")
        return redirect("referrals:contact", referral_id=referral.pk)
    return _contact_page(request, referral_id, note_form=form, status=400)


@require_http_methods(["GET", "POST"])
def contact_request_information(request, referral_id: int):
    referral = _contact_for_action(request, referral_id)
    form = InformationRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_request_information(
                actor=request.user,
                referral=referral,
                to_agency=form.cleaned_data["to_agency"],
                question=form.cleaned_data["question"],
                due_at=form.due_at(),
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(
                request, f"Your request has been sent to {form.cleaned_data['to_agency'].name}"
            )
            return redirect("referrals:contact", referral_id=referral.pk)
    return render(
        request,
        "referrals/request_form.html",
        {
            "form": form,
            "referral": referral,
            "nav": "front_door",
        },
    )


@require_http_methods(["GET", "POST"])
def contact_decide(request, referral_id: int):
    referral = _contact_for_action(request, referral_id)
    levels = selectors.current_levels()
    form = DecisionForm(request.POST or None, referral=referral, levels=levels)
    already = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.referral_decide(
                actor=request.user,
                referral=referral,
                outcome=data["outcome"],
                level=data.get("level"),
                rationale=data["rationale"],
                signposting=data.get("signposting", ""),
                onward_agency=data.get("onward_agency"),
                lead_professional=data.get("lead_professional"),
                service=data.get("service", ""),
            )
        except AlreadyDecided as exc:
            already = exc.referral
            form.add_error(None, exc.messages[0])
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, "The decision has been recorded and sent to the referrer")
            return redirect("referrals:contact", referral_id=referral.pk)
    return render(
        request,
        "referrals/decide.html",
        {
            "form": form,
            "referral": referral,
            "levels": levels,
            "already": already,
            "nav": "front_door",
        },
        status=409 if already else 200,
    )


@require_POST
def contact_close(request, referral_id: int):
    referral = _contact_for_action(request, referral_id)
    try:
        services.referral_close(actor=request.user, referral=referral)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "The contact has been closed")
    return redirect("referrals:contact", referral_id=referral.pk)


@require_http_methods(["GET", "POST"])
def contact_step_up(request, referral_id: int):
    referral = _contact_for_action(request, referral_id)
    if referral.destination != Destination.EARLY_HELP_PANEL:
        raise Http404("Only early help can be stepped up")
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_step_up(
                actor=request.user, referral=referral, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(
                request, "The child has been stepped up to the front door, with their history"
            )
            return redirect("referrals:contact", referral_id=referral.pk)
    return render(
        request, "referrals/step_up.html", {"form": form, "referral": referral, "nav": "front_door"}
    )


# --- information requests ---


@require_http_methods(["GET"])
def requests_list(request):
    requests = list(selectors.information_requests_for(request.user)[:200])
    selectors.audit_list(request.user, "referrals.requests", [], requests=requests)
    return render(
        request,
        "referrals/requests.html",
        {
            "requests": requests,
            "now": timezone.now(),
            "nav": "requests",
        },
    )


@require_http_methods(["GET", "POST"])
def request_detail(request, request_id: int):
    info = selectors.information_request_for(request.user, request_id)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.information_request_answer(
                actor=request.user, request=info, answer=form.cleaned_data["answer"]
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, "Your answer has been sent to the front door")
            return redirect("referrals:request", request_id=info.pk)
    return render(
        request,
        "referrals/request_detail.html",
        {
            "info": info,
            "form": form,
            "now": timezone.now(),
            "nav": "requests",
        },
    )


@require_POST
def request_acknowledge(request, request_id: int):
    info = access.information_request_for_user(request.user, request_id)
    services.information_request_acknowledge(actor=request.user, request=info)
    if request.POST.get("next") == "home":  # acknowledged from the home page: back to it
        messages.success(
            request, f"You have acknowledged the request about {info.referral.child.display_name}"
        )
        return redirect("home")
    messages.success(request, "You have acknowledged this request")
    return redirect("referrals:request", request_id=info.pk)


# --- receipts, inbox, register ---


@require_http_methods(["GET"])
def awaiting_acknowledgement(request):
    return render(
        request,
        "referrals/awaiting.html",
        {
            "awaiting": selectors.awaiting_acknowledgement(request.user),
            "now": timezone.now(),
            "nav": "awaiting",
        },
    )


@require_http_methods(["GET"])
def inbox(request):
    sections = selectors.inbox_sections(request.user)
    return render(
        request,
        "referrals/inbox.html",
        {
            "sections": sections,
            "nav": "inbox",
            "may_set_receiving_team": access.can_set_receiving_team(request.user),
        },
    )


@require_POST
def inbox_read(request, notification_id: int):
    note = selectors.notification_for(request.user, notification_id)
    if note.url.startswith("/") and not selectors.notification_opens_for(request.user, note):
        # not theirs to open: left unread for the colleagues who can act on it
        messages.error(
            request,
            "You cannot open this item: it is about a record your role does not give you access "
            "to. It stays unread for the colleagues who can act on it.",
        )
        return redirect("referrals:inbox")
    services.notification_mark_read(actor=request.user, notification=note)
    if note.url.startswith("/"):
        return redirect(note.url)
    return redirect("referrals:inbox")


@require_http_methods(["GET"])
def thresholds(request):
    return render(request, "referrals/thresholds.html", {"levels": selectors.current_levels()})


def _register_qs(request):
    if not access.can_see_register(request.user):
        raise Http404("Not found")
    form = RegisterFilterForm(request.GET or None)
    date_from = date_to = None
    if request.GET and form.is_valid():
        date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    return form, selectors.register(request.user, date_from=date_from, date_to=date_to)


@require_http_methods(["GET"])
def register(request):
    form, reg = _register_qs(request)
    report = selectors.register_report(reg)
    rows = list(selectors.register_rows(reg)[:100])
    selectors.audit_list(request.user, "referrals.register", rows)
    return render(
        request,
        "referrals/register.html",
        {
            "form": form,
            "report": report,
            "rows": rows,
            "query": request.GET.urlencode(),
            "nav": "register",
        },
    )


CSV_COLUMNS = [
    "reference",
    "submitted_at",
    "source",
    "referrer_agency",
    "destination",
    "destination_agency",
    "urgency",
    "referrer_level",
    "status",
    "rag",
    "received_at",
    "decision_due_at",
    "decided_at",
    "decided_on_time",
    "outcome",
    "level_of_need",
    "framework_version",
    "onward_agency",
    "re_referral_within_12_months",
    "withdrawn_reason",
]


def _iso(value) -> str:
    return value.isoformat() if value else ""


def _csv_row(r: dict) -> list:
    decided, due = r["decided_at"], r["decision_due_at"]
    return [
        r["reference"],
        _iso(r["submitted_at"]),
        r["source"],
        r["referrer_agency_name"],
        r["destination"],
        r["destination_agency_name"] or "",
        r["urgency"],
        r["referrer_level"] or "",
        r["status"],
        r["rag"],
        _iso(r["received_at"]),
        _iso(due),
        _iso(decided),
        "" if not (decided and due) else ("yes" if decided <= due else "no"),
        r["outcome"],
        r["level_number"] or "",
        r["framework_id"] or "",
        r["onward_agency_name"] or "",
        "yes" if r["re_referral"] else "no",
        r["withdrawn_reason"],
    ]


@require_http_methods(["GET"])
def register_csv(request):
    _, reg = _register_qs(request)
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="referral_register",
        details={"rows": reg.referrals.count(), "query": request.GET.urlencode()[:200]},
    )

    def stream(chunk: int = 2000):
        # a chunk of rows per write: one write per row costs more than making the rows
        buffer = io.StringIO()
        writer = csvsafe.writer(buffer)  # every cell neutralised: names, reasons, agencies
        writer.writerow(CSV_COLUMNS)
        for n, r in enumerate(selectors.register_export(reg), start=1):
            writer.writerow(_csv_row(r))
            if n % chunk == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = StreamingHttpResponse(stream(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="referral-register.csv"'
    return response


@require_http_methods(["GET", "POST"])
def receiving_team(request):
    """The agency's administrator or a team manager chooses which team receives hand-overs."""
    if not access.can_set_receiving_team(request.user):
        raise Http404("Not found")
    teams = selectors.agency_teams(request.user.agency_id)
    current = selectors.receiving_team_of(request.user.agency_id)
    initial = {"team": str(current.pk) if current else ReceivingTeamForm.NONE}
    data = request.POST if request.method == "POST" else None
    form = ReceivingTeamForm(data, teams=teams, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.receiving_team_set(actor=request.user, team=form.chosen_team())
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            team = form.chosen_team()
            messages.success(
                request,
                f"{team.name} now receives hand-overs to {request.user.agency.name}"
                if team
                else f"Hand-overs to {request.user.agency.name} now go to the agency-wide inbox",
            )
            return redirect("referrals:receiving_team")
    return render(
        request,
        "referrals/receiving_team.html",
        {"form": form, "current": current},
        status=400 if form.errors else 200,
    )
