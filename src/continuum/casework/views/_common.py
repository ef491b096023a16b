"""Shared helpers for `continuum.casework.views`."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404

CONFLICT_MESSAGE = (
    "Someone else changed this plan while you were editing it. Their version is shown below; "
    "check it, then make your changes again."
)


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else None
            for error in errors:
                for message in error.messages:
                    form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _pick(items, pk):
    pk = str(pk)
    for item in items:
        if str(item.pk) == pk:
            return item
    raise Http404("Not found")
