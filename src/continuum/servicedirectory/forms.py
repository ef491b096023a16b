from __future__ import annotations

from django import forms

from continuum.core.forms import GovukForm
from continuum.servicedirectory.models import AccessMethod, Need


class SearchForm(GovukForm):
    need = forms.ChoiceField(
        label="What do they need help with?",
        required=False,
        choices=[("", "Any need"), *Need.choices],
    )
    postcode = forms.CharField(
        label="Near postcode (optional)",
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    access = forms.ChoiceField(
        label="How they can get it",
        required=False,
        choices=[("", "Any way"), *AccessMethod.choices],
    )
    age = forms.IntegerField(
        label="Age of the person (optional)",
        required=False,
        min_value=0,
        max_value=120,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={"invalid": "Enter the age as a whole number"},
    )
    text = forms.CharField(label="Words in the name or description (optional)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("need", "access"):
            self.fields[name].widget.attrs["class"] = "govuk-select"


class ImportForm(GovukForm):
    file = forms.FileField(
        label="Open Referral UK JSON file",
        error_messages={"required": "Choose a JSON file to import"},
    )


class SignpostForm(GovukForm):
    service = forms.IntegerField(widget=forms.HiddenInput)
    notes = forms.CharField(label="Note (optional)", required=False, max_length=300)
