"""Template helpers for GOV.UK rendering and for displaying identifiers."""

from __future__ import annotations

import datetime as dt

from django import forms, template
from django.utils.dateformat import format as date_format

from continuum.core.forms import DateInputWidget
from continuum.core.identifiers import format_nhs_number

register = template.Library()


@register.filter
def widget_kind(bound_field) -> str:
    widget = bound_field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple | DateInputWidget):
        return "fieldset"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    return "input"


@register.filter
def describe(bound_field, _same=None):
    """Render the widget with aria-describedby pointing at its hint and error message."""
    ids = []
    if bound_field.help_text:
        ids.append(f"{bound_field.auto_id}-hint")
    if bound_field.errors:
        ids.append(f"{bound_field.auto_id}-error")
    attrs = {"aria-describedby": " ".join(ids)} if ids else None
    return bound_field.as_widget(attrs=attrs)


@register.filter
def nhs(value: str | None) -> str:
    return format_nhs_number(value or "")


@register.simple_tag(takes_context=True)
def querystring_with(context, **kwargs):
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        params[key] = value
    return params.urlencode()


@register.filter
def field_label(name: str) -> str:
    """A person field's label for people to read: "known_as" → "Known as"."""
    from django.core.exceptions import FieldDoesNotExist

    from continuum.people.models import Person

    try:
        return str(Person._meta.get_field(name).verbose_name).capitalize()
    except FieldDoesNotExist:  # not a Person field: make the code readable
        return name.replace("_", " ").capitalize()


@register.filter
def readable_date(value) -> str:
    """A date as people read it ("4 Mar 2021"), whether a date or an ISO string from an agency
    record ("2021-03-04"); anything else is shown as it is."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return value
    if isinstance(value, dt.date):
        return date_format(value, "j M Y")
    return "" if value is None else str(value)


@register.filter
def error_title(title: str, form=None) -> str:
    """GOV.UK: a page whose form has errors starts its <title> with "Error: ". Applied to every
    page's title in base.html, so no form page can forget it; a title that says so already is
    left as it is."""
    title = str(title).strip()
    if getattr(form, "errors", None) and not title.startswith("Error:"):
        return f"Error: {title}"
    return title
