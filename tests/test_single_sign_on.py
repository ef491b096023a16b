"""Single sign-on with OpenID Connect, end to end against a real provider (tests/oidc_idp):
Continuum's side runs in the test client, the provider in its own process, and the
authorisation code is exchanged for RS256-signed tokens over HTTP as in production."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client
from django.urls import reverse

from continuum.audit.models import AuditAction, AuditEvent
from continuum.directory.models import Role
from continuum.directory.tests.factories import AgencyFactory, UserFactory
from tests.oidc_idp.fixture import PROVIDER_ID

pytestmark = pytest.mark.django_db
CALLBACK = f"http://testserver/accounts/oidc/{PROVIDER_ID}/login/callback/"
IDP_PASSWORD = "idp-password-for-tests"


def _sign_on_at_provider(client: Client, idp, *, username: str) -> str:
    """Start single sign-on at Continuum, sign in at the provider; the URL it sends back."""
    response = client.post(reverse("openid_connect_login", args=[PROVIDER_ID]))
    assert response.status_code == 302, response.content[:500]
    authorize = response["Location"]
    assert authorize.startswith(idp.server_url + "/authorize/")
    assert "code_challenge=" in authorize  # PKCE

    browser = requests.Session()
    response = browser.get(authorize, allow_redirects=True, timeout=10)
    assert "/login/" in response.url  # the provider asks who you are
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)
    response = browser.post(
        response.url,
        data={
            "username": username,
            "password": IDP_PASSWORD,
            "csrfmiddlewaretoken": token,
            "next": html.unescape(re.search(r'name="next" value="([^"]*)"', response.text)[1]),
        },
        headers={"Referer": response.url},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:500]
    response = browser.get(
        idp.url + response.headers["Location"], allow_redirects=False, timeout=10
    )
    assert response.status_code == 302, response.text[:500]
    back = response.headers["Location"]
    assert back.startswith(CALLBACK)
    assert "code=" in back, back
    return back


@pytest.fixture
def staff_member(db):
    return UserFactory(
        username="hv.sso",
        email="Hannah.Vaughan@northbrook.example",
        agency=AgencyFactory(code="hv", name="Northbrook Health Visiting"),
        role=Role.PRACTITIONER,
    )


def test_single_sign_on_signs_in_the_staff_member_with_that_email(sso, staff_member):
    sso.allow_redirect(CALLBACK)
    sso.add_user(
        username="hannah", password=IDP_PASSWORD, email="hannah.vaughan@northbrook.example"
    )
    client = Client()
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with Test IdP" in page

    back = _sign_on_at_provider(client, sso, username="hannah")
    parts = urlsplit(back)
    response = client.get(f"{parts.path}?{parts.query}")

    assert response.status_code == 302, response.content.decode()[:2000]
    assert client.session["_auth_user_id"] == str(staff_member.pk)
    assert client.get(reverse("people:search")).status_code == 200
    event = AuditEvent.objects.filter(action=AuditAction.SIGN_IN).last()
    assert event.actor_id == staff_member.pk
    assert event.details["methods"] == [f"socialaccount:{PROVIDER_ID}"]


def test_single_sign_on_refuses_an_email_no_staff_member_has(sso, staff_member):
    sso.allow_redirect(CALLBACK)
    sso.add_user(username="stranger", password=IDP_PASSWORD, email="stranger@elsewhere.example")
    client = Client()
    back = _sign_on_at_provider(client, sso, username="stranger")
    parts = urlsplit(back)
    response = client.get(f"{parts.path}?{parts.query}")

    assert response.status_code == 403
    assert "No member of staff in Continuum has the email address" in response.content.decode()
    assert "_auth_user_id" not in client.session
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(email__iexact="stranger@elsewhere.example").exists()
    event = AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).last()
    assert event.details["reason"] == "single sign-on: no_account"


def test_single_sign_on_refuses_a_switched_off_account(sso, staff_member):
    staff_member.is_active = False
    staff_member.save()
    sso.allow_redirect(CALLBACK)
    sso.add_user(username="hannah", password=IDP_PASSWORD, email=staff_member.email)
    client = Client()
    back = _sign_on_at_provider(client, sso, username="hannah")
    parts = urlsplit(back)
    response = client.get(f"{parts.path}?{parts.query}")

    assert response.status_code == 403
    assert "has been switched off" in response.content.decode()
    assert "_auth_user_id" not in client.session
