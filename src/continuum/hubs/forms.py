from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from continuum.core.forms import GovukDateField, GovukForm
from continuum.core.identifiers import IdentifierError, normalise_postcode
from continuum.hubs.models import (
    ActivityKind,
    ContactMethod,
    ContactResult,
    MatchStage,
    RiskFlagKind,
)

CONSENT_LABEL = "The family agree to the hub holding their details"


def _postcode(value: str) -> str:
    try:
        return normalise_postcode(value).value
    except IdentifierError as exc:
        raise ValidationError(str(exc)) from exc


class ConsentMixin(forms.Form):
    consent = forms.BooleanField(
        label=CONSENT_LABEL,
        error_messages={"required": "Confirm the family agree to the hub holding their details"},
    )
    consent_given_by = forms.CharField(
        label="Who gave consent",
        max_length=160,
        help_text="The name of the parent or carer who agreed",
        error_messages={"required": "Enter who gave consent"},
    )


class FamilyRegistrationForm(GovukForm, ConsentMixin):
    adult_given_name = forms.CharField(
        label="Parent or carer's given name",
        max_length=100,
        error_messages={"required": "Enter the parent's given name"},
    )
    adult_family_name = forms.CharField(
        label="Parent or carer's family name",
        max_length=100,
        error_messages={"required": "Enter the parent's family name"},
    )
    adult_date_of_birth = GovukDateField(label="Parent or carer's date of birth")
    adult_first_language = forms.CharField(label="First language (optional)", required=False)
    child_given_name = forms.CharField(label="Child's given name (optional)", required=False)
    child_date_of_birth = GovukDateField(label="Child's date of birth", required=False)
    second_child_given_name = forms.CharField(
        label="Another child's given name (optional)", required=False
    )
    second_child_date_of_birth = GovukDateField(label="Other child's date of birth", required=False)
    expected_date_of_delivery = GovukDateField(
        label="Expected date of delivery (if expecting)", required=False
    )
    line1 = forms.CharField(
        label="Address line 1", max_length=160, error_messages={"required": "Enter address line 1"}
    )
    town = forms.CharField(label="Town or city", required=False)
    postcode = forms.CharField(
        label="Postcode",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={"required": "Enter a postcode"},
    )
    field_order = [
        "adult_given_name",
        "adult_family_name",
        "adult_date_of_birth",
        "adult_first_language",
        "child_given_name",
        "child_date_of_birth",
        "second_child_given_name",
        "second_child_date_of_birth",
        "expected_date_of_delivery",
        "line1",
        "town",
        "postcode",
        "consent",
        "consent_given_by",
    ]

    def clean_postcode(self):
        return _postcode(self.cleaned_data["postcode"])

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        for prefix in ("child", "second_child"):
            if data.get(f"{prefix}_given_name") and not data.get(f"{prefix}_date_of_birth"):
                self.add_error(f"{prefix}_date_of_birth", "Enter the child's date of birth")
        # Every date checked here, against its own field, so all errors show at once and each
        # links to the field to fix (the service's message spoke of an "Unborn child" option
        # this form does not have, and landed in the summary with no link).
        born = data.get("adult_date_of_birth")
        if born and born > today:
            self.add_error(
                "adult_date_of_birth", "Parent or carer's date of birth must be in the past"
            )
        for prefix, label in (("child", "Child's"), ("second_child", "Other child's")):
            born = data.get(f"{prefix}_date_of_birth")
            if born and born > today:
                self.add_error(
                    f"{prefix}_date_of_birth",
                    f"{label} date of birth must be today or in the past. For a baby not yet "
                    "born, leave this blank and enter the expected date of delivery",
                )
        due = data.get("expected_date_of_delivery")
        if due and due < today:
            self.add_error(
                "expected_date_of_delivery",
                "Expected date of delivery must be today or in the future. If the baby has "
                "been born, enter them as a child with their date of birth",
            )
        return data

    def people(self) -> tuple[list[dict], list[dict]]:
        d = self.cleaned_data
        family = d["adult_family_name"]
        adults = [
            {
                "given_name": d["adult_given_name"],
                "family_name": family,
                "date_of_birth": d["adult_date_of_birth"],
                "first_language": d.get("adult_first_language", ""),
            }
        ]
        children = []
        for prefix in ("child", "second_child"):
            if d.get(f"{prefix}_given_name"):
                children.append(
                    {
                        "kind": "child",
                        "given_name": d[f"{prefix}_given_name"],
                        "family_name": family,
                        "date_of_birth": d[f"{prefix}_date_of_birth"],
                    }
                )
        if d.get("expected_date_of_delivery"):
            children.append(
                {
                    "kind": "unborn",
                    "family_name": family,
                    "sex": "U",
                    "expected_date_of_delivery": d["expected_date_of_delivery"],
                }
            )
        return adults, children

    def address(self) -> dict:
        d = self.cleaned_data
        return {"line1": d["line1"], "town": d.get("town", ""), "postcode": d["postcode"]}


class HouseholdRegisterForm(GovukForm, ConsentMixin):
    pass


class ActivityForm(GovukForm):
    name = forms.CharField(
        label="Name of the activity",
        max_length=160,
        error_messages={"required": "Enter the name of the activity"},
    )
    kind = forms.ChoiceField(
        label="What kind of activity is it?",
        choices=ActivityKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of activity"},
    )
    first_date = GovukDateField(label="Date of the first session")
    start_time = forms.TimeField(
        label="Start time",
        help_text="For example, 10:00",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
        error_messages={
            "required": "Enter the start time",
            "invalid": "Enter the start time like 10:00",
        },
    )
    duration_minutes = forms.IntegerField(
        label="How long each session lasts, in minutes",
        initial=90,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )
    weeks = forms.IntegerField(
        label="How many weeks it runs",
        initial=12,
        help_text="For a parenting programme, the number of weeks in it",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )
    venue = forms.CharField(label="Where (optional)", required=False)
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea
    )

    def first_starts_at(self) -> dt.datetime:
        return dt.datetime.combine(
            self.cleaned_data["first_date"],
            self.cleaned_data["start_time"],
            tzinfo=timezone.get_current_timezone(),
        )


