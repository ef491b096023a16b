"""The referrals API: idempotent submission and reading the outcome."""

from __future__ import annotations

import pytest
from django.urls import reverse

from continuum.referrals import services
from continuum.referrals.models import Outcome, Referral, Status
from continuum.referrals.tests.conftest import COMPLETE

pytestmark = pytest.mark.django_db


def _payload(child_id, **overrides):
    return {**COMPLETE, "child_id": child_id, **overrides}


def test_retry_with_the_same_key_returns_the_first_referral(family, referrer, api_client):
    client = api_client(referrer)
    url = reverse("api:submit_referral")
    first = client.post(
        url,
        _payload(family.twin1.pk),
        content_type="application/json",
        headers={"Idempotency-Key": "hv-system-123"},
    )
    assert first.status_code == 201, first.content
    retry = client.post(
        url,
        _payload(family.twin1.pk),
        content_type="application/json",
        headers={"Idempotency-Key": "hv-system-123"},
    )
    assert retry.status_code == 200
    assert retry.json()["id"] == first.json()["id"]
    assert Referral.objects.filter(child=family.twin1).count() == 1
    assert first.json()["status"] == Status.SUBMITTED
    other = client.post(
        url,
        _payload(family.twin1.pk),
        content_type="application/json",
        headers={"Idempotency-Key": "hv-system-124"},
    )
    assert other.status_code == 201
    assert Referral.objects.filter(child=family.twin1).count() == 2


def test_missing_key_and_missing_fields_are_refused(family, referrer, api_client):
    client = api_client(referrer)
    url = reverse("api:submit_referral")
    no_key = client.post(url, _payload(family.twin1.pk), content_type="application/json")
    assert no_key.status_code == 422
    incomplete = client.post(
        url,
        _payload(family.twin1.pk, concerns="", consent="refused", without_consent_justification=""),
        content_type="application/json",
        headers={"Idempotency-Key": "k1"},
    )
    assert incomplete.status_code == 422
    errors = incomplete.json()["errors"]
    assert errors["concerns"] == ["Enter what you are worried about"]
    assert "without_consent_justification" in errors
    assert not Referral.objects.exists()  # nothing half-made


def test_cannot_refer_a_child_you_cannot_see(family, uninvolved_worker, api_client):
    response = api_client(uninvolved_worker).post(
        reverse("api:submit_referral"),
        _payload(family.twin1.pk),
        content_type="application/json",
        headers={"Idempotency-Key": "k"},
    )
    assert response.status_code == 404


def test_read_outcome(received, referrer, front_door_worker, uninvolved_worker, api_client):
    url = reverse("api:read_referral", args=[received.pk])
    before = api_client(referrer).get(url).json()
    assert before["acknowledged_by"] == "Fay Doyle"
    assert before["outcome"] is None
    services.referral_decide(
        actor=front_door_worker,
        referral=received,
        outcome=Outcome.S47,
        level=4,
        rationale="Strategy discussion today",
    )
    after = api_client(referrer).get(url).json()
    assert after["outcome"] == "s47"
    assert after["level_of_need"] == 4
    assert after["rationale"] == "Strategy discussion today"
    assert api_client(uninvolved_worker).get(url).status_code == 404
    assert api_client(front_door_worker).get(url).status_code == 404  # front door uses the contact
