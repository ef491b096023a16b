"""Sign-in a council can accept (issue 11, finding 8): lockout after repeated wrong passwords,
throttled API tokens, a second factor (and its enforcement), password reset, the idle timeout,
and no-store on everything a signed-in member of staff sees."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from continuum.audit.models import AuditAction, AuditEvent
from continuum.directory.tests.factories import TEST_PASSWORD, api_token_for

pytestmark = pytest.mark.django_db


def totp_code(secret: str, steps: int = 0) -> str:
    """The code an authenticator app shows now (or `steps` periods of 30 seconds later)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + steps))


def _sign_in(client, username, password):
    return client.post(reverse("login"), {"login": username, "password": password})


# --- lockout ------------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_username(involved_practitioner, client):
    for _ in range(4):
        response = _sign_in(client, "hub.practitioner", "wrong")
        assert response.status_code == 200
        assert "Enter a correct username and password" in response.content.decode()
    response = _sign_in(client, "hub.practitioner", "wrong")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Sign-in to this account is locked" in page
    assert "for 15 minutes" in page
    # Even the right password is refused while the lock lasts, from any client.
    response = _sign_in(Client(), "hub.practitioner", TEST_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    locked = AuditEvent.objects.filter(
        action=AuditAction.SIGN_IN_FAILED, details__reason="locked out"
    )
    assert locked.count() >= 1
    assert locked.first().details["username"] == "hub.practitioner"


def test_the_lock_ends_after_the_cool_off(involved_practitioner, client):
    for _ in range(5):
        _sign_in(client, "hub.practitioner", "wrong")
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16), tick=False):
        response = _sign_in(Client(), "hub.practitioner", TEST_PASSWORD)
    assert response.status_code == 302


def test_a_success_clears_earlier_failures(involved_practitioner, client):
    for _ in range(4):
        _sign_in(client, "hub.practitioner", "wrong")
    assert _sign_in(Client(), "hub.practitioner", TEST_PASSWORD).status_code == 302
    for _ in range(4):
        assert _sign_in(client, "hub.practitioner", "wrong").status_code == 200


def test_api_tokens_are_throttled_after_repeated_failures(settings, involved_practitioner):
    cache.clear()
    settings.API_AUTH_FAILURE_LIMIT = 3
    url = reverse("api:search_people") + "?name=Smith"
    good = Client(headers={"Authorization": f"Bearer {api_token_for(involved_practitioner)}"})
    bad = Client(headers={"Authorization": "Bearer guessed-token"})
    assert good.get(url).status_code == 200
    for _ in range(3):
        assert bad.get(url).status_code == 401
    assert bad.get(url).status_code == 429
    # From the same address, a good token waits too: guessing cannot go on in between.
    assert good.get(url).status_code == 429
    assert AuditEvent.objects.filter(object_type="api_token", details__reason="throttled").exists()
    cache.clear()


# --- the second factor -------------------------------------------------------------------------


@pytest.fixture
def totp_user(involved_practitioner):
    secret = generate_totp_secret()
    TOTP.activate(involved_practitioner, secret)
    codes = RecoveryCodes.activate(involved_practitioner)
    involved_practitioner.totp_secret = secret
    involved_practitioner.recovery_codes = codes.get_unused_codes()
    return involved_practitioner


def test_a_second_factor_is_asked_for_after_the_password(totp_user, client):
    cache.clear()
    response = _sign_in(client, "hub.practitioner", TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("people:search")).status_code == 302  # not signed in yet

    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    failed = AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).last()
    assert failed.details["reason"] == "wrong second-factor code"

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(totp_user.totp_secret)})
    assert response.status_code == 302
    assert client.get(reverse("people:search")).status_code == 200
    signed_in = AuditEvent.objects.filter(action=AuditAction.SIGN_IN).last()
    assert signed_in.details["methods"] == ["password", "mfa:totp"]


def test_a_recovery_code_works_once(totp_user):
    code = totp_user.recovery_codes[0]
    first = Client()
    _sign_in(first, "hub.practitioner", TEST_PASSWORD)
    assert first.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    again = Client()
    _sign_in(again, "hub.practitioner", TEST_PASSWORD)
    assert again.post(reverse("mfa_authenticate"), {"code": code}).status_code == 200


