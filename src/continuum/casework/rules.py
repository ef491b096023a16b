"""The CIN census date and closure rules (standards.md 1.6), as plain functions that raise
`ValidationError` with a message a practitioner can act on. Services call them before writing;
each rule has its own unit test. DfE rule codes are given in brackets."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from continuum.casework.codes import (
    FACTOR_CODES,
    NO_FACTORS,
    STATUTORY_KINDS,
    ClosureReason,
    EpisodeKind,
)


def _d(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def episode_dates(*, referral_date: dt.date, start_date: dt.date, today: dt.date) -> None:
    """The episode cannot start before the referral it answers (1103/1104/1105/4015), and
    neither date can be in the future."""
    errors = {}
    if referral_date > today:
        errors["referral_date"] = "Referral date must be today or in the past"
    if start_date > today:
        errors["start_date"] = "Start date must be today or in the past"
    elif start_date < referral_date:
        errors["start_date"] = (
            f"Start date must be on or after the referral date ({_d(referral_date)})"
        )
    if errors:
        raise ValidationError(errors)


def referral_not_long_before_birth(*, child_name: str, referral_date: dt.date, born) -> None:
    """A referral is at most 40 weeks before the child's date of birth or expected date of
    delivery (8606)."""
    if born and referral_date < born - dt.timedelta(weeks=40):
        raise ValidationError(
            {
                "referral_date": f"Referral date is more than 40 weeks before {child_name}'s "
                f"date of birth or expected delivery ({_d(born)})"
            }
        )


def episode_codes(*, kind: str, primary_need: str, category_of_abuse: str) -> None:
    """A child in need or child protection episode needs a primary need code (8610); a child
    protection episode needs a category of abuse; only CP episodes carry one."""
    errors = {}
    if kind in STATUTORY_KINDS and not primary_need:
        errors["primary_need"] = "Choose the primary need code (N0 to N9)"
    if kind == EpisodeKind.CHILD_PROTECTION and not category_of_abuse:
        errors["category_of_abuse"] = "Choose the category of abuse for a child protection plan"
    if kind != EpisodeKind.CHILD_PROTECTION and category_of_abuse:
        errors["category_of_abuse"] = "Only a child protection episode has a category of abuse"
    if errors:
        raise ValidationError(errors)


def no_overlapping_episode(*, child_name: str, kind: str, start_date: dt.date, others) -> None:
    """Only one open episode per child (8815) and episodes must not overlap (8820).
    `others` are the child's existing statutory (or same-kind) episodes."""
    for other in others:
        if other.end_date is None:
            raise ValidationError(
                f"{child_name} already has an open {other.get_kind_display().lower()} episode "
                f"(from {_d(other.start_date)}). Close it before opening another"
            )
        if other.end_date >= start_date:
            raise ValidationError(
                f"{child_name}'s previous {other.get_kind_display().lower()} episode ended on "
                f"{_d(other.end_date)}; a new one must start after that date"
            )


def closure_fields(*, kind: str, end_date, reason: str, outcome: str) -> None:
    """Closure date and reason appear together (8805, 8810). CIN and CP episodes use the
    RC1 to RC9 reasons; other episodes record an early help outcome."""
    statutory = kind in STATUTORY_KINDS
    errors = {}
    if statutory:
        if end_date and not reason:
            errors["reason_for_closure"] = "Choose the reason for closure (RC1 to RC9)"
        if reason and not end_date:
            errors["end_date"] = "Enter the closure date: a reason for closure needs a date"
        if reason and reason not in ClosureReason.values:
            errors["reason_for_closure"] = "Choose a reason for closure from the list"
    else:
        if end_date and not outcome:
            errors["outcome"] = "Choose the outcome of the episode"
        if reason:
            errors["reason_for_closure"] = "RC reasons are only for child in need and CP episodes"
    if errors:
        raise ValidationError(errors)


