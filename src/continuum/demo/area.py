"""The fictional local area "Northbrook": catchments, streets, agencies, teams and staff.

Everything here is fixed data (no randomness), so the directory is identical on every seed.
Postcodes use the fictional "NB" area; NHS numbers (in population.py) use the 999 range the NHS
keeps for test data, so nothing in the demo can be mistaken for a real person.
"""

from __future__ import annotations

from dataclasses import dataclass

from continuum.directory.models import AgencyKind, Role

TOWN = "Northbrook"
# CIN rule 1530 needs a recognised LA number in characters 2-4 of a UPN. Northbrook is fictional,
# so it borrows 801, the number in the DfE's own worked example (B801200005001).
LA_NUMBER = "801"
DEMO_PASSWORD = "northbrook"  # noqa: S105 - published demo password, demo/test modes only
# Letters allowed in the last two characters of a postcode (BS 7666: never C I K M O V).
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


@dataclass(frozen=True)
class Catchment:
    code: str
    name: str
    sectors: tuple[str, ...]
    # Bounding box (west, south, east, north) in degrees; each sector takes a vertical strip.
    box: tuple[float, float, float, float]
    share: float  # share of the area's families who live here

    def polygon(self) -> list[list[float]]:
        """A closed ring of [lon, lat]: the box with its top and bottom edges bowed outwards,
        so every point in the box is inside the polygon."""
        w, s, e, n = self.box
        mid = round((w + e) / 2, 4)
        return [
            [w, s],
            [mid, round(s - 0.006, 4)],
            [e, s],
            [e, n],
            [mid, round(n + 0.006, 4)],
            [w, n],
        ]

    def sector_box(self, sector: str) -> tuple[float, float, float, float]:
        w, s, e, n = self.box
        i = self.sectors.index(sector)
        width = (e - w) / len(self.sectors)
        return (w + i * width, s, w + (i + 1) * width, n)


CATCHMENTS: tuple[Catchment, ...] = (
    Catchment(
        "north",
        "Northbrook North (Millbrook)",
        ("NB1 4", "NB1 5", "NB1 6"),
        (-1.560, 53.020, -1.440, 53.060),
        0.36,
    ),
    Catchment(
        "central",
        "Northbrook Central",
        ("NB2 1", "NB2 2", "NB2 3"),
        (-1.560, 52.980, -1.440, 53.020),
        0.37,
    ),
    Catchment(
        "south",
        "Northbrook South (Southfields)",
        ("NB3 7", "NB3 8", "NB3 9"),
        (-1.560, 52.940, -1.440, 52.980),
        0.27,
    ),
)


@dataclass(frozen=True)
class AgencySpec:
    code: str
    name: str
    kind: str
    catchment: str | None
    site: str
    site_address: str
    site_postcode: str
    teams: tuple[str, ...]
    phone: str = ""
    dfe_number: str = ""  # schools: DfE establishment number (characters 5-8 of a UPN)
    phase: str = ""  # schools: "primary" or "secondary"


