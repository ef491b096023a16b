"""The backstop that makes every page about a person, family or case leave an audit event.

Selectors audit the reads they make, naming the people they showed (`person_ids=`). Some pages
read a record only through its gatekeeper, to show a form about it (edit a person, add an
action to a family's plan, record a visit): they show personal data too. `PageViewAudit` records
a view of any such page that wrote no read event of its own: a GET answered 200 whose URL names a
record (`person_id`, `household_id`, `episode_id`, …) for which an app has registered who it is
about. Apps register those lookups in an `audit_subjects.py` module (discovered when the audit
app is ready), so this lower layer never imports them:

    from continuum.audit.pages import subjects

    @subjects("episode_id")
    def episode_people(episode_id: int) -> list[int]: ...
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from continuum.audit.models import AuditAction

#: URL keyword → the ids of the people the record it names is about.
_RESOLVERS: dict[str, Callable[[int], list[int]]] = {}
#: How many read events (view, search, export) the current request has written; None outside
#: a request.
_reads: ContextVar[int | None] = ContextVar("audit_reads_in_request", default=None)

READ_ACTIONS = frozenset({AuditAction.VIEW, AuditAction.SEARCH, AuditAction.EXPORT})


def subjects(kwarg: str):
    """Register who the record named by URL keyword `kwarg` is about (a decorator)."""

    def register(resolver: Callable[[int], list[int]]):
        _RESOLVERS[kwarg] = resolver
        return resolver

    return register


def registered_kwargs() -> frozenset[str]:
    return frozenset(_RESOLVERS)


def note_events(actions) -> None:
    """Called by `audit_record_many`: count the read events this request has written."""
    count = _reads.get()
    if count is not None:
        _reads.set(count + sum(1 for action in actions if action in READ_ACTIONS))


class PageViewAudit:
    """Middleware: after a GET answered 200, if the page named a registered record and wrote
    no read event itself, record that the user viewed it (and whom it is about)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _reads.set(0)
        try:
            response = self.get_response(request)
            if request.method == "GET" and response.status_code == 200 and _reads.get() == 0:
                _record_page_view(request)
        finally:
            _reads.reset(token)
        return response


def _record_page_view(request) -> None:
    from continuum.audit.services import audit_record

    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    if match is None or user is None or not user.is_authenticated:
        return
    named = {k: v for k, v in match.kwargs.items() if k in _RESOLVERS and isinstance(v, int)}
    if not named:
        return
    person_ids: set[int] = set()
    for kwarg, value in named.items():
        person_ids.update(_RESOLVERS[kwarg](value))
    first = next(iter(named.values()))
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=(match.view_name or "page")[:40],
        object_id=first,
        details={"page": match.view_name, **named},
        person_ids=person_ids,
    )
