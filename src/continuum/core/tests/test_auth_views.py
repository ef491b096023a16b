"""Sign-in, sign-out, the home page and the API's public description (the routes that are
exempt from the permission matrix)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from continuum.directory.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_home_needs_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_home_is_a_page(involved_practitioner, login):
    # Each role's home page (issue 15); its content is tested in continuum/home/tests.
    assert login(involved_practitioner).get(reverse("home")).status_code == 200


def test_sign_in_page_is_public_and_uses_govuk_errors(involved_practitioner, client):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"login": "hub.practitioner", "password": "nope"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Enter a correct username and password" in html


def test_sign_in_and_out(involved_practitioner, client):
    response = client.post(
        reverse("login"), {"login": "hub.practitioner", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("people:search")).status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.get(reverse("people:search")).status_code == 302


def test_inactive_user_cannot_sign_in(involved_practitioner, client):
    involved_practitioner.is_active = False
    involved_practitioner.save()
    response = client.post(
        reverse("login"), {"login": "hub.practitioner", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_inactive")
    assert "switched off" in client.get(reverse("account_inactive")).content.decode()
    assert client.get(reverse("people:search")).status_code == 302


def test_sign_out_needs_post(involved_practitioner, login):
    assert login(involved_practitioner).get(reverse("logout")).status_code == 405


def test_api_description_and_docs_are_public(client):
    assert client.get(reverse("api:openapi-json")).status_code == 200
    assert client.get(reverse("api:openapi-view")).status_code == 200


def test_pages_send_a_content_security_policy(involved_practitioner, login):
    response = login(involved_practitioner).get(reverse("people:search"))
    policy = response.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"


def test_404_page_has_the_layout_and_a_way_back(involved_practitioner, login):
    response = login(involved_practitioner).get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in html
    assert "govuk-service-navigation" in html  # the service's layout, with its menu
    assert f'href="{reverse("home")}">Go to your home page</a>' in html


def test_403_page_has_the_layout_and_says_why(family, read_only_partner, login):
    response = login(read_only_partner).get(reverse("people:edit", args=[family.twin1.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">You cannot do this</h1>' in html
    assert "You can see this record but cannot change it." in html
    assert f'href="{reverse("home")}">Go to your home page</a>' in html


def test_a_form_sent_without_its_csrf_token_gets_the_services_page(family, volunteer):
    """Regression (found from outside): a POST with a bad CSRF token got Django's bare
    "403 Forbidden" page, with no layout and no way back."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(volunteer)
    response = client.post(
        reverse("people:edit", args=[family.mother.pk]), {}, headers={"X-CSRFToken": "bad"}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Your form has expired</h1>' in html
    assert "Nothing was saved" in html and "govuk-service-navigation" in html
    assert f'href="{reverse("home")}">Go to your home page</a>' in html


def test_too_many_attempts_gets_the_services_page(rf):
    from django.template import loader

    html = loader.get_template("429.html").render({}, None)
    assert '<h1 class="govuk-heading-l">Too many attempts</h1>' in html
    assert 'href="/">Go to your home page</a>' in html


def test_one_persons_typos_do_not_shut_the_office_out(settings):
    # a council's staff share an office's address: the per-address sign-in limits are generous
    # (each account is locked on its own by axes after 5 wrong passwords)
    limits = settings.ACCOUNT_RATE_LIMITS
    assert int(limits["login_failed"].split("/")[0]) >= 50
    assert int(limits["login"].split("/")[0]) >= 100
    assert settings.AXES_FAILURE_LIMIT <= 5


def test_500_page_needs_neither_the_database_nor_context_processors(
    rf, django_assert_num_queries
):
    from continuum.core.views import server_error

    request = rf.get("/")
    request.request_id = "abc123def456"
    with django_assert_num_queries(0):
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    assert "govuk-template" in html and "Continuum" in html
    assert "abc123def456" in html
    assert f'href="{reverse("home")}">Go to your home page</a>' in html
