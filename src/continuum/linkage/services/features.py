"""Writes of the real-time matcher's stored versions and blocking keys (`MatchVersion`,
`MatchKey`), kept in step with people, names, addresses and agency records.

`features_refresh` rebuilds everything stored for some people from the records themselves;
people services call it (through `people.services.register_identity_hook`) whenever a person's
names, dates, identifiers or address change, and linkage services call it after links, merges and
unmerges. `features_rebuild_all` rebuilds the whole area (`continuum linkage_features`): after
an upgrade, or when the engine's normalisation changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from contextlib import nullcontext

from django.db import connection, transaction

from continuum.core.db import column_in, value_lists
from continuum.linkage.engine.realtime import prepare
from continuum.linkage.matching import (
    VersionSource,
    active_params,
    feature_schema,
    version_keys,
    version_sources,
)
from continuum.linkage.models import MatchKey, MatchVersion
from continuum.people.models import Person

REBUILD_BATCH = 5000


def _rows(sources: list[VersionSource], params: dict) -> tuple[list[tuple], list[tuple]]:
    """(version rows, key rows) for these versions: (person_id, source_record_id, record,
    features, schema) and (person_id, key), one key row per person and key."""
    schema = feature_schema(params)
    versions, keys = [], set()
    for s in sources:
        versions.append(
            (
                s.person_id,
                s.source_record_id,
                s.record,
                s.features if s.features is not None else prepare(s.record, params),
                schema,
            )
        )
        own = s.keys if s.keys is not None else version_keys(s.record, s.given_names)
        keys.update((s.person_id, key) for key in own)
    return versions, sorted(keys)


def _insert(versions: list[tuple], keys: list[tuple]) -> None:
    """Insert version and key rows: streamed with COPY on PostgreSQL, in bulk elsewhere."""
    if connection.vendor == "postgresql":
        _copy(
            MatchVersion._meta.db_table,
            "person_id, source_record_id, record, features, schema",
            [(pid, sid, json.dumps(rec), json.dumps(feat), schema)
             for pid, sid, rec, feat, schema in versions],
        )  # fmt: skip
        _copy(MatchKey._meta.db_table, "person_id, key", keys)
        return
    MatchVersion.objects.bulk_create(
        [MatchVersion(person_id=pid, source_record_id=sid, record=rec, features=feat,
                      schema=schema) for pid, sid, rec, feat, schema in versions],
        batch_size=1000,
    )  # fmt: skip
    MatchKey.objects.bulk_create(
        [MatchKey(person_id=pid, key=key) for pid, key in keys], batch_size=2000
    )


@transaction.atomic
def features_refresh(person_ids: Iterable[int], *, params: dict | None = None) -> None:
    """Rebuild the stored versions and keys of these people from their records (a merged
    person keeps none: they are found through the person they were merged into)."""
    ids = sorted({int(pid) for pid in person_ids if pid})
    if not ids:
        return
    params = params or active_params()
    MatchKey.objects.filter(person_id__in=ids).delete()
    MatchVersion.objects.filter(person_id__in=ids).delete()
    _insert(*_rows(version_sources(ids), params))


def features_add(sources: list[VersionSource], *, params: dict) -> None:
    """Store new versions (agency records just linked) and any keys they add, in bulk."""
    if not sources:
        return
    versions, keys = _rows(sources, params)
    have = set()
    with connection.cursor() as cursor:
        for people in value_lists(pid for pid, _key in keys):
            where, args = column_in("person_id", people, "bigint")
            table = MatchKey._meta.db_table  # a model's table, not input
            cursor.execute(f"SELECT person_id, key FROM {table} WHERE {where}", args)  # noqa: S608
            have.update(cursor.fetchall())
    _insert(versions, [k for k in keys if k not in have])


def _copy(table: str, columns: str, rows: list[tuple]) -> None:
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _drop_indexes() -> list[str]:
    """Drop the (empty) tables' secondary indexes before a first load on PostgreSQL — building
    them once afterwards is much faster than maintaining them row by row — and return their
    definitions."""
    tables = [MatchVersion._meta.db_table, MatchKey._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i
               WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                               WHERE c.conindid = (quote_ident(i.indexname))::regclass)""",
            [tables],
        )
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def features_rebuild_all(*, params: dict | None = None, progress=None) -> int:
    """Rebuild every stored version and key, in batches of people, one transaction each (the
    matcher keeps working meanwhile; on PostgreSQL the rows are streamed with COPY). A first
    load into empty tables on PostgreSQL is one transaction, with the indexes built at the end.
    Returns the number of people."""
    params = params or active_params()
    ids = list(
        Person.objects.filter(merged_into__isnull=True).order_by("pk").values_list("pk", flat=True)
    )
    postgres = connection.vendor == "postgresql"
    empty = not MatchVersion.objects.exists()
    with transaction.atomic() if postgres and empty else nullcontext():
        deferred = _drop_indexes() if postgres and empty else []
        for start in range(0, len(ids), REBUILD_BATCH):
            batch = ids[start : start + REBUILD_BATCH]
            with transaction.atomic():
                if not empty:
                    MatchKey.objects.filter(person_id__in=batch).delete()
                    MatchVersion.objects.filter(person_id__in=batch).delete()
                _insert(*_rows(version_sources(batch), params))
            if progress is not None:
                progress(min(start + REBUILD_BATCH, len(ids)), len(ids))
        with connection.cursor() as cursor:
            if deferred:  # the loaded rows' deferred foreign key checks first
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for definition in deferred:
                cursor.execute(definition)
    with transaction.atomic():  # people merged since: found through the person they joined
        MatchKey.objects.filter(person__merged_into__isnull=False).delete()
        MatchVersion.objects.filter(person__merged_into__isnull=False).delete()
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {MatchVersion._meta.db_table}")
            cursor.execute(f"ANALYZE {MatchKey._meta.db_table}")
    return len(ids)