def closure_date(
    *, referral_date: dt.date, start_date: dt.date, end_date: dt.date, last_activity, today
) -> None:
    """Closure cannot be before the referral (8630) or the start, cannot be in the future, and
    no activity may fall after it (8565)."""
    if end_date > today:
        raise ValidationError({"end_date": "Closure date must be today or in the past"})
    if end_date < referral_date:
        raise ValidationError(
            {
                "end_date": "Closure date must be on or after the referral date "
                f"({_d(referral_date)})"
            }
        )
    if end_date < start_date:
        raise ValidationError(
            {"end_date": f"Closure date must be on or after the start date ({_d(start_date)})"}
        )
    if last_activity and last_activity > end_date:
        raise ValidationError(
            {
                "end_date": f"Closure date must be on or after the last recorded activity "
                f"({_d(last_activity)}): nothing can happen after an episode is closed"
            }
        )


def activity_date(*, what: str, day: dt.date, episode, today: dt.date, field: str = "date") -> None:
    """Activity (visits, assessments, plans, reviews) cannot be before the episode started or the
    referral (1103, 4015), cannot be in the future, and cannot be after closure (8565)."""
    earliest = max(episode.start_date, episode.referral_date)
    if day > today:
        raise ValidationError({field: f"{what} date must be today or in the past"})
    if day < earliest:
        raise ValidationError(
            {field: f"{what} date must be on or after the start of the episode ({_d(earliest)})"}
        )
    if episode.end_date and day > episode.end_date:
        raise ValidationError(
            {field: f"{what} date cannot be after the episode closed ({_d(episode.end_date)})"}
        )


def episode_is_open(episode) -> None:
    """No activity after closure (8565): a closed episode is read-only."""
    if episode.status == "closed":
        raise ValidationError("This episode is closed. Nothing more can be recorded in it")


def no_incomplete_assessment(*, incomplete: int) -> None:
    """An episode cannot be closed while its assessment is incomplete (8867)."""
    if incomplete:
        raise ValidationError(
            "An assessment in this episode is not finished. Complete it (with manager sign-off) "
            "before closing the episode"
        )


def single_open_assessment(*, open_count: int) -> None:
    """No overlapping open assessments (8863Q, 8896)."""
    if open_count:
        raise ValidationError(
            "This episode already has an assessment in progress. Finish it before starting another"
        )


def assessment_dates(*, start_date: dt.date, completed_date: dt.date | None) -> None:
    """Assessment start must be on or before its authorisation (8608)."""
    if completed_date and completed_date < start_date:
        raise ValidationError(
            {
                "completed_date": "Authorisation date must be on or after the assessment start "
                f"date ({_d(start_date)})"
            }
        )


def assessment_factors(*, factors: list[str], completed: bool) -> None:
    """Factors identified: valid codes, only on completed assessments (8614), a completed
    assessment has factors (8897Q), no duplicates (8898), and 21 stands alone (8869)."""
    if any(code not in FACTOR_CODES for code in factors):
        raise ValidationError({"factors": "Choose factors from the CIN census list"})
    if len(set(factors)) != len(factors):
        raise ValidationError({"factors": "Each factor can be recorded only once"})
    if NO_FACTORS in factors and len(factors) > 1:
        raise ValidationError(
            {"factors": "'21 No factors identified' cannot be combined with other factors"}
        )
    if completed and not factors:
        raise ValidationError(
            {"factors": "Choose the factors identified, or '21 No factors identified'"}
        )


def factors_need_completed(*, factors: list[str], status: str) -> None:
    """Factors are recorded only on completed assessments (8614): a draft can hold them while it
    is written, but they only count (and are only exported) once the assessment is completed."""
    if factors and status not in ("submitted", "completed"):
        raise ValidationError({"factors": "Factors can only be recorded on a completed assessment"})


