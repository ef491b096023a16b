"""Errors the referral services raise. Both are ValidationErrors, so forms and the API show them."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class InvalidTransition(ValidationError):
    """The referral is not in a state this action can start from."""


class AlreadyDecided(InvalidTransition):
    """Someone else decided the contact first. Carries who and what, to show the second worker."""

    def __init__(self, referral):
        self.referral = referral
        who = referral.decided_by.get_full_name() if referral.decided_by else "another worker"
        when = referral.decided_at.strftime("%-d %B %Y at %H:%M") if referral.decided_at else ""
        super().__init__(
            f"This contact has already been decided by {who}{' on ' + when if when else ''}: "
            f"{referral.get_outcome_display()}. Your decision was not recorded."
        )
