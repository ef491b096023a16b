"""Build the synthetic Northbrook area in the database: `seed_northbrook()`.

Deterministic: the same random seed, household count and day give the same area. Fast: every
table is written with bulk_create in one transaction, and only ONE audit event summarises the
whole seed. Seeding is not a practitioner's access to or change of a real person's record, so it
deliberately does not write an audit event per row (that would also make the demo take minutes).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.dispatch import Signal
from django.utils import timezone

from continuum.audit.models import AuditAction
from continuum.audit.services import audit_record
from continuum.core.db import refresh_planner_statistics
from continuum.demo import area
from continuum.demo.population import Population, Row
from continuum.directory.models import Agency, AgencyKind, CatchmentArea, Role, Site, Team, User
from continuum.governance.models import AccessLevel, Involvement, InvolvementSource
from continuum.people.models import (
    Address,
    Household,
    HouseholdMembership,
    Person,
    PersonAddress,
    PersonKind,
    PersonName,
    Relationship,
)

DEFAULT_HOUSEHOLDS = 2600
DEFAULT_RANDOM_SEED = 20070415  # fixed, so every Northbrook is the same Northbrook
BATCH = 2000


# Sent inside the seed's transaction once the people, directory and involvements exist, so other
# apps can add their own demo records (visits, referrals, plans) to the same families.
# Keyword arguments: population (continuum.demo.population.Population, whose rows now have ids),
# agencies (code -> Agency), users (username -> User), today, rng (a random.Random to use).
northbrook_seeded = Signal()


class SeedRefused(Exception):
    """The seed will not run here (production mode, or the database already has data)."""


@dataclass
class SeedResult:
    counts: dict[str, int]
    seconds: float
    hook_seconds: float = 0.0  # of which: other apps' receivers of northbrook_seeded


def seed_allowed() -> bool:
    """Demo accounts with a published password may exist only in demo and test modes."""
    return bool(getattr(settings, "DEMO_MODE", False) or getattr(settings, "MODE", "") == "test")


def database_has_data() -> bool:
    usernames = [s.username for s in area.STAFF]
    return (
        Agency.objects.exists()
        or Person.objects.exists()
        or Household.objects.exists()
        or User.objects.filter(username__in=usernames).exists()
    )


# ------------------------------------------------------------------------------ reset
_RESET_ROOTS = (Person, Household, Address, PersonName, Involvement, User, Agency, CatchmentArea)
_NEVER_RESET_APPS = {"audit", "contenttypes", "auth", "sessions", "admin"}


def _models_to_reset() -> list[type[models.Model]]:
    """The person and directory tables, and every table that points at them (directly or
    through another such table), in any app. Reference data that points at none of them (code
    lists, thresholds) and the audit log are kept."""
    chosen = set(_RESET_ROOTS)
    candidates = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and m._meta.app_label not in _NEVER_RESET_APPS
    ]
    for model in (Site, Team, PersonAddress, HouseholdMembership, Relationship):
        chosen.add(model)
    changed = True
    while changed:
        changed = False
        for model in candidates:
            if model in chosen:
                continue
            targets = {
                f.related_model._meta.concrete_model
                for f in model._meta.concrete_fields
                if f.is_relation and f.related_model is not None
            }
            if targets & chosen:
                chosen.add(model)
                changed = True
    # This includes the auto-created link tables of users to groups and permissions.
    return sorted(chosen, key=lambda m: m._meta.label)


def reset_area() -> dict[str, int]:
    """Delete all personal data and the directory (not the audit log). Foreign keys are deferred
    to the end of the transaction, so tables can be emptied in any order."""
    deleted: dict[str, int] = {}
    existing = set(connection.introspection.table_names())
    with transaction.atomic():
        for model in _models_to_reset():
            if model._meta.db_table not in existing:  # an app whose migrations have not run
                continue
            count = model._base_manager.all()._raw_delete(model._base_manager.db)
            if count:
                deleted[model._meta.label] = count
        if apps.is_installed("django.contrib.sessions"):
            from django.contrib.sessions.models import Session

            Session.objects.all().delete()
        audit_record(
            actor=None,
            action=AuditAction.DELETE,
            object_type="seed",
            reason="Demo data reset before reseeding",
            details={"deleted": deleted},
        )
    return deleted


# ------------------------------------------------------------------------------ directory
def _build_directory(
    catchments: dict[str, CatchmentArea],
) -> tuple[dict[str, Agency], dict[str, User]]:
    agencies: dict[str, Agency] = {}
    for spec in area.AGENCIES:
        agency = Agency.objects.create(
            code=spec.code,
            name=spec.name,
            kind=spec.kind,
            phone=spec.phone,
            catchment=catchments.get(spec.catchment) if spec.catchment else None,
            email=f"{spec.code}@northbrook.example",
        )
        site = Site.objects.create(
            agency=agency,
            name=spec.site,
            address_line1=spec.site_address,
            postcode=spec.site_postcode,
        )
        agency.team_objects = {
            name: Team.objects.create(
                agency=agency,
                site=site,
                name=name,
                email=f"{spec.code}.{name.split()[0].lower()}@northbrook.example",
            )
            for name in spec.teams
        }
        agencies[spec.code] = agency
    # One hash for every demo account: hashing the same password 50 times would take most of
    # the seed's time. The password is published, so a shared salt hides nothing.
    password = make_password(area.DEMO_PASSWORD)
    users = [
        User(
            username=s.username,
            first_name=s.first_name,
            last_name=s.last_name,
            email=f"{s.username}@northbrook.example",
            password=password,
            agency=agencies[s.agency],
            team=agencies[s.agency].team_objects[s.team],
            role=s.role,
            job_title=s.job_title,
            is_staff=s.role == Role.ADMINISTRATOR,
        )
        for s in area.STAFF
    ]
    User.objects.bulk_create(users)
    return agencies, {u.username: u for u in users}


# ------------------------------------------------------------------------------ caseloads
class Caseloads:
    """Decide which agencies are involved with which families, so that every demo account has a
    believable caseload: health visitors with families of under-fives, midwives with expectant
    mothers, each hub with families in its catchment, schools with their pupils (read only),
    police with households they have attended (read only), and so on."""

    def __init__(self, rng: random.Random, pop: Population, agencies, users, today: dt.date):
        self.rng, self.pop, self.agencies, self.users, self.today = rng, pop, agencies, users, today
        self.rows: list[Row] = []
        # Who started each agency's work with a family: a named member of its staff (never a
        # volunteer, an analyst or a data steward), as every involvement is (docs/adr/0006).
        self.starter: dict[int, User] = {}
        for user in users.values():
            if user.role in (Role.PRACTITIONER, Role.DSL, Role.TEAM_MANAGER, Role.FRONT_DOOR):
                self.starter.setdefault(user.agency_id, user)
        self.family = None
        # The first agency involved with each family, which recorded its relationships.
        self.recorder: dict[int, Agency] = {}

    def started(self, days_ago: int) -> dt.datetime:
        day = self.today - dt.timedelta(days=max(days_ago, 0))
        return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))

    def add(
        self,
        agency: str,
        *,
        household=None,
        person=None,
        access=AccessLevel.EDIT,
        source=InvolvementSource.SERVICE,
        reason: str,
        days_ago: int = 90,
        worker=None,
    ):
        family = self.family
        # Nobody was involved with a household before it existed.
        days_ago = min(days_ago, (self.today - family.formed).days)
        self.recorder.setdefault(id(family), self.agencies[agency])
        self.rows.append(
            Row(
                agency=self.agencies[agency],
                household=household,
                person=person,
                access=access,
                source=source,
                reason=reason,
                started_at=self.started(days_ago),
                started_by=self.starter.get(self.agencies[agency].id),
                worker=worker,
            )
        )

    def build(self) -> list[Row]:
        rng, today = self.rng, self.today
        hub_by_catchment = {
            s.catchment: s.code for s in area.AGENCIES if s.kind == AgencyKind.FAMILY_HUB
        }
        gp_for = {"north": "millbrook-medical", "central": None, "south": "southfields-surgery"}
        volunteers = [self.users["volunteer"], self.users["j.quinn"]]
        matched = 0
        for family in self.pop.families:
            self.family = family
            hh = family.household
            kids = [m for m in family.members if m.kind == PersonKind.CHILD]
            unborn = [m for m in family.members if m.kind == PersonKind.UNBORN]
            ages = [(today - k.date_of_birth).days for k in kids]
            under5 = any(a < 5 * 365 for a in ages)
            under1 = any(a < 365 for a in ages)
            newborn = any(a < 28 for a in ages)
            showcase = "showcase" in family.flags
            youngest = min(ages) if ages else 0
            # Health visiting is universal: every family with an under-five or a baby due.
            if under5 or unborn:
                self.add(
                    "health-visiting",
                    household=hh,
                    days_ago=min(youngest, 5 * 365) if ages else 60,
                    reason="Healthy Child Programme: health visiting for a child under 5"
                    if under5
                    else "Antenatal contact from 28 weeks of pregnancy",
                )
            if unborn or newborn:
                self.add(
                    "midwifery",
                    household=hh,
                    days_ago=rng.randint(60, 200),
                    reason="Antenatal care" if unborn else "Postnatal care",
                )
            hub = hub_by_catchment[family.catchment.code]
            needs = family.flags & {
                "teen_parent",
                "partner_elsewhere",
                "kinship_care",
                "father_deceased",
            }
            if showcase or (under5 and rng.random() < 0.35) or (needs and rng.random() < 0.5):
                self.add(
                    hub,
                    household=hh,
                    source=InvolvementSource.REGISTRATION,
                    days_ago=rng.randint(20, 900),
                    reason="Registered with the family hub",
                )
            elif kids and rng.random() < 0.05:
                self.add(
                    hub,
                    household=hh,
                    days_ago=rng.randint(20, 400),
                    reason="Early help support from the family hub",
                )
            gp = gp_for[family.catchment.code] or rng.choice(
                ["millbrook-medical", "southfields-surgery"]
            )
            if under1 or needs or (any(k.disabilities for k in kids) and rng.random() < 0.5):
                self.add(
                    gp,
                    household=hh,
                    days_ago=rng.randint(30, 2000),
                    reason="Registered patients known to the practice safeguarding lead",
                )
            for kid in kids:
                school = self.pop.school_for(kid.date_of_birth, family.catchment)
                if school and kid.upn:
                    year = self.pop.school_year(kid.date_of_birth)
                    self.add(
                        school.code,
                        person=kid,
                        access=AccessLevel.READ,
                        days_ago=(
                            today
                            - dt.date(today.year if today.month >= 9 else today.year - 1, 9, 3)
                        ).days
                        + 365 * (year if year <= 6 else year - 7),
                        reason="Pupil on roll",
                    )
            if showcase or (rng.random() < (0.12 if needs else 0.025)):
                self.add(
                    "police",
                    household=hh,
                    access=AccessLevel.READ,
                    source=InvolvementSource.SERVICE,
                    days_ago=rng.randint(5, 500),
                    reason="Attended a domestic abuse incident at the home (Operation Encompass)",
                )
            if rng.random() < (0.12 if needs or family.shape == "lone_mother" else 0.04):
                self.add(
                    "housing",
                    household=hh,
                    days_ago=rng.randint(30, 3000),
                    reason="Tenant of Northbrook Homes",
                )
            roll = rng.random()
            if showcase or roll < (0.06 if needs else 0.012):
                self.add(
                    "front-door",
                    household=hh,
                    source=InvolvementSource.REFERRAL,
                    days_ago=rng.randint(1, 30),
                    reason="Contact received by the front door",
                )
            elif roll < (0.12 if needs else 0.03):
                self.add(
                    "social-work",
                    household=hh,
                    source=InvolvementSource.REFERRAL,
                    days_ago=rng.randint(30, 700),
                    reason=rng.choice(
                        [
                            "Child in need plan",
                            "Child protection plan",
                            "Child and family assessment",
                        ]
                    ),
                )
            if (showcase or under5) and (showcase or rng.random() < 0.02):
                self.add(
                    "home-start",
                    household=hh,
                    source=InvolvementSource.SERVICE,
                    days_ago=rng.randint(10, 300),
                    reason="Home-Start family support",
                )
                if showcase or matched < 6:
                    self.add(
                        "home-start",
                        household=hh,
                        source=InvolvementSource.VOLUNTEER_MATCH,
                        access=AccessLevel.READ,  # as hubs.services.match_assign_volunteer
                        worker=volunteers[matched % 2],
                        days_ago=rng.randint(10, 200),
                        reason="Volunteer matched to the family",
                    )
                    matched += 1
            for adult in family.members:
                if (
                    adult.kind == PersonKind.ADULT
                    and adult.disabilities
                    and not adult.date_of_death
                    and rng.random() < 0.5
                ):
                    self.add(
                        "adult-services",
                        person=adult,
                        days_ago=rng.randint(30, 2000),
                        reason="Care Act assessment and support plan",
                    )
        return self.rows


# ------------------------------------------------------------------------------ seed
def _converter(field, now):
    """How to read one column's value from a Row."""
    if field.primary_key:
        return lambda row: row.id
    if field.is_relation:
        name, attname = field.name, field.attname

        def related(row):
            target = row.__dict__.get(name)
            return target.id if target is not None else row.__dict__.get(attname)

        return related
    attname = field.attname
    if field.has_default() and callable(field.default):
        default = now if field.default is timezone.now else field.default()
    else:
        default = field.get_default()
    adapt = None
    if isinstance(field, models.JSONField):

        def adapt(value):
            return field.get_db_prep_save(value, connection)
    elif isinstance(field, models.DateTimeField):
        adapt = connection.ops.adapt_datetimefield_value
    elif isinstance(field, models.DateField):
        adapt = connection.ops.adapt_datefield_value
    if adapt is None:
        return lambda row: row.__dict__.get(attname, default)
    # Most rows leave the default (e.g. created_at): adapt it once, not 10,000 times.
    adapted_default = adapt(default)
    missing = object()

    def read(row):
        value = row.__dict__.get(attname, missing)
        return adapted_default if value is missing else adapt(value)

    return read