def closure_reason_after_no_factors(*, reason: str, completed_factor_sets: list[list[str]]) -> None:
    """If the only completed assessment found no factors (21), close with RC8 or RC9 (8873Q)."""
    only_no_factors = len(completed_factor_sets) == 1 and completed_factor_sets[0] == [NO_FACTORS]
    if only_no_factors and reason and reason not in (ClosureReason.RC8, ClosureReason.RC9):
        raise ValidationError(
            {
                "reason_for_closure": "The only assessment found no factors (21): close with "
                "RC8 (no further action) or RC9 (referred to early help)"
            }
        )


def review_date(*, plan_start: dt.date, review_date: dt.date, today: dt.date) -> None:
    """A family plan review may be on or after the day the plan was agreed, and not in the
    future. (The stricter CIN rule 8841, "not on the same day as the start", is for child
    protection plan reviews: `cp_review_date`. Applied here it left a plan agreed today with
    no day a review could be saved on: today was "too early" and tomorrow "in the future".)"""
    if review_date > today:
        raise ValidationError({"review_date": "Review date must be today or in the past"})
    if review_date < plan_start:
        raise ValidationError(
            {
                "review_date": "Review date must be on or after the day the plan was agreed "
                f"({_d(plan_start)})"
            }
        )


def next_review_after(*, review_date: dt.date, next_review: dt.date) -> None:
    if next_review <= review_date:
        raise ValidationError({"next_review_date": "Next review date must be after this review"})


# --- Section 47 enquiries, conferences and child protection plans ---------------------------

ICPC_WORKING_DAYS = 15  # Working Together: ICPC within 15 working days of the strategy discussion


def icpc_target(strategy_discussion: dt.date) -> dt.date:
    """The conference is due 15 working days after the strategy discussion, on the project's
    working-day clock (weekends and England and Wales bank holidays skipped), so the target
    never falls on a weekend (8870Q)."""
    from continuum.referrals.timescales import add_working_days

    return add_working_days(strategy_discussion, ICPC_WORKING_DAYS)


def statutory_episode(episode) -> None:
    """Section 47 enquiries and child protection plans belong to CIN and CP episodes."""
    if episode.kind not in STATUTORY_KINDS:
        raise ValidationError(
            "Section 47 enquiries and child protection plans are recorded in a child in need or "
            "child protection episode. Step up to the front door first"
        )


def child_in_episode(child_record) -> None:
    """The child must still be in the episode (their own record in it has not ended)."""
    if child_record.end_date:
        raise ValidationError(
            {"child": f"{child_record.person.display_name} left this episode on "
             f"{_d(child_record.end_date)}"}
        )  # fmt: skip


def no_open_s47(*, child_name: str, unresolved) -> None:
    """A child cannot have two section 47 enquiries going on at once (8890, 8839): the earlier
    one must reach its conference or be marked as needing none."""
    for other in unresolved:
        raise ValidationError(
            {
                "start_date": f"{child_name} already has a section 47 enquiry going on (from "
                f"{_d(other.start_date)}). Record its conference or its outcome first"
            }
        )


def s47_outcome(*, s47, outcome: str, outcome_date: dt.date, today: dt.date) -> None:
    """The outcome is dated on or after the enquiry started, not in the future, and an
    enquiry that has had its conference cannot be marked as needing none."""
    if outcome_date > today:
        raise ValidationError({"outcome_date": "Date the enquiry concluded must be today or past"})
    if outcome_date < s47.start_date:
        raise ValidationError(
            {
                "outcome_date": "Date the enquiry concluded must be on or after the strategy "
                f"discussion ({_d(s47.start_date)})"
            }
        )
    if outcome != "icpc" and hasattr(s47, "icpc"):
        held = "A conference was held for this enquiry: its outcome is the conference"
        raise ValidationError({"outcome": held})


