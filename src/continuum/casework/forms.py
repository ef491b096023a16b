"""GOV.UK forms for casework. Forms check shape; services apply the rules."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from continuum.casework.codes import (
    ASSESSMENT_FACTORS,
    DIMENSIONS,
    MANUAL_CHRONOLOGY_KINDS,
    ActionStatus,
    CategoryOfAbuse,
    ChronologyKind,
    ClosureReason,
    Domain,
    EarlyHelpOutcome,
    EpisodeKind,
    LevelOfNeed,
    PrimaryNeed,
    S47Outcome,
    VisitKind,
)
from continuum.core.forms import GovukDateField, GovukForm


def _with_fields(form, extra: dict) -> None:
    """Add per-record fields before the form is built, so the GOV.UK mixin styles them and marks
    their errors like any other field."""
    form.base_fields = {**type(form).base_fields, **extra}


def _today_initial():
    return timezone.localdate()


def _user_label(user) -> str:
    name = user.get_full_name() or user.username
    agency = user.agency.name if user.agency_id else ""
    title = f", {user.job_title}" if user.job_title else ""
    return f"{name} ({agency}{title})"


class EpisodeOpenForm(GovukForm):
    kind = forms.ChoiceField(
        label="Type of episode",
        choices=EpisodeKind.choices,
        widget=forms.RadioSelect,
        initial=EpisodeKind.EARLY_HELP,
    )
    children = forms.MultipleChoiceField(
        label="Children in this episode",
        widget=forms.CheckboxSelectMultiple,
        help_text="Each child gets their own record in the episode",
        error_messages={"required": "Choose at least one child in this episode"},
    )
    lead_professional = forms.ChoiceField(label="Lead professional")
    referral_date = GovukDateField(
        label="Referral or request date", help_text="For example, 27 3 2026"
    )
    start_date = GovukDateField(label="Start date", help_text="For example, 27 3 2026")
    level_of_need = forms.TypedChoiceField(
        label="Level of need",
        choices=LevelOfNeed.choices,
        coerce=int,
        widget=forms.RadioSelect,
        initial=LevelOfNeed.EARLY_HELP,
    )
    primary_need = forms.ChoiceField(
        label="Primary need code (child in need and child protection)",
        choices=[("", "Not applicable"), *PrimaryNeed.choices],
        required=False,
    )
    category_of_abuse = forms.ChoiceField(
        label="Category of abuse (child protection only)",
        choices=[("", "Not applicable"), *CategoryOfAbuse.choices],
        required=False,
    )

    def __init__(self, *args, children, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["children"].choices = [(str(c.pk), c.display_name) for c in children]
        self.fields["lead_professional"].choices = [(str(u.pk), _user_label(u)) for u in colleagues]


class TafInviteForm(GovukForm):
    user = forms.ChoiceField(
        label="Practitioner",
        help_text="Their agency will see this family while they are in the team",
    )
    role_in_taf = forms.CharField(
        label="Their role in the team",
        max_length=120,
        help_text="For example, health visitor for the baby, school DSL, housing officer",
        error_messages={"required": "Enter their role in the team"},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "Choose a practitioner")] + [
            (str(u.pk), _user_label(u)) for u in candidates
        ]


class VisitForm(GovukForm):
    """The quick visit record: one page, prefilled with today and the family's children."""

    date = GovukDateField(label="Date", initial=_today_initial)
    kind = forms.ChoiceField(
        label="Type",
        choices=VisitKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of visit or contact"},
    )
    present = forms.MultipleChoiceField(
        label="Who was present", widget=forms.CheckboxSelectMultiple, required=False
    )
    unknown_adult = forms.CharField(
        label="An adult not on the record (optional)",
        required=False,
        max_length=300,
        help_text="Describe them. The lead professional will be asked to identify them",
    )
    observations = forms.CharField(
        label="Observations", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    significant = forms.BooleanField(label="This is a significant event", required=False)

    def __init__(self, *args, members, children, **kwargs):
        self.children = list(children)
        extra = {}
        for child in self.children:
            name = child.display_name
            extra[f"c{child.pk}_seen"] = forms.BooleanField(
                label=f"{name} was seen", required=False
            )
            extra[f"c{child.pk}_alone"] = forms.BooleanField(
                label=f"{name} was seen alone", required=False
            )
            extra[f"c{child.pk}_said"] = forms.CharField(
                label=f"What {name} said, in their own words",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        _with_fields(self, extra)
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(str(p.pk), p.display_name) for p in members]

    def child_groups(self):
        return [
            (
                child,
                self[f"c{child.pk}_seen"],
                self[f"c{child.pk}_alone"],
                self[f"c{child.pk}_said"],
            )
            for child in self.children
        ]

    def children_data(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "person": child,
                "seen": data.get(f"c{child.pk}_seen", False),
                "seen_alone": data.get(f"c{child.pk}_alone", False),
                "child_said": data.get(f"c{child.pk}_said", ""),
            }
            for child in self.children
        ]


