"""Writes for family hub life. Every write is audited in the same transaction."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.casework.services import chronology_record_event
from continuum.directory.models import Agency, AgencyKind
from continuum.governance.access import persons_visible_to
from continuum.governance.models import (
    NON_GRANTING_SOURCES,
    AccessLevel,
    Involvement,
    InvolvementSource,
)
from continuum.governance.services import involvement_start, involvements_end
from continuum.hubs.models import (
    Activity,
    Attendance,
    ContactAttempt,
    ContactResult,
    EngagementEvent,
    EngagementEventKind,
    Enrolment,
    HubRegistration,
    MatchStage,
    MatchTransition,
    OutreachEntry,
    OutreachReason,
    OutreachStatus,
    Register,
    RiskFlag,
    RiskFlagKind,
    Session,
    SessionStatus,
    VisitDiary,
    VolunteerMatch,
)
from continuum.people import services as people_services
from continuum.people.codes import RelationshipKind
from continuum.people.models import (
    Household,
    Person,
    PersonKind,
    Relationship,
)

# --- Registration ------------------------------------------------------------------------------


@transaction.atomic
def household_register(
    *, actor, hub: Agency, household: Household, consent_given_by: str
) -> HubRegistration:
    """Register a family with the hub (universal services: no concern needed), recording who
    consented to the hub holding their details. Gives the hub an involvement with the household."""
    if not (consent_given_by or "").strip():
        raise ValidationError(
            {
                "consent_given_by": "Enter the name of the person who agreed to the hub holding "
                "the family's details"
            }
        )
    existing = HubRegistration.objects.filter(
        hub=hub, household=household, ended_at__isnull=True
    ).first()
    if existing:
        return existing
    registration = HubRegistration(
        hub=hub, household=household, registered_by=actor, consent_given_by=consent_given_by.strip()
    )
    registration.full_clean()
    registration.save()
    if not Involvement.objects.filter(
        agency=hub,
        household=household,
        worker__isnull=True,
        ended_at__isnull=True,
        source=InvolvementSource.REGISTRATION,
    ).exists():
        involvement_start(
            actor=actor,
            agency=hub,
            household=household,
            access=AccessLevel.EDIT,
            source=InvolvementSource.REGISTRATION,
            reason="Registered with the family hub, with consent",
        )
    OutreachEntry.objects.filter(hub=hub, household=household).update(
        status=OutreachStatus.REGISTERED
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="hub_registration",
        object_id=registration.pk,
        changed_fields=["consent_given_by"],
        reason="Family registered with the hub",
        details={"household_id": household.pk, "hub_id": hub.pk},
    )
    return registration


@transaction.atomic
def family_register(
    *,
    actor,
    hub: Agency,
    address: dict,
    adults: list[dict],
    children: list[dict],
    consent_given_by: str,
) -> HubRegistration:
    """A family who walk in: a new household, its people, and the registration, in one go."""
    if not adults and not children:
        raise ValidationError("Enter at least one person in the family")
    address_obj = people_services.address_build(**address)
    household = people_services.household_create(
        actor=actor, address=address_obj, reason="Family registered at the hub"
    )
    created_adults = [
        people_services.person_create(
            actor=actor,
            data={**a, "kind": PersonKind.ADULT},
            household=household,
            reason="Registered at the family hub",
        )
        for a in adults
    ]
    for child in children:
        person = people_services.person_create(
            actor=actor, data=child, household=household, reason="Registered at the family hub"
        )
        if created_adults:
            people_services.relationship_record(
                actor=actor,
                from_person=created_adults[0],
                to_person=person,
                kind=RelationshipKind.PARENT,
                lives_with=True,
                parental_responsibility=True,
            )
    return household_register(
        actor=actor, hub=hub, household=household, consent_given_by=consent_given_by
    )


def _flag_summary(flag: RiskFlag, agency_name: str) -> str:
    return f"{agency_name} recorded {flag.get_kind_display().lower()} ({flag.person.display_name})"


@transaction.atomic
def risk_flag_record(*, actor, person: Person, kind: str) -> RiskFlag:
    """An agency records a risk factor about someone in a family (domestic abuse, parental
    substance misuse, parental mental ill-health): what the reach page's target groups and the
    outreach list's priority count. Written to the family's chronology too."""
    if kind not in RiskFlagKind.values:
        raise ValidationError({"kind": "Choose what your agency has recorded"})
    if not getattr(actor, "agency_id", None):
        raise ValidationError("Only staff of an agency can record a risk factor")
    if RiskFlag.objects.filter(
        person=person, kind=kind, recorded_by_agency_id=actor.agency_id, ended_at__isnull=True
    ).exists():
        raise ValidationError(
            {"kind": f"Your agency has already recorded {RiskFlagKind(kind).label.lower()} for "
                     f"{person.display_name}"}
        )  # fmt: skip
    flag = RiskFlag(
        person=person, kind=kind, recorded_by_agency_id=actor.agency_id, recorded_by=actor
    )
    flag.full_clean()
    flag.save()
    chronology_record_event(
        person_id=person.pk, agency_id=actor.agency_id, recorded_by=actor,
        date=timezone.localdate(flag.recorded_at),
        summary=_flag_summary(flag, actor.agency.name), source_type="riskflag", source_id=flag.pk,
    )  # fmt: skip
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="risk_flag",
        object_id=flag.pk,
        details={"person_id": person.pk, "kind": kind},
    )
    return flag


@transaction.atomic
def risk_flag_withdraw(*, actor, flag: RiskFlag, reason: str) -> RiskFlag:
    """The recording agency withdraws a flag (recorded in error, or no longer a concern): it
    stops counting from now on; the family's chronology says so."""
    if flag.ended_at is not None:
        raise ValidationError("This risk factor has already been withdrawn")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the risk factor is being withdrawn"})
    flag.ended_at = timezone.now()
    flag.ended_by = actor
    flag.end_reason = reason.strip()
    flag.save(update_fields=["ended_at", "ended_by", "end_reason"])
    chronology_record_event(
        person_id=flag.person_id, agency_id=actor.agency_id, recorded_by=actor,
        date=timezone.localdate(flag.ended_at),
        summary=f"{actor.agency.name} withdrew {flag.get_kind_display().lower()} "
        f"({flag.person.display_name}): {flag.end_reason}",
        source_type="riskflag", source_id=flag.pk,
    )  # fmt: skip
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="risk_flag",
        object_id=flag.pk,
        changed_fields=["ended_at", "end_reason"],
        reason=flag.end_reason,
    )
    return flag


