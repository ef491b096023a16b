"""Role permissions, declared once as composable predicates (django-rules)."""

from __future__ import annotations

import rules

from continuum.directory.models import AgencyKind, Role


def _has_role(*roles: str):
    @rules.predicate(name=f"has_role_{'_'.join(roles)}")
    def predicate(user) -> bool:
        return bool(user and user.is_authenticated and getattr(user, "role", None) in roles)

    return predicate


is_front_door = _has_role(Role.FRONT_DOOR)
is_dpo = _has_role(Role.DPO)
is_volunteer = _has_role(Role.VOLUNTEER)
is_analyst = _has_role(Role.ANALYST)
is_manager = _has_role(Role.TEAM_MANAGER)
# Loads their agency's extracts into Continuum; sees counts and their own agency's records,
# never the shared record of a person (docs/adr/0006).
is_data_steward = _has_role(Role.DATA_STEWARD)


@rules.predicate
def is_front_door_manager(user) -> bool:
    """A team manager of the front door (an agency of kind front door): they manage the triage,
    so they see what the front door's workers see (issue 15)."""
    return bool(is_manager(user) and user.agency_id and user.agency.kind == AgencyKind.FRONT_DOOR)


# Front door staff: its workers and the managers who oversee their queue.
works_at_front_door = is_front_door | is_front_door_manager
is_casework_staff = _has_role(
    Role.PRACTITIONER, Role.DSL, Role.TEAM_MANAGER, Role.FRONT_DOOR, Role.VOLUNTEER
)

# Roles that may see every person in the area, because their job is to: the front door (its
# workers and their team managers) triages any contact about any child; the DPO answers for every
# access.
sees_whole_area = works_at_front_door | is_dpo
# Roles that may never change a person's record, whatever their agency's involvement.
never_edits_people = is_dpo | is_analyst | is_data_steward | _has_role(Role.ADMINISTRATOR)
# Who may create a new person record (registration, a new baby, an adult in the home).
can_create_people = is_casework_staff & ~is_volunteer

# Who may use emergency (break-glass) access to a record they have no relationship with: staff
# who work with families. Not volunteers, analysts, administrators or the DPO; the front door
# already sees every record that is not restricted, and break-glass never opens a restricted one.
can_break_glass = _has_role(Role.PRACTITIONER, Role.DSL, Role.TEAM_MANAGER)


@rules.predicate
def in_front_door_agency(user) -> bool:
    agency = getattr(user, "agency", None) if user and user.is_authenticated else None
    return bool(agency and agency.kind == AgencyKind.FRONT_DOOR)


# Who may restrict a record (or an address) to named people, and lift a restriction: the DPO,
# and the managers of the front door, who decide how the area handles a family's contacts.
can_restrict = is_dpo | (is_manager & in_front_door_agency)

rules.add_perm("people.add_person", can_create_people)
rules.add_perm("audit.view_person_audit", is_dpo)
rules.add_perm("governance.restrict_person", can_restrict)