AGENCIES: tuple[AgencySpec, ...] = (
    AgencySpec(
        "millbrook-hub",
        "Millbrook Family Hub",
        AgencyKind.FAMILY_HUB,
        "north",
        "Millbrook Family Hub",
        "2 Chapel Street",
        "NB1 4AD",
        ("Early help team", "Outreach and early years"),
        "01632 960101",
    ),
    AgencySpec(
        "town-centre-hub",
        "Town Centre Family Hub",
        AgencyKind.FAMILY_HUB,
        "central",
        "Town Centre Family Hub",
        "Victoria House, Market Place",
        "NB2 1AB",
        ("Early help team", "Outreach and early years"),
        "01632 960102",
    ),
    AgencySpec(
        "southfields-hub",
        "Southfields Family Hub",
        AgencyKind.FAMILY_HUB,
        "south",
        "Southfields Family Hub",
        "41 Meadow Road",
        "NB3 8DF",
        ("Early help team", "Outreach and early years"),
        "01632 960103",
    ),
    AgencySpec(
        "front-door",
        "Northbrook Children's Services Front Door",
        AgencyKind.FRONT_DOOR,
        None,
        "Northbrook Civic Centre",
        "Civic Centre, Cobden Street",
        "NB2 2AA",
        (
            "Multi-Agency Safeguarding Hub (MASH)",
            "Performance and intelligence",
            "Information governance",
            "Systems administration",
        ),
        "01632 960200",
    ),
    AgencySpec(
        "social-work",
        "Northbrook Children's Social Work",
        AgencyKind.SOCIAL_WORK,
        None,
        "Northbrook Civic Centre",
        "Civic Centre, Cobden Street",
        "NB2 2AA",
        ("Assessment team", "Child protection and court team"),
        "01632 960210",
    ),
    AgencySpec(
        "health-visiting",
        "Northbrook Health Visiting Service",
        AgencyKind.HEALTH_VISITING,
        None,
        "Brookside Health Centre",
        "Brookside Health Centre, Station Road",
        "NB2 3HQ",
        ("Health visiting North", "Health visiting Central and South"),
        "01632 960300",
    ),
    AgencySpec(
        "midwifery",
        "Northbrook General Hospital Midwifery",
        AgencyKind.MIDWIFERY,
        None,
        "Northbrook General Hospital",
        "Northbrook General Hospital, Infirmary Road",
        "NB2 3LP",
        ("Community midwives", "Safeguarding midwifery"),
        "01632 960400",
    ),
    AgencySpec(
        "millbrook-medical",
        "Millbrook Medical Practice",
        AgencyKind.GP,
        "north",
        "Millbrook Medical Practice",
        "15 Mill Lane",
        "NB1 5RE",
        ("Clinical team",),
        "01632 960501",
    ),
    AgencySpec(
        "southfields-surgery",
        "Southfields Surgery",
        AgencyKind.GP,
        "south",
        "Southfields Surgery",
        "3 Orchard Way",
        "NB3 7GN",
        ("Clinical team",),
        "01632 960502",
    ),
    AgencySpec(
        "millbrook-primary",
        "Millbrook Primary School",
        AgencyKind.SCHOOL,
        "north",
        "Millbrook Primary School",
        "School Lane",
        "NB1 6SL",
        ("Pastoral team",),
        "01632 960601",
        dfe_number="2004",
        phase="primary",
    ),
    AgencySpec(
        "st-bedes-primary",
        "St Bede's Catholic Primary School",
        AgencyKind.SCHOOL,
        "central",
        "St Bede's Catholic Primary School",
        "Priory Road",
        "NB2 1PR",
        ("Pastoral team",),
        "01632 960602",
        dfe_number="3310",
        phase="primary",
    ),
    AgencySpec(
        "southfields-primary",
        "Southfields Primary Academy",
        AgencyKind.SCHOOL,
        "south",
        "Southfields Primary Academy",
        "Grange Avenue",
        "NB3 9GA",
        ("Pastoral team",),
        "01632 960603",
        dfe_number="2017",
        phase="primary",
    ),
    AgencySpec(
        "northbrook-academy",
        "Northbrook Academy",
        AgencyKind.SCHOOL,
        None,
        "Northbrook Academy",
        "Fairfax Road",
        "NB2 2FR",
        ("Pastoral and safeguarding team",),
        "01632 960604",
        dfe_number="4025",
        phase="secondary",
    ),
    AgencySpec(
        "police",
        "Northbrook Police Safeguarding Hub",
        AgencyKind.POLICE,
        None,
        "Northbrook Police Station",
        "Bridge Street",
        "NB2 1BS",
        ("Public protection unit",),
        "01632 960700",
    ),
    AgencySpec(
        "housing",
        "Northbrook Homes",
        AgencyKind.HOUSING,
        None,
        "Northbrook Homes",
        "Peel House, Peel Street",
        "NB2 2PH",
        ("Tenancy sustainment",),
        "01632 960800",
    ),
    AgencySpec(
        "home-start",
        "Home-Start Northbrook",
        AgencyKind.VOLUNTARY,
        None,
        "Home-Start Northbrook",
        "The Old Chapel, Church Street",
        "NB1 5HS",
        ("Family support volunteers",),
        "01632 960900",
    ),
    AgencySpec(
        "adult-services",
        "Northbrook Adult Social Care",
        AgencyKind.ADULT_SERVICES,
        None,
        "Northbrook Civic Centre",
        "Civic Centre, Cobden Street",
        "NB2 2AA",
        ("Adult community team",),
        "01632 960250",
    ),
)


@dataclass(frozen=True)
class StaffSpec:
    username: str
    first_name: str
    last_name: str
    agency: str
    team: str
    role: str
    job_title: str
    demo: bool = False  # listed on the demo banner as a sign-in for that role