# --- Activities, sessions, registers -----------------------------------------------------------


@transaction.atomic
def activity_create(
    *,
    actor,
    hub: Agency,
    name: str,
    kind: str,
    first_starts_at: dt.datetime,
    duration_minutes: int,
    weeks: int,
    venue: str = "",
    description: str = "",
) -> Activity:
    """An activity and its weekly sessions (a programme runs for its N weeks)."""
    activity = Activity(
        hub=hub, name=name, kind=kind, weeks=weeks, venue=venue, description=description
    )
    if not 1 <= weeks <= 52:
        raise ValidationError({"weeks": "Enter a number of weeks from 1 to 52"})
    if not 10 <= duration_minutes <= 8 * 60:
        raise ValidationError({"duration_minutes": "A session lasts from 10 minutes to 8 hours"})
    activity.full_clean()
    activity.save()
    Session.objects.bulk_create(
        [
            Session(
                activity=activity,
                starts_at=first_starts_at + dt.timedelta(weeks=w),
                ends_at=first_starts_at + dt.timedelta(weeks=w, minutes=duration_minutes),
                week_number=w + 1,
            )
            for w in range(weeks)
        ]
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="hub_activity",
        object_id=activity.pk,
        details={"weeks": weeks},
    )
    return activity


@transaction.atomic
def session_cancel(*, actor, session: Session, reason: str) -> Session:
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError("This session has already been cancelled")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the session is cancelled"})
    if Attendance.objects.filter(session=session).exists():
        raise ValidationError("People have attended this session, so it cannot be cancelled")
    session.status = SessionStatus.CANCELLED
    session.cancelled_at = timezone.now()
    session.cancelled_reason = reason.strip()
    session.save(update_fields=["status", "cancelled_at", "cancelled_reason"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="hub_session",
        object_id=session.pk,
        changed_fields=["status"],
        reason=reason,
    )
    return session


@transaction.atomic
def enrol(*, actor, activity: Activity, person: Person) -> Enrolment:
    enrolment, _ = Enrolment.objects.get_or_create(
        activity=activity, person=person, ended_at=None, defaults={"enrolled_by": actor}
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="hub_enrolment",
        object_id=enrolment.pk,
        details={"person_id": person.pk},
    )
    return enrolment


def _refuse_if_cancelled(session: Session) -> None:
    if session.status == SessionStatus.CANCELLED:
        when = timezone.localtime(session.cancelled_at or session.starts_at)
        raise ValidationError(
            f"{session.activity.name} on {timezone.localtime(session.starts_at):%-d %B %Y} was "
            f"cancelled on {when:%-d %B %Y}, so no attendance can be recorded for it"
        )


@transaction.atomic
def register_submit(
    *,
    actor,
    session: Session,
    register_uuid: uuid_lib.UUID | str,
    attended: list[int],
    walk_ins: list[int] | None = None,
    offline: bool = False,
) -> tuple[Register, bool]:
    """Record who attended. Idempotent: the same register uploaded again changes nothing.

    Returns (register, created). A person already marked at this session (by another register)
    is not counted twice. Refused for a cancelled session, and for anyone the actor may not see.
    """
    _refuse_if_cancelled(session)
    try:
        register_uuid = uuid_lib.UUID(str(register_uuid))
    except ValueError:
        raise ValidationError({"register_uuid": "The register id is not a valid UUID"}) from None
    existing = Register.objects.filter(uuid=register_uuid).first()
    if existing is not None:
        if existing.session_id != session.pk:
            raise ValidationError(
                {"register_uuid": "This register id was already used for another session"}
            )
        return existing, False
    walk_ins = list(walk_ins or [])
    wanted = {int(p) for p in attended} | {int(p) for p in walk_ins}
    visible = set(persons_visible_to(actor).filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - visible:
        raise ValidationError(
            "Some people on the register are not registered with the hub. "
            "Add them as walk-ins first"
        )
    register = Register.objects.create(
        uuid=register_uuid, session=session, taken_by=actor, offline=offline
    )
    already = set(
        Attendance.objects.filter(session=session, person_id__in=wanted).values_list(
            "person_id", flat=True
        )
    )
    Attendance.objects.bulk_create(
        [
            Attendance(
                session=session,
                person_id=pk,
                walk_in=pk in walk_ins,
                register=register,
                recorded_by=actor,
            )
            for pk in sorted(wanted - already)
        ]
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="hub_register",
        object_id=register.pk,
        details={"session_id": session.pk, "attended": len(wanted - already), "offline": offline},
    )
    _record_engagement_changes(session.activity, session)
    return register, True


MISSED_IN_A_ROW = 2


def _record_engagement_changes(activity: Activity, upto: Session) -> None:
    """Someone enrolled who attended before and then missed the last two sessions with a register
    "stopped attending": a significant event for the family's engagement history."""
    held = list(
        Session.objects.filter(
            activity=activity,
            status=SessionStatus.SCHEDULED,
            starts_at__lte=upto.starts_at,
            registers__isnull=False,
        )
        .distinct()
        .order_by("starts_at")
        .values_list("pk", flat=True)
    )
    if len(held) <= MISSED_IN_A_ROW:
        return
    recent = held[-MISSED_IN_A_ROW:]
    earlier = held[:-MISSED_IN_A_ROW]
    enrolled = Enrolment.objects.filter(activity=activity, ended_at__isnull=True).values_list(
        "person_id", flat=True
    )
    attended_recent = Attendance.objects.filter(session_id__in=recent).values_list(
        "person_id", flat=True
    )
    attended_before = Attendance.objects.filter(session_id__in=earlier).values_list(
        "person_id", flat=True
    )
    stopped = (set(enrolled) & set(attended_before)) - set(attended_recent)
    for person_id in sorted(stopped):
        event, created = EngagementEvent.objects.get_or_create(
            person_id=person_id,
            activity=activity,
            kind=EngagementEventKind.STOPPED_ATTENDING,
            defaults={
                "occurred_on": timezone.localdate(upto.starts_at),
                "details": f"Missed the last {MISSED_IN_A_ROW} sessions of {activity.name}",
            },
        )
        if created:  # significant: it goes on the family's chronology
            chronology_record_event(
                person_id=person_id, agency_id=activity.hub_id, recorded_by=None,
                date=event.occurred_on,
                summary=f"Stopped attending {activity.name} at {activity.hub.name}: "
                f"{event.details[0].lower()}{event.details[1:]}",
                source_type="engagementevent", source_id=event.pk,
            )  # fmt: skip


# --- Outreach ----------------------------------------------------------------------------------

NEW_BIRTH_DAYS = 56  # babies under 8 weeks


def _teenage_parent(household: Household, today: dt.date) -> bool:
    cutoff = today.replace(year=today.year - 20)
    return Relationship.objects.filter(
        kind=RelationshipKind.PARENT,
        ended_at__isnull=True,
        to_person__memberships__household=household,
        to_person__memberships__end_date__isnull=True,
        from_person__date_of_birth__gt=cutoff,
    ).exists()


def priority_reasons(household: Household, today: dt.date | None = None) -> list[str]:
    today = today or timezone.localdate()
    reasons = sorted(
        {
            RiskFlag(kind=k).get_kind_display()
            for k in RiskFlag.objects.filter(
                person__memberships__household=household,
                person__memberships__end_date__isnull=True,
                ended_at__isnull=True,
            ).values_list("kind", flat=True)
        }
    )
    if _teenage_parent(household, today):
        reasons.append("Teenage parent")
    return reasons


@transaction.atomic
def outreach_refresh(*, actor, hub: Agency) -> int:
    """Add every new pregnancy and birth in the hub's catchment to its outreach list.

    Midwifery and health visiting notify the hub of these families so that it can offer them
    its services: each new family gives the hub a read-only outreach involvement with the
    household, started by the member of hub staff who refreshed the list and audited against
    the household.
    Returns how many families were added.
    """
    if not hub.catchment_id:
        return 0
    today = timezone.localdate()
    candidates = (
        Person.objects.filter(
            Q(kind=PersonKind.UNBORN, expected_date_of_delivery__gte=today)
            | Q(kind=PersonKind.CHILD, date_of_birth__gte=today - dt.timedelta(NEW_BIRTH_DAYS)),
            date_of_death__isnull=True,
            memberships__end_date__isnull=True,
            memberships__household__address__catchment_id=hub.catchment_id,
        )
        .exclude(pk__in=OutreachEntry.objects.filter(hub=hub).values("person_id"))
        .values_list(
            "pk",
            "kind",
            "memberships__household_id",
            "created_by__agency_id",
            "created_by__agency__kind",
        )
        .distinct()
    )
    added = 0
    for person_id, kind, household_id, agency_id, agency_kind in candidates:
        household = Household.objects.get(pk=household_id)
        if HubRegistration.objects.filter(hub=hub, household=household, ended_at__isnull=True):
            status = OutreachStatus.REGISTERED
        else:
            status = OutreachStatus.NOT_CONTACTED
        reasons = priority_reasons(household, today)
        OutreachEntry.objects.create(
            hub=hub,
            household=household,
            person_id=person_id,
            reason=OutreachReason.PREGNANCY if kind == PersonKind.UNBORN else OutreachReason.BIRTH,
            notified_by_id=agency_id
            if agency_kind in (AgencyKind.MIDWIFERY, AgencyKind.HEALTH_VISITING)
            else None,
            status=status,
            priority=bool(reasons),
            priority_reasons=reasons,
        )
        if (
            not Involvement.objects.filter(
                agency=hub, household=household, ended_at__isnull=True, worker__isnull=True
            )
            .exclude(source__in=NON_GRANTING_SOURCES)
            .exists()
        ):
            # The hub's duty to offer every new family its services (a named member of hub
            # staff refreshed the list): read-only until the family registers.
            involvement_start(
                actor=actor,
                agency=hub,
                household=household,
                access=AccessLevel.READ,
                source=InvolvementSource.OUTREACH,
                reason="New pregnancy or birth notified to the family hub for outreach",
            )
        added += 1
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="hub_outreach_list",
        object_id=hub.pk,
        details={"added": added},
    )
    return added


@transaction.atomic
def contact_attempt_record(
    *,
    actor,
    entry: OutreachEntry,
    attempted_at: dt.datetime,
    method: str,
    result: str,
    notes: str = "",
) -> ContactAttempt:
    if attempted_at > timezone.now():
        raise ValidationError({"attempted_at": "The contact must be now or in the past"})
    attempt = ContactAttempt(
        entry=entry,
        attempted_at=attempted_at,
        attempted_by=actor,
        method=method,
        result=result,
        notes=notes,
    )
    attempt.full_clean()
    attempt.save()
    status = {
        ContactResult.REGISTERED: OutreachStatus.REGISTERED,
        ContactResult.DECLINED: OutreachStatus.DECLINED,
    }.get(result, OutreachStatus.TRYING)
    if entry.status != OutreachStatus.REGISTERED:
        entry.status = status
        entry.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="hub_contact_attempt",
        object_id=attempt.pk,
        details={"entry_id": entry.pk, "result": result},
    )
    return attempt


