#!/usr/bin/env python
"""Benchmark identity resolution in the app (issue 3) on PostgreSQL.

    .venv/bin/python benchmarks/linkage_speed.py                    # 1,000,000 persons
    .venv/bin/python benchmarks/linkage_speed.py --persons 50000    # a quick run
    .venv/bin/python benchmarks/linkage_speed.py --reuse            # keep the database

It builds (or reuses) the same synthetic area as benchmarks/foundation.py, in its own database
(`continuum_linkage_bench` by default), stores the real-time matcher's versions and keys of
every person if they are missing (`linkage.services.features_rebuild_all`, what
`continuum linkage_features` runs; timed), then measures in this process:

(a) real-time matching (`linkage.matching.find_matches`: candidates from indexed keys, scored in
    Python with the trained parameters) for records drawn from the seeded people with errors
    applied (a misspelt name, day and month swapped, no NHS number) — p50/p95, the CPU a query
    costs (this process, and the PostgreSQL backend's mean), and how often the right person
    comes first;
(b) Splink's own one-record prediction for a sample of the same records, against the same
    people held in DuckDB (`linker.inference.find_matches_to_new_records`), side by side;
(c) an incremental import of N agency records (default 10,000) against the whole area through
    the analyst's import service (`linkage.services.import_run`), end to end, then the same file
    again (every row unchanged: idempotent by record_id). By default one record in ten
    describes someone the area does not hold (`--new-share`), as in a real extract; the rest
    are seeded people with the errors above;
(d) peak memory of the process (resource.getrusage).

The import writes to the database (agency records, links, new people): with --reuse, run it on a
fresh copy each time (`createdb -T <template> <copy>`) so every run starts from the same area.

The batch (Splink) link of a whole area is measured by benchmarks/linkage_batch_speed.py.
It prints a markdown table and writes benchmarks/results/linkage_speed.json.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import (  # noqa: E402
    ServerCPU,
    git_commit,
    machine_info,
    misspell,
    now_iso,
    percentiles,
)
from foundation import Seeder, analyse, recreate_database, setup_django  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/continuum_linkage_bench"
RESULTS = HERE / "results" / "linkage_speed.json"


def _ms(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000


def sample_records(count: int, rng: random.Random) -> list[tuple[int, dict]]:
    """(person id, a person-extract row describing them with one or two errors)."""
    from django.db.models import Prefetch

    from continuum.linkage.matching import person_as_record
    from continuum.people.models import Person, PersonAddress

    ids = list(Person.objects.filter(kind__in=["child", "adult"]).values_list("pk", flat=True))
    chosen = rng.sample(ids, min(count, len(ids)))
    people = Person.objects.filter(pk__in=chosen).prefetch_related(
        "names",
        Prefetch(
            "addresses",
            queryset=PersonAddress.objects.filter(end_date__isnull=True).select_related("address"),
            to_attr="current_addresses",
        ),
    )
    out = []
    for person in people:
        row = person_as_record(person)
        row["record_id"] = f"Q{person.pk}"
        error = rng.choice(["misspelt", "swapped", "no_nhs", "misspelt+no_nhs"])
        if "misspelt" in error and row["family_name"]:
            row["family_name"] = misspell(row["family_name"], rng)
        if error == "swapped" and row["date_of_birth"]:
            y, m, d = row["date_of_birth"].split("-")
            if int(d) <= 12:
                row["date_of_birth"] = f"{y}-{d}-{m}"
        if "no_nhs" in error:
            row["nhs_number"] = None
        out.append((person.pk, row))
    return out


def _backend_cpu_ms(pid: int) -> float | None:
    """CPU time (user + system) the PostgreSQL backend has used, from /proc (PostgreSQL on this
    machine only; clock ticks, so only meaningful summed over many queries)."""
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        return None
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def ensure_match_features(rebuild: bool) -> dict:
    """Store every person's match versions and keys unless they are there already."""
    from continuum.linkage.models import MatchVersion
    from continuum.linkage.services import features_rebuild_all
    from continuum.people.models import Person

    live = Person.objects.filter(merged_into__isnull=True).count()
    stored = MatchVersion.objects.filter(source_record__isnull=True).count()
    if stored >= live and not rebuild:
        return {"people": live, "rebuilt": False}
    print(f"Storing the matcher's versions and keys of {live:,} people …")
    t0 = time.perf_counter()
    features_rebuild_all(
        progress=lambda done, total: print(f"  {done:>9,} of {total:,}", end="\r", flush=True)
    )
    print()
    return {"people": live, "rebuilt": True, "seconds": round(time.perf_counter() - t0, 1)}


