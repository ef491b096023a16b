from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from continuum.core.forms import GovukDateField, GovukForm
from continuum.core.identifiers import (
    IdentifierError,
    clean_nhs_number,
    clean_upn,
    normalise_postcode,
)
from continuum.people.codes import Disability, Ethnicity, RelationshipKind, Sex
from continuum.people.models import PersonKind


class SearchForm(GovukForm):
    name = forms.CharField(
        label="Name",
        required=False,
        help_text="Full or part name. Spelling does not need to be exact",
    )
    date_of_birth = GovukDateField(
        label="Date of birth", required=False, help_text="For example, 27 3 2021"
    )
    postcode = forms.CharField(
        label="Postcode",
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"}),
    )

    def clean_postcode(self):
        value = self.cleaned_data["postcode"]
        if value.strip():
            try:
                return normalise_postcode(value).value
            except IdentifierError as exc:
                raise ValidationError(str(exc)) from exc
        return ""

    def clean(self):
        data = super().clean()
        if not self.errors and not (
            data.get("name") or data.get("date_of_birth") or data.get("postcode")
        ):
            raise ValidationError("Enter a name, a date of birth or a postcode to search")
        return data


class PersonForm(GovukForm):
    kind = forms.ChoiceField(
        label="Who are you recording?", choices=PersonKind.choices, widget=forms.RadioSelect
    )
    given_name = forms.CharField(label="Given name", required=False, max_length=100)
    middle_names = forms.CharField(label="Middle names", required=False, max_length=150)
    family_name = forms.CharField(
        label="Family name", max_length=100, error_messages={"required": "Enter the family name"}
    )
    known_as = forms.CharField(label="Known as (optional)", required=False, max_length=100)
    date_of_birth = GovukDateField(
        label="Date of birth", required=False, help_text="Leave blank for an unborn child"
    )
    expected_date_of_delivery = GovukDateField(
        label="Expected date of delivery", required=False, help_text="Only for an unborn child"
    )
    sex = forms.ChoiceField(
        label="Sex", choices=Sex.choices, widget=forms.RadioSelect, initial=Sex.UNKNOWN
    )
    gender_identity = forms.CharField(
        label="Gender identity (optional)", required=False, max_length=60
    )
    ethnicity = forms.ChoiceField(
        label="Ethnicity", choices=[("", "Not recorded"), *Ethnicity.choices], required=False
    )
    first_language = forms.CharField(label="First language", required=False, max_length=60)
    interpreter_needed = forms.BooleanField(label="Needs an interpreter", required=False)
    disabilities = forms.MultipleChoiceField(
        label="Disabilities",
        choices=Disability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    nhs_number = forms.CharField(
        label="NHS number (optional)",
        required=False,
        help_text="10 digits, like 943 476 5919",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}),
    )
    upn = forms.CharField(
        label="Unique pupil number (optional)",
        required=False,
        help_text="13 characters, like B801200005001",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )
    date_of_death = GovukDateField(label="Date of death", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, include_death: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not include_death:
            del self.fields["date_of_death"]

    def clean_nhs_number(self):
        value = self.cleaned_data["nhs_number"]
        if not value.strip():
            return ""
        try:
            return clean_nhs_number(value)
        except IdentifierError as exc:
            raise ValidationError(str(exc)) from exc

    def clean_upn(self):
        value = self.cleaned_data["upn"]
        if not value.strip():
            return ""
        try:
            return clean_upn(value)
        except IdentifierError as exc:
            raise ValidationError(str(exc)) from exc

    def person_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        data["ethnicity"] = data.get("ethnicity") or "NOBT"
        return data


class AddressForm(GovukForm):
    line1 = forms.CharField(
        label="Address line 1",
        max_length=160,
        error_messages={"required": "Enter address line 1, such as the house number and street"},
    )
    line2 = forms.CharField(label="Address line 2 (optional)", required=False, max_length=160)
    town = forms.CharField(
        label="Town or city",
        required=False,
        max_length=80,
        widget=forms.TextInput(attrs={"class": "govuk-!-width-two-thirds"}),
    )
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={"required": "Enter a postcode, like NB1 4QT"},
    )

    def clean_postcode(self):
        try:
            return normalise_postcode(self.cleaned_data["postcode"]).value
        except IdentifierError as exc:
            raise ValidationError(str(exc)) from exc


class MoveForm(AddressForm):
    start_date = GovukDateField(label="Date they moved")
    whole_household = forms.BooleanField(
        label="Everyone in their household moved too", required=False, initial=True
    )


class CorrectAddressForm(AddressForm):
    reason = forms.CharField(
        label="Why are you correcting it?",
        max_length=300,
        help_text="For example, the house number was wrong",
        error_messages={"required": "Enter why the address is being corrected"},
    )


class AddMemberForm(PersonForm):
    start_date = GovukDateField(
        label="Date they joined the household",
        required=False,
        help_text="Leave blank to use the date of birth, or today for an unborn child",
    )
    relationship_to = forms.ChoiceField(
        label="Their parent in this household (optional)", required=False
    )

    def __init__(self, *args, parents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relationship_to"].choices = [("", "None")] + [
            (str(p.pk), p.display_name) for p in parents
        ]


class RelationshipForm(GovukForm):
    other_person = forms.ChoiceField(label="Who are they related to?")
    kind = forms.ChoiceField(
        label="This person is their…",
        choices=RelationshipKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how they are related"},
    )
    lives_with = forms.BooleanField(label="They live together", required=False)
    parental_responsibility = forms.BooleanField(
        label="Has parental responsibility", required=False
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other_person"].choices = [("", "Choose a person")] + [
            (str(p.pk), f"{p.display_name} ({p.date_of_birth or 'unborn'})") for p in candidates
        ]


class BirthForm(GovukForm):
    """Recording the birth of an unborn child."""

    date_of_birth = GovukDateField(
        label="Date of birth", error_messages={"required": "Enter the date of birth"}
    )
    given_name = forms.CharField(
        label="Given name (optional)", required=False, max_length=100,
        help_text="Leave blank if the baby has not been named yet",
    )  # fmt: skip
    sex = forms.ChoiceField(
        label="Sex", choices=Sex.choices, widget=forms.RadioSelect, initial=Sex.UNKNOWN
    )
