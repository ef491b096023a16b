"""The data protection officer's audit pages (404 for everyone else: see the selectors)."""

from __future__ import annotations

import io

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from continuum.audit import selectors
from continuum.audit.forms import TrailFilterForm
from continuum.core import csvsafe
from continuum.governance.access import require_dpo


def _filters(request, *, staff_filter: bool):
    agencies = selectors.agency_names()
    form = TrailFilterForm(request.GET or None, agencies=agencies, staff_filter=staff_filter)
    if not request.GET or not form.is_bound:
        return form, selectors.TrailFilters()
    return form, (form.filters() if form.is_valid() else None)


def _csv(rows, filename: str) -> StreamingHttpResponse:
    def stream(chunk: int = 2000):
        buffer = io.StringIO()
        writer = csvsafe.writer(buffer)  # no cell can run as a spreadsheet formula
        for n, row in enumerate(rows, start=1):
            writer.writerow(row)
            if n % chunk == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = StreamingHttpResponse(stream(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _limit(filters) -> int:
    """No events under filters that did not make sense (the errors say what to fix)."""
    return selectors.PAGE_SIZE if filters is not None else 0


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("format", None)
    return query.urlencode()


@require_GET
def person_log(request, person_id: int):
    require_dpo(request.user)
    form, filters = _filters(request, staff_filter=True)
    if filters is not None and request.GET.get("format") == "csv":
        rows = selectors.person_trail_export(request.user, person_id, filters)
        return _csv(rows, f"audit-person-{person_id}.csv")
    trail = selectors.person_trail(
        request.user, person_id, filters or selectors.TrailFilters(), limit=_limit(filters)
    )
    return render(
        request,
        "audit/person_log.html",
        {
            "log": trail,
            "person": trail.person,
            "form": form,
            "invalid": filters is None,
            "query": _query(request),
        },
    )


@require_GET
def staff_index(request):
    require_dpo(request.user)
    query = (request.GET.get("q") or "").strip()[:150]
    return render(
        request,
        "audit/staff_index.html",
        {"staff": selectors.staff_search(request.user, query), "q": query},
    )


@require_GET
def staff_log(request, user_id: int):
    require_dpo(request.user)
    form, filters = _filters(request, staff_filter=False)
    if filters is not None and request.GET.get("format") == "csv":
        rows = selectors.staff_trail_export(request.user, user_id, filters)
        return _csv(rows, f"audit-staff-{user_id}.csv")
    trail = selectors.staff_trail(
        request.user, user_id, filters or selectors.TrailFilters(), limit=_limit(filters)
    )
    return render(
        request,
        "audit/staff_log.html",
        {
            "log": trail,
            "staff": trail.staff,
            "form": form,
            "invalid": filters is None,
            "query": _query(request),
        },
    )