def icpc_date(*, s47, day: dt.date) -> None:
    """The conference cannot be before the enquiry started (8615) and cannot be on a weekend
    (8875). (Not before the referral or the episode, not after closure: `activity_date`.)"""
    if day < s47.start_date:
        raise ValidationError(
            {
                "date": "Date of the conference must be on or after the strategy discussion that "
                f"started the enquiry ({_d(s47.start_date)})"
            }
        )
    if day.weekday() >= 5:
        raise ValidationError(
            {"date": f"Date of the conference cannot be a weekend ({day:%A} {_d(day)})"}
        )


def icpc_once(*, s47) -> None:
    """A conference is recorded once, on its enquiry, and not for an enquiry that concluded no
    conference was needed (2884; ICPCnotRequired)."""
    if hasattr(s47, "icpc"):
        raise ValidationError(
            f"The conference for this enquiry was recorded on {_d(s47.icpc.date)}"
        )
    if s47.icpc_not_required:
        raise ValidationError(
            "This enquiry concluded that no conference was needed. Change its outcome first"
        )


def cp_plan_from_icpc(*, icpc, start_date: dt.date) -> None:
    """A plan starts on the day of the conference that decided on it (2885), and every plan
    comes from its own conference, so plans never outnumber conferences (2883)."""
    if not icpc.plan_agreed:
        raise ValidationError("This conference did not decide on a child protection plan")
    if hasattr(icpc, "cp_plan"):
        raise ValidationError("This conference's child protection plan is already recorded")
    if start_date != icpc.date:
        raise ValidationError(
            {
                "start_date": "A child protection plan starts on the day of the conference "
                f"that decided on it ({_d(icpc.date)})"
            }
        )


def one_open_cp_plan(*, child_name: str, open_plans) -> None:
    """Only one open child protection plan per child (8935)."""
    for other in open_plans:
        raise ValidationError(
            f"{child_name} already has an open child protection plan (from "
            f"{_d(other.start_date)}). End it before another starts"
        )


def cp_plans_do_not_overlap(*, child_name: str, start: dt.date, end, others) -> None:
    """A child's child protection plans cannot overlap (8940)."""
    for other in others:
        other_end = other.end_date or dt.date.max
        if start <= other_end and (end or dt.date.max) >= other.start_date:
            raise ValidationError(
                {
                    "start_date": f"{child_name} had a child protection plan from "
                    f"{_d(other.start_date)}"
                    + (f" to {_d(other.end_date)}" if other.end_date else "")
                    + "; plans cannot overlap"
                }
            )


def cp_plan_end(*, start_date: dt.date, end_date: dt.date, last_review, today: dt.date) -> None:
    """A plan ends after the day it started (8840, 8925), not in the future, and not before a
    review conference already held."""
    if end_date > today:
        raise ValidationError({"end_date": "Plan end date must be today or in the past"})
    if end_date <= start_date:
        raise ValidationError(
            {
                "end_date": "Plan end date must be after the plan started "
                f"({_d(start_date)}); a plan cannot start and end on the same day"
            }
        )
    if last_review and end_date < last_review:
        raise ValidationError(
            {"end_date": f"Plan end date must be on or after its last review ({_d(last_review)})"}
        )


def cp_review_date(*, plan, day: dt.date, today: dt.date) -> None:
    """A review conference is after the plan started (8841), not in the future, and not after
    the plan ended."""
    if day > today:
        raise ValidationError({"date": "Date of the review conference must be today or past"})
    if day <= plan.start_date:
        raise ValidationError(
            {
                "date": "Date of the review conference must be after the plan started "
                f"({_d(plan.start_date)})"
            }
        )
    if plan.end_date and day > plan.end_date:
        raise ValidationError(
            {"date": f"Date of the review conference must be before the plan ended "
             f"({_d(plan.end_date)})"}
        )  # fmt: skip


