"""Every read of personal data is audited (issue 11, finding 4).

Walks every route in the URL resolver, as a persona who may see the page (built from the
permission matrix's rows, governance/tests/test_permission_matrix.py), GETs it, and fails when a
page that shows personal data wrote no audit event by that persona. Each route must be
classified here: a read of personal data (`READS`, the default for every GET page in the matrix),
a page with no personal data on it (`NO_PERSONAL_DATA`, each with the reason), or a route that
only takes POST (its service audits the write). A new route fails `test_every_route_is_classified`
until it is put in one of them."""

from __future__ import annotations

import pytest
from django.urls import get_resolver

from conftest import PERSONAS
from continuum.audit.models import AuditAction, AuditEvent
from continuum.governance.tests.test_permission_matrix import (
    API,
    EXEMPT,
    STEWARD,
    UI,
    _route_names,
)

pytestmark = pytest.mark.django_db

# Pages that show no personal data about anyone: nothing to audit. Each says why.
NO_PERSONAL_DATA = {
    # blank forms to start something new (no person or family on the page yet)
    "people:add": "a blank form to register a person",
    "hubs:family_register": "a blank form to register a family with the hub",
    "outcomes:instrument_add": "a blank form for an outcome measure (an instrument)",
    "hubs:activity_add": "a blank form for a hub activity",
    # reference data and aggregates: no named person
    "outcomes:instruments": "the list of outcome measures (instruments), no people",
    "outcomes:instrument_edit": "one outcome measure's questions, no people",
    "outcomes:cohort": "counts and averages over a cohort, no named person",
    "referrals:thresholds": "the published continuum of need, no people",
    "referrals:receiving_team": "teams and their routing rules, no people (no persona may see it)",
    "hubs:timetable": "activities and their sessions, no people",
    "hubs:reach": "counts of children reached per area, no named person",
    "linkage:model": "the matching model's weights and training figures, no records",
    "linkage:imports": "the list of extracts imported (agency, file, counts), no records",
    "api:read_import": "an extract's progress through the API: counts only, no records",
    "servicedirectory:search": "the directory of local services, no people",
    "servicedirectory:detail": "one local service, no people",
    "servicedirectory:import": "a form to import the service directory, no people",
    "servicedirectory:export": "the service directory as a file, no people",
    "hubs:volunteer_profile": "the signed-in volunteer's own profile (staff data, not a family)",
    "audit:staff_index": "the DPO's list of members of staff (directory data, not a family)",
}

# Reads of personal data that are known not to be audited yet, each with where it is mended.
KNOWN_UNAUDITED: dict[str, str] = {}

READ_ACTIONS = {AuditAction.VIEW, AuditAction.SEARCH, AuditAction.EXPORT}
# Who walks each page: the first of these the matrix lets see it.
PREFERENCE = [
    "involved_practitioner",
    "front_door_worker",
    "dpo",
    "read_only_partner",
    "volunteer",
    "uninvolved_worker",
    "analyst",
    "unmatched_volunteer",
]
assert set(PREFERENCE) == set(PERSONAS)


def _get_routes(rows: dict) -> list[str]:
    return sorted(name for name, row in rows.items() if row[0] == "get")


UI_READS = _get_routes(UI)
API_READS = _get_routes(API)
ONLY_POST = {name for name, row in (UI | API).items() if row[0] != "get"}


def _persona(expected: dict[str, int]) -> str | None:
    return next((p for p in PREFERENCE if expected.get(p) == 200), None)


def _team_manager(personas):
    """For pages none of the personas may see (approvals): a team manager of the hub."""
    from continuum.directory.models import Role
    from continuum.directory.tests.factories import UserFactory

    hub = personas["involved_practitioner"].agency
    return UserFactory(username="hub.manager", agency=hub, role=Role.TEAM_MANAGER)


def _walk(name, rows, client_for, personas, family, data_steward):
    _method, url, _body, expected = rows[name]
    if _persona(expected) is None:
        if STEWARD.get(name) == 200:  # an agency's own extracts: its data steward
            persona = data_steward
        elif name in NO_PERSONAL_DATA:
            pytest.skip("no persona may see this page (its matrix row expects 403/404 for all)")
        else:
            persona = _team_manager(personas)
    else:
        persona = personas[_persona(expected)]
    address = url(family)  # building the URL may create the records it points at
    since = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    response = client_for(persona).get(address)
    assert response.status_code == 200, (name, address, response.status_code)
    reads = AuditEvent.objects.filter(seq__gt=since, actor_id=persona.pk, action__in=READ_ACTIONS)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(reads), body.decode(errors="replace")


def _check(name, events, page, family):
    if name in KNOWN_UNAUDITED:
        if not events:
            pytest.xfail(KNOWN_UNAUDITED[name])
        return
    if name in NO_PERSONAL_DATA:
        # the allow-list is checked too: none of the family's names is on the page
        shown = [
            p.given_name for p in (family.mother, family.partner, family.father, family.twin1)
            if p.given_name in page
        ]  # fmt: skip
        assert not shown, f"{name} is allowed as showing no personal data, but shows {shown}"
        return
    assert events, f"{name} shows personal data but wrote no audit event"


@pytest.mark.parametrize("name", UI_READS)
def test_every_page_that_shows_personal_data_writes_an_audit_event(
    name, personas, family, login, data_steward
):
    _check(name, *_walk(name, UI, login, personas, family, data_steward), family)


@pytest.mark.parametrize("name", API_READS)
def test_every_api_read_of_personal_data_writes_an_audit_event(
    name, personas, family, api_client, data_steward
):
    _check(name, *_walk(name, API, api_client, personas, family, data_steward), family)


def test_every_route_is_classified():
    """A route is a read (audited), a page with no personal data, POST only, or one of the
    permission matrix's exemptions (sign-in, the API's own description): nothing else."""
    routes = set(_route_names(get_resolver().url_patterns))
    classified = set(UI_READS) | set(API_READS) | ONLY_POST | EXEMPT
    assert not routes - classified, f"Classify these routes: {sorted(routes - classified)}"
    assert not (set(NO_PERSONAL_DATA) | set(KNOWN_UNAUDITED)) - routes, "stale names"
    assert not set(NO_PERSONAL_DATA) & set(KNOWN_UNAUDITED)
