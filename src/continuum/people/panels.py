"""Panels other apps add to the person page (the arrows point down: `people` never imports the
apps that hold casework or referrals; they register here, as the identity hook does).

A panel is a function `(user, record) -> PersonPanel | None`, registered once in the app's
`ready()`; it reads through its own app's selectors and gatekeepers and answers None when it has
nothing to show this user."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

_PANELS: list[Callable] = []


@dataclass
class PersonPanel:
    template: str  # rendered at the top of the person page with `panel` in its context
    data: dict = field(default_factory=dict)


def register_person_panel(panel: Callable) -> Callable:
    if panel not in _PANELS:
        _PANELS.append(panel)
    return panel


def panels_for(user, record) -> list[PersonPanel]:
    return [p for panel in _PANELS if (p := panel(user, record)) is not None]