def no_cin_plan_during_cp(*, cin_plans, cp_start: dt.date, cp_end, field: str) -> None:
    """A child in need plan cannot be open while a child protection plan is (4001, 4016, 4017),
    and no CP review conference falls while a CIN plan is open (4003: pass the review date as
    both `cp_start` and `cp_end`). `cin_plans` are (start, end) pairs for the child."""
    for cin_start, cin_end in cin_plans:
        if cin_start <= (cp_end or dt.date.max) and (cin_end or dt.date.max) >= cp_start:
            until = f" to {_d(cin_end)}" if cin_end else " and still open"
            raise ValidationError(
                {
                    field: f"The child in need plan runs from {_d(cin_start)}{until}: a child "
                    "in need plan and a child protection plan cannot run at the same time. "
                    "End the child in need plan first (the day before)"
                    if field != "date"
                    else f"The child in need plan runs from {_d(cin_start)}{until}: a child "
                    "protection review cannot be held while a child in need plan is open"
                }
            )


def s47_resolved_before_closure(*, unresolved) -> None:
    """An episode cannot be closed while a section 47 enquiry has neither a conference nor a
    decision that none is needed (8868)."""
    for s47 in unresolved:
        raise ValidationError(
            {
                "end_date": f"The section 47 enquiry about {s47.child.person.display_name} "
                f"(from {_d(s47.start_date)}) has no conference and is not marked as needing "
                "none. Record its conference or its outcome before closing the episode"
            }
        )


def cin_plan_end(*, plan_start: dt.date, end_date: dt.date, today: dt.date) -> None:
    if end_date > today:
        raise ValidationError({"end_date": "Plan end date must be today or in the past"})
    if end_date < plan_start:
        raise ValidationError(
            {"end_date": f"Plan end date must be on or after it was agreed ({_d(plan_start)})"}
        )


def child_end(*, kind: str, child_record, end_date: dt.date, reason: str, note: str,
              others_open: int, today: dt.date) -> None:  # fmt: skip
    """One child's part in the episode ends while it goes on for the others: after they joined,
    not in the future, with an RC reason in a CIN or CP episode (8805, 8810) or a note in
    another; the last child's part ends with the episode's closure instead."""
    name = child_record.person.display_name
    if child_record.end_date:
        raise ValidationError(f"{name} left this episode on {_d(child_record.end_date)}")
    if not others_open:
        raise ValidationError(
            f"{name} is the only child left in this episode: close the episode instead"
        )
    if end_date > today:
        raise ValidationError({"end_date": "Date their part ended must be today or in the past"})
    if end_date < child_record.start_date:
        raise ValidationError(
            {
                "end_date": "Date their part ended must be on or after they joined the episode "
                f"({_d(child_record.start_date)})"
            }
        )
    if kind in STATUTORY_KINDS:
        if reason not in ClosureReason.values:
            raise ValidationError(
                {"reason_for_closure": "Choose the reason for closure (RC1 to RC9)"}
            )
    elif reason:
        raise ValidationError(
            {"reason_for_closure": "RC reasons are only for child in need and CP episodes"}
        )
    elif not (note or "").strip():
        raise ValidationError({"note": "Say why their part in the episode ended"})


# How often the lead professional should see the family, by kind of episode. Working Together
# leaves the frequency to local procedures; these are the usual local standards: a child on a
# child protection plan at least every 10 working days, a child in need every 20 working days,
# an early help family every 30 working days (about six weeks). Single-agency support has none.
VISIT_INTERVAL_WORKING_DAYS = {
    EpisodeKind.CHILD_PROTECTION: 10,
    EpisodeKind.CHILD_IN_NEED: 20,
    EpisodeKind.EARLY_HELP: 30,
}


def next_visit_due(*, kind: str, last_visit: dt.date | None, start_date: dt.date) -> dt.date | None:
    """When the next visit is due: the interval for the kind of episode after the last visit
    (or after the start of the episode when nobody has visited yet); None when there is none."""
    from continuum.referrals.timescales import add_working_days

    interval = VISIT_INTERVAL_WORKING_DAYS.get(kind)
    if interval is None:
        return None
    return add_working_days(last_visit or start_date, interval)
