"""Person and household pages: gatekeeper → form → service → redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from continuum.core.forms import apply_service_errors as _apply_service_errors
from continuum.core.ratelimit import RateLimited
from continuum.governance import rules as perms
from continuum.linkage import access as linkage_access
from continuum.linkage import selectors as linkage_selectors
from continuum.linkage.matching import record_from_fields
from continuum.people import selectors, services
from continuum.people.errors import ConflictError
from continuum.people.forms import (
    AddMemberForm,
    CorrectAddressForm,
    MoveForm,
    PersonForm,
    RelationshipForm,
    SearchForm,
)
from continuum.people.models import PersonKind
from continuum.people.panels import panels_for


def _possible_duplicates(user, fields: dict):
    """Existing people this new record may be, or None when there are none. RateLimited when
    the user has made too many of these checks (the record is then not saved either)."""
    found = linkage_selectors.possible_matches(user, record_from_fields(fields))
    return found if (found.visible or found.known_elsewhere) else None


@require_http_methods(["GET"])
def search(request):
    form = SearchForm(request.GET or None)
    hits = None
    if request.GET and form.is_valid():
        hits = selectors.person_search(
            request.user,
            selectors.SearchQuery(
                name=form.cleaned_data["name"],
                date_of_birth=form.cleaned_data["date_of_birth"],
                postcode=form.cleaned_data["postcode"],
            ),
        )
    return render(
        request,
        "people/search.html",
        {
            "form": form,
            "hits": hits,
            "nav": "search",
            "can_add": perms.can_create_people(request.user),
        },
    )


@require_http_methods(["GET"])
def person_detail(request, person_id: int):
    record = selectors.person_record(request.user, person_id)
    return render(
        request,
        "people/person_detail.html",
        {
            "record": record,
            "person": record.person,
            "agency_view": None
            if "agency_records" in record.hidden
            else linkage_selectors.agency_view(record.person),
            "merges": linkage_selectors.merges_for_person(record.person),
            "can_merge": linkage_access.can_merge(request.user) and record.can_edit,
            # Other apps' panels (casework's banner and quick actions): see people/panels.py.
            "panels": panels_for(request.user, record),
        },
    )


@require_http_methods(["GET", "POST"])
def person_add(request):
    if not perms.can_create_people(request.user):
        raise PermissionDenied("Your role cannot add people")
    form = PersonForm(request.POST or None, initial={"kind": PersonKind.CHILD})
    address_form = MoveForm(request.POST or None, prefix="address")
    address_form.fields["start_date"].required = False
    del address_form.fields["whole_household"]
    matches = limited = None
    if request.method == "POST" and form.is_valid() and address_form.is_valid():
        data = form.person_data()
        if not request.POST.get("confirm_new"):
            # Stop duplicates at the door: show who this may already be before saving.
            try:
                matches = _possible_duplicates(
                    request.user, {**data, **address_form.cleaned_data}
                )
            except RateLimited as exc:
                limited = exc
                form.add_error(None, str(exc))
        if matches is None and limited is None:
            try:
                with transaction.atomic():
                    address = services.address_build(
                        **{
                            k: address_form.cleaned_data[k]
                            for k in ("line1", "line2", "town", "postcode")
                        }
                    )
                    household = services.household_create(actor=request.user, address=address)
                    person = services.person_create(
                        actor=request.user,
                        data=data,
                        address=address,
                        household=household,
                        move_in_date=address_form.cleaned_data.get("start_date"),
                    )
            except ValidationError as exc:
                # the address's fields on the address form, the person's on the person form
                address_errors = getattr(exc, "error_dict", {}).keys() & address_form.fields.keys()
                if address_errors:
                    _apply_service_errors(address_form, exc)
                else:
                    _apply_service_errors(form, exc)
            else:
                messages.success(request, f"{person.display_name} has been added")
                return redirect("people:detail", person_id=person.pk)
    return render(
        request,
        "people/person_form.html",
        {
            "form": form,
            "address_form": address_form,
            "title": "Add a person",
            "nav": "search",
            "matches": matches,
        },
        status=429 if limited else 200,
    )


@require_http_methods(["GET", "POST"])
def person_edit(request, person_id: int):
    person = selectors.person_for_edit(request.user, person_id)
    initial = {f: getattr(person, f) for f in services.PERSON_FIELDS}
    initial["version"] = person.version
    form = PersonForm(request.POST or None, initial=initial, include_death=True)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                actor=request.user,
                person=person,
                expected_version=form.cleaned_data["version"] or 0,
                data=form.person_data(),
            )
        except ConflictError as exc:
            conflict = exc
            form.add_error(
                None,
                "Someone else changed this record while you were editing it. "
                "Check their changes below, then make yours again.",
            )
            person.refresh_from_db()
            data = form.data.copy()
            data["version"] = str(person.version)
            form.data = data
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, "The record has been updated")
            return redirect("people:detail", person_id=person.pk)
    return render(
        request,
        "people/person_edit.html",
        {
            "form": form,
            "person": person,
            "conflict": conflict,
        },
    )


@require_http_methods(["GET"])
def household_detail(request, household_id: int):
    record = selectors.household_record(request.user, household_id)
    return render(
        request, "people/household_detail.html", {"record": record, "household": record.household}
    )


@require_http_methods(["GET", "POST"])
def household_add_member(request, household_id: int):
    household = selectors.household_for_edit(request.user, household_id)
    parents = [
        m.person
        for m in household.memberships.filter(end_date__isnull=True).select_related("person")
        if m.person.kind == PersonKind.ADULT
    ]
    form = AddMemberForm(request.POST or None, parents=parents, initial={"kind": PersonKind.CHILD})
    matches = limited = None
    if request.method == "POST" and form.is_valid():
        data = form.person_data()
        start = data.pop("start_date", None)
        parent_id = data.pop("relationship_to", "")
        if not request.POST.get("confirm_new"):
            # A new baby may be the household's unborn record; a child may be known elsewhere.
            address = household.address
            try:
                matches = _possible_duplicates(
                    request.user,
                    {**data, "postcode": address.postcode if address else "",
                     "line1": address.line1 if address else ""},
                )  # fmt: skip
            except RateLimited as exc:
                limited = exc
                form.add_error(None, str(exc))
        if matches is None and limited is None:
            try:
                with transaction.atomic():
                    person = services.person_create(
                        actor=request.user,
                        data=data,
                        household=household,
                        move_in_date=start or data.get("date_of_birth") or timezone.localdate(),
                        reason="Added to a household",
                    )
                    if parent_id:
                        parent = next(p for p in parents if str(p.pk) == parent_id)
                        services.relationship_record(
                            actor=request.user,
                            from_person=parent,
                            to_person=person,
                            kind="parent",
                            lives_with=True,
                            parental_responsibility=True,
                        )
            except ValidationError as exc:
                _apply_service_errors(form, exc)
            else:
                messages.success(request, f"{person.display_name} has been added to the household")
                return redirect("people:household", household_id=household.pk)
    return render(
        request,
        "people/household_add_member.html",
        {"form": form, "household": household, "matches": matches},
        status=429 if limited else 200,
    )


@require_http_methods(["GET", "POST"])
def relationship_add(request, person_id: int):
    person = selectors.person_for_edit(request.user, person_id)
    candidates = selectors.relationship_candidates(request.user, person)
    form = RelationshipForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        other = next(p for p in candidates if str(p.pk) == form.cleaned_data["other_person"])
        try:
            services.relationship_record(
                actor=request.user,
                from_person=person,
                to_person=other,
                kind=form.cleaned_data["kind"],
                lives_with=form.cleaned_data["lives_with"],
                parental_responsibility=form.cleaned_data["parental_responsibility"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, "The relationship has been recorded")
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/relationship_form.html", {"form": form, "person": person})


@require_http_methods(["GET", "POST"])
def address_move(request, person_id: int):
    person = selectors.person_for_edit(request.user, person_id)
    form = MoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.person_move_with_household(
                actor=request.user,
                person=person,
                whole_household=data["whole_household"],
                line1=data["line1"],
                line2=data["line2"],
                town=data["town"],
                postcode=data["postcode"],
                start_date=data["start_date"],
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, "The new address has been recorded")
            return redirect("people:detail", person_id=person.pk)
    return render(
        request,
        "people/address_form.html",
        {"form": form, "person": person, "title": "Record a move"},
    )


@require_http_methods(["GET", "POST"])
def address_correct(request, person_id: int):
    person = selectors.person_for_edit(request.user, person_id)
    current = selectors.current_address(person)
    if current is None:
        return redirect("people:address_move", person_id=person.pk)
    initial = {f: getattr(current.address, f) for f in ("line1", "line2", "town", "postcode")}
    form = CorrectAddressForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.address_correct(
                actor=request.user,
                person=person,
                address=current.address,
                data=form.cleaned_data,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, "The address has been corrected")
            return redirect("people:detail", person_id=person.pk)
    return render(
        request,
        "people/address_form.html",
        {"form": form, "person": person, "title": "Correct the address"},
    )
