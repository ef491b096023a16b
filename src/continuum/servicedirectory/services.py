"""Writes for the service directory: services, Open Referral UK import and signposting."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.core.identifiers import IdentifierError, normalise_postcode
from continuum.servicedirectory import oruk
from continuum.servicedirectory.models import Need, Organisation, Service, ServiceNeed, Signpost

SERVICE_FIELDS = [
    "name",
    "description",
    "status",
    "url",
    "email",
    "phone",
    "contact_name",
    "minimum_age",
    "maximum_age",
    "eligibility",
    "access_methods",
    "fees",
    "languages",
    "location_name",
    "address_1",
    "town",
    "postcode",
    "latitude",
    "longitude",
    "schedule_days",
    "opens_at",
    "closes_at",
    "schedule_description",
    "assured_date",
]


def _parse_time(value):
    if value in (None, "") or isinstance(value, dt.time):
        return value or None
    try:
        return dt.time.fromisoformat(str(value)[:5])
    except ValueError:
        raise ValidationError({"opens_at": f"{value!r} is not a time like 09:30"}) from None


def _save(service: Service, values: dict, needs: list[str]) -> Service:
    for field in SERVICE_FIELDS:
        if field in values:
            setattr(service, field, values[field])
    service.opens_at = _parse_time(service.opens_at)
    service.closes_at = _parse_time(service.closes_at)
    if isinstance(service.assured_date, str):
        service.assured_date = dt.date.fromisoformat(service.assured_date)
    if service.postcode:
        try:
            pc = normalise_postcode(service.postcode)
        except IdentifierError as exc:
            raise ValidationError({"postcode": str(exc)}) from None
        service.postcode, service.postcode_sector = pc.value, pc.sector
    else:
        service.postcode_sector = ""
    unknown = [n for n in needs if n not in Need.values]
    if unknown:
        raise ValidationError({"needs": f"Unknown needs: {', '.join(unknown)}"})
    service.updated_at = timezone.now()
    service.full_clean()
    service.save()
    service.needs.exclude(code__in=needs).delete()
    existing = set(service.needs.values_list("code", flat=True))
    ServiceNeed.objects.bulk_create(
        [ServiceNeed(service=service, code=n) for n in sorted(set(needs) - existing)]
    )
    return service


@transaction.atomic
def service_save(
    *, actor, organisation_name: str, values: dict, needs: list[str], service: Service | None = None
) -> Service:
    organisation, _ = Organisation.objects.get_or_create(name=organisation_name.strip())
    created = service is None
    service = service or Service(organisation=organisation)
    service.organisation = organisation
    _save(service, values, needs)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        object_type="directory_service",
        object_id=service.pk,
        changed_fields=sorted(values),
    )
    return service


@transaction.atomic
def oruk_import(*, actor, document: dict) -> tuple[int, int]:
    """Import an Open Referral UK service list (or a single service). Services are matched by
    their ORUK id, so importing the same file twice updates rather than duplicates.
    Returns (created, updated). Any invalid service stops the whole import, naming it."""
    items = document.get("contents") if "contents" in document else [document]
    if not isinstance(items, list):
        raise ValidationError("The file is not an Open Referral UK service list")
    created = updated = 0
    for position, item in enumerate(items, start=1):
        values = oruk.oruk_to_values(item)
        label = values["name"] or f"service {position}"
        try:
            service_uuid = uuid_lib.UUID(str(values.pop("uuid")))
        except ValueError:
            raise ValidationError(f"{label}: the id is not a UUID") from None
        if not values["name"]:
            raise ValidationError(f"Service {position} has no name")
        org_values = values.pop("organisation")
        if not org_values["name"]:
            raise ValidationError(f"{label}: the organisation has no name")
        organisation = Organisation.objects.filter(name=org_values["name"]).first()
        if organisation is None:
            organisation = Organisation(name=org_values["name"])
            if org_values["uuid"]:
                organisation.uuid = uuid_lib.UUID(str(org_values["uuid"]))
        for field in ("description", "url", "email"):
            setattr(organisation, field, org_values[field])
        organisation.full_clean()
        organisation.save()
        needs = values.pop("needs")
        location_uuid = values.pop("location_uuid")
        service = Service.objects.filter(uuid=service_uuid).first()
        is_new = service is None
        service = service or Service(uuid=service_uuid)
        service.organisation = organisation
        if location_uuid:
            service.location_uuid = uuid_lib.UUID(str(location_uuid))
        try:
            _save(service, values, needs)
        except ValidationError as exc:
            detail = (
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
                if (hasattr(exc, "error_dict"))
                else " ".join(exc.messages)
            )
            raise ValidationError(f"{label}: {detail}") from None
        created += is_new
        updated += not is_new
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="directory_import",
        details={"created": created, "updated": updated},
    )
    return created, updated


@transaction.atomic
def signpost_record(*, actor, household, service: Service, notes: str = "") -> Signpost:
    signpost = Signpost(
        household=household,
        service=service,
        agency_id=actor.agency_id,
        recorded_by=actor,
        notes=notes,
    )
    signpost.full_clean()
    signpost.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="signpost",
        object_id=signpost.pk,
        details={"household_id": household.pk, "service_id": service.pk},
    )
    return signpost