def test_where_required_staff_without_a_second_factor_must_set_one_up(
    settings, involved_practitioner
):
    settings.CONTINUUM_MFA_REQUIRED = True
    client = Client()
    assert _sign_in(client, "hub.practitioner", TEST_PASSWORD).status_code == 302
    response = client.get(reverse("people:search"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("api:search_people") + "?name=Smith").status_code == 403
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert "Set up two-factor authentication" in page.content.decode()
    # Bearer tokens of agency systems are not sessions: they keep working.
    api = Client(headers={"Authorization": f"Bearer {api_token_for(involved_practitioner)}"})
    assert api.get(reverse("api:search_people") + "?name=Smith").status_code == 200

    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.content.decode())[1]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert client.get(reverse("people:search")).status_code == 200
    added = AuditEvent.objects.filter(object_type="authenticator", action=AuditAction.CREATE)
    assert {e.details["factor"] for e in added} == {"totp", "recovery_codes"}


def test_where_required_the_last_second_factor_cannot_be_turned_off(settings, totp_user):
    settings.CONTINUUM_MFA_REQUIRED = True
    cache.clear()
    client = Client()
    _sign_in(client, "hub.practitioner", TEST_PASSWORD)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(totp_user.totp_secret)})
    assert client.get(reverse("people:search")).status_code == 200
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))  # password again
    response = client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    assert response.status_code == 302
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 200
    assert "cannot be turned off" in response.content.decode()
    assert Authenticator.objects.filter(user=totp_user, type="totp").exists()


def test_demo_and_test_mode_keep_password_only_sign_in(involved_practitioner, client):
    response = _sign_in(client, "hub.practitioner", TEST_PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("people:search")).status_code == 200


# --- password reset, idle timeout, caching -------------------------------------------------------


def test_password_reset_by_email(involved_practitioner, client):
    involved_practitioner.email = "asha.patel@northbrook.example"
    involved_practitioner.save()
    response = client.post(reverse("account_reset_password"), {"email": "nobody@x.example"})
    assert response.status_code == 302
    assert all("asha" not in m.to[0] for m in mail.outbox)
    outbox_before = len(mail.outbox)

    response = client.post(
        reverse("account_reset_password"), {"email": "Asha.Patel@northbrook.example"}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == outbox_before + 1
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[-1].body)[
        1
    ]
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    assert "Choose a new password" in response.content.decode()
    new = "a new long passphrase 42"
    response = client.post(form_url, {"password1": new, "password2": new})
    assert response.status_code == 302
    assert _sign_in(Client(), "hub.practitioner", new).status_code == 302
    assert _sign_in(Client(), "hub.practitioner", TEST_PASSWORD).status_code == 200


def test_an_idle_session_is_signed_out(settings, involved_practitioner, login):
    settings.SESSION_IDLE_MINUTES = 30
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False):
        client = login(involved_practitioner)
        assert client.get(reverse("people:search")).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=29), tick=False):
        assert client.get(reverse("people:search")).status_code == 200  # still in use
    with time_machine.travel(start + dt.timedelta(minutes=29 + 31), tick=False):
        response = client.get(reverse("people:search"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        page = client.get(response["Location"]).content.decode()
    assert "You were signed out because Continuum was not used for 30 minutes" in page
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_OUT).exists()


def test_signed_in_pages_and_the_api_are_never_cached(involved_practitioner, login, api_client):
    response = login(involved_practitioner).get(reverse("people:search"))
    assert "no-store" in response["Cache-Control"]
    assert response["Pragma"] == "no-cache"
    response = api_client(involved_practitioner).get(reverse("api:search_people") + "?name=X")
    assert "no-store" in response["Cache-Control"]


def test_staff_cannot_change_their_own_email_or_linked_accounts(involved_practitioner, login):
    client = login(involved_practitioner)
    for url in ("/accounts/email/", "/accounts/3rdparty/", "/accounts/password/set/"):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"email": "someone@else.example"}).status_code == 404, url
    involved_practitioner.refresh_from_db()
    assert involved_practitioner.email != "someone@else.example"


def test_staff_change_their_password(involved_practitioner):
    client = Client()
    _sign_in(client, "hub.practitioner", TEST_PASSWORD)
    page = client.get(reverse("account_change_password"))
    assert "Change your password" in page.content.decode()
    new = "another long passphrase 7"
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": TEST_PASSWORD, "password1": new, "password2": new},
    )
    assert response.status_code == 302
    assert _sign_in(Client(), "hub.practitioner", new).status_code == 302
