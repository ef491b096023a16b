"""The service directory: search by need and location, Open Referral UK export and import."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest
from django.urls import reverse

from continuum.directory.models import Role
from continuum.directory.tests.factories import UserFactory
from continuum.servicedirectory import oruk, selectors, services
from continuum.servicedirectory.demo import seed_directory
from continuum.servicedirectory.models import Service, Signpost

pytestmark = pytest.mark.django_db
SCHEMA = json.loads(
    (Path(__file__).parent / "fixtures" / "oruk_service_list.schema.json").read_text()
)


def _validate(document):
    jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(document)


@pytest.fixture
def directory():
    return seed_directory(count=64)


def test_demo_directory_has_64_services(directory):
    assert Service.objects.count() == 64


def test_export_is_valid_open_referral_uk(directory, involved_practitioner, login):
    response = login(involved_practitioner).get(reverse("servicedirectory:export"))
    assert response.status_code == 200
    document = response.json()
    assert document["total_items"] == 64
    _validate(document)
    first = document["contents"][0]
    assert first["service_at_locations"][0]["location"]["addresses"][0]["country"] == "GB"
    assert first["schedules"][0]["freq"] == "WEEKLY"


def test_the_schema_fixture_refuses_what_the_standard_refuses(directory):
    document = oruk.export(Service.objects.all()[:1])
    _validate(document)
    broken = json.loads(json.dumps(document))
    broken["contents"][0]["status"] = "open"
    with pytest.raises(jsonschema.ValidationError):
        _validate(broken)
    broken = json.loads(json.dumps(document))
    del broken["contents"][0]["name"]
    with pytest.raises(jsonschema.ValidationError):
        _validate(broken)
    broken = json.loads(json.dumps(document))
    broken["contents"][0]["nickname"] = "not in the standard"
    with pytest.raises(jsonschema.ValidationError):
        _validate(broken)


def test_import_round_trips_and_is_idempotent(directory):
    document = oruk.export(Service.objects.order_by("name"))
    before = [oruk.service_to_oruk(s) for s in Service.objects.order_by("name")]
    Service.objects.all().delete()
    assert services.oruk_import(actor=None, document=document) == (64, 0)
    assert services.oruk_import(actor=None, document=document) == (0, 64)
    after = [oruk.service_to_oruk(s) for s in Service.objects.order_by("name")]
    strip = lambda items: [{k: v for k, v in i.items() if k != "last_modified"} for i in items]  # noqa: E731
    for a, b in zip(strip(after), strip(before), strict=True):
        assert {k: v for k, v in a.items() if v != b.get(k)} == {}, a["name"]


def test_import_refuses_a_bad_service_naming_it(directory):
    document = oruk.export(Service.objects.order_by("name")[:2])
    document["contents"][1]["minimum_age"] = 10
    document["contents"][1]["maximum_age"] = 5
    name = document["contents"][1]["name"]
    with pytest.raises(Exception, match=name):
        services.oruk_import(actor=None, document=document)


def test_import_page_for_administrators_only(directory, personas, login):
    admin = UserFactory(role=Role.ADMINISTRATOR)
    document = oruk.export(Service.objects.all()[:3])
    upload = io.BytesIO(json.dumps(document).encode())
    upload.name = "services.json"
    response = login(admin).post(reverse("servicedirectory:import"), {"file": upload})
    assert response.status_code == 302
    assert (
        login(personas["involved_practitioner"]).get(reverse("servicedirectory:import")).status_code
        == 403
    )
    bad = io.BytesIO(b"not json")
    bad.name = "x.json"
    response = login(admin).post(reverse("servicedirectory:import"), {"file": bad})
    assert "The file must be JSON in the Open Referral UK format" in response.text


def test_search_by_need_and_location(directory):
    hits = selectors.search(need="domestic-abuse", postcode="NB1 4QT")
    assert hits and all(
        any(n.code == "domestic-abuse" for n in h.service.needs.all()) for h in hits
    )
    ranks = [h.distance for h in hits]
    assert ranks == sorted(ranks, key=lambda d: {"near": 0, "area": 1, "": 2}[d])
    assert all(h.service.postcode_sector == "NB1 4" for h in hits if h.distance == "near")
    toddler = selectors.search(need="early-years", age=3)
    assert toddler and all((h.service.maximum_age or 99) >= 3 for h in toddler)
    drop_in = selectors.search(access="drop_in")
    assert drop_in and all("drop_in" in h.service.access_methods for h in drop_in)


def test_search_page(directory, volunteer, login):
    response = login(volunteer).get(
        reverse("servicedirectory:search") + "?need=money&postcode=NB1+4QT"
    )
    assert response.status_code == 200
    assert "Debt and benefits advice" in response.text


def test_signposting_a_family(directory, family, involved_practitioner, login):
    client = login(involved_practitioner)
    url = reverse("servicedirectory:signpost", args=[family.household.pk])
    page = client.get(url + "?need=parenting")
    assert page.status_code == 200 and "Signpost the family to" in page.text
    service = Service.objects.filter(needs__code="parenting").first()
    assert client.post(url, {"service": service.pk, "notes": "Interested"}).status_code == 302
    assert Signpost.objects.get().service == service
    assert service.name in client.get(url).text


def test_families_search_the_directory_without_signing_in(directory, client):
    """The public pages: search by need and postcode, and a service's details, without signing
    in; they link only to each other (no signposting, import or staff pages)."""
    page = client.get(reverse("servicedirectory:public_search"))
    assert page.status_code == 200
    assert "Find a local service" in page.text
    assert "Sign out" not in page.text and "Import services" not in page.text
    service = Service.objects.filter(postcode__startswith="NB1").first() or Service.objects.first()
    need = service.needs.first()
    hits = client.get(
        reverse("servicedirectory:public_search"), {"need": need.code, "postcode": service.postcode}
    )
    assert hits.status_code == 200
    detail_url = reverse("servicedirectory:public_detail", args=[service.pk])
    assert detail_url in hits.text
    assert reverse("servicedirectory:detail", args=[service.pk]) not in hits.text
    detail = client.get(detail_url)
    assert detail.status_code == 200 and service.name in detail.text
    assert client.get(reverse("servicedirectory:public_detail", args=[999999])).status_code == 404
    # The staff pages still need signing in.
    assert client.get(reverse("servicedirectory:search")).status_code == 302
