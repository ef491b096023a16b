"""Helpers for posting the people forms the way a browser does."""

from __future__ import annotations

import datetime as dt
import html

from continuum.people.models import Person
from continuum.people.services import PERSON_FIELDS

DATE_FIELDS = ("date_of_birth", "expected_date_of_delivery", "date_of_death", "start_date")


def date_parts(name: str, value: dt.date | None, prefix: str = "") -> dict[str, str]:
    """The three GOV.UK date boxes (day, month, year) of a date field."""
    key = f"{prefix}-{name}" if prefix else name
    if value is None:
        return {f"{key}_0": "", f"{key}_1": "", f"{key}_2": ""}
    return {f"{key}_0": str(value.day), f"{key}_1": str(value.month), f"{key}_2": str(value.year)}


def form_data(values: dict, prefix: str = "") -> dict[str, object]:
    """POST data for a form from plain values: dates split into boxes, None/False left out."""
    data: dict[str, object] = {}
    for name, value in values.items():
        key = f"{prefix}-{name}" if prefix else name
        if name in DATE_FIELDS or isinstance(value, dt.date):
            data.update(date_parts(name, value, prefix))
        elif value is None or value is False:
            continue
        elif value is True:
            data[key] = "on"
        else:
            data[key] = value
    return data


def person_edit_data(person: Person, **changes) -> dict[str, object]:
    """What the edit form posts for this person as last read, with some fields changed."""
    values = {f: getattr(person, f) for f in PERSON_FIELDS}
    values["version"] = person.version
    values.update(changes)
    return form_data(values)


def new_person_data(**overrides) -> dict[str, object]:
    """The add-a-person form for a new child at a new address (fields overridable)."""
    person = {
        "kind": "child",
        "given_name": "Mia",
        "family_name": "Brook",
        "date_of_birth": dt.date(2022, 5, 17),
        "sex": "F",
        "ethnicity": "WBRI",
        "nhs_number": "",
        "upn": "",
    }
    address = {"line1": "7 Canal Street", "town": "Northbrook", "postcode": "NB1 4QT"}
    for key in list(overrides):
        if key in address or key == "start_date":
            address[key] = overrides.pop(key)
    person.update(overrides)
    return {**form_data(person), **form_data(address, prefix="address")}


def page_text(response) -> str:
    """What a user reads on a page: the HTML with its entities decoded ("O&#x27;Brien" is read
    as "O'Brien"). Compare names against this, never against the raw HTML."""
    return html.unescape(response.content.decode())
