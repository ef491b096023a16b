"""GOV.UK Design System rendering for Django forms.

`GovukForm` / `GovukModelForm` give every widget the GOV.UK classes and templates, so a template
renders a field with `{{ form.field_name.as_field_group }}` (label, hint, error message, input)
or a whole form with `{{ form }}`. `govuk/error_summary.html` renders the error summary whose
links jump to the first input of each field.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"


class DateInputWidget(forms.MultiWidget):
    """The GOV.UK date input: three text boxes for day, month and year."""

    template_name = "govuk/widgets/date.html"

    def __init__(self, attrs=None):
        base = {"inputmode": "numeric", "class": "govuk-input govuk-date-input__input"}
        widgets = [
            forms.TextInput(attrs={**base, "class": base["class"] + " govuk-input--width-2"}),
            forms.TextInput(attrs={**base, "class": base["class"] + " govuk-input--width-2"}),
            forms.TextInput(attrs={**base, "class": base["class"] + " govuk-input--width-4"}),
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A date entered as day, month and year, with GOV.UK error messages naming the field."""

    widget = DateInputWidget

    def __init__(self, *args, **kwargs):
        # The parts are optional one by one so that compress() can say which part is missing
        # ("must include a month") instead of Django's generic "Enter a complete value".
        fields = (
            forms.CharField(required=False),
            forms.CharField(required=False),
            forms.CharField(required=False),
        )
        super().__init__(fields, *args, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        label = (self.label or "Date").capitalize()
        day, month, year = (str(part or "").strip() for part in data_list)
        missing = [
            name for name, part in (("day", day), ("month", month), ("year", year)) if not part
        ]
        if missing:
            raise ValidationError(f"{label} must include a {' and a '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise ValidationError(f"{label} must be a real date, in numbers")
        if len(year) != 4:
            raise ValidationError(f"{label} year must include 4 numbers")
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError as exc:
            raise ValidationError(f"{label} must be a real date") from exc

    def clean(self, value):
        if self.required and (not value or not any(value)):
            raise ValidationError(f"Enter {(self.label or 'the date').lower()}", code="required")
        return super().clean(value)


_CLASSES = {
    forms.TextInput: "govuk-input",
    forms.EmailInput: "govuk-input",
    forms.NumberInput: "govuk-input",
    forms.PasswordInput: "govuk-input",
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
    forms.CheckboxInput: "govuk-checkboxes__input",
}
_TEMPLATES = {
    forms.RadioSelect: "govuk/widgets/radios.html",
    forms.CheckboxSelectMultiple: "govuk/widgets/checkboxes.html",
}


class GovukFormMixin:
    """Adds GOV.UK classes and error styling to each widget of the form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            for widget_class, template in _TEMPLATES.items():
                if type(widget) is widget_class:
                    widget.template_name = template
            for widget_class, css in _CLASSES.items():
                if isinstance(widget, widget_class) and not isinstance(
                    widget, forms.CheckboxSelectMultiple | forms.RadioSelect
                ):
                    existing = widget.attrs.get("class", "")
                    if css not in existing.split():  # "govuk-input--width-10" is not "govuk-input"
                        widget.attrs["class"] = f"{css} {existing}".strip()

    def add_error(self, field, error):
        # Error styling is added as each error is added, never in __init__: validating there would
        # run before a subclass sets up its fields (e.g. the choices of a ChoiceField). Hooking
        # add_error (not full_clean) also styles errors a view adds from a service afterwards.
        super().add_error(field, error)
        for name in self._errors or {}:
            if name in self.fields:
                self._mark_error(self.fields[name].widget)

    @staticmethod
    def _mark_error(widget):
        targets = widget.widgets if isinstance(widget, forms.MultiWidget) else [widget]
        for target in targets:
            css = target.attrs.get("class", "")
            for base in ("govuk-input", "govuk-select", "govuk-textarea", "govuk-file-upload"):
                if base in css.split() and f"{base}--error" not in css:
                    css = f"{css} {base}--error"
            target.attrs["class"] = css

    def error_summary_items(self):
        """(message, anchor id) pairs for the GOV.UK error summary, in field order."""
        items = []
        for error in self.non_field_errors():
            items.append((error, ""))
        for name, field in self.fields.items():
            if name in self.errors:
                anchor = self[name].auto_id
                if isinstance(
                    field.widget,
                    forms.MultiWidget | forms.RadioSelect | forms.CheckboxSelectMultiple,
                ):
                    anchor = f"{anchor}_0"
                for error in self.errors[name]:
                    items.append((error, anchor))
        return items


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    pass


def apply_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: each message against its field when the
    form has that field, otherwise in the error summary. Used by every view that calls a
    service after the form itself was valid."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for name, errors in exc.error_dict.items():
        target = name if name in form.fields else None
        for error in errors:
            for message in error.messages:
                form.add_error(target, message)
