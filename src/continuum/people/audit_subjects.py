"""Who the records named in people's URLs are about, for the audit backstop (audit/pages.py)."""

from continuum.audit.pages import subjects
from continuum.people.selectors import people_in_households


@subjects("person_id")
def person(person_id: int) -> list[int]:
    return [person_id]


@subjects("other_id")  # the second person of a merge
def other_person(other_id: int) -> list[int]:
    return [other_id]


@subjects("household_id")
def household(household_id: int) -> list[int]:
    return people_in_households([household_id])
