from __future__ import annotations

from django import forms

from continuum.audit.models import AuditAction
from continuum.audit.selectors import TrailFilters
from continuum.core.forms import GovukDateField, GovukForm


class TrailFilterForm(GovukForm):
    """Filters of the data protection officer's audit pages (all optional)."""

    date_from = GovukDateField(label="From", required=False)
    date_to = GovukDateField(label="To", required=False)
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "All actions"), *AuditAction.choices]
    )
    agency = forms.TypedChoiceField(label="Agency", required=False, coerce=int, empty_value=None)
    staff = forms.CharField(
        label="Member of staff", required=False, max_length=150,
        help_text="Their username, or part of it",
    )  # fmt: skip

    def __init__(self, *args, agencies: dict[int, str], staff_filter: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "All agencies")] + [
            (str(pk), name) for pk, name in sorted(agencies.items(), key=lambda item: item[1])
        ]
        if not staff_filter:
            del self.fields["staff"]
            del self.fields["agency"]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "'To' date must be on or after the 'From' date")
        return data

    def filters(self) -> TrailFilters:
        data = self.cleaned_data
        return TrailFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            action=data.get("action") or "",
            agency_id=data.get("agency"),
            staff=(data.get("staff") or "").strip(),
        )