# --- Volunteers --------------------------------------------------------------------------------

ALLOWED_STAGES = {
    MatchStage.ENGAGEMENT: {MatchStage.MATCHING, MatchStage.ENDED},
    MatchStage.MATCHING: {MatchStage.SUPPORT, MatchStage.ENGAGEMENT, MatchStage.ENDED},
    MatchStage.SUPPORT: {MatchStage.ENDING},
    MatchStage.ENDING: {MatchStage.ENDED},
    MatchStage.ENDED: set(),
}


@transaction.atomic
def match_start(
    *, actor, household: Household, needs: str = "", preferred_days: list[str] | None = None
) -> VolunteerMatch:
    """A family joins the volunteer scheme (the engagement stage)."""
    match = VolunteerMatch(
        scheme_id=actor.agency_id,
        household=household,
        coordinator=actor,
        needs=needs,
        preferred_days=preferred_days or [],
    )
    match.full_clean()
    match.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="volunteer_match",
        object_id=match.pk,
        details={"household_id": household.pk},
    )
    return match


def _transition(actor, match: VolunteerMatch, to: str) -> None:
    if to not in ALLOWED_STAGES[MatchStage(match.stage)]:
        raise ValidationError(
            f"A family at the {match.get_stage_display().lower()} stage cannot move to "
            f"{MatchStage(to).label.lower()}"
        )
    MatchTransition.objects.create(match=match, from_stage=match.stage, to_stage=to, by=actor)
    match.stage = to


