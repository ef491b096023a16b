"""A believable synthetic directory for the Northbrook demo area (64 services by default)."""

from __future__ import annotations

import datetime as dt
import random

from continuum.servicedirectory import services
from continuum.servicedirectory.models import Need

KINDS = [
    ("Stay and play", ["early-years", "parenting"], ["drop_in"], 0, 5),
    ("Baby massage", ["pregnancy", "early-years"], ["self_referral"], 0, 1),
    ("Antenatal class", ["pregnancy"], ["self_referral", "professional_referral"], None, None),
    (
        "Parenting programme",
        ["parenting", "relationships"],
        ["self_referral", "professional_referral"],
        None,
        None,
    ),
    ("Health visitor drop-in", ["physical-health", "early-years"], ["drop_in"], 0, 5),
    ("Debt and benefits advice", ["money"], ["drop_in", "self_referral"], 16, None),
    ("Food bank", ["food", "money"], ["professional_referral"], None, None),
    (
        "Domestic abuse support",
        ["domestic-abuse"],
        ["self_referral", "professional_referral"],
        16,
        None,
    ),
    (
        "Drug and alcohol service",
        ["substance-use"],
        ["self_referral", "professional_referral"],
        16,
        None,
    ),
    ("Talking therapies", ["mental-health"], ["self_referral"], 16, None),
    ("Young carers group", ["youth", "mental-health"], ["professional_referral"], 8, 18),
    ("SEND information and advice", ["send", "education"], ["self_referral"], 0, 25),
    ("Housing advice", ["housing"], ["drop_in", "self_referral"], 16, None),
    ("Job club", ["employment"], ["drop_in"], 16, None),
    ("Youth club", ["youth"], ["drop_in"], 11, 19),
    (
        "Home-Start family support",
        ["parenting", "mental-health"],
        ["self_referral", "professional_referral"],
        None,
        None,
    ),
]
PLACES = [
    ("Northbrook North Family Hub", "Mill Lane", "NB1 4"),
    ("Northbrook Central Library", "High Street", "NB1 2"),
    ("Southbrook Family Hub", "Station Road", "NB2 7"),
    ("Eastfield Community Centre", "Church Street", "NB3 1"),
    ("Westgate Children's Centre", "Park Avenue", "NB4 5"),
    ("Riverside Health Centre", "River Walk", "NB2 3"),
]
DAYS = ["MO", "TU", "WE", "TH", "FR"]


def seed_directory(*, actor=None, count: int = 64, seed: int = 6) -> int:
    rng = random.Random(seed)
    made = 0
    for i in range(count):
        name, needs, access, min_age, max_age = KINDS[i % len(KINDS)]
        place, street, sector = PLACES[(i * 7 + i // len(KINDS)) % len(PLACES)]
        town = place.split()[0]
        start = 9 + rng.randrange(0, 5)
        services.service_save(
            actor=actor,
            organisation_name=(
                "Home-Start Northbrook"
                if "Home-Start" in name
                else f"{town} {'Family Hubs' if 'Hub' in place else 'Services'}"
            ),
            values={
                "name": f"{name} - {place}",
                "description": f"{name} for families in {town}. Friendly staff, no appointment "
                "needed unless stated.",
                "eligibility": "Families living in Northbrook"
                if min_age is None
                else f"People aged {min_age}{'+' if max_age is None else f' to {max_age}'}",
                "minimum_age": min_age,
                "maximum_age": max_age,
                "access_methods": access,
                "fees": "" if i % 9 else "£2 a session",
                "languages": ["English"]
                + (["Polish"] if i % 5 == 0 else [])
                + (["Urdu"] if i % 7 == 0 else []),
                "location_name": place,
                "address_1": f"{1 + i % 40} {street}",
                "town": "Northbrook",
                "postcode": f"{sector}{'ABDEFGHJ'[i % 8]}{'LNPQRSTU'[(i // 8) % 8]}",
                "phone": f"01632 96{i:04d}",
                "email": f"service{i}@northbrook.example",
                "url": f"https://northbrook.example/services/{i}",
                "schedule_days": [DAYS[i % 5]]
                if "drop-in" in name.lower() or i % 2
                else [DAYS[i % 5], DAYS[(i + 2) % 5]],
                "opens_at": dt.time(start, 0),
                "closes_at": dt.time(start + 2, 0),
                "schedule_description": "Term time" if i % 3 == 0 else "All year",
                "assured_date": dt.date(2026, 1, 1) + dt.timedelta(days=i),
            },
            needs=[n for n in needs if n in Need.values],
        )
        made += 1
    return made
