"""The emergency access banner, on every page.

The banner costs no query for staff without emergency access: the grant marks the session
(`BREAK_GLASS_SESSION_KEY`), and only a session so marked reads the running accesses."""

import datetime as dt

from django.utils import timezone
from django.utils.functional import SimpleLazyObject

BREAK_GLASS_SESSION_KEY = "break_glass_until"


def _marked_until(request) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(request.session.get(BREAK_GLASS_SESSION_KEY) or "")
    except ValueError:
        return None


def mark_session(request, expires_at: dt.datetime) -> None:
    """Remember in the session until when this user may have emergency access running."""
    current = _marked_until(request)
    if current is None or current < expires_at:
        request.session[BREAK_GLASS_SESSION_KEY] = expires_at.isoformat()


def _running(request):
    from continuum.governance.selectors import my_break_glass

    until = _marked_until(request)
    if until is None or until <= timezone.now():
        return []
    return my_break_glass(request.user)


def governance(request):
    """The emergency access banner's running accesses (the menu items are home.navigation's)."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated or not hasattr(request, "session"):
        return {}
    return {"break_glass_running": SimpleLazyObject(lambda: _running(request))}
