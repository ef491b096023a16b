"""Reads for linkage, access-checked and audited."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q

from continuum.audit.models import AuditAction
from continuum.audit.services import AuditEntry, audit_record, audit_record_many
from continuum.core.ratelimit import rate_limit_hit
from continuum.governance.access import persons_visible_to, restricted_person_ids
from continuum.governance.rules import is_data_steward
from continuum.linkage.access import can_review, can_see_review_counts, require
from continuum.linkage.matching import Candidate, active_params, find_matches, person_as_record
from continuum.linkage.models import MatchReview, Merge, ReviewStatus, SourceRecord
from continuum.people.models import Person

# How much each kind of agency is trusted for the "golden" view; higher wins, then the most
# recently updated record. An area may override CONTINUUM_SOURCE_TRUST in settings.
DEFAULT_SOURCE_TRUST = {
    "midwifery": 90,
    "health_visiting": 90,
    "gp": 85,
    "front_door": 70,
    "social_work": 70,
    "school": 60,
    "family_hub": 50,
    "housing": 40,
    "police": 40,
    "adult_services": 40,
    "voluntary": 30,
}
GOLDEN_FIELDS = [
    ("given_name", "Given name"),
    ("middle_names", "Middle names"),
    ("family_name", "Family name"),
    ("date_of_birth", "Date of birth"),
    ("sex", "Sex"),
    ("nhs_number", "NHS number"),
    ("upn", "UPN"),
    ("postcode", "Postcode"),
    ("address_line1", "Address"),
    ("expected_date_of_delivery", "Expected date of delivery"),
]


# What a user is told when someone they may not see is likely to be the person: one sentence,
# the same whatever was asked and however many such people there are (issue 11, finding 3).
KNOWN_ELSEWHERE_MESSAGE = (
    "This person may already be known to another agency. "
    "Ask the front door to check and link the records before you create a new one."
)


@dataclass
class MatchResult:
    visible: list[Candidate]
    # True when a likely match exists among people the user may not see. One bit, never a
    # count, a name, a score or a date: otherwise probing with different postcodes and dates
    # would tell an outsider who exists, where they live and when they were born.
    known_elsewhere: bool
    model_version: str

    @property
    def message(self) -> str:
        return KNOWN_ELSEWHERE_MESSAGE if self.known_elsewhere else ""


# The fields of a match query recorded in its audit event (what was asked, not the answer).
AUDITED_QUERY_FIELDS = (
    "given_name",
    "middle_names",
    "family_name",
    "date_of_birth",
    "expected_date_of_delivery",
    "sex",
    "postcode",
    "address_line1",
    "town",
    "nhs_number",
    "upn",
    "previous_family_names",
)


def possible_matches(user, record: dict, *, limit: int = 5) -> MatchResult:
    """People who may already be the person being registered.

    People the user may see are listed, best first, with why; of people they may not see the
    user learns only that one exists (`known_elsewhere`), so they ask the front door. Every
    check is audited with the details asked, and each member of staff may make at most
    CONTINUUM_MATCH_LIMIT checks per CONTINUUM_MATCH_WINDOW_SECONDS (`RateLimited` beyond).
    """
    rate_limit_hit(
        f"person-match:user:{user.pk}",
        limit=settings.CONTINUUM_MATCH_LIMIT,
        window=settings.CONTINUUM_MATCH_WINDOW_SECONDS,
    )
    params = active_params()
    found = find_matches(record, params=params, limit=limit * 3)
    # a restricted person is neither shown nor counted for those the restriction does not name
    restricted = restricted_person_ids(user)
    found = [c for c in found if c.person.pk not in restricted]
    visible_ids = set(
        persons_visible_to(user)
        .filter(pk__in=[c.person.pk for c in found])
        .values_list("pk", flat=True)
    )
    visible = [c for c in found if c.person.pk in visible_ids][:limit]
    known_elsewhere = any(c.person.pk not in visible_ids for c in found)
    audit_record(
        actor=user,
        action=AuditAction.SEARCH,
        object_type="person_match",
        details={
            "query": {k: record[k] for k in AUDITED_QUERY_FIELDS if record.get(k)},
            "shown_ids": [c.person.pk for c in visible],
            "told_known_elsewhere": known_elsewhere,
        },
        person_ids=[c.person.pk for c in visible],
    )
    return MatchResult(visible, known_elsewhere, str(params.get("model_version", "")))


def family_matches(user, people: list[dict], *, address: dict) -> MatchResult | None:
    """The duplicate check for several people registered together (a family who walk in):
    `possible_matches` for each, at the family's address, merged into one answer (people the
    user may see, and one bit for those they may not); None when nobody may already be known.
    Each check is audited and counts against the user's rate limit, as for one person."""
    from continuum.linkage.matching import record_from_fields

    visible: dict[int, Candidate] = {}
    known_elsewhere, version = False, ""
    for person in people:
        if not (person.get("given_name") or person.get("family_name")):
            continue
        fields = {**person, **{k: address.get(k) for k in ("line1", "town", "postcode")}}
        found = possible_matches(user, record_from_fields(fields))
        for candidate in found.visible:
            visible.setdefault(candidate.person.pk, candidate)
        known_elsewhere = known_elsewhere or found.known_elsewhere
        version = found.model_version
    if not visible and not known_elsewhere:
        return None
    return MatchResult(list(visible.values()), known_elsewhere, version)


