"""The data protection officer's audit pages (issue 11, finding 4): for a person, every view of
anything about them; for a member of staff, everything they looked at; filters; CSV export."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from continuum.audit.models import AuditAction, AuditEvent
from continuum.audit.services import audit_record
from continuum.casework.tests import matrix as casework_matrix
from continuum.governance.tests.test_permission_matrix import UI

pytestmark = pytest.mark.django_db

# Pages about the Smith family's children other than their person record: each must show up on
# the twins' "who has seen this record" page.
FAMILY_PAGES = [
    "casework:episode",
    "casework:visit",
    "casework:assessment",
    "casework:household_chronology",
    "casework:household",
    "hubs:risk_flags",
    "outcomes:journey",
]


def _rows(html: str) -> str:
    return html.split("<tbody")[1].split("</tbody>")[0]


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def _log(client, person, **query):
    return client.get(reverse("audit:person_log", args=[person.pk]), query)


def test_views_of_episodes_visits_assessments_chronology_outcomes_and_flags_are_on_the_trail(
    family, involved_practitioner, dpo, login
):
    client = login(involved_practitioner)
    for name in FAMILY_PAGES:
        assert client.get(UI[name][1](family)).status_code == 200, name
    page = _log(login(dpo), family.twin1)
    rows = _rows(page.content.decode())
    for object_type in [
        "casework.episode", "casework.visit", "casework.assessment", "casework.chronology",
        "casework.household_episodes", "household_risk_flags", "household_outcomes",
    ]:  # fmt: skip
        assert f"Viewed {object_type}" in rows, object_type
    assert "hub.practitioner" in rows


def test_pages_seen_only_through_a_gatekeeper_are_on_the_trail(
    family, involved_practitioner, dpo, login
):
    """The edit form shows the person's record: the backstop audits it, about them."""
    login(involved_practitioner).get(reverse("people:edit", args=[family.mother.pk]))
    event = AuditEvent.objects.filter(actor_id=involved_practitioner.pk).order_by("-seq").first()
    assert (event.object_type, event.subject_person_ids) == ("people:edit", [family.mother.pk])
    assert "Viewed people:edit" in _rows(_log(login(dpo), family.mother).content.decode())


def test_a_person_is_not_shown_what_was_about_someone_else(
    family, involved_practitioner, dpo, login
):
    login(involved_practitioner).get(reverse("people:detail", args=[family.father.pk]))
    rows = _rows(_log(login(dpo), family.twin1).content.decode())
    assert f"Viewed person {family.father.pk}" not in rows


def test_filters_by_action_staff_agency_and_date(
    family, involved_practitioner, read_only_partner, dpo, login, agencies
):
    login(involved_practitioner).get(reverse("people:detail", args=[family.mother.pk]))
    login(read_only_partner).get(reverse("people:detail", args=[family.mother.pk]))
    client = login(dpo)
    rows = _rows(_log(client, family.mother, staff="police").content.decode())
    assert "police.officer" in rows and "hub.practitioner" not in rows
    rows = _rows(_log(client, family.mother, agency=agencies.hub.pk).content.decode())
    assert "hub.practitioner" in rows and "police.officer" not in rows
    rows = _rows(_log(client, family.mother, action="create").content.decode())
    assert "Created person" in rows and "Viewed" not in rows
    rows = _rows(
        _log(
            client, family.mother, date_from_0="1", date_from_1="1", date_from_2="2000",
            date_to_0="2", date_to_1="1", date_to_2="2000",
        ).content.decode()
    )  # fmt: skip
    assert "No events match" in rows


def test_a_to_date_before_the_from_date_is_explained(family, dpo, login):
    page = _log(
        login(dpo), family.mother, date_from_0="2", date_from_1="1", date_from_2="2025",
        date_to_0="1", date_to_1="1", date_to_2="2025",
    )  # fmt: skip
    html = page.content.decode()
    assert "govuk-error-summary" in html and "must be on or after the" in html
    assert "Correct the filters to see events" in _rows(html)


def test_person_trail_export_is_audited_and_formula_safe(family, involved_practitioner, dpo, login):
    audit_record(
        actor=involved_practitioner, action=AuditAction.VIEW, object_type="person",
        object_id=family.mother.pk, reason='=HYPERLINK("http://x")',
        person_ids=[family.mother.pk],
    )  # fmt: skip
    response = _log(login(dpo), family.mother, format="csv", staff="hub")
    assert response["Content-Type"] == "text/csv"
    rows = _csv(response)
    assert rows[0][:3] == ["Sequence", "When", "Username"]
    assert '\'=HYPERLINK("http://x")' in [row[10] for row in rows[1:]]
    assert {row[2] for row in rows[1:]} == {"hub.practitioner"}
    export = AuditEvent.objects.filter(actor_id=dpo.pk).order_by("-seq").first()
    assert (export.action, export.object_type, export.subject_person_ids) == (
        AuditAction.EXPORT, "person_access_log", [family.mother.pk],
    )  # fmt: skip
    assert export.details == {"staff": "hub"}


def test_staff_trail_shows_what_they_looked_at_and_whom_it_was_about(
    family, involved_practitioner, dpo, login
):
    login(involved_practitioner).get(casework_matrix.UI["casework:episode"][1](family))
    page = login(dpo).get(reverse("audit:staff_log", args=[involved_practitioner.pk]))
    rows = _rows(page.content.decode())
    assert "Viewed casework.episode" in rows
    assert "Jayden Smith" in rows
    assert reverse("audit:person_log", args=[family.twin1.pk]) in rows
    assert AuditEvent.objects.filter(actor_id=dpo.pk, object_type="staff_access_log").exists()
    viewed = login(dpo).get(
        reverse("audit:staff_log", args=[involved_practitioner.pk]), {"action": "update"}
    )
    assert "Viewed casework.episode" not in _rows(viewed.content.decode())


def test_staff_trail_export(family, involved_practitioner, dpo, login):
    login(involved_practitioner).get(reverse("people:detail", args=[family.mother.pk]))
    response = login(dpo).get(
        reverse("audit:staff_log", args=[involved_practitioner.pk]), {"format": "csv"}
    )
    rows = _csv(response)
    assert any(
        r[5] == "Viewed" and r[6] == "person" and r[8] == str(family.mother.pk) for r in rows
    )
    assert AuditEvent.objects.filter(
        actor_id=dpo.pk, action=AuditAction.EXPORT, object_type="staff_access_log"
    ).exists()


def test_staff_index_finds_staff(family, involved_practitioner, dpo, login):
    html = login(dpo).get(reverse("audit:staff_index"), {"q": "hub.prac"}).content.decode()
    assert reverse("audit:staff_log", args=[involved_practitioner.pk]) in html
    assert "police.officer" not in _rows(html)


@pytest.mark.parametrize("persona", ["involved_practitioner", "front_door_worker", "analyst"])
def test_only_the_dpo_sees_them_everyone_else_gets_404(persona, family, personas, login):
    client = login(personas[persona])
    staff = personas["involved_practitioner"]
    for url in (
        reverse("audit:person_log", args=[family.mother.pk]),
        reverse("audit:person_log", args=[family.mother.pk]) + "?format=csv",
        reverse("audit:staff_log", args=[staff.pk]) + "?format=csv",
    ):
        assert client.get(url).status_code == 404, url


def test_unknown_staff_is_404(family, dpo, login):
    assert login(dpo).get(reverse("audit:staff_log", args=[987654])).status_code == 404
