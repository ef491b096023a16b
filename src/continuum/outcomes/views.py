"""Outcome pages: a family's journey, recording a reading, and the cohort report."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from continuum.core.forms import apply_service_errors as _apply_service_errors
from continuum.governance.access import Access, household_for_user
from continuum.outcomes import charts, selectors, services
from continuum.outcomes.access import (
    can_configure_instruments,
    report_scope_for,
    require_instrument_configurer,
)
from continuum.outcomes.forms import CohortForm, InstrumentForm, reading_form_class
from continuum.people.errors import ConflictError

CONFLICT_MESSAGE = (
    "Someone else changed this instrument while you were editing it. Their version is shown "
    "below; check it, then make your changes again."
)


@require_http_methods(["GET"])
def journey(request, household_id: int):
    instrument = selectors.instrument_or_default(request.GET.get("instrument"), offered_only=False)
    household, journey = selectors.family_journey(request.user, household_id, instrument)
    try:
        editable = bool(household_for_user(request.user, household.pk, need=Access.EDIT))
    except PermissionDenied:  # the viewer may read only
        editable = False
    return render(
        request,
        "outcomes/journey.html",
        {
            "household": household,
            "journey": journey,
            "radar": charts.radar(journey),
            "lines": charts.lines(journey),
            "instruments": selectors.instruments(),
            "can_record": editable and instrument.active,
        },
    )


@require_http_methods(["GET", "POST"])
def reading_add(request, household_id: int):
    household = household_for_user(request.user, household_id, need=Access.EDIT)
    instrument = selectors.instrument_or_default(request.GET.get("instrument"))
    form = reading_form_class(instrument)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reading_record(
                actor=request.user,
                household=household,
                instrument=instrument,
                stage=form.cleaned_data["stage"],
                taken_on=form.cleaned_data["taken_on"],
                scores=form.scores(),
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, f"The {instrument.name} reading has been recorded")
            url = redirect("outcomes:journey", household_id=household.pk).url
            return redirect(f"{url}?instrument={instrument.code}")
    return render(
        request,
        "outcomes/reading_form.html",
        {"form": form, "household": household, "instrument": instrument},
    )


@require_http_methods(["GET"])
def cohort(request):
    scope = report_scope_for(request.user)
    available = selectors.instruments()
    form = CohortForm(request.GET or None, instruments=available)
    report = None
    if not request.GET or form.is_valid():
        data = form.cleaned_data if request.GET else {}
        instrument = selectors.instrument_or_default(data.get("instrument"))
        report = selectors.cohort_report(
            user=request.user,
            scope=scope,
            instrument=instrument,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
    return render(
        request,
        "outcomes/cohort.html",
        {
            "form": form,
            "report": report,
            "nav": "outcomes",
            "can_configure": can_configure_instruments(request.user),
        },
    )


# --- Instrument configuration (analysts and administrators) ---------------------------------


@require_http_methods(["GET"])
def instrument_list(request):
    require_instrument_configurer(request.user)
    return render(
        request,
        "outcomes/instruments.html",
        {"instruments": selectors.instruments_for_configuration(), "nav": "outcomes"},
    )


def _configuration(form) -> dict:
    d = form.cleaned_data
    return {
        "name": d["name"],
        "description": d["description"],
        "licensed": d["licensed"],
        "licence_note": d["licence_note"],
        "scale_min": d["scale_min"],
        "scale_max": d["scale_max"],
        "stage_labels": d["stage_labels"],
        "areas": d["areas"],
    }


@require_http_methods(["GET", "POST"])
def instrument_add(request):
    require_instrument_configurer(request.user)
    form = InstrumentForm(request.POST or None, initial={"scale_min": 1, "scale_max": 10})
    if request.method == "POST" and form.is_valid():
        try:
            instrument = services.instrument_create(actor=request.user, **_configuration(form))
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, f"{instrument.name} has been added")
            return redirect("outcomes:instruments")
    return render(
        request,
        "outcomes/instrument_form.html",
        {"form": form, "title": "Add an outcome instrument", "button": "Add instrument"},
    )


@require_http_methods(["GET", "POST"])
def instrument_edit(request, instrument_id: int):
    require_instrument_configurer(request.user)
    instrument = selectors.instrument_for_configuration(instrument_id)
    form = InstrumentForm(
        request.POST or None, initial=InstrumentForm.initial_for(instrument), editing=True
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.instrument_update(
                actor=request.user,
                instrument=instrument,
                expected_version=form.cleaned_data["version"] or 0,
                active=form.cleaned_data["active"],
                **_configuration(form),
            )
        except ConflictError as exc:
            conflict = exc
            form.add_error(None, CONFLICT_MESSAGE)
            instrument.refresh_from_db()
            data = form.data.copy()
            data["version"] = str(instrument.version)
            form.data = data
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, f"{form.cleaned_data['name']} has been saved")
            return redirect("outcomes:instruments")
    return render(
        request,
        "outcomes/instrument_form.html",
        {
            "form": form,
            "instrument": instrument,
            "readings": instrument.reading_count,
            "conflict": conflict,
            "title": f"Change {instrument.name}",
            "button": "Save changes",
        },
        status=409 if conflict else 200,
    )
