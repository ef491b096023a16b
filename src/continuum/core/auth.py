"""Sign-in: who may use Continuum, and how (docs/adr/0004-sign-in.md).

- The HTTP API: a bearer token for agency systems (failed tokens are throttled per address), or
  the browser session.
- The web pages: django-allauth's sign-in with a password, a second factor (TOTP or a recovery
  code) and OpenID Connect single sign-on; django-axes locks a username after repeated
  failures. The middleware here signs out an idle session, sends a member of staff without a
  second factor to set one up when it is required, and keeps signed-in pages out of caches.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.core.cache import cache
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from ninja.errors import Throttled
from ninja.security import HttpBearer, SessionAuth

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.directory.models import ApiToken

logger = logging.getLogger(__name__)
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the last entry of CLIENT_IP_HEADER (the address
    the trusted reverse proxy saw) when one is configured."""
    header = settings.CLIENT_IP_HEADER
    if header:
        meta_key = "HTTP_" + header.upper().replace("-", "_")
        forwarded = [part.strip() for part in request.META.get(meta_key, "").split(",")]
        if forwarded and forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


def locked_out(request, response=None, credentials=None):
    """django-axes' answer to a locked-out sign-in: a GOV.UK page, 429 Too Many Requests."""
    from axes.helpers import get_client_username, get_cool_off

    cool_off = get_cool_off(request)
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "username": get_client_username(request, credentials) or "",
        "lock_minutes": round(cool_off.total_seconds() / 60) if cool_off else None,
    }
    return render(request, "registration/locked_out.html", context, status=429)


# --- the HTTP API ------------------------------------------------------------------------------


def _api_failures_key(request) -> str:
    return f"continuum:api-auth-failures:{client_ip(request)}"


