from __future__ import annotations

from django import forms

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