# fmt: off
STAFF: tuple[StaffSpec, ...] = (
    # Family hubs
    StaffSpec("hub.practitioner", "Jess", "Whitfield", "millbrook-hub", "Early help team",
              Role.PRACTITIONER, "Early help practitioner", demo=True),
    StaffSpec("hub.dsl", "Helen", "Ashworth", "millbrook-hub", "Early help team", Role.DSL,
              "Hub safeguarding lead (DSL)", demo=True),
    StaffSpec("hub.manager", "Ruth", "Okafor", "millbrook-hub", "Early help team",
              Role.TEAM_MANAGER, "Family hub manager", demo=True),
    StaffSpec("a.begum", "Aisha", "Begum", "millbrook-hub", "Outreach and early years",
              Role.PRACTITIONER, "Outreach worker"),
    StaffSpec("t.lockwood", "Tom", "Lockwood", "millbrook-hub", "Outreach and early years",
              Role.PRACTITIONER, "Early years practitioner"),
    StaffSpec("s.patel", "Sunita", "Patel", "town-centre-hub", "Early help team",
              Role.TEAM_MANAGER, "Family hub manager"),
    StaffSpec("d.kowalska", "Dorota", "Kowalska", "town-centre-hub", "Early help team", Role.DSL,
              "Hub safeguarding lead (DSL)"),
    StaffSpec("m.grant", "Marcia", "Grant", "town-centre-hub", "Early help team",
              Role.PRACTITIONER, "Family support worker"),
    StaffSpec("l.fletcher", "Leanne", "Fletcher", "town-centre-hub", "Outreach and early years",
              Role.PRACTITIONER, "Outreach worker"),
    StaffSpec("k.haigh", "Karen", "Haigh", "southfields-hub", "Early help team",
              Role.TEAM_MANAGER, "Family hub manager"),
    StaffSpec("n.hussain", "Nadia", "Hussain", "southfields-hub", "Early help team", Role.DSL,
              "Hub safeguarding lead (DSL)"),
    StaffSpec("c.pollard", "Craig", "Pollard", "southfields-hub", "Early help team",
              Role.PRACTITIONER, "Family support worker"),
    StaffSpec("e.murphy", "Emma", "Murphy", "southfields-hub", "Outreach and early years",
              Role.PRACTITIONER, "Early years practitioner"),
    # Children's services front door (also hosts the council's analyst, DPO and administrator)
    StaffSpec("frontdoor", "Sam", "Adeyemi", "front-door", "Multi-Agency Safeguarding Hub (MASH)",
              Role.FRONT_DOOR, "MASH social worker", demo=True),
    StaffSpec("frontdoor.manager", "Claire", "Hardcastle", "front-door",
              "Multi-Agency Safeguarding Hub (MASH)", Role.TEAM_MANAGER, "MASH team manager",
              demo=True),
    StaffSpec("j.barker", "Jodie", "Barker", "front-door", "Multi-Agency Safeguarding Hub (MASH)",
              Role.FRONT_DOOR, "Contact officer"),
    StaffSpec("r.singh", "Ravi", "Singh", "front-door", "Multi-Agency Safeguarding Hub (MASH)",
              Role.FRONT_DOOR, "Senior practitioner"),
    StaffSpec("analyst", "Priya", "Sharma", "front-door", "Performance and intelligence",
              Role.ANALYST, "Performance analyst", demo=True),
    StaffSpec("dpo", "Graham", "Sutcliffe", "front-door", "Information governance", Role.DPO,
              "Data protection officer and Caldicott guardian", demo=True),
    StaffSpec("admin", "Martin", "Crowther", "front-door", "Systems administration",
              Role.ADMINISTRATOR, "Systems administrator", demo=True),
    # Social work
    StaffSpec("socialworker", "Hannah", "Greenwood", "social-work", "Assessment team",
              Role.PRACTITIONER, "Social worker", demo=True),
    StaffSpec("b.adebayo", "Bola", "Adebayo", "social-work", "Assessment team",
              Role.TEAM_MANAGER, "Assessment team manager"),
    StaffSpec("c.ward", "Ciara", "Ward", "social-work", "Child protection and court team",
              Role.PRACTITIONER, "Senior social worker"),
    StaffSpec("p.naylor", "Phil", "Naylor", "social-work", "Child protection and court team",
              Role.TEAM_MANAGER, "Child protection team manager"),
    # Health
    StaffSpec("hv.practitioner", "Gemma", "Stansfield", "health-visiting", "Health visiting North",
              Role.PRACTITIONER, "Health visitor", demo=True),
    StaffSpec("f.ali", "Fatima", "Ali", "health-visiting", "Health visiting Central and South",
              Role.PRACTITIONER, "Health visitor"),
    StaffSpec("j.dawson", "Julie", "Dawson", "health-visiting", "Health visiting North",
              Role.PRACTITIONER, "Community nursery nurse"),
    StaffSpec("a.kershaw", "Alison", "Kershaw", "health-visiting", "Health visiting North",
              Role.TEAM_MANAGER, "Health visiting team leader"),
    StaffSpec("l.campbell", "Lorraine", "Campbell", "health-visiting",
              "Health visiting Central and South", Role.DSL, "Named nurse for safeguarding"),
    StaffSpec("midwife", "Sophie", "Brennan", "midwifery", "Community midwives",
              Role.PRACTITIONER, "Community midwife", demo=True),
    StaffSpec("r.iqbal", "Rabia", "Iqbal", "midwifery", "Safeguarding midwifery", Role.DSL,
              "Safeguarding midwife"),
    StaffSpec("k.osei", "Kwame", "Osei", "millbrook-medical", "Clinical team", Role.DSL,
              "GP partner and safeguarding lead"),
    StaffSpec("h.lowe", "Heather", "Lowe", "millbrook-medical", "Clinical team",
              Role.PRACTITIONER, "Practice nurse"),
    StaffSpec("a.chen", "Amy", "Chen", "southfields-surgery", "Clinical team", Role.DSL,
              "GP partner and safeguarding lead"),
    StaffSpec("s.booth", "Steve", "Booth", "southfields-surgery", "Clinical team",
              Role.PRACTITIONER, "Salaried GP"),
    # Schools
    StaffSpec("school.dsl", "Mark", "Pickering", "northbrook-academy",
              "Pastoral and safeguarding team", Role.DSL, "Designated safeguarding lead",
              demo=True),
    StaffSpec("z.khan", "Zahid", "Khan", "northbrook-academy", "Pastoral and safeguarding team",
              Role.PRACTITIONER, "Head of Year 8"),
    StaffSpec("l.bamford", "Lisa", "Bamford", "millbrook-primary", "Pastoral team", Role.DSL,
              "Deputy headteacher and DSL"),
    StaffSpec("o.walsh", "Orla", "Walsh", "millbrook-primary", "Pastoral team",
              Role.PRACTITIONER, "Family liaison officer"),
    StaffSpec("b.mcloughlin", "Bernadette", "McLoughlin", "st-bedes-primary", "Pastoral team",
              Role.DSL, "Headteacher and DSL"),
    StaffSpec("j.haigh", "Jonathan", "Haigh", "southfields-primary", "Pastoral team", Role.DSL,
              "Designated safeguarding lead"),
    StaffSpec("s.gayle", "Simone", "Gayle", "southfields-primary", "Pastoral team",
              Role.PRACTITIONER, "Learning mentor"),
    # Police, housing, voluntary, adults
    StaffSpec("police", "Lee", "Hargreaves", "police", "Public protection unit",
              Role.PRACTITIONER, "Police constable, safeguarding hub", demo=True),
    StaffSpec("n.mahmood", "Nasir", "Mahmood", "police", "Public protection unit",
              Role.TEAM_MANAGER, "Detective sergeant"),
    StaffSpec("housing", "Dean", "Fox", "housing", "Tenancy sustainment", Role.PRACTITIONER,
              "Tenancy sustainment officer", demo=True),
    StaffSpec("w.pearson", "Wendy", "Pearson", "housing", "Tenancy sustainment",
              Role.TEAM_MANAGER, "Housing services manager"),
    StaffSpec("volunteer", "Margaret", "Holmes", "home-start", "Family support volunteers",
              Role.VOLUNTEER, "Home-visiting volunteer", demo=True),
    StaffSpec("j.quinn", "Joanne", "Quinn", "home-start", "Family support volunteers",
              Role.VOLUNTEER, "Home-visiting volunteer"),
    StaffSpec("g.evans", "Gillian", "Evans", "home-start", "Family support volunteers",
              Role.PRACTITIONER, "Volunteer coordinator"),
    StaffSpec("a.mutasa", "Tendai", "Mutasa", "adult-services", "Adult community team",
              Role.PRACTITIONER, "Social worker (adults)"),
    StaffSpec("r.lawson", "Rob", "Lawson", "adult-services", "Adult community team",
              Role.TEAM_MANAGER, "Adult community team manager"),
    # Data stewards: each agency that sends Continuum an extract loads it through its own
    # steward, who sees the agency's imports and counts, never a person's shared record.
    StaffSpec("hv.steward", "Ruth", "Okonjo", "health-visiting", "Health visiting North",
              Role.DATA_STEWARD, "Clinical records manager", demo=True),
    StaffSpec("school.steward", "Ian", "Marsh", "millbrook-primary", "Pastoral team",
              Role.DATA_STEWARD, "School business manager"),
    StaffSpec("police.steward", "Kate", "Lindqvist", "police", "Public protection unit",
              Role.DATA_STEWARD, "Police data protection and records officer"),
)
# fmt: on

DEMO_ACCOUNTS = tuple(s for s in STAFF if s.demo)
