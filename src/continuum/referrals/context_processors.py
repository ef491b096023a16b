"""The unread count beside "Inbox" in the menu, so a hand-over waiting for someone is seen on
every page, not only on the inbox (the relay race: what is sent must be received)."""

from django.utils.functional import SimpleLazyObject

from continuum.referrals import selectors


def inbox(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    # lazy: counted only when a page's menu is rendered (not for API responses or redirects)
    return {"inbox_unread": SimpleLazyObject(lambda: selectors.inbox_unread_count(user))}
