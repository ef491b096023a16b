"""Authentication for the HTTP API: a bearer token for agency systems, or the browser session."""

from __future__ import annotations

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from continuum.directory.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        record = (
            ApiToken.objects.select_related("user", "user__agency")
            .filter(token_hash=ApiToken.hash(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if record is None:
            return None
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
        request.user = record.user
        return record.user


class BrowserSessionAuth(SessionAuth):
    """The signed-in browser session, with Django's CSRF check on unsafe methods."""


class LoginRequired(LoginRequiredMiddleware):
    """Every page needs a signed-in user, except the API, which answers 401 itself."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
