"""The CIN census date and closure rules (standards.md 1.6), one test per rule."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from continuum.casework import rules
from continuum.casework.codes import EpisodeKind

TODAY = dt.date(2026, 6, 15)


def d(day: int, month: int = 6) -> dt.date:
    return dt.date(2026, month, day)


def ep(**kw):
    base = {"start_date": d(1), "referral_date": d(1), "end_date": None, "status": "open"}
    return SimpleNamespace(**{**base, **kw})


def messages(exc) -> str:
    return " ".join(exc.value.messages)


def test_episode_cannot_start_before_referral_1103():
    rules.episode_dates(referral_date=d(1), start_date=d(1), today=TODAY)
    with pytest.raises(ValidationError) as exc:
        rules.episode_dates(referral_date=d(2), start_date=d(1), today=TODAY)
    assert "on or after the referral date (2 June 2026)" in messages(exc)


def test_episode_dates_cannot_be_in_the_future():
    with pytest.raises(ValidationError):
        rules.episode_dates(referral_date=d(1), start_date=d(16), today=TODAY)


def test_cin_needs_primary_need_code_8610():
    rules.episode_codes(kind=EpisodeKind.EARLY_HELP, primary_need="", category_of_abuse="")
    with pytest.raises(ValidationError) as exc:
        rules.episode_codes(kind=EpisodeKind.CHILD_IN_NEED, primary_need="", category_of_abuse="")
    assert "primary need" in messages(exc)


def test_cp_needs_category_of_abuse_and_only_cp_has_one():
    with pytest.raises(ValidationError):
        rules.episode_codes(
            kind=EpisodeKind.CHILD_PROTECTION, primary_need="N1", category_of_abuse=""
        )
    with pytest.raises(ValidationError):
        rules.episode_codes(
            kind=EpisodeKind.CHILD_IN_NEED, primary_need="N1", category_of_abuse="NEG"
        )
    rules.episode_codes(
        kind=EpisodeKind.CHILD_PROTECTION, primary_need="N1", category_of_abuse="NEG"
    )


def test_only_one_open_episode_8815():
    other = SimpleNamespace(
        end_date=None, start_date=d(1, 1), get_kind_display=lambda: "Child in need"
    )
    with pytest.raises(ValidationError) as exc:
        rules.no_overlapping_episode(child_name="Kai", kind="cin", start_date=d(1), others=[other])
    assert "already has an open child in need episode" in messages(exc)


def test_episodes_must_not_overlap_8820():
    other = SimpleNamespace(
        end_date=d(5), start_date=d(1, 1), get_kind_display=lambda: "Child in need"
    )
    with pytest.raises(ValidationError):
        rules.no_overlapping_episode(child_name="Kai", kind="cin", start_date=d(5), others=[other])
    rules.no_overlapping_episode(child_name="Kai", kind="cin", start_date=d(6), others=[other])


def test_closure_reason_needs_a_date_8805():
    with pytest.raises(ValidationError) as exc:
        rules.closure_fields(kind="cin", end_date=None, reason="RC7", outcome="")
    assert "needs a date" in messages(exc)


def test_closure_date_needs_a_reason_8810():
    with pytest.raises(ValidationError) as exc:
        rules.closure_fields(kind="cin", end_date=d(5), reason="", outcome="")
    assert "RC1 to RC9" in messages(exc)
    rules.closure_fields(kind="cin", end_date=d(5), reason="RC7", outcome="")


def test_early_help_closure_has_an_outcome_not_an_rc_reason():
    with pytest.raises(ValidationError):
        rules.closure_fields(kind="early_help", end_date=d(5), reason="", outcome="")
    with pytest.raises(ValidationError):
        rules.closure_fields(kind="early_help", end_date=d(5), reason="RC7", outcome="needs_met")


def test_closure_not_before_referral_8630():
    with pytest.raises(ValidationError) as exc:
        rules.closure_date(
            referral_date=d(3), start_date=d(3), end_date=d(2), last_activity=None, today=TODAY
        )
    assert "referral date" in messages(exc)


def test_no_activity_after_closure_8565():
    with pytest.raises(ValidationError) as exc:
        rules.closure_date(
            referral_date=d(1), start_date=d(1), end_date=d(5), last_activity=d(6), today=TODAY
        )
    assert "last recorded activity" in messages(exc)
    with pytest.raises(ValidationError):
        rules.activity_date(what="Visit", day=d(6), episode=ep(end_date=d(5)), today=TODAY)
    with pytest.raises(ValidationError):
        rules.episode_is_open(ep(status="closed"))


def test_activity_not_before_episode_start_1103_4015():
    with pytest.raises(ValidationError) as exc:
        rules.activity_date(
            what="Assessment start", day=d(1), episode=ep(start_date=d(2)), today=TODAY
        )
    assert "Assessment start date must be on or after the start of the episode (2 June 2026)" in (
        messages(exc)
    )


def test_cannot_close_with_incomplete_assessment_8867():
    with pytest.raises(ValidationError):
        rules.no_incomplete_assessment(incomplete=1)
    rules.no_incomplete_assessment(incomplete=0)


def test_no_overlapping_open_assessments_8896():
    with pytest.raises(ValidationError):
        rules.single_open_assessment(open_count=1)


def test_assessment_start_before_authorisation_8608():
    with pytest.raises(ValidationError):
        rules.assessment_dates(start_date=d(5), completed_date=d(4))
    rules.assessment_dates(start_date=d(5), completed_date=d(5))


def test_factors_only_on_completed_assessments_8614():
    with pytest.raises(ValidationError):
        rules.factors_need_completed(factors=["3B"], status="draft")
    rules.factors_need_completed(factors=["3B"], status="completed")


def test_completed_assessment_has_factors_8897q():
    with pytest.raises(ValidationError):
        rules.assessment_factors(factors=[], completed=True)


def test_no_duplicate_factors_8898():
    with pytest.raises(ValidationError) as exc:
        rules.assessment_factors(factors=["3B", "3B"], completed=True)
    assert "only once" in messages(exc)


def test_factor_21_stands_alone_8869():
    with pytest.raises(ValidationError) as exc:
        rules.assessment_factors(factors=["21", "3B"], completed=True)
    assert "cannot be combined" in messages(exc)
    rules.assessment_factors(factors=["21"], completed=True)


def test_retired_factor_codes_are_refused():
    with pytest.raises(ValidationError):
        rules.assessment_factors(factors=["18A"], completed=True)


def test_only_assessment_with_factor_21_closes_rc8_or_rc9_8873q():
    with pytest.raises(ValidationError):
        rules.closure_reason_after_no_factors(reason="RC7", completed_factor_sets=[["21"]])
    rules.closure_reason_after_no_factors(reason="RC8", completed_factor_sets=[["21"]])
    rules.closure_reason_after_no_factors(reason="RC7", completed_factor_sets=[["3B"]])


def test_family_plan_review_on_or_after_the_day_the_plan_was_agreed():
    with pytest.raises(ValidationError) as exc:
        rules.review_date(plan_start=d(5), review_date=d(4), today=TODAY)
    assert "on or after the day the plan was agreed" in messages(exc)
    rules.review_date(plan_start=d(5), review_date=d(6), today=TODAY)


def test_a_plan_agreed_today_can_be_reviewed_today():
    # Regression: with 8841's "after the start" applied to family plans, a plan agreed today
    # could be reviewed neither today (too early) nor tomorrow (in the future).
    rules.review_date(plan_start=TODAY, review_date=TODAY, today=TODAY)
    with pytest.raises(ValidationError, match="today or in the past"):
        rules.review_date(plan_start=TODAY, review_date=TODAY + dt.timedelta(days=1), today=TODAY)


# --- Section 47 enquiries, conferences and child protection plans ---------------------------


def s47(**kw):
    base = {"start_date": d(1), "icpc_not_required": False}
    return SimpleNamespace(**{**base, **kw})


def cp(start, end=None):
    return SimpleNamespace(start_date=start, end_date=end, is_open=end is None)


def test_s47_not_before_referral_2889():
    episode = ep(referral_date=d(3), start_date=d(3))
    with pytest.raises(ValidationError) as exc:
        rules.activity_date(what="Strategy discussion", day=d(2), episode=episode, today=TODAY)
    assert "Strategy discussion date must be on or after" in messages(exc)


def test_icpc_not_before_referral_1104():
    with pytest.raises(ValidationError):
        rules.activity_date(
            what="Conference", day=d(2), episode=ep(referral_date=d(3)), today=TODAY
        )


def test_cp_plan_not_before_referral_1105():
    # A plan starts on its conference's day (2885), so 1104 and 2885 together give 1105; the
    # conference date is checked against the referral before the plan is made.
    icpc = SimpleNamespace(plan_agreed=True, date=d(2))
    rules.cp_plan_from_icpc(icpc=icpc, start_date=d(2))
    with pytest.raises(ValidationError):
        rules.activity_date(
            what="Conference", day=d(2), episode=ep(referral_date=d(3)), today=TODAY
        )


def test_s47_start_not_after_icpc_8615():
    with pytest.raises(ValidationError) as exc:
        rules.icpc_date(s47=s47(start_date=d(10)), day=d(9))
    assert "on or after the strategy discussion" in messages(exc)
    rules.icpc_date(s47=s47(start_date=d(10)), day=d(10))


def test_no_concurrent_open_s47_8890_8839():
    with pytest.raises(ValidationError) as exc:
        rules.no_open_s47(child_name="Kai", unresolved=[s47(start_date=d(1))])
    assert "already has a section 47 enquiry going on (from 1 June 2026)" in messages(exc)
    rules.no_open_s47(child_name="Kai", unresolved=[])


def test_icpc_recorded_once_on_its_enquiry_2884():
    held = s47(icpc=SimpleNamespace(date=d(5)))
    with pytest.raises(ValidationError) as exc:
        rules.icpc_once(s47=held)
    assert "was recorded on 5 June 2026" in messages(exc)
    rules.icpc_once(s47=s47())


def test_no_icpc_when_marked_not_required():
    with pytest.raises(ValidationError) as exc:
        rules.icpc_once(s47=s47(icpc_not_required=True))
    assert "no conference was needed" in messages(exc)


def test_icpc_target_is_15_working_days_and_never_a_weekend_8870q():
    # Friday 5 June 2026 + 15 working days = Friday 26 June.
    assert rules.icpc_target(d(5)) == d(26)
    # Friday 15 May: the Spring bank holiday (25 May) is skipped too.
    assert rules.icpc_target(d(15, 5)) == d(8, 6)
    for offset in range(60):
        assert rules.icpc_target(d(1) + dt.timedelta(days=offset)).weekday() < 5


def test_icpc_not_on_a_weekend_8875():
    with pytest.raises(ValidationError) as exc:
        rules.icpc_date(s47=s47(), day=d(13))
    assert "cannot be a weekend (Saturday 13 June 2026)" in messages(exc)


def test_cp_plan_starts_on_the_icpc_date_2885():
    icpc = SimpleNamespace(plan_agreed=True, date=d(5))
    with pytest.raises(ValidationError) as exc:
        rules.cp_plan_from_icpc(icpc=icpc, start_date=d(6))
    assert "starts on the day of the conference" in messages(exc)


def test_cp_plans_cannot_outnumber_icpcs_2883():
    with pytest.raises(ValidationError):
        rules.cp_plan_from_icpc(icpc=SimpleNamespace(plan_agreed=False, date=d(5)), start_date=d(5))
    already = SimpleNamespace(plan_agreed=True, date=d(5), cp_plan=cp(d(5)))
    with pytest.raises(ValidationError) as exc:
        rules.cp_plan_from_icpc(icpc=already, start_date=d(5))
    assert "already recorded" in messages(exc)


def test_cp_plan_cannot_start_and_end_on_the_same_day_8840():
    with pytest.raises(ValidationError) as exc:
        rules.cp_plan_end(start_date=d(5), end_date=d(5), last_review=None, today=TODAY)
    assert "cannot start and end on the same day" in messages(exc)


def test_cp_plan_end_not_before_start_8925():
    with pytest.raises(ValidationError):
        rules.cp_plan_end(start_date=d(5), end_date=d(4), last_review=None, today=TODAY)
    rules.cp_plan_end(start_date=d(5), end_date=d(6), last_review=None, today=TODAY)


def test_cp_review_after_cp_plan_start_8841():
    plan = cp(d(5))
    with pytest.raises(ValidationError) as exc:
        rules.cp_review_date(plan=plan, day=d(5), today=TODAY)
    assert "after the plan started (5 June 2026)" in messages(exc)
    rules.cp_review_date(plan=plan, day=d(6), today=TODAY)


def test_only_one_open_cp_plan_8935():
    with pytest.raises(ValidationError) as exc:
        rules.one_open_cp_plan(child_name="Kai", open_plans=[cp(d(1, 5))])
    assert "already has an open child protection plan" in messages(exc)


def test_cp_plans_do_not_overlap_8940():
    ended = cp(d(1, 3), d(10))
    with pytest.raises(ValidationError):
        rules.cp_plans_do_not_overlap(child_name="Kai", start=d(10), end=None, others=[ended])
    rules.cp_plans_do_not_overlap(child_name="Kai", start=d(11), end=None, others=[ended])


def test_cp_plan_cannot_start_while_cin_plan_open_4001():
    with pytest.raises(ValidationError) as exc:
        rules.no_cin_plan_during_cp(
            cin_plans=[(d(1, 5), None)], cp_start=d(5), cp_end=None, field="start_date"
        )
    assert "cannot run at the same time" in messages(exc)
    rules.no_cin_plan_during_cp(
        cin_plans=[(d(1, 5), d(4))], cp_start=d(5), cp_end=None, field="start_date"
    )


def test_cp_review_not_held_while_cin_plan_open_4003():
    with pytest.raises(ValidationError) as exc:
        rules.no_cin_plan_during_cp(
            cin_plans=[(d(3), None)], cp_start=d(5), cp_end=d(5), field="date"
        )
    assert "review cannot be held while a child in need plan is open" in messages(exc)


def test_cin_plan_cannot_start_during_a_cp_plan_4016():
    with pytest.raises(ValidationError):
        rules.no_cin_plan_during_cp(
            cin_plans=[(d(8), None)], cp_start=d(1), cp_end=d(10), field="start_date"
        )


def test_cin_plan_cannot_end_during_a_cp_plan_4017():
    with pytest.raises(ValidationError):
        rules.no_cin_plan_during_cp(
            cin_plans=[(d(1), d(8))], cp_start=d(5), cp_end=None, field="start_date"
        )


def test_closure_blocked_while_s47_unresolved_8868():
    open_enquiry = s47(child=SimpleNamespace(person=SimpleNamespace(display_name="Kai Smith")))
    with pytest.raises(ValidationError) as exc:
        rules.s47_resolved_before_closure(unresolved=[open_enquiry])
    assert "section 47 enquiry about Kai Smith" in messages(exc)
    rules.s47_resolved_before_closure(unresolved=[])


def _child(**kw):
    base = {"end_date": None, "start_date": d(1), "person": SimpleNamespace(display_name="Kai")}
    return SimpleNamespace(**{**base, **kw})


def test_one_childs_part_ends_with_a_reason_and_not_for_the_last_child():
    with pytest.raises(ValidationError) as exc:
        rules.child_end(kind="cin", child_record=_child(), end_date=d(5), reason="", note="",
                        others_open=1, today=TODAY)  # fmt: skip
    assert "RC1 to RC9" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        rules.child_end(kind="early_help", child_record=_child(), end_date=d(5), reason="",
                        note="", others_open=1, today=TODAY)  # fmt: skip
    assert "Say why" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        rules.child_end(kind="cin", child_record=_child(), end_date=d(5), reason="RC7", note="",
                        others_open=0, today=TODAY)  # fmt: skip
    assert "close the episode instead" in messages(exc)
    with pytest.raises(ValidationError):
        rules.child_end(kind="cin", child_record=_child(start_date=d(6)), end_date=d(5),
                        reason="RC7", note="", others_open=1, today=TODAY)  # fmt: skip
    rules.child_end(kind="cin", child_record=_child(), end_date=d(5), reason="RC7", note="",
                    others_open=1, today=TODAY)  # fmt: skip


def test_referral_at_most_40_weeks_before_birth_8606():
    born = d(1, 12)
    with pytest.raises(ValidationError) as exc:
        rules.referral_not_long_before_birth(
            child_name="Baby", referral_date=born - dt.timedelta(weeks=41), born=born
        )
    assert "more than 40 weeks before Baby's date of birth" in messages(exc)
    rules.referral_not_long_before_birth(
        child_name="Baby", referral_date=born - dt.timedelta(weeks=40), born=born
    )
