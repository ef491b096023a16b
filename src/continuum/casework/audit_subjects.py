"""Who the records named in casework's URLs are about, for the audit backstop (audit/pages.py):
every page under an episode is about the family the episode works with."""

from continuum.audit.pages import subjects
from continuum.casework.models import Assessment, Episode
from continuum.people.selectors import people_in_households


@subjects("episode_id")
def episode_people(episode_id: int) -> list[int]:
    household_id = Episode.objects.filter(pk=episode_id).values_list("household_id", flat=True)
    return people_in_households(household_id)


@subjects("assessment_id")
def assessment(assessment_id: int) -> list[int]:
    episode = Assessment.objects.filter(pk=assessment_id).values_list("episode_id", flat=True)
    return episode_people(episode[0]) if episode else []
