"""Casework pages: gatekeeper → bound form → service → redirect."""

from __future__ import annotations

from continuum.casework.views._common import (
    CONFLICT_MESSAGE,
)
from continuum.casework.views.assessments import (
    assessment_child,
    assessment_detail,
    assessment_family,
    assessment_return,
    assessment_sign_off,
    assessment_start,
    assessment_submit,
)
from continuum.casework.views.episodes import (
    episode_child_end,
    episode_close,
    episode_close_decide,
    episode_detail,
    episode_open,
    household_episodes,
    my_work,
    taf_invite,
    taf_leave,
)
from continuum.casework.views.plans import (
    action_add,
    action_edit,
    plan_detail,
    plan_edit,
    review_record,
)
from continuum.casework.views.protection import (
    cin_plan_end,
    cp_plan_end,
    cp_review_add,
    icpc_record,
    s47_outcome,
    s47_start,
)
from continuum.casework.views.records import (
    assessment_attachment_add,
    attachment_download,
    chronology_add,
    episode_change_lead,
    household_chronology,
    person_chronology,
    prompt_resolve,
    visit_attachment_add,
    visit_detail,
    visit_record,
)

__all__ = [
    "CONFLICT_MESSAGE",
    "action_add",
    "action_edit",
    "assessment_attachment_add",
    "assessment_child",
    "assessment_detail",
    "assessment_family",
    "assessment_return",
    "assessment_sign_off",
    "assessment_start",
    "assessment_submit",
    "attachment_download",
    "chronology_add",
    "cin_plan_end",
    "cp_plan_end",
    "cp_review_add",
    "episode_change_lead",
    "episode_child_end",
    "episode_close",
    "episode_close_decide",
    "episode_detail",
    "episode_open",
    "household_chronology",
    "household_episodes",
    "icpc_record",
    "my_work",
    "person_chronology",
    "plan_detail",
    "plan_edit",
    "prompt_resolve",
    "review_record",
    "s47_outcome",
    "s47_start",
    "taf_invite",
    "taf_leave",
    "visit_attachment_add",
    "visit_detail",
    "visit_record",
]
