"""Risk factors other agencies record: what the reach page's target groups and the outreach
priority count. Recorded and withdrawn in the app by the recording agency, on the chronology."""

from __future__ import annotations

import pytest
from django.urls import reverse

from continuum.casework.models import ChronologyEntry
from continuum.hubs import selectors, services
from continuum.hubs.models import RiskFlag

pytestmark = pytest.mark.django_db


def test_the_police_record_domestic_abuse_and_the_hub_reach_counts_it(
    family, read_only_partner, involved_practitioner, agencies, login
):
    police = login(read_only_partner)  # read-only access to the family: may still record
    url = reverse("hubs:risk_flag_add", args=[family.household.pk])
    refused = police.post(url, {"person": family.partner.pk})
    assert refused.status_code == 200
    assert "Choose what your agency has recorded" in refused.text
    response = police.post(url, {"person": family.partner.pk, "kind": "domestic_abuse"})
    assert response.status_code == 302
    flag = RiskFlag.objects.get()
    assert (flag.person, flag.recorded_by_agency, flag.recorded_by) == (
        family.partner, agencies.police, read_only_partner,
    )  # fmt: skip
    again = police.post(url, {"person": family.partner.pk, "kind": "domestic_abuse"})
    assert "Your agency has already recorded domestic abuse for Dean Walker" in again.text
    entry = ChronologyEntry.objects.get(source_type="riskflag")
    assert entry.household == family.household and entry.significant
    assert entry.summary == "Northbrook Police recorded domestic abuse (Dean Walker)"
    _dates, rows = selectors.reach(involved_practitioner, agencies.hub)
    da = next(r for r in rows if r.label.endswith("domestic abuse")).cells[-1]
    assert da.known == 1
    page = login(involved_practitioner).get(reverse("hubs:risk_flags", args=[family.household.pk]))
    assert "Domestic abuse" in page.text and "Northbrook Police, Tom Reid" in page.text
    assert "Withdraw" not in page.text  # another agency's flag


def test_only_the_recording_agency_withdraws_a_flag(
    family, read_only_partner, involved_practitioner, agencies, login
):
    flag = services.risk_flag_record(
        actor=read_only_partner, person=family.partner, kind="substance_misuse"
    )
    url = reverse("hubs:risk_flag_withdraw", args=[flag.pk]) + f"?household={family.household.pk}"
    assert login(involved_practitioner).post(url, {"reason": "Wrong"}).status_code == 403
    police = login(read_only_partner)
    assert "Enter why the risk factor is being withdrawn" in police.post(url, {"reason": ""}).text
    response = police.post(url, {"reason": "Recorded against the wrong person"})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.ended_at and flag.ended_by == read_only_partner
    assert flag.end_reason == "Recorded against the wrong person"
    summaries = list(
        ChronologyEntry.objects.filter(source_type="riskflag").values_list("summary", flat=True)
    )
    assert (
        "Northbrook Police withdrew parental substance misuse (Dean Walker): Recorded against "
        "the wrong person"
    ) in summaries
    _dates, rows = selectors.reach(involved_practitioner, agencies.hub)
    assert next(r for r in rows if "substance" in r.label).cells[-1].known == 0
    assert services.priority_reasons(family.household) == []


@pytest.mark.parametrize(
    ("persona", "see", "add"),
    [("involved_practitioner", 200, 200), ("read_only_partner", 200, 200),
     ("front_door_worker", 200, 200), ("dpo", 200, 403), ("volunteer", 404, 404),
     ("analyst", 404, 404), ("uninvolved_worker", 404, 404)],
)  # fmt: skip
def test_risk_factor_pages_access(persona, see, add, personas, family, login):
    client = login(personas[persona])
    hh = family.household.pk
    assert client.get(reverse("hubs:risk_flags", args=[hh])).status_code == see
    assert client.get(reverse("hubs:risk_flag_add", args=[hh])).status_code == add
