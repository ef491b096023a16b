"""Open Referral UK (HSDS 3.0 UK profile) JSON: export the directory, read an import.

The export is the HSDA paginated service list (`total_items`, `contents` …), each service with its
organization, service_at_locations (location and address), contacts and phones, schedules (RFC 5545
fields), cost_options, languages and attributes (the needs it meets, as taxonomy terms).
"""

from __future__ import annotations

import uuid

from continuum.servicedirectory.models import AccessMethod, Need, Service

NAMESPACE = uuid.UUID("5b0e7f3c-4a55-4c1e-9a55-6f9d3c2b1a00")  # stable ids for derived records
NEEDS_TAXONOMY = "Continuum service needs"
ACCESS_TAXONOMY = "Continuum access methods"


def _id(*parts) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def _term(service: Service, taxonomy: str, code: str, label: str) -> dict:
    return {
        "id": _id(service.uuid, "attribute", taxonomy, code),
        "link_type": "service_need" if taxonomy == NEEDS_TAXONOMY else "access_method",
        "taxonomy_term": {
            "id": _id("term", taxonomy, code),
            "taxonomy": taxonomy,
            "term": label,
            "code": code,
        },
    }


def service_to_oruk(service: Service) -> dict:
    sid = str(service.uuid)
    org = service.organisation
    out: dict = {
        "id": sid,
        "name": service.name,
        "description": service.description,
        "status": service.status,
        "organization": {
            "id": str(org.uuid),
            "name": org.name,
            "description": org.description,
            "services": [],
        },
        "service_at_locations": [],
        "contacts": [],
        "phones": [],
        "schedules": [],
        "cost_options": [],
        "languages": [
            {"id": _id(sid, "language", lang), "name": lang} for lang in service.languages or []
        ],
        "attributes": [
            *(
                _term(service, NEEDS_TAXONOMY, n.code, Need(n.code).label)
                for n in sorted(service.needs.all(), key=lambda n: n.code)
            ),
            *(
                _term(service, ACCESS_TAXONOMY, m, AccessMethod(m).label)
                for m in service.access_methods or []
            ),
        ],
        "last_modified": service.updated_at.isoformat(),
    }
    if org.url:
        out["organization"]["website"] = org.url
    if org.email:
        out["organization"]["email"] = org.email
    for field in ("url", "email"):
        if getattr(service, field):
            out[field] = getattr(service, field)
    if service.minimum_age is not None:
        out["minimum_age"] = service.minimum_age
    if service.maximum_age is not None:
        out["maximum_age"] = service.maximum_age
    if service.eligibility:
        out["eligibility_description"] = service.eligibility
    if service.assured_date:
        out["assured_date"] = service.assured_date.isoformat()
    if service.fees:
        out["cost_options"].append({"id": _id(sid, "cost"), "option": service.fees})
    else:
        out["cost_options"].append({"id": _id(sid, "cost"), "option": "Free", "amount": 0})
    if service.postcode or service.location_name:
        location = {
            "id": str(service.location_uuid),
            "location_type": "physical",
            "name": service.location_name or service.name,
            "addresses": [
                {
                    "id": _id(sid, "address"),
                    "address_1": service.address_1,
                    "city": service.town,
                    "state_province": "",
                    "postal_code": service.postcode,
                    "country": "GB",
                    "address_type": "physical",
                }
            ],
        }
        if service.latitude is not None and service.longitude is not None:
            location["latitude"] = service.latitude
            location["longitude"] = service.longitude
        out["service_at_locations"].append(
            {"id": _id(sid, "at", service.location_uuid), "location": location}
        )
    if service.phone:
        phone = {"id": _id(sid, "phone"), "number": service.phone}
        out["phones"].append(phone)
    if service.contact_name:
        out["contacts"].append(
            {
                "id": _id(sid, "contact"),
                "name": service.contact_name,
                "phones": [dict(out["phones"][0])] if out["phones"] else [],
            }
        )
    if service.schedule_days or service.schedule_description:
        schedule: dict = {"id": _id(sid, "schedule"), "description": service.schedule_description}
        if service.schedule_days:
            schedule.update(freq="WEEKLY", interval=1, byday=",".join(service.schedule_days))
        if service.opens_at:
            schedule["opens_at"] = service.opens_at.strftime("%H:%M")
        if service.closes_at:
            schedule["closes_at"] = service.closes_at.strftime("%H:%M")
        out["schedules"].append(schedule)
    return out


def export(services) -> dict:
    contents = [service_to_oruk(s) for s in services]
    return {
        "total_items": len(contents),
        "total_pages": 1,
        "page_number": 1,
        "size": len(contents),
        "first_page": True,
        "last_page": True,
        "empty": not contents,
        "contents": contents,
    }


def oruk_to_values(item: dict) -> dict:
    """The Continuum fields for one ORUK service (the inverse of `service_to_oruk`)."""
    terms = [a.get("taxonomy_term") or {} for a in item.get("attributes") or []]
    needs_by_label = {label.lower(): code for code, label in Need.choices}
    access_by_label = {label.lower(): code for code, label in AccessMethod.choices}
    needs, access = [], []
    for term in terms:
        code = term.get("code") or ""
        label = (term.get("term") or "").lower()
        if term.get("taxonomy") == ACCESS_TAXONOMY or label in access_by_label:
            value = code if code in AccessMethod.values else access_by_label.get(label)
            if value:
                access.append(value)
        else:
            value = code if code in Need.values else needs_by_label.get(label)
            if value:
                needs.append(value)
    locations = item.get("service_at_locations") or []
    location = (locations[0].get("location") or {}) if locations else {}
    addresses = location.get("addresses") or []
    address = addresses[0] if addresses else {}
    schedules = item.get("schedules") or []
    schedule = schedules[0] if schedules else {}
    costs = [c for c in item.get("cost_options") or [] if c.get("option") != "Free"]
    phones = item.get("phones") or []
    contacts = item.get("contacts") or []
    org = item.get("organization") or {}
    return {
        "uuid": item.get("id"),
        "organisation": {
            "uuid": org.get("id"),
            "name": org.get("name") or "",
            "description": org.get("description") or "",
            "url": org.get("website") or "",
            "email": org.get("email") or "",
        },
        "name": item.get("name") or "",
        "description": item.get("description") or "",
        "status": item.get("status") or "active",
        "url": item.get("url") or "",
        "email": item.get("email") or "",
        "phone": phones[0].get("number", "") if phones else "",
        "contact_name": contacts[0].get("name", "") if contacts else "",
        "minimum_age": item.get("minimum_age"),
        "maximum_age": item.get("maximum_age"),
        "eligibility": item.get("eligibility_description") or "",
        "access_methods": list(dict.fromkeys(access)),
        "needs": sorted(set(needs)),
        "fees": costs[0].get("option", "") if costs else "",
        "languages": [lang.get("name") for lang in item.get("languages") or [] if lang.get("name")],
        "location_name": location.get("name") or "",
        "location_uuid": location.get("id"),
        "address_1": address.get("address_1") or "",
        "town": address.get("city") or "",
        "postcode": address.get("postal_code") or "",
        "latitude": location.get("latitude"),
        "longitude": location.get("longitude"),
        "schedule_days": [d for d in (schedule.get("byday") or "").split(",") if d],
        "opens_at": schedule.get("opens_at") or None,
        "closes_at": schedule.get("closes_at") or None,
        "schedule_description": schedule.get("description") or "",
        "assured_date": item.get("assured_date") or None,
    }