class TokenAuth(HttpBearer):
    """A member of staff's API token. API_AUTH_FAILURE_LIMIT wrong tokens from one address in
    API_AUTH_WINDOW_SECONDS and every bearer token from it answers 429 until the window ends,
    so tokens cannot be guessed at speed."""

    def authenticate(self, request, token: str):
        key = _api_failures_key(request)
        window = settings.API_AUTH_WINDOW_SECONDS
        if cache.get(key, 0) >= settings.API_AUTH_FAILURE_LIMIT:
            raise Throttled(wait=window)
        record = (
            ApiToken.objects.select_related("user", "user__agency")
            .filter(token_hash=ApiToken.hash(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if record is None:
            cache.add(key, 0, timeout=window)
            try:
                failures = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=window)
                failures = 1
            if failures == settings.API_AUTH_FAILURE_LIMIT:
                audit_record(
                    actor=None,
                    action=AuditAction.SIGN_IN_FAILED,
                    object_type="api_token",
                    details={"reason": "throttled", "failures": failures},
                )
            return None
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
        request.user = record.user
        return record.user


class BrowserSessionAuth(SessionAuth):
    """The signed-in browser session, with Django's CSRF check on unsafe methods."""


# --- authentication backends and allauth adapters ----------------------------------------------


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check on every sign-in through a request. Sign-ins without one
    (`Client.login` in tests, a shell) have no client to lock out and pass straight on."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class AccountAdapter(DefaultAccountAdapter):
    """Staff accounts are provisioned by an administrator: nobody signs themselves up."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": (
            "Enter a correct username and password. Both may be case-sensitive."
        ),
    }

    def is_open_for_signup(self, request):
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Setting up a first second factor (and seeing its recovery codes) within a few minutes
        of signing in needs no second password prompt; changing or removing one that existed
        before this sign-in, or a session signed in long ago, does."""
        request = context.request
        user = getattr(request, "user", None)
        if app == "allauth.mfa" and user is not None and user.is_authenticated:
            records = get_authentication_records(request, user)
            signed_in_at = records[-1].get("at", 0) if records else 0
            recent = time.time() - signed_in_at < account_settings.REAUTHENTICATION_TIMEOUT
            older = Authenticator.objects.filter(
                user=user,
                type__in=SECOND_FACTORS,
                created_at__lt=dt.datetime.fromtimestamp(signed_in_at, tz=dt.UTC),
            )
            if recent and not older.exists():
                return False
        return super().is_reauthentication_required(app=app, **kwargs)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on signs in an existing member of staff, matched by email address; an
    address Continuum does not know is refused with a page that says what to do."""

    def is_open_for_signup(self, request, sociallogin):
        return False

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        # The provider's answer did not sign anyone in: say why in the log (no personal data).
        logger.warning(
            "Single sign-on with %s failed: %s %s",
            getattr(provider, "id", provider),
            error,
            type(exception).__name__ if exception else "",
        )
        audit_record(
            actor=None,
            action=AuditAction.SIGN_IN_FAILED,
            object_type="session",
            details={"reason": f"single sign-on: {error}", "provider": str(provider.id)},
        )

    def pre_social_login(self, request, sociallogin):
        if sociallogin.is_existing:
            if not sociallogin.user.is_active:
                self._refuse(request, sociallogin, "inactive")
            return
        emails = {e.email.strip().lower() for e in sociallogin.email_addresses if e.email}
        if sociallogin.user and sociallogin.user.email:
            emails.add(sociallogin.user.email.strip().lower())
        matches = list(_users_with_email(emails)[:2])
        if len(matches) != 1 or not matches[0].is_active:
            reason = "no_account" if not matches else "inactive" if len(matches) == 1 else "many"
            self._refuse(request, sociallogin, reason)
        sociallogin.connect(request, matches[0])

    @staticmethod
    def _refuse(request, sociallogin, reason: str):
        email = next((e.email for e in sociallogin.email_addresses if e.email), "")
        audit_record(
            actor=None,
            action=AuditAction.SIGN_IN_FAILED,
            object_type="session",
            details={
                "reason": f"single sign-on: {reason}",
                "provider": sociallogin.account.provider,
                "email": email[:150],
            },
        )
        response = render(
            request,
            "registration/sso_refused.html",
            {"reason": reason, "email": email},
            status=403,
        )
        raise ImmediateHttpResponse(response)


def _users_with_email(emails: set[str]):
    if not emails:
        return get_user_model().objects.none()
    query = Q()
    for email in emails:
        query |= Q(email__iexact=email)
    return get_user_model().objects.filter(query)


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator) -> bool:
        """While a second factor is required, the last one cannot be removed: a lost phone is
        dealt with by an administrator (docs/adr/0004-sign-in.md)."""
        if not settings.CONTINUUM_MFA_REQUIRED:
            return super().can_delete_authenticator(authenticator)
        others = Authenticator.objects.filter(
            user_id=authenticator.user_id, type__in=SECOND_FACTORS
        ).exclude(pk=authenticator.pk)
        return others.exists()


# --- middleware --------------------------------------------------------------------------------


class LoginRequired(LoginRequiredMiddleware):
    """Every page needs a signed-in user, except the API, which answers 401 itself."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


_LAST_SEEN = "continuum_last_seen"


class IdleTimeout:
    """Signs out a session nobody has used for SESSION_IDLE_MINUTES. The time of use is noted
    at sign-in and then at most every five minutes (a sixth of the limit when shorter), so most
    requests do not write the session; an idle session therefore ends up to that much sooner,
    never later."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.SESSION_IDLE_MINUTES * 60
        if limit > 0 and request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(_LAST_SEEN)
            if last_seen is not None and now - last_seen > limit:
                logout(request)
                messages.info(
                    request,
                    f"You were signed out because Continuum was not used for "
                    f"{settings.SESSION_IDLE_MINUTES} minutes. Sign in again to carry on.",
                )
            elif last_seen is None or now - last_seen >= min(300, limit // 6):
                request.session[_LAST_SEEN] = now
        return self.get_response(request)


def note_sign_in_time(request) -> None:
    """Called on sign-in (core.signals): the session is being written then anyway."""
    if request is not None and hasattr(request, "session"):
        request.session[_LAST_SEEN] = int(time.time())


_SECOND_FACTOR_OK = "continuum_second_factor_ok"
# Pages a member of staff without a second factor may still use: setting one up, the
# reauthentication allauth may ask for first, signing out, and static files.
_ENROLMENT_PREFIXES = ("/accounts/2fa/", "/accounts/reauthenticate/", "/static/")
_ENROLMENT_PATHS = ("/sign-out/", "/accounts/logout/")


def has_second_factor(request) -> bool:
    """True once this session's member of staff has a second factor, or signed in through a
    provider that enforces its own (OIDC_PROVIDER_ENFORCES_MFA)."""
    if request.session.get(_SECOND_FACTOR_OK):
        return True
    ok = Authenticator.objects.filter(user=request.user, type__in=SECOND_FACTORS).exists()
    if not ok and settings.OIDC_PROVIDER_ENFORCES_MFA:
        records = get_authentication_records(request, request.user)
        ok = any(record.get("method") == "socialaccount" for record in records)
    if ok:
        request.session[_SECOND_FACTOR_OK] = True
    return ok


class SecondFactorRequired:
    """Where a second factor is required (CONTINUUM_MFA_REQUIRED, the default in production), a
    signed-in member of staff without one is sent to set up an authenticator app before
    anything else; the browser session cannot use the API until then either."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.CONTINUUM_MFA_REQUIRED
            and request.user.is_authenticated
            and not request.path.startswith(_ENROLMENT_PREFIXES)
            and request.path not in _ENROLMENT_PATHS
            and not (request.path.startswith("/api/") and "Authorization" in request.headers)
            and not has_second_factor(request)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Set up two-factor authentication in Continuum first."},
                    status=403,
                )
            messages.info(
                request,
                "Set up two-factor authentication to use Continuum. You need an authenticator "
                "app on your phone or computer.",
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


class NoStoreForSignedIn:
    """Nothing shown to a signed-in member of staff, and no API answer, is kept by the browser
    or a proxy: `Cache-Control: no-store` (and `Pragma: no-cache` for old HTTP/1.0 caches)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith("/api/"):
            add_never_cache_headers(response)
            response["Pragma"] = "no-cache"
        return response
