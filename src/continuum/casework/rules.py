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
    """A plan review must be after the plan started (8841) and not in the future."""
    if review_date > today:
        raise ValidationError({"review_date": "Review date must be today or in the past"})
    if review_date <= plan_start:
        raise ValidationError(
            {"review_date": f"Review date must be after the plan was agreed ({_d(plan_start)})"}
        )


def next_review_after(*, review_date: dt.date, next_review: dt.date) -> None:
    if next_review <= review_date:
        raise ValidationError({"next_review_date": "Next review date must be after this review"})
