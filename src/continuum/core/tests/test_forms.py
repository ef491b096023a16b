"""GOV.UK date input: the error messages name the field and say what is wrong."""

from __future__ import annotations

import datetime as dt

import pytest

from continuum.core.forms import GovukDateField, GovukForm


class DateForm(GovukForm):
    date_of_birth = GovukDateField(label="Date of birth")
    optional_date = GovukDateField(label="Date they moved", required=False)


def _form(day="", month="", year="", **extra):
    return DateForm(
        {"date_of_birth_0": day, "date_of_birth_1": month, "date_of_birth_2": year, **extra}
    )


def test_valid_date():
    form = _form("4", "3", "2021")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == dt.date(2021, 3, 4)
    assert form.cleaned_data["optional_date"] is None


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("", "", ""), "Enter date of birth"),
        (("", "3", "2021"), "Date of birth must include a day"),
        (("4", "", ""), "Date of birth must include a month and a year"),
        (("4", "3", ""), "Date of birth must include a year"),
        (("4", "March", "2021"), "Date of birth must be a real date, in numbers"),
        (("4", "3", "21"), "Date of birth year must include 4 numbers"),
        (("31", "2", "2021"), "Date of birth must be a real date"),
        (("4", "13", "2021"), "Date of birth must be a real date"),
    ],
)
def test_error_messages_name_the_field(parts, message):
    form = _form(*parts)
    assert not form.is_valid()
    assert form.errors["date_of_birth"] == [message]


def test_error_summary_links_to_the_day_box():
    form = _form("31", "2", "2021")
    form.is_valid()
    assert form.error_summary_items() == [
        ("Date of birth must be a real date", "id_date_of_birth_0")
    ]


def test_inputs_are_marked_as_in_error():
    form = _form("31", "2", "2021")
    html = str(form["date_of_birth"])
    assert "govuk-input--error" in html
    assert 'name="date_of_birth_0"' in html
    assert "govuk-input--error" not in str(form["optional_date"])


def test_optional_date_left_blank_is_fine_but_partly_filled_is_not():
    form = _form("4", "3", "2021", optional_date_0="1", optional_date_1="", optional_date_2="2020")
    assert not form.is_valid()
    assert form.errors["optional_date"] == ["Date they moved must include a month"]


class WidthForm(GovukForm):
    from django import forms as _forms

    nhs_number = _forms.CharField(widget=_forms.TextInput(attrs={"class": "govuk-input--width-10"}))


def test_width_class_does_not_hide_the_base_class():
    html = str(WidthForm()["nhs_number"])
    assert 'class="govuk-input govuk-input--width-10"' in html


def test_errors_added_after_validation_are_styled():
    """A view adds the errors a service raises after is_valid(): the box must be marked too."""
    form = WidthForm({"nhs_number": "9434765919"})
    assert form.is_valid()
    assert "govuk-input--error" not in str(form["nhs_number"])
    form.add_error("nhs_number", "NHS number is already recorded for someone else")
    assert "govuk-input--error" in str(form["nhs_number"])