class CancelForm(GovukForm):
    reason = forms.CharField(
        label="Why is the session cancelled?",
        max_length=300,
        error_messages={"required": "Enter why the session is cancelled"},
    )


class WalkInSearchForm(GovukForm):
    name = forms.CharField(
        label="Name", max_length=100, error_messages={"required": "Enter a name to search for"}
    )


class QuickAddForm(GovukForm, ConsentMixin):
    kind = forms.ChoiceField(
        label="Who is it?",
        choices=[("child", "A child"), ("adult", "An adult")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose child or adult"},
    )
    given_name = forms.CharField(
        label="Given name", max_length=100, error_messages={"required": "Enter the given name"}
    )
    family_name = forms.CharField(
        label="Family name", max_length=100, error_messages={"required": "Enter the family name"}
    )
    date_of_birth = GovukDateField(label="Date of birth")
    line1 = forms.CharField(
        label="Address line 1", max_length=160, error_messages={"required": "Enter address line 1"}
    )
    postcode = forms.CharField(
        label="Postcode",
        error_messages={"required": "Enter a postcode"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    field_order = [
        "kind",
        "given_name",
        "family_name",
        "date_of_birth",
        "line1",
        "postcode",
        "consent",
        "consent_given_by",
    ]

    def clean_postcode(self):
        return _postcode(self.cleaned_data["postcode"])


class ContactAttemptForm(GovukForm):
    attempted_on = GovukDateField(label="Date of contact")
    method = forms.ChoiceField(
        label="How",
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you made contact"},
    )
    result = forms.ChoiceField(
        label="Result",
        choices=ContactResult.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the result"},
    )
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea)


class MatchStartForm(GovukForm):
    needs = forms.CharField(
        label="What support the family would like",
        max_length=300,
        error_messages={"required": "Enter what support the family would like"},
    )
    preferred_days = forms.MultipleChoiceField(
        label="Days that suit the family (optional)",
        required=False,
        choices=[
            ("mon", "Monday"),
            ("tue", "Tuesday"),
            ("wed", "Wednesday"),
            ("thu", "Thursday"),
            ("fri", "Friday"),
            ("sat", "Saturday"),
            ("sun", "Sunday"),
        ],
        widget=forms.CheckboxSelectMultiple,
    )


class AssignForm(GovukForm):
    volunteer = forms.TypedChoiceField(
        label="Volunteer",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a volunteer"},
    )

    def __init__(self, *args, suggestions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].choices = [
            (
                s.profile.user_id,
                f"{s.profile.user.get_full_name()}: "
                f"{'; '.join(s.reasons) or 'no particular match'}",
            )
            for s in suggestions
        ]


class MoveForm(GovukForm):
    to = forms.ChoiceField(
        label="Move the family to",
        widget=forms.RadioSelect,
        choices=[
            (MatchStage.SUPPORT, "Support"),
            (MatchStage.ENDING, "Ending"),
            (MatchStage.ENDED, "Ended"),
            (MatchStage.ENGAGEMENT, "Back to engagement"),
        ],
        error_messages={"required": "Choose a stage"},
    )


class DiaryForm(GovukForm):
    visited_on = GovukDateField(label="Date of the visit")
    notes = forms.CharField(
        label="What happened",
        widget=forms.Textarea,
        error_messages={"required": "Enter what happened on the visit"},
    )


class ReviewForm(GovukForm):
    diary = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(label="Comment (optional)", required=False, max_length=300)


class VolunteerProfileForm(GovukForm):
    skills = forms.CharField(
        label="Skills",
        required=False,
        help_text="Separate them with commas, for example: budgeting, twins",
    )
    languages = forms.CharField(
        label="Languages spoken", required=False, help_text="Separate them with commas"
    )
    availability = forms.MultipleChoiceField(
        label="Days they are available",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("mon", "Monday"),
            ("tue", "Tuesday"),
            ("wed", "Wednesday"),
            ("thu", "Thursday"),
            ("fri", "Friday"),
            ("sat", "Saturday"),
            ("sun", "Sunday"),
        ],
    )
    postcode_sector = forms.CharField(
        label="Postcode sector where they live",
        required=False,
        max_length=6,
        help_text="For example, NB1 4",
    )
    dbs_checked_on = GovukDateField(label="Date of the DBS check", required=False)
    training_completed_on = GovukDateField(label="Date training was completed", required=False)

    @staticmethod
    def split(value: str) -> list[str]:
        return [part.strip() for part in (value or "").split(",") if part.strip()]


class RiskFlagForm(GovukForm):
    person = forms.TypedChoiceField(
        label="Who is it about?", coerce=int, widget=forms.RadioSelect,
        error_messages={"required": "Choose who in the family it is about"},
    )  # fmt: skip
    kind = forms.ChoiceField(
        label="What has your agency recorded?", choices=RiskFlagKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what your agency has recorded"},
    )  # fmt: skip

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(p.pk, p.display_name) for p in people]


class RiskFlagWithdrawForm(GovukForm):
    reason = forms.CharField(
        label="Why is it being withdrawn?", max_length=300,
        help_text="For example, recorded in error, or no longer a concern",
        error_messages={"required": "Enter why the risk factor is being withdrawn"},
    )  # fmt: skip
