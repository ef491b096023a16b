"""Directory pages: search by need and place, a service, signposting, ORUK export and import."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.directory.models import Role
from continuum.governance.access import Access, household_for_user
from continuum.servicedirectory import oruk, selectors, services
from continuum.servicedirectory.forms import ImportForm, SearchForm, SignpostForm
from continuum.servicedirectory.models import Service, Signpost

EDITORS = {Role.ADMINISTRATOR, Role.TEAM_MANAGER}


def _service(service_id: int) -> Service:
    try:
        return (
            Service.objects.select_related("organisation")
            .prefetch_related("needs")
            .get(pk=int(service_id))
        )
    except (Service.DoesNotExist, ValueError, TypeError):
        raise Http404("No service found") from None


def _search(request, *, public: bool):
    form = SearchForm(request.GET or None)
    hits = None
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        hits = selectors.search(
            need=d["need"], text=d["text"], postcode=d["postcode"], access=d["access"], age=d["age"]
        )
    elif not form.is_bound:
        hits = selectors.search()
    return render(
        request,
        "servicedirectory/search.html",
        {
            "form": form,
            "hits": hits,
            "nav": "directory",
            "public": public,
            "can_import": getattr(request.user, "role", None) in EDITORS,
        },
    )


@require_http_methods(["GET"])
def search(request):
    return _search(request, public=False)


@require_http_methods(["GET"])
def detail(request, service_id: int):
    return render(request, "servicedirectory/detail.html", {"service": _service(service_id)})


# Families find services too: the directory holds no personal data, so these two pages are
# public (no sign-in), and offer nothing but the services.


@login_not_required
@require_http_methods(["GET"])
def public_search(request):
    return _search(request, public=True)


@login_not_required
@require_http_methods(["GET"])
def public_detail(request, service_id: int):
    return render(
        request, "servicedirectory/detail.html", {"service": _service(service_id), "public": True}
    )


@require_http_methods(["GET", "POST"])
def signpost(request, household_id: int):
    household = household_for_user(request.user, household_id, need=Access.EDIT)
    initial = {"postcode": household.address.postcode if household.address_id else ""}
    form = SearchForm(request.GET or None, initial=initial)
    if request.method == "POST":
        post = SignpostForm(request.POST)
        if post.is_valid():
            service = _service(post.cleaned_data["service"])
            services.signpost_record(
                actor=request.user,
                household=household,
                service=service,
                notes=post.cleaned_data["notes"],
            )
            messages.success(request, f"The family has been signposted to {service.name}")
            return redirect("servicedirectory:signpost", household_id=household.pk)
    hits = None
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        hits = selectors.search(
            need=d["need"], text=d["text"], postcode=d["postcode"], access=d["access"], age=d["age"]
        )
    previous = (
        Signpost.objects.filter(household=household)
        .select_related("service", "recorded_by", "agency")
        .order_by("-recorded_at")
    )
    return render(
        request,
        "servicedirectory/signpost.html",
        {
            "household": household,
            "form": form,
            "hits": hits,
            "previous": previous,
        },
    )


@require_http_methods(["GET"])
def export(request):
    """The whole active directory as an Open Referral UK (HSDS 3.0 UK profile) service list."""
    qs = Service.objects.select_related("organisation").prefetch_related("needs").order_by("name")
    document = oruk.export(qs)
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="directory_export",
        details={"services": document["total_items"]},
    )
    response = JsonResponse(document, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="services-oruk.json"'
    return response


@require_http_methods(["GET", "POST"])
def import_view(request):
    if request.user.role not in EDITORS:
        raise PermissionDenied("Only administrators and team managers can import services")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = json.load(form.cleaned_data["file"])
            if not isinstance(document, dict):
                raise ValidationError("The file is not an Open Referral UK service list")
            created, updated = services.oruk_import(actor=request.user, document=document)
        except (json.JSONDecodeError, UnicodeDecodeError):
            form.add_error("file", "The file must be JSON in the Open Referral UK format")
        except ValidationError as exc:
            form.add_error("file", exc.messages[0])
        else:
            messages.success(request, f"{created} services added and {updated} updated")
            return redirect("servicedirectory:search")
    return render(request, "servicedirectory/import.html", {"form": form})
