from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError

from continuum.core.forms import GovukDateField, GovukForm
from continuum.outcomes.models import Instrument, ReadingStage


class ReadingForm(GovukForm):
    stage = forms.ChoiceField(
        label="Which reading is this?", choices=ReadingStage.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose start, review or end"},
    )  # fmt: skip
    taken_on = GovukDateField(label="Date of the reading", help_text="For example, 27 3 2026")

    instrument: Instrument

    def scores(self) -> dict[str, int | None]:
        return {a.code: self.cleaned_data.get(a.code) for a in self.instrument.areas.all()}


def reading_form_class(instrument: Instrument) -> type[ReadingForm]:
    """A reading form with one score field per area of the instrument."""
    attrs: dict = {"instrument": instrument}
    for area in instrument.areas.all():
        attrs[area.code] = forms.IntegerField(
            label=area.label,
            required=False,  # the service names the area when a score is missing
            help_text=f"A whole number from {instrument.scale_min} to {instrument.scale_max}",
            widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
            error_messages={"invalid": f"The score for {area.label} must be a whole number"},
        )
    attrs["notes"] = forms.CharField(
        label="What the family said (optional)", required=False, widget=forms.Textarea
    )
    return type("InstrumentReadingForm", (ReadingForm,), attrs)


class CohortForm(GovukForm):
    instrument = forms.ChoiceField(label="Instrument", required=False)
    date_from = GovukDateField(label="Families who started from", required=False)
    date_to = GovukDateField(label="Families who started up to", required=False)

    def __init__(self, *args, instruments: list[Instrument], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [(i.code, i.name) for i in instruments]
        self.fields["instrument"].widget.attrs["class"] = "govuk-select"


_STAGE_LINE = re.compile(r"^(\d+)\s*(?:[-\u2013\u2014]|to)?\s*(\d+)?\s*:\s*(\S.*)$")


class InstrumentForm(GovukForm):
    """An instrument's configuration: its name, licence, scale, stage labels and areas."""

    name = forms.CharField(
        label="Name", max_length=160,
        error_messages={"required": "Enter a name for the instrument"},
    )  # fmt: skip
    description = forms.CharField(
        label="What it measures (optional)", required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    licensed = forms.BooleanField(
        label="This is a licensed instrument: Continuum records its scores only", required=False
    )
    licence_note = forms.CharField(
        label="Licence (optional)", required=False, max_length=300,
        help_text="Who licenses it to the area, and on what terms",
    )  # fmt: skip
    scale_min = forms.IntegerField(
        label="Lowest score",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={"required": "Enter the lowest score",
                        "invalid": "The lowest score must be a whole number, like 1"},
    )  # fmt: skip
    scale_max = forms.IntegerField(
        label="Highest score",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={"required": "Enter the highest score",
                        "invalid": "The highest score must be a whole number, like 10"},
    )  # fmt: skip
    stage_labels = forms.CharField(
        label="What the scores mean (optional)", required=False,
        help_text="One stage on each line, lowest scores first, written as from-to: label. "
        "For example, 1-2: Stuck",
        widget=forms.Textarea(attrs={"rows": 5}),
    )  # fmt: skip
    areas = forms.CharField(
        label="Areas",
        help_text="One area on each line, in the order they are scored",
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": "Enter at least one area, one on each line"},
    )
    active = forms.BooleanField(label="Offer this instrument for new readings", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["active"]
            del self.fields["version"]

    def clean_stage_labels(self) -> list[dict]:
        stages = []
        lines = [line.strip() for line in self.cleaned_data["stage_labels"].splitlines()]
        for number, line in enumerate((line for line in lines if line), start=1):
            match = _STAGE_LINE.match(line)
            if not match:
                raise ValidationError(
                    f"Line {number} of what the scores mean: write it as from-to: label, "
                    "for example 1-2: Stuck"
                )
            low, high, label = match.groups()
            if len(label) > 120:
                raise ValidationError(
                    f"Line {number} of what the scores mean: the label must be 120 characters "
                    "or fewer"
                )
            stages.append({"from": int(low), "to": int(high or low), "label": label.strip()})
        return stages

    def clean_areas(self) -> list[str]:
        labels = [line.strip() for line in self.cleaned_data["areas"].splitlines() if line.strip()]
        for number, label in enumerate(labels, start=1):
            if len(label) > 120:
                raise ValidationError(f"Area {number} must be 120 characters or fewer")
        if not labels:
            raise ValidationError("Enter at least one area, one on each line")
        return labels

    @staticmethod
    def initial_for(instrument: Instrument) -> dict:
        return {
            "name": instrument.name,
            "description": instrument.description,
            "licensed": instrument.licensed,
            "licence_note": instrument.licence_note,
            "scale_min": instrument.scale_min,
            "scale_max": instrument.scale_max,
            "stage_labels": "\n".join(
                f"{s['from']}-{s['to']}: {s['label']}" for s in instrument.stage_labels or []
            ),
            "areas": "\n".join(a.label for a in instrument.areas.order_by("order")),
            "active": instrument.active,
            "version": instrument.version,
        }
