"""Outcome pages: a family's journey, recording a reading, and the cohort report."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from continuum.core.forms import apply_service_errors as _apply_service_errors
from continuum.governance.access import Access, household_for_user
from continuum.outcomes import charts, selectors, services
from continuum.outcomes.access import report_scope_for
from continuum.outcomes.forms import CohortForm, reading_form_class


@require_http_methods(["GET"])
def journey(request, household_id: int):
    instrument = selectors.instrument_or_default(request.GET.get("instrument"))
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
            "can_record": editable,
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
        request, "outcomes/cohort.html", {"form": form, "report": report, "nav": "outcomes"}
    )
