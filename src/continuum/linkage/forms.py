from __future__ import annotations

from django import forms

from continuum.core.forms import GovukForm
from continuum.directory.models import Agency
from continuum.linkage.engine.layout import ALL_COLUMNS, REQUIRED_COLUMNS
from continuum.linkage.models import ReviewStatus


class UploadForm(GovukForm):
    agency = forms.ModelChoiceField(
        label="Which agency's records are these?",
        queryset=Agency.objects.none(),
        empty_label="Choose an agency",
        error_messages={"required": "Choose the agency"},
    )
    file = forms.FileField(
        label="Upload the extract",
        help_text="A CSV or Excel (.xlsx) file with a header row",
        error_messages={"required": "Select a CSV or Excel file"},
    )

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies if agencies is not None else Agency.objects.all()


# How a person reads each person-extract column (not "Nhs number" or "Upn").
COLUMN_LABELS = {
    "record_id": "Record id",
    "nhs_number": "NHS number",
    "upn": "Unique pupil number (UPN)",
    "date_of_birth": "Date of birth",
    "expected_date_of_delivery": "Expected date of delivery",
    "address_line1": "Address line 1",
}


def column_label(col: str) -> str:
    return COLUMN_LABELS.get(col) or col.replace("_", " ").capitalize()


class MappingForm(GovukForm):
    """One select per person-extract v1 column: which column of the file holds it."""

    def __init__(self, *args, header: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Not in this file"), *[(h, h) for h in header]]
        for col in ALL_COLUMNS:
            required = col in ("record_id", "family_name", "date_of_birth")
            name = column_label(col)
            label = name + ("" if col in REQUIRED_COLUMNS else " (optional)")
            self.fields[col] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=required,
                error_messages={"required": f"Choose the column that holds the {name.lower()}"},
            )


class ReviewDecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Are these the same person?",
        choices=[
            (ReviewStatus.ACCEPTED, "Yes, the same person"),
            (ReviewStatus.REJECTED, "No, different people"),
            (ReviewStatus.NOT_SURE, "Not sure: leave it for someone else to check"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether they are the same person"},
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MergeForm(GovukForm):
    other = forms.IntegerField(
        label="Record number of the duplicate",
        min_value=1,
        help_text="Shown at the end of the address bar on their page, for example 10245",
        error_messages={"required": "Enter the record number of the duplicate"},
    )


class MergeConfirmForm(GovukForm):
    reason = forms.CharField(
        label="Why are these the same person?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why these records are the same person"},
    )


class UndoForm(GovukForm):
    reason = forms.CharField(
        label="Why was the merge wrong?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the merge was wrong"},
    )


class ThresholdForm(GovukForm):
    upper = forms.FloatField(
        label="Link automatically at or above this probability", min_value=0.5, max_value=1,
        help_text="For example 0.99. Higher means fewer wrong links and more to review",
        error_messages={"required": "Enter the auto-link threshold",
                        "invalid": "The auto-link threshold must be a number, like 0.99"},
    )  # fmt: skip
    lower = forms.FloatField(
        label="Send to review at or above this probability", min_value=0.5, max_value=1,
        help_text="For example 0.8. Below it, a record becomes a new person",
        error_messages={"required": "Enter the review threshold",
                        "invalid": "The review threshold must be a number, like 0.8"},
    )  # fmt: skip
