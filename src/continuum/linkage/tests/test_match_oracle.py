"""The duplicate warning without an existence oracle (issue 11, finding 3).

Someone who may not see a person learns one bit: "this person may already be known: ask the
front door". No count, no name, no score, so varying the postcode or the date of birth tells
them nothing more; every check is audited with what was asked; each user has a rate limit.
"""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import reverse

from continuum.audit.models import AuditEvent
from continuum.core.ratelimit import RateLimited, rate_limit_hit
from continuum.linkage.selectors import KNOWN_ELSEWHERE_MESSAGE
from continuum.people.models import Person

pytestmark = pytest.mark.django_db

MATCH = "/api/people/match"


def _probe(client, **body):
    return client.post(MATCH, body, content_type="application/json")


def test_an_outsider_learns_one_bit_whatever_they_vary(family, api_client, uninvolved_worker):
    client = api_client(uninvolved_worker)
    probes = [
        {"family_name": "Smith", "postcode": "NB1 4QT"},  # four Smiths live there
        {"family_name": "Smith", "given_name": "Jayden", "date_of_birth": "2021-03-04"},
        {"family_name": "Smith", "given_name": "Kerry", "date_of_birth": "1996-06-14",
         "postcode": "NB1 4QT", "nhs_number": "9434765919"},
    ]  # fmt: skip
    answers = []
    for body in probes:
        response = _probe(client, **body)
        assert response.status_code == 200, response.content
        data = response.json()
        assert set(data) == {"model_version", "candidates", "known_elsewhere", "message"}
        answers.append({k: v for k, v in data.items() if k != "model_version"})
    # the same answer, however many people fit and however close the probe came
    assert answers[0] == answers[1] == answers[2] == {
        "candidates": [],
        "known_elsewhere": True,
        "message": KNOWN_ELSEWHERE_MESSAGE,
    }
    nobody = _probe(client, family_name="Zzyzx", given_name="Quentin", date_of_birth="2001-01-01")
    assert nobody.json()["known_elsewhere"] is False and nobody.json()["message"] == ""


def test_people_the_user_may_see_are_still_listed(family, api_client, involved_practitioner):
    data = _probe(
        api_client(involved_practitioner),
        family_name="Smith", given_name="Kerry", date_of_birth="1996-06-14", postcode="NB1 4QT",
    ).json()  # fmt: skip
    assert data["candidates"][0]["person_id"] == family.mother.pk


def test_the_add_person_page_says_no_more(family, login, uninvolved_worker):
    form = {
        "kind": "child", "given_name": "Jayden", "family_name": "Smith", "sex": "M",
        "date_of_birth_0": "4", "date_of_birth_1": "3", "date_of_birth_2": "2021",
        "address-line1": "12 Mill Lane", "address-postcode": "NB1 4QT",
    }  # fmt: skip
    before = Person.objects.count()
    page = login(uninvolved_worker).post(reverse("people:add"), form)
    text = page.content.decode()
    assert page.status_code == 200
    assert "ask the front door" in text.lower()
    assert "Jordan" not in text and "Kerry" not in text and "held by other agencies" not in text
    assert Person.objects.count() == before


def test_each_check_is_audited_with_what_was_asked(family, api_client, uninvolved_worker):
    _probe(api_client(uninvolved_worker), family_name="Smith", postcode="NB1 4QT",
           date_of_birth="2021-03-04")  # fmt: skip
    event = AuditEvent.objects.filter(object_type="person_match").latest("pk")
    assert event.actor_id == uninvolved_worker.pk
    assert event.details["query"] == {
        "family_name": "Smith",
        "postcode": "NB1 4QT",
        "date_of_birth": "2021-03-04",
    }
    assert "hidden_count" not in event.details


@pytest.fixture
def small_limit(settings):
    settings.CONTINUUM_MATCH_LIMIT = 3
    settings.CONTINUUM_MATCH_WINDOW_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def test_the_match_api_is_rate_limited_per_user(
    small_limit, family, api_client, uninvolved_worker, involved_practitioner
):
    client = api_client(uninvolved_worker)
    for n in range(3):
        assert _probe(client, family_name="Smith", postcode=f"NB1 {n}AA").status_code == 200
    refused = _probe(client, family_name="Smith", postcode="NB1 4QT")
    assert refused.status_code == 429
    assert "Try again in" in refused.json()["detail"]
    assert 0 < int(refused["Retry-After"]) <= 600
    checks = AuditEvent.objects.filter(object_type="person_match", actor_id=uninvolved_worker.pk)
    assert checks.count() == 3  # the refused check ran no query and was not audited as one
    # someone else's limit is their own
    assert _probe(api_client(involved_practitioner), family_name="Smith").status_code == 200


def test_the_add_person_page_is_rate_limited_with_a_govuk_error(
    small_limit, family, login, uninvolved_worker
):
    client = login(uninvolved_worker)
    form = {
        "kind": "child", "given_name": "Ava", "family_name": "Stone", "sex": "F",
        "date_of_birth_0": "4", "date_of_birth_1": "3", "date_of_birth_2": "2021",
        "address-line1": "1 High St", "address-postcode": "NB1 4QT",
    }  # fmt: skip
    for _ in range(3):  # the API and the pages share one count
        rate_limit_hit(f"person-match:user:{uninvolved_worker.pk}", limit=3, window=600)
    before = Person.objects.count()
    page = client.post(reverse("people:add"), form)
    assert page.status_code == 429
    text = page.content.decode()
    assert "govuk-error-summary" in text and "Try again in" in text
    assert Person.objects.count() == before  # not saved without the check


# --- the limiter itself ------------------------------------------------------------------------


def test_rate_limit_counts_per_key_and_window():
    cache.clear()
    for n in range(1, 4):
        assert rate_limit_hit("k", limit=3, window=60, now=1000.0) == n
    with pytest.raises(RateLimited) as exc:
        rate_limit_hit("k", limit=3, window=60, now=1010.0)
    assert exc.value.retry_after == 10  # the window 960 to 1020 ends in 10 seconds
    assert rate_limit_hit("other", limit=3, window=60, now=1010.0) == 1
    assert rate_limit_hit("k", limit=3, window=60, now=1021.0) == 1  # a new window


def test_the_cache_is_shared_between_processes():
    """The limit is counted in a cache every app server shares (the database by default)."""
    backend = django_settings.CACHES["default"]["BACKEND"]
    assert backend in {
        "django.core.cache.backends.db.DatabaseCache",
        "django.core.cache.backends.redis.RedisCache",
    }
    cache.set("continuum-cache-check", 7, timeout=30)  # the table exists after migrate
    assert cache.get("continuum-cache-check") == 7


def test_migrate_creates_the_cache_table():
    """`continuum migrate` (and so `continuum demo`) creates the table the limits live in."""
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE continuum_cache")
    assert "continuum_cache" not in connection.introspection.table_names()
    call_command("migrate", verbosity=0)
    assert "continuum_cache" in connection.introspection.table_names()