def _insert(model, rows: list[Row], counts: Counter, label: str, now: dt.datetime) -> None:
    """INSERT the rows with ids chosen here, so rows inserted later can point at them. Skipping
    model instances and bulk_create's per-value preparation makes the seed several times faster;
    the database still checks every constraint (foreign keys at commit)."""
    start = (model._base_manager.aggregate(top=Max("pk"))["top"] or 0) + 1
    for offset, row in enumerate(rows):
        row.id = start + offset
    fields = model._meta.concrete_fields
    readers = [_converter(f, now) for f in fields]
    qn = connection.ops.quote_name
    # Table and column names come from the models, values are parameters: no injection.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        qn(model._meta.db_table),
        ", ".join(qn(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        for begin in range(0, len(rows), BATCH):
            cursor.executemany(
                sql, [tuple(read(r) for read in readers) for r in rows[begin : begin + BATCH]]
            )
    counts[label] += len(rows)


def _reset_sequences(model_list) -> None:
    """After explicit ids, move PostgreSQL's id sequences past them (SQLite does this itself)."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), model_list):
            cursor.execute(statement)


def seed_northbrook(
    *,
    households: int = DEFAULT_HOUSEHOLDS,
    random_seed: int = DEFAULT_RANDOM_SEED,
    reset: bool = False,
    today: dt.date | None = None,
) -> SeedResult:
    """Build Northbrook. Refuses in production mode, and on a database that already has data
    unless `reset` (which first deletes all personal data and the directory)."""
    if not seed_allowed():
        raise SeedRefused(
            "Refusing to seed: demo data and demo accounts (with a published password) are only "
            "allowed in demo or test mode. Set CONTINUUM_ENV=demo, or run `continuum demo`."
        )
    started = time.perf_counter()
    today = today or timezone.localdate()
    rng = random.Random(random_seed)
    counts: Counter = Counter()
    # One transaction: if anything fails, the reset is undone too and the old data stays.
    with transaction.atomic():
        if database_has_data():
            if not reset:
                raise SeedRefused(
                    "Refusing to seed: the database already has agencies, people or demo "
                    "accounts. Use --reset to delete all personal data and the directory first."
                )
            reset_area()
        catchments = {}
        for c in area.CATCHMENTS:
            catchment = CatchmentArea(
                code=c.code, name=c.name, postcode_sectors=list(c.sectors), polygon=c.polygon()
            )
            catchment.full_clean()
            catchment.save()
            catchments[c.code] = catchment
        counts["catchments"] = len(catchments)
        agencies, users = _build_directory(catchments)
        counts["agencies"], counts["staff"] = len(agencies), len(users)

        pop = Population(rng, today, households)
        pop.catchment_objects = catchments
        pop.build()
        caseloads = Caseloads(random.Random(random_seed + 1), pop, agencies, users, today)
        involvements = caseloads.build()
        for relationship in pop.relationships:
            relationship.recorded_by_agency = caseloads.recorder.get(id(relationship.family))
        now = timezone.now()
        tables = [
            (Address, pop.addresses, "addresses"),
            (Household, pop.households, "households"),
            (Person, pop.persons, "persons"),
            (PersonName, pop.names, "names"),
            (PersonAddress, pop.person_addresses, "address_history"),
            (HouseholdMembership, pop.memberships, "memberships"),
            (Relationship, pop.relationships, "relationships"),
            (Involvement, involvements, "involvements"),
        ]
        for model, rows, label in tables:
            _insert(model, rows, counts, label, now)
        _reset_sequences([model for model, _rows, _label in tables])
        counts["families"] = len(pop.families)
        hooks_started = time.perf_counter()
        northbrook_seeded.send(
            sender=None,
            population=pop,
            agencies=agencies,
            users=users,
            today=today,
            rng=random.Random(random_seed + 2),
        )
        hook_seconds = time.perf_counter() - hooks_started
        # One audit event for the whole seed (see the module docstring).
        audit_record(
            actor=None,
            action=AuditAction.CREATE,
            object_type="seed",
            reason="Synthetic Northbrook demo area generated",
            details={
                "random_seed": random_seed,
                "households_requested": households,
                "today": today.isoformat(),
                "counts": dict(sorted(counts.items())),
            },
        )
    refresh_planner_statistics()  # a freshly loaded area: see the helper's docstring
    return SeedResult(
        counts=dict(counts), seconds=time.perf_counter() - started, hook_seconds=hook_seconds
    )