class PlanForm(GovukForm):
    start_date = GovukDateField(label="Plan agreed on", initial=_today_initial)
    outcomes_sought = forms.CharField(
        label="Outcomes sought",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What will be different for the children, in words the family uses",
        error_messages={"required": "Enter the outcomes sought"},
    )
    review_interval_weeks = forms.IntegerField(
        label="Review every (weeks)",
        initial=6,
        min_value=1,
        max_value=26,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
    )


class PlanEditForm(GovukForm):
    outcomes_sought = forms.CharField(
        label="Outcomes sought",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the outcomes sought"},
    )
    review_interval_weeks = forms.IntegerField(
        label="Review every (weeks)",
        min_value=1,
        max_value=26,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
    )
    next_review_date = GovukDateField(label="Next review date")
    version = forms.IntegerField(widget=forms.HiddenInput)


def owner_choices(taf_users, family) -> list[tuple[str, str]]:
    return (
        [("", "Choose who owns this action")]
        + [(f"u{u.pk}", _user_label(u)) for u in taf_users]
        + [(f"p{p.pk}", f"{p.display_name} (family member)") for p in family]
    )


class ActionForm(GovukForm):
    description = forms.CharField(
        label="What will be done",
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter what will be done"},
    )
    owner = forms.ChoiceField(
        label="Who is responsible",
        help_text="One named person: a practitioner or a family member",
        error_messages={"required": "Choose one person to own this action"},
    )
    due_date = GovukDateField(label="Due by")

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owners

    def owner_ids(self) -> tuple[int | None, int | None]:
        value = self.cleaned_data["owner"]
        if value.startswith("u"):
            return int(value[1:]), None
        return None, int(value[1:])


