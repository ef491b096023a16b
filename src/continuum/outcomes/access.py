"""Who may see outcome reports. Aggregates never name anyone."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from continuum.directory.models import Role
from continuum.governance import rules as perms


@dataclass(frozen=True)
class ReportScope:
    """Whole area, or one agency's own work."""

    agency_id: int | None
    label: str


def report_scope_for(user) -> ReportScope:
    """The cohort a user may report on.

    - volunteers see only their matched families, never service reports → 404;
    - analysts, the front door and the DPO report on the whole area;
    - other staff report on their own agency's work.
    """
    if not user or not user.is_authenticated or perms.is_volunteer(user):
        raise Http404("Not found")
    if perms.is_analyst(user) or perms.sees_whole_area(user):
        return ReportScope(agency_id=None, label="the whole area")
    if not user.agency_id:
        raise Http404("Not found")
    return ReportScope(agency_id=user.agency_id, label=user.agency.name)


# Who configures the area's outcome instruments: its analysts and administrators.
INSTRUMENT_CONFIGURERS = {Role.ANALYST, Role.ADMINISTRATOR}


def can_configure_instruments(user) -> bool:
    return bool(user and user.is_authenticated and user.role in INSTRUMENT_CONFIGURERS)


def require_instrument_configurer(user) -> None:
    """The instrument configuration pages exist only for analysts and administrators: 404 for
    everyone else, as for any page a user may not see."""
    if not can_configure_instruments(user):
        raise Http404("Not found")
