"""Sign-in in Chromium: setting up and using a second factor (an authenticator app's codes,
then a recovery code), single sign-on through a real OpenID Connect provider (tests/oidc_idp),
the lockout page and password reset, each page checked with axe-core."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from playwright.sync_api import expect

from continuum.audit.models import AuditAction, AuditEvent
from tests.browser.conftest import PASSWORD, sign_out
from tests.oidc_idp.fixture import PROVIDER_ID, PROVIDER_NAME

pytestmark = pytest.mark.browser


def totp_code(secret: str, steps: int = 0) -> str:
    """What an authenticator app shows now, or `steps` periods of 30 seconds later (the
    tolerance accepts one step either side; allauth refuses a code used before)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + steps))


def password_step(page, a11y, user) -> None:
    page.goto("/sign-in/")
    a11y.check(page, label="sign in")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_staff_set_up_a_second_factor_then_sign_in_with_a_code_and_a_recovery_code(
    page, a11y, northbrook, settings
):
    settings.CONTINUUM_MFA_REQUIRED = True
    a11y.watch(page)
    user = northbrook.health_visitor

    # First sign-in: the password, then straight to setting up an authenticator app.
    password_step(page, a11y, user)
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    a11y.check(page, label="set up two-factor authentication")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    expect(
        page.get_by_role("img", name="QR code to scan with your authenticator app")
    ).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().strip()
    # Until it is set up, nothing else opens.
    page.goto("/people/")
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    a11y.check(page, label="set up two-factor authentication, again")
    secret = page.locator("#totp-secret").inner_text().strip()

    # A wrong code: the GOV.UK error summary names the field.
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    a11y.check(page, label="set up two-factor authentication, error")
    page.get_by_label("Code from your authenticator app").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()

    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    a11y.check(page, label="recovery codes")
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="Continue to Continuum").click()
    # Sign-in lands on the role's home page (a health visitor's is "Today").
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    a11y.check(page, label="home")
    sign_out(page, a11y)

    # Next sign-in: the password, then a code from the app.
    password_step(page, a11y, user)
    page.wait_for_url("**/accounts/2fa/authenticate/")
    a11y.check(page, label="enter your security code")
    page.get_by_label("Security code").fill(totp_code(secret, 1))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    a11y.check(page, label="signed in with a code")
    sign_out(page, a11y)

    # Without the phone: a recovery code, once.
    password_step(page, a11y, user)
    page.wait_for_url("**/accounts/2fa/authenticate/")
    a11y.check(page, label="enter your security code, again")
    page.get_by_label("Security code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    a11y.check(page, label="signed in with a recovery code")

    methods = [
        e.details.get("methods")
        for e in AuditEvent.objects.filter(action=AuditAction.SIGN_IN, actor_id=user.pk)
    ]
    assert methods == [["password"], ["password", "mfa:totp"], ["password", "mfa:recovery_codes"]]


def test_single_sign_on_through_the_organisations_provider(
    page, a11y, northbrook, sso, live_server
):
    sso.allow_redirect(f"{live_server.url}/accounts/oidc/{PROVIDER_ID}/login/callback/")
    sso.add_user(username="hannah", password="idp-pass", email=northbrook.health_visitor.email)
    a11y.watch(page)

    page.goto("/sign-in/")
    a11y.check(page, label="sign in, with single sign-on")
    page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}").click()

    page.wait_for_url(re.compile(r"^" + re.escape(sso.url) + r"/login/"))
    a11y.check(page, label="the provider's sign-in page")
    page.get_by_label("IdP username").fill("hannah")
    page.get_by_label("IdP password").fill("idp-pass")
    page.get_by_role("button", name="Sign in to the IdP").click()

    # The provider sends the browser back through Continuum's callback to the home page.
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    a11y.check(page, label="signed in by single sign-on")
    expect(page.locator(".app-user-bar")).to_contain_text("Hannah Vaughan")


def test_locked_out_and_password_reset_pages(page, a11y, northbrook):
    a11y.watch(page)
    user = northbrook.health_visitor
    page.goto("/sign-in/")
    for attempt in range(5):
        a11y.check(page, label=f"sign in, attempt {attempt + 1}")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.wait_for_load_state("load")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in to this account is locked")
    a11y.check(page, label="locked out")

    page.get_by_role("link", name="reset your password").click()
    a11y.check(page, label="reset your password")
    page.get_by_label("Email").fill(user.email)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    a11y.check(page, label="check your email")
    link = re.search(r"http://[^/]+(/accounts/password/reset/key/\S+)", mail.outbox[-1].body)[1]
    page.goto(link)
    a11y.check(page, label="choose a new password")
    page.get_by_label("New password", exact=True).fill("a brand new passphrase")
    page.get_by_label("Confirm new password").fill("a brand new passphrase")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password has been changed")
    a11y.check(page, label="password changed")
