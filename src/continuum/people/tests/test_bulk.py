"""Creating many people at once (an agency's extract): the same rows as one at a time."""

from __future__ import annotations

import datetime as dt

from continuum.audit.models import AuditEvent
from continuum.audit.services import audit_verify
from continuum.governance.models import Involvement
from continuum.linkage.models import MatchVersion
from continuum.people import selectors, services
from continuum.people.models import NameKind, Person, PersonKind


def test_many_people_are_created_with_names_address_and_audit_but_no_involvement(
    family, agencies, analyst, front_door_worker
):
    address = services.address_values(line1="4 Weir Road", postcode="nb1 4qx")
    entries = [
        services.NewPerson(
            {"kind": PersonKind.CHILD, "given_name": "Amara", "family_name": "Okafor",
             "date_of_birth": dt.date(2019, 8, 30), "sex": "F"},
            address, [("", "Adeyemi")],
        ),
        services.NewPerson(  # born, but no date of birth: refused, the others still created
            {"kind": PersonKind.CHILD, "given_name": "Tobi", "family_name": "Okafor",
             "date_of_birth": None, "sex": "M"},
        ),
        services.NewPerson(
            {"kind": PersonKind.UNBORN, "given_name": "", "family_name": "Okafor",
             "expected_date_of_delivery": dt.date(2027, 1, 5), "sex": ""},
        ),
        services.NewPerson(  # a field's own rule: an unknown sex code
            {"kind": PersonKind.ADULT, "given_name": "Ngozi", "family_name": "Okafor",
             "date_of_birth": dt.date(1990, 2, 1), "sex": "X"},
        ),
    ]  # fmt: skip
    events_before = AuditEvent.objects.count()
    amara, refused, unborn, refused_too = services.persons_create_many(
        actor=analyst, entries=entries, agency=agencies.police, reason="Record received"
    )
    assert "date_of_birth" in refused.message_dict
    assert "sex" in refused_too.message_dict
    assert Person.objects.filter(family_name="Okafor").count() == 2
    assert amara.pk and unborn.pk and unborn.sex == "U"
    assert {(n.kind, n.family_name) for n in amara.names.all()} == {
        (NameKind.LEGAL, "Okafor"), (NameKind.PREVIOUS, "Adeyemi")
    }  # fmt: skip
    current = amara.addresses.get()
    assert (current.address.postcode, current.start_date) == ("NB1 4QX", amara.date_of_birth)
    assert current.address.catchment is not None
    assert not unborn.addresses.exists()
    # Holding a record opens no one's record: the agency gets no involvement (docs/adr/0006).
    assert not Involvement.objects.filter(person__in=[amara, unborn]).exists()
    created = AuditEvent.objects.order_by("seq")[events_before:]
    assert [(e.action, e.object_id) for e in created] == [
        ("create", str(amara.pk)), ("create", str(unborn.pk))
    ]  # fmt: skip
    assert audit_verify().ok
    # The identity hook ran: the real-time matcher holds each new person's own record.
    assert MatchVersion.objects.filter(person__in=[amara, unborn]).count() == 2
    # Found by the search (its name words kept by the database's triggers), like anyone else.
    hits = selectors.person_search(front_door_worker, selectors.SearchQuery(name="Amara Okafor"))
    assert amara.pk in [hit.person.pk for hit in hits]
