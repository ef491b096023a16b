"""Writes for referrals: every status change is a named service that checks the allowed
from-states, records a ReferralTransition, writes the audit event in the same transaction and
sends notifications only after the transaction commits.

A package by concern; everything callers use is importable from here, as before the split."""

from __future__ import annotations

from continuum.referrals.services._common import (
    ALLOWED_FROM,
    SOURCE_FOR_AGENCY,
    current_framework,
    front_door_agency,
)
from continuum.referrals.services.decisions import (
    referral_close,
    referral_decide,
    referral_step_up,
)
from continuum.referrals.services.information_requests import (
    information_request_acknowledge,
    information_request_answer,
    referral_request_information,
)
from continuum.referrals.services.notifications import (
    notification_mark_read,
    notify,
    notify_receiving,
)
from continuum.referrals.services.receipts import escalate_unacknowledged
from continuum.referrals.services.receiving import receiving_team_set
from continuum.referrals.services.submission import (
    DRAFT_FIELDS,
    missing_for_new,
    missing_for_submit,
    referral_create,
    referral_submit,
    referral_submit_idempotent,
    referral_update_draft,
    referral_withdraw,
)
from continuum.referrals.services.thresholds import framework_publish
from continuum.referrals.services.triage import contact_add_note, referral_receive

__all__ = [
    "ALLOWED_FROM",
    "DRAFT_FIELDS",
    "SOURCE_FOR_AGENCY",
    "contact_add_note",
    "current_framework",
    "escalate_unacknowledged",
    "framework_publish",
    "front_door_agency",
    "information_request_acknowledge",
    "information_request_answer",
    "missing_for_new",
    "missing_for_submit",
    "notification_mark_read",
    "notify",
    "notify_receiving",
    "receiving_team_set",
    "referral_close",
    "referral_create",
    "referral_decide",
    "referral_receive",
    "referral_request_information",
    "referral_step_up",
    "referral_submit",
    "referral_submit_idempotent",
    "referral_update_draft",
    "referral_withdraw",
]
