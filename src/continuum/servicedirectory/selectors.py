"""Reads for the service directory (not personal data: every signed-in user may search it)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from continuum.core.identifiers import IdentifierError, normalise_postcode
from continuum.servicedirectory.models import Service, ServiceStatus


@dataclass
class DirectoryHit:
    service: Service
    distance: str  # "near", "area", "" (unknown or further)


def _district(sector: str) -> str:
    return sector.split(" ")[0] if sector else ""


def search(
    *,
    need: str = "",
    text: str = "",
    postcode: str = "",
    access: str = "",
    age: int | None = None,
    include_inactive: bool = False,
) -> list[DirectoryHit]:
    """Services meeting a need, nearest first by postcode sector then district."""
    qs = Service.objects.select_related("organisation").prefetch_related("needs")
    if not include_inactive:
        qs = qs.filter(status=ServiceStatus.ACTIVE)
    if need:
        qs = qs.filter(needs__code=need)
    if text:
        qs = qs.filter(
            Q(name__icontains=text)
            | Q(description__icontains=text)
            | Q(organisation__name__icontains=text)
        )
    if age is not None:
        qs = qs.filter(Q(minimum_age__isnull=True) | Q(minimum_age__lte=age))
        qs = qs.filter(Q(maximum_age__isnull=True) | Q(maximum_age__gte=age))
    services = list(qs.distinct().order_by("name"))
    if access:
        services = [s for s in services if access in (s.access_methods or [])]
    sector = ""
    if postcode:
        try:
            sector = normalise_postcode(postcode).sector
        except IdentifierError:
            sector = ""
    hits = []
    for service in services:
        if sector and service.postcode_sector == sector:
            distance = "near"
        elif sector and _district(service.postcode_sector) == _district(sector):
            distance = "area"
        else:
            distance = ""
        hits.append(DirectoryHit(service, distance))
    rank = {"near": 0, "area": 1, "": 2}
    return sorted(hits, key=lambda h: (rank[h.distance], h.service.name))