class ActionEditForm(ActionForm):
    status = forms.ChoiceField(
        label="Status", choices=ActionStatus.choices, widget=forms.RadioSelect
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReviewForm(GovukForm):
    review_date = GovukDateField(label="Review date", initial=_today_initial)
    what_changed = forms.CharField(
        label="What has changed",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what has changed since the last review"},
    )
    child_view = forms.CharField(
        label="The child's view",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="In their own words where you can",
        error_messages={"required": "Enter the child's view"},
    )
    next_review_date = GovukDateField(
        label="Next review date",
        required=False,
        help_text="Leave blank to use the plan's review interval",
    )

    def __init__(self, *args, actions, **kwargs):
        self.actions = list(actions)
        extra = {}
        for action in self.actions:
            extra[f"a{action.pk}_status"] = forms.ChoiceField(
                label=f"Progress: {action.description}",
                choices=ActionStatus.choices,
                initial=action.status,
            )
            extra[f"a{action.pk}_note"] = forms.CharField(
                label="Note (optional)", required=False, max_length=400
            )
        _with_fields(self, extra)
        super().__init__(*args, **kwargs)

    def action_groups(self):
        return [(a, self[f"a{a.pk}_status"], self[f"a{a.pk}_note"]) for a in self.actions]

    def progress(self) -> dict[int, tuple[str, str]]:
        d = self.cleaned_data
        return {a.pk: (d[f"a{a.pk}_status"], d.get(f"a{a.pk}_note", "")) for a in self.actions}


class AssessmentStartForm(GovukForm):
    start_date = GovukDateField(label="Assessment start date", initial=_today_initial)


def _dimension_fields(domains) -> tuple[dict, list]:
    extra, rows = {}, []
    for domain, code, label in DIMENSIONS:
        if domain not in domains:
            continue
        s, n = f"{code}_strengths", f"{code}_needs"
        extra[s] = forms.CharField(
            label=f"{label}: strengths", required=False, widget=forms.Textarea(attrs={"rows": 2})
        )
        extra[n] = forms.CharField(
            label=f"{label}: needs", required=False, widget=forms.Textarea(attrs={"rows": 2})
        )
        rows.append((domain, code, label, s, n))
    return extra, rows


class AssessmentFamilyForm(GovukForm):
    """Parenting capacity and family and environmental factors, the parents' views, summary."""

    parents_view = forms.CharField(
        label="What the parents say", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    summary = forms.CharField(
        label="Analysis and summary", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        extra, self.rows = _dimension_fields((Domain.PARENTING, Domain.FAMILY))
        _with_fields(self, extra)
        super().__init__(*args, **kwargs)

    def domain_groups(self):
        groups = []
        for domain in (Domain.PARENTING, Domain.FAMILY):
            groups.append(
                (
                    domain.label,
                    [(label, self[s], self[n]) for d, _, label, s, n in self.rows if d == domain],
                )
            )
        return groups

    def entries(self) -> dict:
        d = self.cleaned_data
        return {(None, code): (d[s], d[n]) for _, code, _, s, n in self.rows}


class AssessmentChildForm(GovukForm):
    seen = forms.BooleanField(label="The child was seen", required=False)
    seen_alone = forms.BooleanField(label="The child was seen alone", required=False)
    wishes_and_feelings = forms.CharField(
        label="Wishes and feelings, in the child's own words",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, child, **kwargs):
        self.child = child
        extra, self.rows = _dimension_fields((Domain.CHILD,))
        _with_fields(self, extra)
        super().__init__(*args, **kwargs)

    def dimension_rows(self):
        return [(label, self[s], self[n]) for _, _, label, s, n in self.rows]

    def entries(self) -> dict:
        d = self.cleaned_data
        return {(self.child.pk, code): (d[s], d[n]) for _, code, _, s, n in self.rows}


class AssessmentSubmitForm(GovukForm):
    factors = forms.MultipleChoiceField(
        label="Factors identified at the end of the assessment",
        choices=[(c, f"{c} {label}") for c, label in ASSESSMENT_FACTORS],
        widget=forms.CheckboxSelectMultiple,
        help_text="CIN census codes. '21 No factors identified' cannot be combined with others",
        error_messages={"required": "Choose the factors identified, or '21 No factors identified'"},
    )
    completed_date = GovukDateField(label="Date completed", initial=_today_initial)


class ReturnForm(GovukForm):
    note = forms.CharField(
        label="What needs to change",
        max_length=300,
        error_messages={"required": "Say what needs to change"},
    )


DISPOSITIONS = [
    (ActionStatus.DONE, "It has been done"),
    (ActionStatus.NOT_DONE, "It will not be done in this episode (say what happens next)"),
]


class ClosureForm(GovukForm):
    end_date = GovukDateField(label="Closure date", initial=_today_initial)
    reason_for_closure = forms.ChoiceField(
        label="Reason for closure",
        choices=[("", "Choose a reason"), *ClosureReason.choices],
        required=False,
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[("", "Choose an outcome"), *EarlyHelpOutcome.choices],
        required=False,
    )
    summary = forms.CharField(
        label="Closure summary",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter a closure summary"},
    )

    def __init__(self, *args, statutory: bool, open_actions, **kwargs):
        self.open_actions = list(open_actions)
        extra = {}
        for action in self.open_actions:
            extra[f"a{action.pk}"] = forms.ChoiceField(
                label=f"{action.description} ({action.owner_name}, due {action.due_date:%d %b %Y})",
                choices=DISPOSITIONS,
                widget=forms.RadioSelect,
                error_messages={"required": f"Say what happens to '{action.description[:60]}'"},
            )
            extra[f"a{action.pk}_next"] = forms.CharField(
                label="What happens next", required=False, max_length=300
            )
        _with_fields(self, extra)
        super().__init__(*args, **kwargs)
        if statutory:
            del self.fields["outcome"]
            self.fields["reason_for_closure"].required = True
            self.fields["reason_for_closure"].error_messages["required"] = (
                "Choose the reason for closure (RC1 to RC9)"
            )
        else:
            del self.fields["reason_for_closure"]
            self.fields["outcome"].required = True
            self.fields["outcome"].error_messages["required"] = "Choose the outcome of the episode"

    def action_groups(self):
        return [(a, self[f"a{a.pk}"], self[f"a{a.pk}_next"]) for a in self.open_actions]

    def dispositions(self) -> dict[int, tuple[str, str]]:
        d = self.cleaned_data
        return {a.pk: (d[f"a{a.pk}"], d.get(f"a{a.pk}_next", "")) for a in self.open_actions}


class ClosureDecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        choices=[("approve", "Approve the closure"), ("reject", "Keep the episode open")],
        error_messages={"required": "Choose whether to approve the closure"},
    )
    note = forms.CharField(label="Note (needed to keep it open)", required=False, max_length=300)


class PromptResolveForm(GovukForm):
    person = forms.ChoiceField(label="Who they are", required=False)
    note = forms.CharField(
        label="Or: what you know about them",
        required=False,
        max_length=300,
        help_text="If they cannot be identified yet, say why and what you are doing about it",
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "Not on the record yet")] + [
            (str(p.pk), p.display_name) for p in people
        ]


class ChronologyFilterForm(GovukForm):
    agency = forms.ChoiceField(label="Agency", required=False)
    kind = forms.MultipleChoiceField(
        label="Type of event",
        choices=ChronologyKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    date_from = GovukDateField(label="From", required=False)
    date_to = GovukDateField(label="To", required=False)
    significant = forms.BooleanField(label="Significant events only", required=False)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "All agencies")] + [
            (str(a.pk), a.name) for a in agencies
        ]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "'To' date must be on or after the 'From' date")
        return data