@transaction.atomic
def match_assign_volunteer(*, actor, match: VolunteerMatch, volunteer) -> VolunteerMatch:
    """Match a volunteer to the family: the volunteer gets a worker-level involvement."""
    if volunteer.agency_id != match.scheme_id or volunteer.role != "volunteer":
        raise ValidationError({"volunteer": "Choose a volunteer from this scheme"})
    _transition(actor, match, MatchStage.MATCHING)
    if match.involvement_id:
        involvements_end(
            actor=actor,
            involvements=Involvement.objects.filter(pk=match.involvement_id),
            reason="Another volunteer matched to the family",
        )
    match.involvement = involvement_start(
        actor=actor,
        agency=match.scheme,
        worker=volunteer,
        household=match.household,
        access=AccessLevel.READ,
        source=InvolvementSource.VOLUNTEER_MATCH,
        reason="Volunteer matched to the family",
    )
    match.volunteer = volunteer
    match.save(update_fields=["stage", "volunteer", "involvement"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="volunteer_match",
        object_id=match.pk,
        changed_fields=["stage", "volunteer"],
    )
    return match


@transaction.atomic
def match_move(*, actor, match: VolunteerMatch, to: str) -> VolunteerMatch:
    """Support begins, ending begins, or the match ends (which ends the volunteer's access)."""
    if to == MatchStage.MATCHING:
        raise ValidationError("Choose a volunteer to match the family")
    _transition(actor, match, to)
    fields = ["stage"]
    if to in (MatchStage.ENDED, MatchStage.ENGAGEMENT) and match.involvement_id:
        involvements_end(
            actor=actor,
            involvements=Involvement.objects.filter(pk=match.involvement_id),
            reason=f"Volunteer match moved to {MatchStage(to).label.lower()}",
        )
        match.involvement = None
        match.volunteer = None if to == MatchStage.ENGAGEMENT else match.volunteer
        fields += ["involvement", "volunteer"]
    if to == MatchStage.ENDED:
        match.ended_at = timezone.now()
        fields.append("ended_at")
    match.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="volunteer_match",
        object_id=match.pk,
        changed_fields=["stage"],
        details={"to": to},
    )
    return match


