"""Who the records named in hubs' URLs are about, for the audit backstop (audit/pages.py)."""

from continuum.audit.pages import subjects
from continuum.hubs.models import Attendance, OutreachEntry, RiskFlag, VolunteerMatch
from continuum.people.selectors import people_in_households


@subjects("session_id")  # a session's register: the people recorded on it
def session(session_id: int) -> list[int]:
    return list(
        Attendance.objects.filter(session_id=session_id).values_list("person_id", flat=True)
    )


@subjects("entry_id")
def outreach_entry(entry_id: int) -> list[int]:
    return list(OutreachEntry.objects.filter(pk=entry_id).values_list("person_id", flat=True))


@subjects("flag_id")
def risk_flag(flag_id: int) -> list[int]:
    return list(RiskFlag.objects.filter(pk=flag_id).values_list("person_id", flat=True))


@subjects("match_id")
def volunteer_match(match_id: int) -> list[int]:
    household = VolunteerMatch.objects.filter(pk=match_id).values_list("household_id", flat=True)
    return people_in_households(household)
