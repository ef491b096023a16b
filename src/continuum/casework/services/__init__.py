"""Writes for casework. Keyword-only, typed, atomic, validated, audited in the same transaction;
status changes are named services that check the from-state and record a transition."""

from __future__ import annotations

from continuum.casework.services.assessments import (
    assessment_return,
    assessment_sign_off,
    assessment_start,
    assessment_submit,
    assessment_update,
)
from continuum.casework.services.episodes import (
    episode_approve_closure,
    episode_change_lead,
    episode_child_end,
    episode_open,
    episode_reject_closure,
    episode_request_closure,
    taf_invite,
    taf_leave,
)
from continuum.casework.services.plans import (
    action_add,
    action_update,
    plan_create,
    plan_update,
    review_record,
)
from continuum.casework.services.protection import (
    cin_plan_end,
    cp_plan_end,
    cp_review_record,
    icpc_record,
    s47_conclude,
    s47_start,
)
from continuum.casework.services.records import (
    ATTACHMENT_TYPES,
    MAX_ATTACHMENT_BYTES,
    attachment_add,
    chronology_add,
    chronology_record_event,
    prompt_resolve,
    visit_record,
)

__all__ = [
    "ATTACHMENT_TYPES",
    "MAX_ATTACHMENT_BYTES",
    "action_add",
    "action_update",
    "assessment_return",
    "assessment_sign_off",
    "assessment_start",
    "assessment_submit",
    "assessment_update",
    "attachment_add",
    "chronology_add",
    "chronology_record_event",
    "cin_plan_end",
    "cp_plan_end",
    "cp_review_record",
    "episode_approve_closure",
    "episode_change_lead",
    "episode_child_end",
    "episode_open",
    "episode_reject_closure",
    "episode_request_closure",
    "icpc_record",
    "plan_create",
    "plan_update",
    "prompt_resolve",
    "review_record",
    "s47_conclude",
    "s47_start",
    "taf_invite",
    "taf_leave",
    "visit_record",
]