@transaction.atomic
def diary_write(*, actor, match: VolunteerMatch, visited_on: dt.date, notes: str) -> VisitDiary:
    if match.volunteer_id != actor.pk or match.stage not in (MatchStage.SUPPORT, MatchStage.ENDING):
        raise ValidationError("Visit diaries are written by the matched volunteer during support")
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": "The visit date must be today or in the past"})
    diary = VisitDiary(match=match, visited_on=visited_on, notes=notes, written_by=actor)
    diary.full_clean()
    diary.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="visit_diary",
        object_id=diary.pk,
        details={"match_id": match.pk},
    )
    return diary


@transaction.atomic
def diary_review(*, actor, diary: VisitDiary, comment: str = "") -> VisitDiary:
    if diary.reviewed_at:
        raise ValidationError("This diary has already been reviewed")
    diary.reviewed_by = actor
    diary.reviewed_at = timezone.now()
    diary.review_comment = comment
    diary.save(update_fields=["reviewed_by", "reviewed_at", "review_comment"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="visit_diary",
        object_id=diary.pk,
        changed_fields=["reviewed_at"],
    )
    return diary


@transaction.atomic
def volunteer_profile_save(
    *,
    actor,
    volunteer,
    skills: list[str],
    languages: list[str],
    availability: list[str],
    postcode_sector: str,
    dbs_checked_on: dt.date | None,
    training_completed_on: dt.date | None,
):
    """A co-ordinator records a volunteer's skills, languages, availability and checks."""
    from continuum.hubs.models import VolunteerProfile

    if volunteer.agency_id != actor.agency_id or volunteer.role != "volunteer":
        raise ValidationError("Choose a volunteer from your scheme")
    today = timezone.localdate()
    errors = {}
    if dbs_checked_on and dbs_checked_on > today:
        errors["dbs_checked_on"] = "The DBS check date must be today or in the past"
    if training_completed_on and training_completed_on > today:
        errors["training_completed_on"] = "The training date must be today or in the past"
    if errors:
        raise ValidationError(errors)
    profile, _ = VolunteerProfile.objects.get_or_create(user=volunteer)
    profile.skills, profile.languages, profile.availability = skills, languages, availability
    profile.postcode_sector = postcode_sector.upper().strip()
    profile.dbs_checked_on, profile.training_completed_on = dbs_checked_on, training_completed_on
    profile.full_clean()
    profile.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="volunteer_profile",
        object_id=profile.pk,
        changed_fields=[
            "skills",
            "languages",
            "availability",
            "dbs_checked_on",
            "training_completed_on",
        ],
    )
    return profile
