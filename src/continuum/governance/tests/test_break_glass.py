"""Emergency (break-glass) access: the gatekeeper rule, the request, the banner, the audit, the
notifications, expiry and the DPO's review."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from continuum.audit.models import AuditEvent
from continuum.directory.models import Role
from continuum.directory.tests.factories import UserFactory
from continuum.governance import selectors, services
from continuum.governance.access import Access, household_for_user, person_for_user
from continuum.governance.models import BreakGlassAccess, ReviewOutcome
from continuum.referrals.models import Notification

pytestmark = pytest.mark.django_db

REASON = "Kerry brought the twins to the out-of-hours clinic; the GP asks about the family"


def _open(worker, person):
    return services.break_glass_open(actor=worker, person=person, reason=REASON)


def test_break_glass_opens_the_person_and_their_household_read_only(family, uninvolved_worker):
    with pytest.raises(Http404):
        person_for_user(uninvolved_worker, family.mother.pk)
    _open(uninvolved_worker, family.mother)
    assert person_for_user(uninvolved_worker, family.mother.pk) == family.mother
    # the household she lives in, and the people in it, READ only
    assert person_for_user(uninvolved_worker, family.twin1.pk) == family.twin1
    assert household_for_user(uninvolved_worker, family.household.pk) == family.household
    with pytest.raises(PermissionDenied):
        person_for_user(uninvolved_worker, family.mother.pk, need=Access.EDIT)
    with pytest.raises(PermissionDenied):
        household_for_user(uninvolved_worker, family.household.pk, need=Access.EDIT)
    # not the twins' father, who lives elsewhere
    with pytest.raises(Http404):
        person_for_user(uninvolved_worker, family.father.pk)


def test_break_glass_expires(family, uninvolved_worker, settings):
    settings.CONTINUUM_BREAK_GLASS_HOURS = 4
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        access = _open(uninvolved_worker, family.mother)
    assert access.expires_at == start + dt.timedelta(hours=4)
    with time_machine.travel(start + dt.timedelta(hours=3, minutes=59), tick=False):
        assert person_for_user(uninvolved_worker, family.mother.pk)
    with time_machine.travel(start + dt.timedelta(hours=4), tick=False), pytest.raises(Http404):
        person_for_user(uninvolved_worker, family.mother.pk)


def test_the_worker_can_end_it_early(family, uninvolved_worker, read_only_partner):
    access = _open(uninvolved_worker, family.mother)
    with pytest.raises(PermissionDenied):
        services.break_glass_end(actor=read_only_partner, access=access)
    services.break_glass_end(actor=uninvolved_worker, access=access)
    with pytest.raises(Http404):
        person_for_user(uninvolved_worker, family.mother.pk)
    with pytest.raises(ValidationError):
        services.break_glass_end(actor=uninvolved_worker, access=access)


def test_only_staff_who_work_with_families_may_break_glass(family, volunteer, analyst, dpo):
    for user in (volunteer, analyst, dpo):
        with pytest.raises(PermissionDenied):
            _open(user, family.mother)
        with pytest.raises(Http404):
            selectors.break_glass_find(user, reason=REASON, continuum_id=family.mother.pk)


def test_a_reason_is_required(family, uninvolved_worker):
    with pytest.raises(ValidationError) as exc:
        services.break_glass_open(actor=uninvolved_worker, person=family.mother, reason="urgent")
    assert "reason" in exc.value.message_dict
    assert not BreakGlassAccess.objects.exists()


def test_grant_is_audited_and_reported_to_the_dpo_and_the_workers_manager(
    family, uninvolved_worker, dpo
):
    manager = UserFactory(
        username="south.manager",
        role=Role.TEAM_MANAGER,
        agency=uninvolved_worker.agency,
        team=uninvolved_worker.team,
    )
    other_manager = UserFactory(
        username="other.manager", role=Role.TEAM_MANAGER, agency=uninvolved_worker.agency
    )
    access = _open(uninvolved_worker, family.mother)
    event = AuditEvent.objects.get(object_type="break_glass", object_id=str(access.pk))
    assert event.actor_id == uninvolved_worker.pk and event.action == "create"
    assert event.details["person_id"] == family.mother.pk
    told = {n.recipient_id: n for n in Notification.objects.filter(subject__contains="Emergency")}
    assert set(told) == {dpo.pk, manager.pk}  # not a manager of another team
    assert other_manager.pk not in told
    assert told[dpo.pk].url == reverse("governance:break_glass_review", args=[access.pk])
    assert REASON in told[manager.pk].body
    # the record is named by its id, not the person's name (the reason is the worker's words)
    assert "Smith" not in told[manager.pk].subject + told[manager.pk].body


def test_views_under_break_glass_are_marked_and_the_banner_shows(family, uninvolved_worker, login):
    client = login(uninvolved_worker)
    response = client.post(
        reverse("governance:break_glass"),
        {"continuum_id": family.mother.pk, "reason": REASON, "confirm": "on"},
    )
    access = BreakGlassAccess.objects.get(user=uninvolved_worker)
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[family.mother.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b"You are using emergency access" in page.content
    assert REASON.encode() in page.content
    view = AuditEvent.objects.filter(object_type="person", action="view").latest("seq")
    assert view.details == {"break_glass": access.pk}
    # the banner stays on every page while the access lasts, not only the person's
    assert b"You are using emergency access" in client.get(reverse("people:search")).content
    household = client.get(reverse("people:household", args=[family.household.pk]))
    assert b"You are using emergency access" in household.content
    assert AuditEvent.objects.filter(
        object_type="household", details={"break_glass": access.pk}
    ).exists()
    services.break_glass_end(actor=uninvolved_worker, access=access)
    assert b"You are using emergency access" not in client.get(reverse("people:search")).content


def test_an_ordinary_view_is_not_marked(family, involved_practitioner, login):
    login(involved_practitioner).get(reverse("people:detail", args=[family.mother.pk]))
    view = AuditEvent.objects.filter(object_type="person", action="view").latest("seq")
    assert view.details == {}


def test_the_lookup_needs_exact_details_and_is_always_audited(family, uninvolved_worker):
    found = selectors.break_glass_find(
        uninvolved_worker,
        reason=REASON,
        given_name="kerry",
        family_name="SMITH",
        date_of_birth=family.mother.date_of_birth,
    )
    assert found.person == family.mother and not found.already_visible
    misspelt = selectors.break_glass_find(
        uninvolved_worker,
        reason=REASON,
        given_name="Kery",
        family_name="Smith",
        date_of_birth=family.mother.date_of_birth,
    )
    assert misspelt.person is None and misspelt.problem == selectors.NO_MATCH
    wrong_date = selectors.break_glass_find(
        uninvolved_worker,
        reason=REASON,
        given_name="Kerry",
        family_name="Smith",
        date_of_birth=dt.date(1996, 6, 15),
    )
    assert wrong_date.person is None
    lookups = AuditEvent.objects.filter(object_type="break_glass_lookup").order_by("seq")
    assert [e.details["outcome"] for e in lookups] == ["found", "none", "none"]
    assert all(e.reason == REASON for e in lookups)
    assert not BreakGlassAccess.objects.exists()  # finding is not opening


def test_a_record_the_worker_can_already_see_needs_no_break_glass(
    family, involved_practitioner, login
):
    response = login(involved_practitioner).post(
        reverse("governance:break_glass"),
        {"continuum_id": family.mother.pk, "reason": REASON, "confirm": "on"},
    )
    assert response.status_code == 302
    assert not BreakGlassAccess.objects.exists()


def test_the_form_names_each_missing_field_and_saves_nothing(family, uninvolved_worker, login):
    response = login(uninvolved_worker).post(
        reverse("governance:break_glass"), {"given_name": "Kerry", "reason": "help"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"family_name", "date_of_birth", "reason", "confirm"}
    assert "at least 20 characters" in errors["reason"][0]
    assert not BreakGlassAccess.objects.exists()
    assert not AuditEvent.objects.filter(object_type="break_glass_lookup").exists()


def test_no_match_says_so_without_saying_why(family, uninvolved_worker, login):
    response = login(uninvolved_worker).post(
        reverse("governance:break_glass"),
        {"continuum_id": 999999, "reason": REASON, "confirm": "on"},
    )
    assert response.status_code == 200
    assert selectors.NO_MATCH in response.context["form"].non_field_errors()
    assert not BreakGlassAccess.objects.exists()


def test_the_dpo_reviews_each_access_with_an_outcome(family, uninvolved_worker, dpo, login):
    access = _open(uninvolved_worker, family.mother)
    client = login(dpo)
    listing = client.get(reverse("governance:break_glass_reviews"))
    assert access in listing.context["accesses"]
    url = reverse("governance:break_glass_review", args=[access.pk])
    refused = client.post(url, {"outcome": "justified"})
    assert "note" in refused.context["form"].errors
    response = client.post(url, {"outcome": "justified", "note": "Confirmed with the GP"})
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.review_outcome == ReviewOutcome.JUSTIFIED and access.reviewed_by == dpo
    assert access not in client.get(reverse("governance:break_glass_reviews")).context["accesses"]
    reviewed = client.get(reverse("governance:break_glass_reviews") + "?reviewed=1")
    assert access in reviewed.context["accesses"]
    event = AuditEvent.objects.filter(object_type="break_glass", action="update").latest("seq")
    assert event.details["outcome"] == "justified"
    with pytest.raises(ValidationError):
        services.break_glass_review(
            actor=dpo, access=access, outcome="not_justified", note="Changed my mind"
        )
    with pytest.raises(PermissionDenied):
        services.break_glass_review(
            actor=uninvolved_worker, access=access, outcome="justified", note="Fine"
        )