def measure_realtime(samples: list[tuple[int, dict]]) -> dict:
    from django.db import connection

    from continuum.linkage.matching import active_params, find_matches

    params = active_params()
    for _pk, row in samples[:10]:
        find_matches(row, params=params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    times, cpu, first, found = [], [], 0, 0
    backend_start = _backend_cpu_ms(pid)
    for pk, row in samples:
        c0, t0 = time.thread_time(), time.perf_counter()
        matches = find_matches(row, params=params)
        times.append(_ms(t0))
        cpu.append((time.thread_time() - c0) * 1000)
        ids = [m.person.pk for m in matches]
        first += bool(ids) and ids[0] == pk
        found += pk in ids
    backend_end = _backend_cpu_ms(pid)
    out = {
        **percentiles(times),
        "python_cpu_p50_ms": round(statistics.median(cpu), 2),
        "python_cpu_p95_ms": percentiles(cpu)["p95_ms"],
        "queries": len(samples),
        "right_person_first": round(first / len(samples), 3),
        "right_person_found": round(found / len(samples), 3),
    }
    if backend_start is not None and backend_end is not None:
        out["postgresql_cpu_mean_ms"] = round((backend_end - backend_start) / len(samples), 2)
    return out


def measure_splink_one_record(samples: list[tuple[int, dict]], limit: int) -> dict:
    """Splink's own way to match one new record: every record held in DuckDB, blocked and
    scored per query with the same trained model."""
    import logging

    from splink import DuckDBAPI, Linker

    from continuum.linkage.engine import model as engine_model
    from continuum.linkage.matching import DEFAULT_MODEL_PATH, person_as_record
    from continuum.people.models import Person

    trained = engine_model.TrainedModel.load(DEFAULT_MODEL_PATH)
    t0 = time.perf_counter()
    rows = []
    people = Person.objects.prefetch_related("names").iterator(chunk_size=20_000)
    for person in people:
        person.current_addresses = []
        rows.append({**person_as_record(person), "source": "continuum"})
    frame = engine_model.prepare_frame(rows, trained.config.feature_options)
    load_s = time.perf_counter() - t0
    db_api = DuckDBAPI()
    held = db_api.register(engine_model.to_arrow(frame), table_name="held")
    linker = Linker(held, dict(trained.splink_settings), log_level=logging.WARNING)
    for column in ("given", "family"):  # the name frequencies, computed once, as Splink needs
        linker.table_management.compute_tf_table(column)
    times = []
    for i, (_pk, row) in enumerate(samples[:limit]):
        query = engine_model.prepare_frame([{**row, "source": "query"}],
                                           trained.config.feature_options)  # fmt: skip
        t1 = time.perf_counter()
        new = db_api.register(engine_model.to_arrow(query), table_name=f"query_{i}")
        linker.inference.predict_between(
            new, held, link_type="link_only", threshold_match_weight=-4
        ).as_pandas_dataframe()
        times.append(_ms(t1))
    return {**percentiles(times), "queries": len(times), "load_into_duckdb_s": round(load_s, 1)}


def new_person(samples: list[tuple[int, dict]], rng: random.Random) -> dict:
    """A row describing someone the area does not hold: a given name, a family name, an
    address and a date of birth each taken from different people, and no NHS number."""
    given, family, home = (rng.choice(samples)[1] for _ in range(3))
    born = dt.date(2008, 1, 1) + dt.timedelta(days=rng.randrange(18 * 365))
    return {**home, "given_name": given["given_name"], "middle_names": None,
            "family_name": family["family_name"], "date_of_birth": born.isoformat(),
            "sex": given["sex"], "nhs_number": None, "upn": None,
            "previous_family_names": None}  # fmt: skip


def measure_import(samples: list[tuple[int, dict]], count: int, rng: random.Random,
                   new_share: float) -> dict:  # fmt: skip
    from continuum.directory.models import Agency, Role, User
    from continuum.linkage import services
    from continuum.linkage.engine.layout import ALL_COLUMNS
    from continuum.linkage.models import SourceRecord

    agency = Agency.objects.filter(kind="school").first() or Agency.objects.first()
    analyst = User.objects.filter(role=Role.ANALYST).first() or User.objects.create_user(
        "bench.analyst", role=Role.ANALYST, agency=agency
    )
    rows = []
    known = count - round(count * new_share)
    for i, (_pk, row) in enumerate(samples[:known]):
        rows.append({**row, "record_id": f"BENCH{i:06d}"})
    for i in range(known, count):
        rows.append({**new_person(samples, rng), "record_id": f"BENCH{i:06d}"})
    rng.shuffle(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(ALL_COLUMNS), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    SourceRecord.objects.filter(agency=agency, record_id__startswith="BENCH").delete()
    content = out.getvalue().encode()
    server = ServerCPU()
    b0, c0, t0 = server.ms(), time.process_time(), time.perf_counter()
    job = services.import_create(actor=analyst, agency=agency, filename="bench.csv",
                                 content=content)  # fmt: skip
    job = services.import_run(job.pk)
    seconds = time.perf_counter() - t0
    python_cpu, backend = time.process_time() - c0, server.ms()
    t1 = time.perf_counter()
    again = services.import_create(actor=analyst, agency=agency, filename="bench-again.csv",
                                   content=content)  # fmt: skip
    again = services.import_run(again.pk)
    again_seconds = time.perf_counter() - t1
    return {
        "records": job.rows_done,
        "records_of_people_not_held": count - known,
        "seconds": round(seconds, 1),
        "records_per_second": round(job.rows_done / seconds, 1),
        "python_cpu_s": round(python_cpu, 1),
        "postgresql_cpu_s": round((backend - b0) / 1000, 1) if backend is not None else None,
        "chunk_size": services.CHUNK_SIZE,
        "linked_automatically": job.linked_automatically,
        "sent_to_review": job.sent_to_review,
        "new_people": job.new_people,
        "row_errors": len(job.row_errors),
        "reimport_seconds": round(again_seconds, 1),
        "reimport_unchanged": again.unchanged_records,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--splink-queries", type=int, default=20)
    parser.add_argument("--import-records", type=int, default=10_000)
    parser.add_argument(
        "--new-share",
        type=float,
        default=0.1,
        help="share of the import's records describing people the area does not "
        "hold (default 0.1; the rest are seeded people with errors)",
    )
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--rebuild-features", action="store_true",
                        help="store every person's match versions and keys again")  # fmt: skip
    parser.add_argument("--skip-splink", action="store_true")
    parser.add_argument("--allow-any-database-name", action="store_true")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    if not args.reuse:
        recreate_database(args.database_url, allow_any_name=args.allow_any_database_name)
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    from continuum.people.models import Person

    call_command("migrate", verbosity=0)
    if not args.reuse:
        print(f"Seeding {args.persons:,} persons …")
        Seeder(args.persons, args.seed).run()
        analyse()
    persons = Person.objects.count()
    features = ensure_match_features(args.rebuild_features)
    rng = random.Random(args.seed)
    need = max(args.queries, args.import_records)
    print(f"{persons:,} persons. Sampling {need:,} records …")
    samples = sample_records(need, rng)
    results = {"persons": persons, "match_features_setup": features}
    print("Real-time matching …")
    results["realtime_match"] = measure_realtime(samples[: args.queries])
    if not args.skip_splink:
        print("Splink one-record prediction …")
        results["splink_one_record"] = measure_splink_one_record(samples, args.splink_queries)
        ratio = results["splink_one_record"]["p50_ms"] / results["realtime_match"]["p50_ms"]
        results["median_speed_ratio_splink_over_realtime"] = round(ratio, 1)
    print(f"Incremental import of {args.import_records:,} records …")
    results["incremental_import"] = measure_import(samples, args.import_records, rng,
                                                   args.new_share)  # fmt: skip
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    results["peak_memory_mb"] = round(peak_kb / 1024)
    report = {
        "benchmark": "linkage speed (issue 3)",
        "date": now_iso(),
        "git": git_commit(),
        "machine": machine_info(connection),
        "targets": {"realtime_p95_ms": 20, "incremental_import_10k_s": 15, "peak_memory_gb": 6},
        "results": results,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, default=str) + "\n")
    rt = results["realtime_match"]
    print("\n| measure | p50 | p95 | notes |\n|---|---:|---:|---|")
    print(f"| real-time match (ms) | {rt['p50_ms']} | {rt['p95_ms']} | right person first "
          f"{rt['right_person_first']:.1%}, found {rt['right_person_found']:.1%} |")  # fmt: skip
    if "splink_one_record" in results:
        sp = results["splink_one_record"]
        print(f"| Splink one-record prediction (ms) | {sp['p50_ms']} | {sp['p95_ms']} | "
              f"{sp['queries']} queries; ratio of medians "
              f"{results['median_speed_ratio_splink_over_realtime']}x |")  # fmt: skip
    imp = results["incremental_import"]
    backend = rt.get("postgresql_cpu_mean_ms", "-")
    print(f"| real-time match CPU (ms) | {rt['python_cpu_p50_ms']} | {rt['python_cpu_p95_ms']} | "
          f"this process; PostgreSQL backend mean {backend} ms |")  # fmt: skip
    print(f"| import of {imp['records']:,} records (s) | {imp['seconds']} | | "
          f"{imp['records_per_second']}/s, {imp['linked_automatically']} linked, "
          f"{imp['sent_to_review']} to review, {imp['new_people']} new; CPU "
          f"{imp['python_cpu_s']} s here + {imp['postgresql_cpu_s']} s PostgreSQL (every "
          f"process); same file again "
          f"{imp['reimport_seconds']} s, {imp['reimport_unchanged']:,} unchanged |")  # fmt: skip
    if features.get("rebuilt"):
        print(f"| storing match versions and keys (s) | {features['seconds']} | | "
              f"{features['people']:,} people, once (`continuum linkage_features`) |")  # fmt: skip
    print(f"| peak memory (MB) | {results['peak_memory_mb']} | | |")
    print(f"\nWritten to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
