"""The referral services: required fields, transitions, receipts, decisions, notifications."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from continuum.audit.models import AuditEvent
from continuum.governance.access import persons_visible_to
from continuum.referrals import services
from continuum.referrals.errors import AlreadyDecided, InvalidTransition
from continuum.referrals.models import (
    Destination,
    Notification,
    Outcome,
    Rag,
    Referral,
    ReferralTransition,
    Status,
    ThresholdFramework,
)
from continuum.referrals.tests.conftest import COMPLETE

pytestmark = pytest.mark.django_db


def test_london_continuum_is_the_default_framework():
    framework = ThresholdFramework.objects.get(is_current=True)
    assert framework.name == "London Continuum of Help and Support"
    assert [lvl.number for lvl in framework.levels.all()] == [1, 2, 3, 4]
    assert "Child development" in framework.levels.get(number=3).descriptors


def test_submit_names_every_missing_field(family, referrer):
    draft = services.referral_create(actor=referrer, child=family.twin1, data={})
    with pytest.raises(ValidationError) as exc:
        services.referral_submit(actor=referrer, referral=draft)
    errors = {k: v[0] for k, v in exc.value.message_dict.items()}
    assert errors == {
        "concerns": "Enter what you are worried about",
        "what_has_been_tried": "Enter what has been tried so far",
        "child_views": "Enter the child's views, or why they could not be sought",
        "parents_views": "Enter the parents' or carers' views",
        "referrer_level": "Select your view of the level of need",
        "consent": "Select whether the family consented to this referral",
    }
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT  # the draft is kept


def test_sharing_without_consent_needs_a_justification(family, referrer):
    from continuum.referrals.tests.conftest import COMPLETE

    data = {**COMPLETE, "without_consent_justification": "", "consent_reason": ""}
    draft = services.referral_create(actor=referrer, child=family.twin1, data=data)
    with pytest.raises(ValidationError) as exc:
        services.referral_submit(actor=referrer, referral=draft)
    assert set(exc.value.message_dict) == {"consent_reason", "without_consent_justification"}
    assert "significant harm" in exc.value.message_dict["without_consent_justification"][0]


def test_submit_goes_to_the_front_door_with_an_acknowledgement_deadline(submitted, agencies):
    assert submitted.status == Status.SUBMITTED
    assert submitted.destination_agency == agencies.front_door
    assert submitted.acknowledgement_due_at > submitted.submitted_at
    assert Notification.objects.filter(agency=agencies.front_door, referral=submitted).exists()
    steps = list(submitted.transitions.values_list("from_status", "to_status"))
    assert steps == [("", "draft"), ("draft", "submitted")]


def test_receive_records_who_acknowledged_and_sets_deadlines(
    family, referrer, front_door_worker
):
    routine = {**COMPLETE, "urgency": "routine", "referrer_level": 3}
    with time_machine.travel(dt.datetime(2026, 12, 24, 10, tzinfo=dt.UTC), tick=False):
        draft = services.referral_create(actor=referrer, child=family.twin1, data=routine)
        submitted = services.referral_submit(actor=referrer, referral=draft)
        received = services.referral_receive(
            actor=front_door_worker, referral=submitted, rag=Rag.AMBER
        )
    assert received.received_by == front_door_worker
    # Christmas Eve 10:00: decision due at the close of Tuesday 29 December (Boxing Day obs.)
    assert timezone.localtime(received.decision_due_at) == dt.datetime(
        2026, 12, 29, 17, tzinfo=timezone.get_current_timezone()
    )
    assert received.rag_due_at is not None
    assert Notification.objects.filter(recipient=referrer, subject__contains="received").exists()


LONDON = dt.timezone(dt.timedelta(0))  # December: London is on GMT


def _local(y, m, d, h, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=LONDON)


def test_an_urgent_referral_runs_on_the_shorter_clocks(family, referrer):
    """Issue 15: an urgent referral got the same deadlines as a routine one."""
    with time_machine.travel(_local(2026, 11, 23, 10), tick=False):  # Monday 10:00
        urgent = services.referral_submit(
            actor=referrer,
            referral=services.referral_create(actor=referrer, child=family.twin1, data=COMPLETE),
        )
        routine = services.referral_submit(
            actor=referrer,
            referral=services.referral_create(
                actor=referrer, child=family.twin2, data={**COMPLETE, "urgency": "routine"}
            ),
        )
    assert urgent.acknowledgement_due_at == _local(2026, 11, 23, 11)  # 1 working hour
    assert urgent.decision_due_at == _local(2026, 11, 23, 14)  # 4 working hours
    assert routine.acknowledgement_due_at == _local(2026, 11, 23, 14)  # 4 working hours
    assert routine.decision_due_at == _local(2026, 11, 24, 17)  # close of the next working day


def test_a_late_acknowledgement_does_not_move_the_decision_deadline(
    family, referrer, front_door_worker
):
    """Issue 15: acknowledged 5 days late, the decision still reported "within 1 working day",
    because its clock started at the acknowledgement. It starts at the referral's arrival."""
    routine = {**COMPLETE, "urgency": "routine", "referrer_level": 3}
    with time_machine.travel(_local(2026, 11, 23, 10), tick=False):  # Monday 10:00
        submitted = services.referral_submit(
            actor=referrer,
            referral=services.referral_create(actor=referrer, child=family.twin1, data=routine),
        )
    with time_machine.travel(_local(2026, 11, 30, 10), tick=False):  # 5 working days later
        received = services.referral_receive(
            actor=front_door_worker, referral=submitted, rag=Rag.AMBER
        )
        decided = services.referral_decide(
            actor=front_door_worker,
            referral=received,
            outcome=Outcome.S17,
            level=3,
            rationale="Assess.",
        )
    assert received.acknowledged_late is True
    assert received.decision_due_at == _local(2026, 11, 24, 17)
    assert received.rag_due_at == _local(2026, 11, 26, 10)  # amber: 24 working hours from arrival
    assert decided.decided_on_time is False and received.is_overdue(_local(2026, 11, 30, 10))


