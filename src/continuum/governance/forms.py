from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from continuum.core.forms import GovukDateField, GovukForm
from continuum.directory.models import Role, User
from continuum.governance.models import (
    BREAK_GLASS_REASON_MIN_LENGTH,
    RestrictionScope,
    ReviewOutcome,
)


class BreakGlassForm(GovukForm):
    """The details a caller gave (a Continuum id, or a full name and date of birth), the reason,
    and the worker's confirmation that they know the access is reported."""

    continuum_id = forms.IntegerField(
        label="Continuum id (if you were given it)",
        required=False,
        min_value=1,
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-10", "inputmode": "numeric", "autocomplete": "off"}
        ),
        error_messages={"invalid": "Enter the Continuum id as a number, like 1234"},
    )
    given_name = forms.CharField(label="Given name", required=False, max_length=100)
    family_name = forms.CharField(label="Family name", required=False, max_length=100)
    date_of_birth = GovukDateField(
        label="Date of birth", required=False, help_text="For example, 27 3 2021"
    )
    reason = forms.CharField(
        label="Why do you need to see this record now?",
        help_text=(
            "Say what the emergency is and who asked. The data protection officer and your "
            "manager will read this."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Enter why you need emergency access to this record"},
    )
    confirm = forms.BooleanField(
        label=(
            "I have no other way to see this record in time, and I understand this access is "
            "recorded, reported and reviewed"
        ),
        error_messages={"required": "Confirm that you understand emergency access is reviewed"},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < BREAK_GLASS_REASON_MIN_LENGTH:
            raise ValidationError(
                "Give the reason for emergency access in at least "
                f"{BREAK_GLASS_REASON_MIN_LENGTH} characters"
            )
        return reason

    def clean(self):
        data = super().clean()
        if data.get("continuum_id") or self.errors.get("continuum_id"):
            return data
        missing = [
            (name, message)
            for name, message in (
                ("given_name", "Enter the given name, or the Continuum id"),
                ("family_name", "Enter the family name, or the Continuum id"),
                ("date_of_birth", "Enter the date of birth, or the Continuum id"),
            )
            if not data.get(name) and name not in self.errors
        ]
        for name, message in missing:
            self.add_error(name, message)
        return data


class EndBreakGlassForm(GovukForm):
    pass


class ReviewForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Was the emergency access justified?",
        choices=ReviewOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the emergency access was justified"},
    )
    note = forms.CharField(
        label="Note",
        help_text="What you found out, and anything you have asked the worker or manager to do",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": "Enter a note saying why you reached this outcome"},
    )


class RestrictionForm(GovukForm):
    scope = forms.ChoiceField(
        label="What should be restricted?",
        choices=RestrictionScope.choices,
        widget=forms.RadioSelect,
        help_text=(
            "The whole record hides the person from everyone not named below (even the front "
            "door). Their address only shows 'Address confidential' to everyone not named."
        ),
        error_messages={"required": "Select what to restrict"},
    )
    reason = forms.CharField(
        label="Reason",
        help_text="For example, a refuge, an adoptive placement or a member of staff's family",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter the reason for the restriction"},
    )
    allowed = forms.CharField(
        label="Who may still see it",
        help_text=(
            "The usernames of the staff who may still see it, one on each line. They still need "
            "a reason to see the record (their agency's involvement); naming them adds nothing."
        ),
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Name at least one member of staff who may still see it"},
    )

    def clean_allowed(self):
        names = [n.strip() for n in self.cleaned_data["allowed"].replace(",", "\n").split("\n")]
        names = sorted({n for n in names if n})
        users = {
            u.username: u
            for u in User.objects.filter(username__in=names, is_active=True).exclude(
                role__in=[Role.ANALYST, Role.ADMINISTRATOR]
            )
        }
        unknown = [n for n in names if n not in users]
        if unknown:
            raise ValidationError(
                "No member of staff who can see records has the username "
                + ", ".join(unknown)
                + ": check the spelling, one username on each line"
            )
        if not users:
            raise ValidationError("Name at least one member of staff who may still see it")
        return list(users.values())


class LiftRestrictionForm(GovukForm):
    reason = forms.CharField(
        label="Why is the restriction being lifted?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter the reason for lifting the restriction"},
    )