class ChronologyEntryForm(GovukForm):
    date = GovukDateField(label="Date of the event")
    kind = forms.ChoiceField(
        label="Type of event",
        choices=[(k.value, k.label) for k in MANUAL_CHRONOLOGY_KINDS],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of event"},
    )
    person = forms.ChoiceField(label="Who it is about", required=False)
    summary = forms.CharField(
        label="What happened",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what happened"},
    )
    significant = forms.BooleanField(label="This is a significant event", required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "The whole family")] + [
            (str(p.pk), p.display_name) for p in people
        ]


class AttachmentForm(GovukForm):
    file = forms.FileField(
        label="Upload a file",
        help_text="PDF, JPG, PNG, DOCX or TXT, smaller than 10MB",
        error_messages={"required": "Select a file"},
    )
    description = forms.CharField(
        label="What it is",
        max_length=200,
        help_text="For example, school attendance report for autumn term",
        error_messages={"required": "Say what the file is"},
    )


class ChangeLeadForm(GovukForm):
    lead_professional = forms.ChoiceField(
        label="New lead professional",
        help_text="A member of the Team Around the Family, or a colleague in the lead's agency",
        error_messages={"required": "Choose the new lead professional"},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_professional"].choices = [("", "Choose a practitioner")] + [
            (str(u.pk), _user_label(u)) for u in candidates
        ]


# --- Section 47 enquiries and child protection ---------------------------------------------


class S47StartForm(GovukForm):
    child = forms.ChoiceField(
        label="Which child is the enquiry about?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the child the enquiry is about"},
    )
    start_date = GovukDateField(
        label="Date of the strategy discussion that started the enquiry",
        help_text="The initial child protection conference is due within 15 working days of it. "
        "For example, 27 3 2026",
        initial=_today_initial,
        error_messages={"required": "Enter the date of the strategy discussion"},
    )

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [(str(c.pk), c.person.display_name) for c in children]


class S47OutcomeForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Outcome of the enquiry",
        choices=S47Outcome.choices,
        widget=forms.RadioSelect,
        help_text="Any outcome other than a conference records that no conference is needed",
        error_messages={"required": "Choose the outcome of the enquiry"},
    )
    outcome_date = GovukDateField(
        label="Date the enquiry concluded",
        initial=_today_initial,
        error_messages={"required": "Enter the date the enquiry concluded"},
    )


class IcpcForm(GovukForm):
    date = GovukDateField(
        label="Date of the conference",
        help_text="A working day, on or after the strategy discussion",
        error_messages={"required": "Enter the date of the conference"},
    )
    plan_agreed = forms.TypedChoiceField(
        label="Did the conference decide on a child protection plan?",
        choices=[("yes", "Yes: the child protection plan starts on the conference date"),
                 ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the conference decided on a plan"},
    )  # fmt: skip
    category_of_abuse = forms.ChoiceField(
        label="Category of abuse (if there is a plan)",
        choices=[("", "Not applicable"), *CategoryOfAbuse.choices],
        required=False,
    )


class CpReviewForm(GovukForm):
    date = GovukDateField(
        label="Date of the review conference",
        initial=_today_initial,
        error_messages={"required": "Enter the date of the review conference"},
    )


class PlanEndForm(GovukForm):
    end_date = GovukDateField(
        label="Plan end date",
        initial=_today_initial,
        error_messages={"required": "Enter the date the plan ended"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ChildEndForm(GovukForm):
    end_date = GovukDateField(label="Date their part in the episode ended", initial=_today_initial)
    reason_for_closure = forms.ChoiceField(
        label="Reason for closure", choices=[("", "Choose a reason"), *ClosureReason.choices],
        required=False,
    )  # fmt: skip
    note = forms.CharField(
        label="Why their part in the episode ended",
        max_length=300,
        required=False,
        help_text="For example, moved to live with their father in another area",
    )

    def __init__(self, *args, statutory: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not statutory:
            del self.fields["reason_for_closure"]