def test_a_level_4_or_urgent_contact_rated_green_needs_confirming(
    submitted, front_door_worker
):
    """Issue 15: a level 4 urgent referral could be rated Green without a prompt."""
    for rag in (Rag.GREEN, Rag.BLUE):
        with pytest.raises(ValidationError) as exc:
            services.referral_receive(actor=front_door_worker, referral=submitted, rag=rag)
        assert "judged this contact level 4" in exc.value.message_dict["confirm_low_rating"][0]
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED  # nothing half-saved
    received = services.referral_receive(
        actor=front_door_worker, referral=submitted, rag=Rag.GREEN, confirm_low_rating=True
    )
    assert received.rag == Rag.GREEN


def test_a_routine_level_3_contact_is_rated_green_without_confirming(
    family, referrer, front_door_worker
):
    data = {**COMPLETE, "urgency": "routine", "referrer_level": 3}
    referral = services.referral_submit(
        actor=referrer,
        referral=services.referral_create(actor=referrer, child=family.twin1, data=data),
    )
    received = services.referral_receive(
        actor=front_door_worker, referral=referral, rag=Rag.GREEN
    )
    assert received.rag == Rag.GREEN


def test_waiting_to_be_acknowledged_items_are_done_once_acknowledged(
    submitted, front_door_worker, front_door_manager, referrer
):
    """Issue 15: "waiting to be acknowledged" stayed new in the inbox after the decision."""
    later = submitted.acknowledgement_due_at + dt.timedelta(minutes=1)
    services.escalate_unacknowledged(now=later)
    waiting = list(Notification.objects.filter(referral=submitted))
    assert len(waiting) >= 2 and not any(n.read_at for n in waiting)  # new referral, escalation
    services.referral_receive(actor=front_door_worker, referral=submitted, rag=Rag.RED)
    for item in Notification.objects.filter(pk__in=[n.pk for n in waiting]):
        assert item.read_at is not None and item.read_by == front_door_worker
    # the referrer's own news ("your referral has been received") is new for them
    assert Notification.objects.get(recipient=referrer).read_at is None


def test_a_referral_withdrawn_before_acknowledgement_is_no_longer_waiting(submitted, referrer):
    services.referral_withdraw(actor=referrer, referral=submitted, reason="Wrong child")
    new_referral = Notification.objects.get(subject__startswith="New referral")
    assert new_referral.read_at is not None
    assert Notification.objects.get(subject__contains="withdrawn").read_at is None


def test_invalid_transitions_are_refused_with_a_clear_message(submitted, referrer):
    with pytest.raises(InvalidTransition, match="cannot be closed: it is submitted"):
        services.referral_close(actor=referrer, referral=submitted)
    with pytest.raises(InvalidTransition, match="cannot be submitted"):
        services.referral_submit(actor=referrer, referral=submitted)


