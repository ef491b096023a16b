"""GOV.UK forms for referrals. Required-ness at submission is the service's job (so the API gets
the same messages); these forms accept a partial draft."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from continuum.core.forms import GovukDateField, GovukForm, GovukModelForm
from continuum.directory.models import Agency, AgencyKind, Role, User
from continuum.referrals.models import (
    FRONT_DOOR_OUTCOMES,
    PANEL_OUTCOMES,
    Consent,
    Destination,
    NeedLevel,
    Rag,
    Referral,
    Urgency,
)
from continuum.referrals.timescales import rag_targets


def _level_choices(levels: list[NeedLevel]):
    return [(str(level.number), f"Level {level.number}: {level.name}") for level in levels]


class ReferralForm(GovukModelForm):
    referrer_level = forms.TypedChoiceField(
        label="Your view of the level of need",
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        choices=[],
    )
    destination_agency = forms.ModelChoiceField(
        label="Family hub (for the early help panel)",
        required=False,
        queryset=Agency.objects.filter(kind=AgencyKind.FAMILY_HUB),
        help_text="Only needed if you are referring to a family hub's early help panel.",
    )

    class Meta:
        model = Referral
        fields = [
            "destination",
            "destination_agency",
            "source",
            "urgency",
            "concerns",
            "what_has_been_tried",
            "child_views",
            "parents_views",
            "referrer_level",
            "consent",
            "consent_reason",
            "without_consent_justification",
        ]
        widgets = {
            "destination": forms.RadioSelect,
            "urgency": forms.RadioSelect,
            "consent": forms.RadioSelect,
            "concerns": forms.Textarea(attrs={"rows": 6}),
            "what_has_been_tried": forms.Textarea(attrs={"rows": 4}),
            "child_views": forms.Textarea(attrs={"rows": 3}),
            "parents_views": forms.Textarea(attrs={"rows": 3}),
            "consent_reason": forms.Textarea(attrs={"rows": 2}),
            "without_consent_justification": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "concerns": "What has happened, to whom, when, and what you saw or were told.",
            "child_views": "In the child's own words where you can. "
            "If they could not be asked, say why.",
            "without_consent_justification": "Sharing without consent is only lawful when it is "
            "needed to protect a child from significant harm. Record the risk.",
        }

    def __init__(self, *args, levels: list[NeedLevel] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referrer_level"].choices = _level_choices(list(levels))
        self.fields["consent"].choices = Consent.choices
        self.fields["urgency"].choices = Urgency.choices
        self.fields["destination"].choices = Destination.choices
        for field in self.fields.values():
            field.required = False

    def draft_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["destination"] = data.get("destination") or Destination.FRONT_DOOR
        data["urgency"] = data.get("urgency") or Urgency.ROUTINE
        return data


class ReceiveForm(GovukForm):
    rag = forms.ChoiceField(
        label="RAG rating",
        widget=forms.RadioSelect,
        choices=[],
        error_messages={"required": "Select a RAG rating"},
    )
    # Shown for a level 4 or urgent contact: rating it Green or Blue needs this ticked (the
    # service refuses it otherwise, naming this field).
    confirm_low_rating = forms.BooleanField(
        label="I have read the referral and mean to rate it Green or Blue",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        targets = rag_targets()
        self.fields["rag"].choices = [
            (value, f"{label}: {targets[value].description if value in targets else 'no target'}")
            for value, label in Rag.choices
        ]


class NoteForm(GovukForm):
    text = forms.CharField(
        label="Add a note for the team",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the note"},
        help_text="Notes are internal: the referrer never sees them.",
    )


class InformationRequestForm(GovukForm):
    to_agency = forms.ModelChoiceField(
        label="Agency to ask",
        queryset=Agency.objects.exclude(kind=AgencyKind.FRONT_DOOR),
        error_messages={"required": "Select the agency to ask"},
    )
    question = forms.CharField(
        label="What do you need to know?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what you need to know"},
    )
    due_date = GovukDateField(label="Due date", error_messages={"required": "Enter the due date"})
    due_time = forms.CharField(
        label="Due time",
        initial="17:00",
        help_text="24-hour clock, for example 14:30",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
        error_messages={"required": "Enter the due time"},
    )

    def clean_due_time(self):
        value = self.cleaned_data["due_time"].strip()
        try:
            return dt.datetime.strptime(value, "%H:%M").time()
        except ValueError:
            raise ValidationError("Enter the due time as hours and minutes, like 14:30") from None

    def due_at(self) -> dt.datetime:
        return timezone.make_aware(
            dt.datetime.combine(self.cleaned_data["due_date"], self.cleaned_data["due_time"])
        )


class DecisionForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        choices=[],
        error_messages={"required": "Select the decision"},
    )
    level = forms.TypedChoiceField(
        label="Level of need",
        coerce=int,
        widget=forms.RadioSelect,
        choices=[],
        required=False,
        empty_value=None,
    )
    rationale = forms.CharField(
        label="Reasons for the decision",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the reasons for the decision"},
    )
    signposting = forms.CharField(
        label="Signposting and advice for the family",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed for no further action.",
    )
    onward_agency = forms.ModelChoiceField(
        label="Family hub (for early help)",
        required=False,
        queryset=Agency.objects.filter(kind=AgencyKind.FAMILY_HUB),
    )
    lead_professional = forms.ModelChoiceField(
        label="Lead professional", required=False, queryset=User.objects.none()
    )
    service = forms.CharField(label="Service allocated", required=False)

    def __init__(self, *args, referral: Referral, levels: list[NeedLevel], **kwargs):
        super().__init__(*args, **kwargs)
        front_door = referral.destination == Destination.FRONT_DOOR
        outcomes = FRONT_DOOR_OUTCOMES if front_door else PANEL_OUTCOMES
        self.fields["outcome"].choices = [(o.value, o.label) for o in outcomes]
        self.fields["level"].choices = _level_choices(levels)
        if front_door:
            del self.fields["lead_professional"], self.fields["service"]
        else:
            del self.fields["onward_agency"]
            self.fields["lead_professional"].queryset = User.objects.filter(
                is_active=True, agency_id=referral.destination_agency_id
            ).exclude(role__in=[Role.ANALYST, Role.DPO, Role.ADMINISTRATOR])
            self.fields["lead_professional"].label_from_instance = lambda u: (
                u.get_full_name() or u.username
            )


class ReasonForm(GovukForm):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason"},
    )


class AnswerForm(GovukForm):
    answer = forms.CharField(
        label="Your answer",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter your answer"},
    )


class RegisterFilterForm(GovukForm):
    date_from = GovukDateField(label="Sent from", required=False)
    date_to = GovukDateField(label="Sent to", required=False)


class ReceivingTeamForm(GovukForm):
    team = forms.ChoiceField(
        label="Which team receives hand-overs to your agency?",
        widget=forms.RadioSelect,
        choices=[],
        error_messages={"required": "Select the team that receives hand-overs, or none"},
        help_text=(
            "New referrals, information requests, step-ups and escalations go to this team's "
            "inbox and email address. With no receiving team they go to the agency-wide inbox."
        ),
    )

    NONE = "none"

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.teams = {str(t.pk): t for t in teams}
        self.fields["team"].choices = [(pk, t.name) for pk, t in self.teams.items()] + [
            (self.NONE, "No receiving team: use the agency-wide inbox")
        ]

    def chosen_team(self):
        value = self.cleaned_data["team"]
        return None if value == self.NONE else self.teams[value]