def review_queue(user, *, status: str = "open", limit: int = 100) -> list[MatchReview]:
    """Possible matches waiting for review, best first: for the front door only (404 for
    anyone else), and each agency record and person shown is audited against that person."""
    require(can_review, user)
    statuses = [ReviewStatus.OPEN] if status == "open" else [ReviewStatus.NOT_SURE]
    reviews = list(
        MatchReview.objects.filter(status__in=statuses)
        .select_related("record", "record__agency", "candidate")
        .order_by("-probability", "-match_weight", "pk")[:limit]  # held pairs: the weight
    )
    audit_record_many(
        actor=user,
        events=[
            AuditEntry(
                action=AuditAction.VIEW,
                object_type="person",
                object_id=review.candidate_id,
                details={
                    "via": "match_review_queue",
                    "review_id": review.pk,
                    "source_record_id": review.record_id,
                },
                person_ids=[review.candidate_id],
            )
            for review in reviews
        ]
        or [AuditEntry(action=AuditAction.VIEW, object_type="match_review_queue",
                       details={"status": status, "rows": 0})],
    )  # fmt: skip
    return reviews


def next_review(user) -> MatchReview | None:
    """The next possible match to review (not audited: the page it leads to is)."""
    require(can_review, user)
    return (
        MatchReview.objects.filter(status=ReviewStatus.OPEN)
        .order_by("-probability", "-match_weight", "pk")
        .first()
    )


def review_counts(user) -> dict[str, int]:
    """How many matches wait, never who. A data steward's counts are of their own agency's
    records; the area's for the other roles that may see them."""
    require(can_see_review_counts, user)
    reviews = MatchReview.objects.all()
    if is_data_steward(user):
        reviews = reviews.filter(record__agency_id=user.agency_id)
    return reviews.aggregate(
        open=Count("pk", filter=Q(status=ReviewStatus.OPEN)),
        not_sure=Count("pk", filter=Q(status=ReviewStatus.NOT_SURE)),
    )


@dataclass
class ReviewView:
    review: MatchReview
    record_values: dict
    person_values: dict
    rows: list[tuple[str, str, str, bool]] = field(default_factory=list)


def review_detail(user, review: MatchReview) -> ReviewView:
    require(can_review, user)
    person = (
        Person.objects.filter(pk=review.candidate_id)
        .prefetch_related("names", "addresses__address")
        .get()
    )
    person.current_addresses = [pa for pa in person.addresses.all() if pa.end_date is None]
    theirs = person_as_record(person)
    ours = review.record.data
    rows = []
    for key, label in [*GOLDEN_FIELDS, ("previous_family_names", "Previous family names")]:
        a, b = ours.get(key) or "", theirs.get(key) or ""
        rows.append((label, a, b, str(a).lower() == str(b).lower()))
    # The person shown is named by the event, so it is on the DPO's page for them.
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="person",
        object_id=person.pk,
        details={
            "via": "match_review",
            "review_id": review.pk,
            "source_record_id": review.record_id,
            "agency_id": review.record.agency_id,
        },
        person_ids=[person.pk],
    )
    return ReviewView(review, ours, theirs, rows)


@dataclass
class AgencyView:
    records: list[SourceRecord]
    golden: list[tuple[str, str, list[tuple[str, str]], bool]]


def agency_view(person: Person) -> AgencyView:
    """The agency records that make up this person, and for each field the value each agency
    holds; the golden value comes from the most trusted, then most recent, agency. Sources are
    shown as they are, never overwritten. (The caller has already passed the gatekeeper.)"""
    trust = {**DEFAULT_SOURCE_TRUST, **getattr(settings, "CONTINUUM_SOURCE_TRUST", {})}
    records = list(
        SourceRecord.objects.filter(person=person).select_related("agency").order_by("-updated_at")
    )
    golden = []
    for key, label in GOLDEN_FIELDS:
        values = [(r.agency.name, str(r.data.get(key) or "")) for r in records if r.data.get(key)]
        if not values:
            continue
        ranked = sorted(
            (r for r in records if r.data.get(key)),
            key=lambda r: (-trust.get(r.agency.kind, 0), -r.updated_at.timestamp()),
        )
        best = str(ranked[0].data.get(key))
        disagree = len({v.lower() for _a, v in values}) > 1
        golden.append((label, best, values, disagree))
    return AgencyView(records, golden)


def merges_for_person(person: Person):
    return Merge.objects.filter(Q(kept=person) | Q(merged=person)).select_related(
        "kept", "merged", "performed_by", "undone_by"
    )


def active_model_summary() -> dict:
    """The model matching runs with now: version, where it came from, thresholds."""
    from continuum.linkage.matching import thresholds
    from continuum.linkage.models import LinkageModel

    params = active_params()
    upper, lower = thresholds(params)
    stored = LinkageModel.objects.filter(is_active=True).first()
    return {
        "version": params.get("model_version", ""),
        "upper": upper,
        "lower": lower,
        "trained_on": stored.trained_on if stored else None,
        "trained_at": stored.trained_at if stored else None,
        "is_default": stored is None or stored.trained_on == 0,
        "comparisons": [c["name"] for c in params.get("comparisons", [])],
    }
