"""Which team in an agency receives its hand-overs (new referrals, information requests,
step-ups and escalations). Set by the agency's administrator or a team manager."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.directory.models import Team, User
from continuum.referrals import access
from continuum.referrals.models import ReceivingTeam


@transaction.atomic
def receiving_team_set(*, actor: User, team: Team | None) -> ReceivingTeam | None:
    """Make `team` the receiving team of the actor's agency, or (None) send hand-overs to the
    agency-wide inbox. Only a team of the actor's own agency can be chosen."""
    if not access.can_set_receiving_team(actor):
        raise ValidationError("Only an administrator or a team manager can choose this")
    if team is not None and team.agency_id != actor.agency_id:
        raise ValidationError({"team": f"Choose a team in {actor.agency.name}"})
    current = ReceivingTeam.objects.select_for_update().filter(agency_id=actor.agency_id).first()
    before = current.team_id if current else None
    if team is None:
        if current:
            current.delete()
        result = None
    elif current:
        current.team = team
        current.save(update_fields=["team"])
        result = current
    else:
        result = ReceivingTeam.objects.create(agency_id=actor.agency_id, team=team)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="agency",
        object_id=actor.agency_id,
        changed_fields=["receiving_team"],
        details={"from_team": before, "to_team": team.pk if team else None},
    )
    return result
