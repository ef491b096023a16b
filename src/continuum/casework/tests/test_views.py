"""HTTP tests for the casework pages: the journeys through the browser's forms."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from continuum.casework import services
from continuum.casework.codes import ActionStatus, AssessmentStatus, EpisodeStatus
from continuum.casework.models import (
    Assessment,
    ChronologyEntry,
    Episode,
    IdentifyPrompt,
    PlanAction,
    TafMember,
    Visit,
)
from continuum.casework.tests.conftest import days_ago
from continuum.people.tests.helpers import page_text

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def date_fields(prefix: str, day) -> dict:
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def test_open_an_episode_through_the_form(lead, household, child, baby):
    c = client_for(lead)
    url = reverse("casework:episode_open", args=[household.pk])
    page = c.get(url)
    assert page.status_code == 200
    assert child.display_name in page_text(page)
    response = c.post(
        url,
        {
            "kind": "early_help",
            "children": [child.pk, baby.pk],
            "lead_professional": lead.pk,
            **date_fields("referral_date", days_ago(10)),
            **date_fields("start_date", days_ago(5)),
            "level_of_need": 2,
            "primary_need": "",
            "category_of_abuse": "",
        },
    )
    episode = Episode.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:episode", args=[episode.pk])
    assert episode.children.count() == 2
    assert c.get(response["Location"]).status_code == 200


def test_episode_before_referral_shows_the_error_summary(lead, household, child):
    response = client_for(lead).post(
        reverse("casework:episode_open", args=[household.pk]),
        {
            "kind": "early_help",
            "children": [child.pk],
            "lead_professional": lead.pk,
            **date_fields("referral_date", days_ago(5)),
            **date_fields("start_date", days_ago(10)),
            "level_of_need": 2,
        },
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Start date must be on or after the referral date" in response.text
    assert not Episode.objects.exists()


def test_a_quick_visit_is_one_post_with_the_date_prefilled(episode, lead, mother, child, baby):
    """The common case is one page and one POST: the date is prefilled with today, and what was
    ticked is what is saved. (How many clicks and fields it takes a person in a browser is
    measured by benchmarks/burden.py, not counted here.)"""
    c = client_for(lead)
    url = reverse("casework:visit_record", args=[episode.pk])
    page = c.get(url)
    assert page.status_code == 200
    assert f'value="{days_ago(0).day}"' in page.text  # date prefilled
    data = {
        "kind": "home",
        "present": [mother.pk, child.pk],
        f"c{child.pk}_seen": "on",
        f"c{child.pk}_alone": "on",
        f"c{child.pk}_said": "I like my new teacher",
        "observations": "Home warm and tidy",
        **date_fields("date", days_ago(0)),
    }
    response = c.post(url, data)
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.children.get(person=child).seen_alone
    assert not visit.children.get(person=baby).seen


def test_visit_before_episode_start_is_refused_with_a_clear_message(episode, lead):
    response = client_for(lead).post(
        reverse("casework:visit_record", args=[episode.pk]),
        {"kind": "phone", **date_fields("date", days_ago(95))},
    )
    assert response.status_code == 200
    assert "Visit date must be on or after the start of the episode" in response.text


def test_visit_with_unknown_adult_prompts_the_lead(episode, lead, mother):
    c = client_for(lead)
    c.post(
        reverse("casework:visit_record", args=[episode.pk]),
        {"kind": "home", "unknown_adult": "Man called Dean", **date_fields("date", days_ago(0))},
    )
    prompt = IdentifyPrompt.objects.get()
    assert "Man called Dean" in c.get(reverse("casework:my_work")).text
    assert "Man called Dean" in c.get(reverse("casework:episode", args=[episode.pk])).text
    response = c.post(
        reverse("casework:prompt_resolve", args=[episode.pk, prompt.pk]),
        {"person": mother.pk, "note": ""},
    )
    assert response.status_code == 302
    prompt.refresh_from_db()
    assert prompt.resolved_person == mother


def test_taf_member_sees_the_family_then_404_after_leaving(episode, lead, school_worker):
    school = client_for(school_worker)
    url = reverse("casework:episode", args=[episode.pk])
    assert school.get(url).status_code == 404
    response = client_for(lead).post(
        reverse("casework:taf_invite", args=[episode.pk]),
        {"user": school_worker.pk, "role_in_taf": "School DSL"},
    )
    assert response.status_code == 302
    assert school.get(url).status_code == 200
    household_url = reverse("people:household", args=[episode.household_id])
    assert school.get(household_url).status_code == 200
    member = TafMember.objects.get(user=school_worker)
    assert (
        school.post(reverse("casework:taf_leave", args=[episode.pk, member.pk])).status_code == 302
    )
    assert school.get(url).status_code == 404
    assert school.get(household_url).status_code == 404


def test_outsider_gets_404_and_read_only_gets_403_on_changes(episode, outsider, reader):
    for name in ("episode", "visit_record", "plan"):
        assert (
            client_for(outsider).get(reverse(f"casework:{name}", args=[episode.pk])).status_code
            == 404
        )
    r = client_for(reader)
    assert r.get(reverse("casework:episode", args=[episode.pk])).status_code == 200
    assert r.get(reverse("casework:visit_record", args=[episode.pk])).status_code == 403
    post = r.post(
        reverse("casework:visit_record", args=[episode.pk]),
        {"kind": "home", **date_fields("date", days_ago(0))},
    )
    assert post.status_code == 403
    assert not Visit.objects.exists()


def test_plan_concurrent_edit_second_editor_sees_the_conflict(plan, lead, colleague, episode):
    services.taf_invite(actor=lead, episode=episode, user=colleague, role_in_taf="Worker")
    url = reverse("casework:plan_edit", args=[episode.pk])
    base = {
        "review_interval_weeks": 6,
        "version": plan.version,
        **date_fields("next_review_date", plan.next_review_date),
    }
    first = client_for(lead).post(url, {**base, "outcomes_sought": "Lead's outcomes"})
    assert first.status_code == 302
    second = client_for(colleague).post(url, {**base, "outcomes_sought": "Colleague's outcomes"})
    assert second.status_code == 409
    assert "Someone else changed this plan" in second.text
    assert "Lead&#x27;s outcomes" in second.text  # the saved version is shown
    plan.refresh_from_db()
    assert plan.outcomes_sought == "Lead's outcomes"


def test_plan_create_actions_and_review_through_the_pages(episode, lead, mother, school_worker):
    services.taf_invite(actor=lead, episode=episode, user=school_worker, role_in_taf="School")
    c = client_for(lead)
    plan_url = reverse("casework:plan", args=[episode.pk])
    assert c.get(plan_url).status_code == 200
    r = c.post(
        plan_url,
        {
            "outcomes_sought": "Kai in school daily",
            "review_interval_weeks": 6,
            **date_fields("start_date", days_ago(30)),
        },
    )
    assert r.status_code == 302
    r = c.post(
        reverse("casework:action_add", args=[episode.pk]),
        {
            "description": "Attendance plan",
            "owner": f"u{school_worker.pk}",
            **date_fields("due_date", days_ago(2)),
        },
    )
    assert r.status_code == 302
    action = PlanAction.objects.get()
    assert action.owner_user == school_worker
    # everyone in the TAF sees who does what
    page = client_for(school_worker).get(plan_url)
    assert "Attendance plan" in page.text
    assert "Overdue" in page.text
    assert "Attendance plan" in client_for(school_worker).get(reverse("casework:my_work")).text
    r = c.post(
        reverse("casework:review_add", args=[episode.pk]),
        {
            "what_changed": "Attendance up",
            "child_view": "Kai: better",
            f"a{action.pk}_status": ActionStatus.DONE,
            f"a{action.pk}_note": "",
            **date_fields("review_date", days_ago(0)),
        },
    )
    assert r.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    edit = c.get(reverse("casework:action_edit", args=[episode.pk, action.pk]))
    assert edit.status_code == 200


def test_review_before_the_plan_is_refused(plan, lead, episode):
    r = client_for(lead).post(
        reverse("casework:review_add", args=[episode.pk]),
        {"what_changed": "x", "child_view": "y", **date_fields("review_date", days_ago(85))},
    )
    assert r.status_code == 200
    assert "Review date must be" in r.text


def test_assessment_journey_with_manager_sign_off(episode, lead, manager, child):
    c = client_for(lead)
    r = c.post(
        reverse("casework:assessment_start", args=[episode.pk]),
        date_fields("start_date", days_ago(20)),
    )
    assert r.status_code == 302
    a = Assessment.objects.get()
    r = c.post(
        reverse("casework:assessment_child", args=[a.pk, child.pk]),
        {
            "seen": "on",
            "seen_alone": "on",
            "wishes_and_feelings": "I want Mum to be happy",
            "health_strengths": "Up to date with jabs",
            "health_needs": "",
            "version": a.version,
        },
    )
    assert r.status_code == 302
    a.refresh_from_db()
    r = c.post(
        reverse("casework:assessment_family", args=[a.pk]),
        {
            "parents_view": "Mum wants support",
            "summary": "Needs help with routines",
            "housing_needs": "Damp flat",
            "version": a.version,
        },
    )
    assert r.status_code == 302
    r = c.post(
        reverse("casework:assessment_submit", args=[a.pk]),
        {"factors": ["21", "4B"], **date_fields("completed_date", days_ago(0))},
    )
    assert "cannot be combined" in r.text
    r = c.post(
        reverse("casework:assessment_submit", args=[a.pk]),
        {"factors": ["4B"], **date_fields("completed_date", days_ago(0))},
    )
    assert r.status_code == 302
    assert c.post(reverse("casework:assessment_sign_off", args=[a.pk])).status_code == 403
    page = client_for(manager).get(reverse("casework:assessment", args=[a.pk]))
    assert "I want Mum to be happy" in page.text
    assert "Damp flat" in page.text
    r = client_for(manager).post(reverse("casework:assessment_sign_off", args=[a.pk]))
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == AssessmentStatus.COMPLETED


def test_assessment_before_the_episode_is_refused_with_a_clear_message(episode, lead):
    r = client_for(lead).post(
        reverse("casework:assessment_start", args=[episode.pk]),
        date_fields("start_date", days_ago(95)),
    )
    assert r.status_code == 200
    assert "Assessment start date must be on or after the start of the episode" in r.text


def test_closure_asks_about_open_actions_and_needs_manager_approval(
    plan, lead, manager, mother, episode
):
    action = services.action_add(
        actor=lead,
        plan=plan,
        description="Parenting course",
        due_date=days_ago(-5),
        owner_person=mother,
    )
    c = client_for(lead)
    url = reverse("casework:episode_close", args=[episode.pk])
    page = c.get(url)
    assert "Parenting course" in page.text
    r = c.post(
        url,
        {"outcome": "needs_met", "summary": "Going well", **date_fields("end_date", days_ago(0))},
    )
    assert r.status_code == 200
    assert "Say what happens to" in r.text
    r = c.post(
        url,
        {
            "outcome": "needs_met",
            "summary": "Going well",
            f"a{action.pk}": "not_done",
            f"a{action.pk}_next": "Mum self-refers",
            **date_fields("end_date", days_ago(0)),
        },
    )
    assert r.status_code == 302
    decide = reverse("casework:episode_close_decide", args=[episode.pk])
    assert c.get(decide).status_code == 403
    assert "Closure of the" in client_for(manager).get(reverse("casework:my_work")).text
    r = client_for(manager).post(decide, {"decision": "approve"})
    assert r.status_code == 302
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.CLOSED
    # a closed episode takes no more visits
    r = c.post(
        reverse("casework:visit_record", args=[episode.pk]),
        {"kind": "home", **date_fields("date", days_ago(0))},
    )
    assert "This episode is closed" in r.text


def test_chronology_filters_print_and_csv(episode, lead, school_worker, child):
    services.taf_invite(actor=lead, episode=episode, user=school_worker, role_in_taf="School")
    c = client_for(school_worker)
    r = c.post(
        reverse("casework:chronology_add", args=[episode.household_id]),
        {
            "kind": "education",
            "person": child.pk,
            "summary": "=Fixed-term exclusion",
            "significant": "on",
            **date_fields("date", days_ago(3)),
        },
    )
    assert r.status_code == 302
    assert ChronologyEntry.objects.filter(manual=True).count() == 1
    url = reverse("casework:household_chronology", args=[episode.household_id])
    page = c.get(url)
    assert "=Fixed-term exclusion" in page.text
    assert "casework/chronology.css" in page.text
    assert "was born" in page.text
    filtered = c.get(url, {"agency": school_worker.agency_id})
    assert "Fixed-term exclusion" in filtered.text
    assert "episode opened" not in filtered.text
    by_type = c.get(url, {"kind": ["episode_start"]})
    assert "Fixed-term exclusion" not in by_type.text
    csv_response = c.get(url, {"format": "csv"})
    assert csv_response["Content-Type"].startswith("text/csv")
    body = csv_response.content.decode()
    assert body.splitlines()[0].startswith("Date,Type,About")
    assert "'=Fixed-term exclusion" in body  # formula injection neutralised
    person_page = c.get(reverse("casework:person_chronology", args=[child.pk]))
    assert "Fixed-term exclusion" in person_page.text


def test_chronology_rows_escape_what_practitioners_typed(episode, lead, child):
    services.chronology_add(
        actor=lead,
        household=episode.household,
        date=days_ago(1),
        kind="other",
        summary='<script>alert("x")</script>',
        person=child,
    )
    page = client_for(lead).get(
        reverse("casework:household_chronology", args=[episode.household_id])
    )
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page.text


def test_household_episode_list_and_visit_detail(episode, lead, child):
    visit = services.visit_record(
        actor=lead,
        episode=episode,
        date=days_ago(1),
        kind="hub",
        present=[],
        children=[{"person": child, "seen": True, "child_said": "Hello"}],
    )
    c = client_for(lead)
    assert "Early help" in c.get(reverse("casework:household", args=[episode.household_id])).text
    detail = c.get(reverse("casework:visit", args=[episode.pk, visit.pk]))
    assert "Hello" in detail.text


def test_api_episode_visit_and_chronology_use_the_same_gatekeepers(
    episode, lead, outsider, reader, child
):
    import json

    from continuum.directory.tests.factories import api_token_for

    def call(user, method, url, body=None):
        headers = {"Authorization": f"Bearer {api_token_for(user)}"}
        if body is None:
            return getattr(Client(), method)(url, headers=headers)
        return getattr(Client(), method)(
            url, data=json.dumps(body), content_type="application/json", headers=headers
        )

    url = reverse("api:read_episode", args=[episode.pk])
    assert call(lead, "get", url).json()["child_ids"]
    assert call(outsider, "get", url).status_code == 404
    visit_url = reverse("api:record_visit", args=[episode.pk])
    body = {
        "date": str(days_ago(0)),
        "kind": "phone",
        "children": [{"person_id": child.pk, "seen": False}],
    }
    assert call(reader, "post", visit_url, body).status_code == 403
    assert call(outsider, "post", visit_url, body).status_code == 404
    created = call(lead, "post", visit_url, body)
    assert created.status_code == 201
    early = call(lead, "post", visit_url, {**body, "date": str(days_ago(95))})
    assert early.status_code == 422
    chronology = call(lead, "get", reverse("api:read_chronology", args=[episode.household_id]))
    assert any(item["kind"] == "visit" for item in chronology.json())


def test_attachments_are_validated_and_served_only_through_the_gatekeeper(
    episode, lead, outsider, reader, child
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from continuum.casework.models import Attachment

    visit = services.visit_record(actor=lead, episode=episode, date=days_ago(1), kind="home",
                                  present=[], children=[])  # fmt: skip
    url = reverse("casework:visit_attachment_add", args=[episode.pk, visit.pk])
    c = client_for(lead)
    fake_pdf = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    r = c.post(url, {"file": fake_pdf, "description": "Report"})
    assert "The file is not a real PDF file" in r.text
    exe = SimpleUploadedFile("run.exe", b"MZ\x90\x00", "application/octet-stream")
    assert (
        "must be a PDF, JPG, PNG, DOCX or TXT"
        in c.post(url, {"file": exe, "description": "x"}).text
    )
    big = SimpleUploadedFile("big.txt", b"a" * (10 * 1024 * 1024 + 1), "text/plain")
    assert "smaller than 10MB" in c.post(url, {"file": big, "description": "x"}).text
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.4 synthetic report", "application/pdf")
    assert c.post(url, {"file": pdf, "description": "School report"}).status_code == 302
    attachment = Attachment.objects.get()
    assert "report" not in attachment.file.name  # stored under a random name
    assert "/static/" not in attachment.file.path
    download = reverse("casework:attachment", args=[episode.pk, attachment.pk])
    response = c.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 synthetic report"
    assert response["Content-Disposition"].startswith("attachment")
    assert client_for(reader).get(download).status_code == 200
    assert client_for(reader).post(url, {"description": "x"}).status_code == 403
    assert client_for(outsider).get(download).status_code == 404


def test_change_lead_then_the_old_lead_can_leave(episode, lead, colleague, manager):
    c = client_for(lead)
    url = reverse("casework:change_lead", args=[episode.pk])
    assert client_for(colleague).get(url).status_code in (403, 404)
    r = c.post(url, {"lead_professional": colleague.pk})
    assert r.status_code == 302
    episode.refresh_from_db()
    assert episode.lead_professional == colleague
    old = TafMember.objects.get(episode=episode, user=lead, left_on__isnull=True)
    assert c.post(reverse("casework:taf_leave", args=[episode.pk, old.pk])).status_code == 302
    old.refresh_from_db()
    assert old.left_on is not None


def _title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.text, re.S).group(1).strip()


def test_every_form_page_with_errors_says_error_in_its_title(plan, episode, household, lead):
    """GOV.UK: a page whose form has errors starts its title with "Error: " (the plan review
    and chronology forms did not). base.html adds it for every page, once."""
    c = client_for(lead)
    review = c.post(reverse("casework:review_add", args=[episode.pk]), {"what_changed": ""})
    assert review.status_code == 200 and review.context["form"].errors
    assert _title(review).startswith("Error: ")
    add = c.post(reverse("casework:chronology_add", args=[household.pk]), {"summary": ""})
    assert add.status_code == 200 and add.context["form"].errors
    assert _title(add).startswith("Error: ")
    assert not _title(c.get(reverse("casework:chronology_add", args=[household.pk]))).startswith(
        "Error"
    )
    # a template that already said so is not doubled
    opened = c.post(reverse("casework:episode_open", args=[household.pk]), {"kind": ""})
    assert _title(opened).startswith("Error: ") and "Error: Error" not in _title(opened)


def test_who_is_signed_in_and_the_demo_notice_sit_in_the_banner_landmark(lead, settings):
    page = client_for(lead).get(reverse("casework:my_work")).text
    header = page[page.index("<header") : page.index("</header>")]
    assert "Signed in as" in header
    assert page.index("</header>") < page.index('<main class="govuk-main-wrapper"')
