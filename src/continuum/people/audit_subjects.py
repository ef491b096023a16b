"""Who the records named in people's URLs are about, for the audit backstop (audit/pages.py),
and how the data protection officer's audit pages find and name a person (audit/selectors.py)."""

from continuum.audit.pages import subjects
from continuum.audit.selectors import person_lookup, person_names_lookup
from continuum.people import selectors


@subjects("person_id")
def person(person_id: int) -> list[int]:
    return [person_id]


@subjects("other_id")  # the second person of a merge
def other_person(other_id: int) -> list[int]:
    return [other_id]


@subjects("household_id")
def household(household_id: int) -> list[int]:
    return selectors.people_in_households([household_id])


person_lookup(selectors.person_audit_subject)
person_names_lookup(selectors.person_audit_names)