def test_decide_records_level_framework_and_tells_the_referrer(
    received, front_door_worker, referrer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decided = services.referral_decide(
            actor=front_door_worker,
            referral=received,
            outcome=Outcome.S47,
            level=4,
            rationale="Disclosure and injury: strategy discussion today.",
        )
    assert decided.status == Status.DECIDED
    assert decided.level_of_need.number == 4
    assert decided.framework.is_current
    assert Notification.objects.filter(recipient=referrer, subject__contains="Outcome").exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [referrer.email]
    assert "Jayden" not in mail.outbox[0].body  # no names in email


def _decide_then_fail(referral, actor):
    from django.db import transaction

    with transaction.atomic():
        services.referral_decide(
            actor=actor, referral=referral, outcome=Outcome.S17, level=3, rationale="Assess."
        )
        raise RuntimeError("boom")


def test_no_email_when_the_transaction_rolls_back(
    received, front_door_worker, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        _decide_then_fail(received, front_door_worker)
    assert callbacks == []
    assert mail.outbox == []
    received.refresh_from_db()
    assert received.status == Status.RECEIVED


def test_decision_validation(received, front_door_worker):
    with pytest.raises(ValidationError) as exc:
        services.referral_decide(
            actor=front_door_worker,
            referral=received,
            outcome=Outcome.NFA,
            level=None,
            rationale="",
        )
    assert set(exc.value.message_dict) == {"level", "rationale", "signposting"}
    with pytest.raises(ValidationError) as exc:
        services.referral_decide(
            actor=front_door_worker,
            referral=received,
            outcome=Outcome.PANEL_ALLOCATED,
            level=2,
            rationale="x",
        )
    assert "outcome" in exc.value.message_dict


def test_second_decision_sees_who_decided_first(
    received, front_door_worker, second_front_door_worker
):
    stale = Referral.objects.get(pk=received.pk)
    services.referral_decide(
        actor=front_door_worker,
        referral=received,
        outcome=Outcome.S17,
        level=3,
        rationale="Complex needs.",
    )
    with pytest.raises(AlreadyDecided) as exc:
        services.referral_decide(
            actor=second_front_door_worker,
            referral=stale,
            outcome=Outcome.NFA,
            level=1,
            rationale="x",
            signposting="y",
        )
    assert "Fay Doyle" in exc.value.messages[0]
    assert "Child in need assessment" in exc.value.messages[0]
    assert (
        ReferralTransition.objects.filter(referral=received, to_status=Status.DECIDED).count() == 1
    )


def test_information_request_answered_inside_continuum(
    received, front_door_worker, read_only_partner, agencies
):
    request = services.referral_request_information(
        actor=front_door_worker,
        referral=received,
        to_agency=agencies.police,
        question="Any domestic abuse call-outs to 12 Mill Lane?",
        due_at=timezone.now() + dt.timedelta(hours=4),
    )
    received.refresh_from_db()
    assert received.status == Status.INFORMATION_GATHERING
    assert request.acknowledgement_due_at <= request.due_at
    services.information_request_acknowledge(actor=read_only_partner, request=request)
    answered = services.information_request_answer(
        actor=read_only_partner, request=request, answer="Two call-outs in May."
    )
    assert answered.acknowledged_by == read_only_partner
    assert answered.answered_by == read_only_partner
    with pytest.raises(InvalidTransition):
        services.information_request_answer(
            actor=read_only_partner, request=request, answer="again"
        )


def test_withdraw_needs_a_reason_and_keeps_the_referral(submitted, referrer):
    with pytest.raises(ValidationError):
        services.referral_withdraw(actor=referrer, referral=submitted, reason=" ")
    services.referral_withdraw(actor=referrer, referral=submitted, reason="Sent for the wrong twin")
    submitted.refresh_from_db()
    assert submitted.status == Status.WITHDRAWN
    assert submitted.withdrawn_reason == "Sent for the wrong twin"


def test_early_help_decision_goes_to_the_hub_panel_carrying_history(
    received, front_door_worker, agencies, involved_practitioner
):
    services.referral_decide(
        actor=front_door_worker,
        referral=received,
        outcome=Outcome.EARLY_HELP,
        level=2,
        rationale="Family support",
        onward_agency=agencies.hub,
    )
    panel = Referral.objects.get(previous=received)
    assert panel.destination == Destination.EARLY_HELP_PANEL
    assert panel.status == Status.SUBMITTED
    assert panel.destination_agency == agencies.hub
    # The hub panel allocates a lead professional.
    panel = services.referral_receive(actor=involved_practitioner, referral=panel, rag=Rag.GREEN)
    services.referral_decide(
        actor=involved_practitioner,
        referral=panel,
        outcome=Outcome.PANEL_ALLOCATED,
        level=2,
        rationale="Parenting programme",
        lead_professional=involved_practitioner,
        service="Incredible Years",
    )
    # Things get worse: step up to the front door with the history.
    up = services.referral_step_up(actor=involved_practitioner, referral=panel, reason="New injury")
    assert up.destination == Destination.FRONT_DOOR
    assert up.previous == panel
    assert up.previous.previous == received
    assert "New injury" in up.concerns


def test_panel_referral_gives_the_hub_a_legitimate_relationship(
    family, referrer, uninvolved_worker, agencies
):
    from continuum.referrals.tests.conftest import COMPLETE

    assert not persons_visible_to(uninvolved_worker).filter(pk=family.twin2.pk).exists()
    data = {
        **COMPLETE,
        "destination": Destination.EARLY_HELP_PANEL,
        "destination_agency": agencies.other_hub,
    }
    referral = services.referral_create(actor=referrer, child=family.twin2, data=data)
    services.referral_submit(actor=referrer, referral=referral)
    # the south hub's panel can now see the child it has been asked to help
    assert persons_visible_to(uninvolved_worker).filter(pk=family.twin2.pk).exists()


def test_escalation_tells_the_manager_once(submitted, front_door_manager):
    later = submitted.acknowledgement_due_at + dt.timedelta(minutes=1)
    assert services.escalate_unacknowledged(now=later) == 1
    assert (
        Notification.objects.filter(
            recipient=front_door_manager, subject__startswith="Escalation"
        ).count()
        == 1
    )
    assert services.escalate_unacknowledged(now=later) == 0


def test_every_transition_is_audited(received):
    events = AuditEvent.objects.filter(object_type="referral", object_id=str(received.pk))
    assert events.filter(action="create").count() == 1
    assert events.filter(action="update").count() == 2  # submitted, received
