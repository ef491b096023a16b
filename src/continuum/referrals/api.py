"""Referrals over HTTP, for agency systems: submit a referral (with an Idempotency-Key header so a
retry never makes a second one) and read its status and outcome. The same services and
gatekeepers as the pages."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from ninja import Header, Router, Schema
from ninja.errors import HttpError

from continuum.governance.access import person_for_user
from continuum.referrals import access, selectors, services
from continuum.referrals.models import Consent, Destination, ReferralSource, Urgency

router = Router(tags=["referrals"])


class ReferralIn(Schema):
    child_id: int
    destination: Destination = Destination.FRONT_DOOR
    destination_agency_id: int | None = None
    source: ReferralSource | None = None
    urgency: Urgency = Urgency.ROUTINE
    concerns: str
    what_has_been_tried: str
    child_views: str
    parents_views: str
    referrer_level: int
    consent: Consent
    consent_reason: str = ""
    without_consent_justification: str = ""


class ReferralOut(Schema):
    id: int
    reference: str
    status: str
    child_id: int
    destination: str
    submitted_at: dt.datetime | None
    acknowledged_by: str | None
    acknowledged_at: dt.datetime | None
    outcome: str | None
    outcome_label: str | None
    level_of_need: int | None
    framework: str | None
    rationale: str | None
    signposting: str | None
    decided_at: dt.datetime | None
    url: str


def _out(referral) -> dict:
    decided = bool(referral.outcome)
    return {
        "id": referral.pk,
        "reference": referral.reference,
        "status": referral.status,
        "child_id": referral.child_id,
        "destination": referral.destination,
        "submitted_at": referral.submitted_at,
        "acknowledged_by": referral.received_by.get_full_name() if referral.received_by else None,
        "acknowledged_at": referral.received_at,
        "outcome": referral.outcome or None,
        "outcome_label": referral.get_outcome_display() if decided else None,
        "level_of_need": referral.level_of_need.number if referral.level_of_need else None,
        "framework": str(referral.framework) if referral.framework else None,
        "rationale": referral.rationale if decided else None,
        "signposting": referral.signposting if decided else None,
        "decided_at": referral.decided_at,
        "url": reverse("referrals:detail", args=[referral.pk]),
    }


@router.post(
    "/referrals",
    response={200: ReferralOut, 201: ReferralOut},
    url_name="submit_referral",
    summary="Submit a referral (idempotent with the Idempotency-Key header)",
)
def submit_referral(
    request, payload: ReferralIn, idempotency_key: str = Header(..., alias="Idempotency-Key")
):
    user = request.auth
    child = person_for_user(user, payload.child_id)  # 404 if they may not see the child
    if not access.can_act_on_contact(user):
        raise HttpError(403, "Your role cannot make referrals")
    data = payload.dict(exclude={"child_id", "destination_agency_id"})
    if data.get("source") is None:
        data.pop("source")
    if payload.destination_agency_id is not None:
        from continuum.directory.models import Agency

        data["destination_agency"] = Agency.objects.filter(pk=payload.destination_agency_id).first()
    referral, created = services.referral_submit_idempotent(
        actor=user, child=child, data=data, idempotency_key=idempotency_key
    )
    referral = access.referral_for_referrer(user, referral.pk)
    return (201 if created else 200), _out(referral)


@router.get(
    "/referrals/{referral_id}",
    response=ReferralOut,
    url_name="read_referral",
    summary="A referral you made: its receipt and outcome",
)
def read_referral(request, referral_id: int):
    view = selectors.referral_for_referrer(request.auth, referral_id)
    return _out(view.referral)
