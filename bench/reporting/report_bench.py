"""Every report of the catalog over one agency's year at 50,000 services, beside other
agencies of the same size: wall time per report (median and worst of several runs).

    .venv/bin/python -m bench.reporting.report_bench
    # options: --services 50000  --agencies 3  --runs 7  --explain funder_summary ...

Needs the PostgreSQL the tests use (`OCMS_TEST_PG_ADMIN_URL`, a superuser). It makes a
scratch database, runs reporting's migrations, COPYs the generated rows (bench.reporting.
generate, seeded; not timed) as the superuser, ANALYZEs, then runs each report the way
the API does (`reporting.reports.service.run` in a transaction carrying a manager's
context, so row-level security applies) and prints the timings. The database is
dropped at the end. Figures, not assertions: see README.md for measured ones.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from pathlib import Path

import asyncpg  # type: ignore[import-untyped, unused-ignore]
from sqlalchemy import literal_column, select, text
from sqlalchemy.dialects import postgresql

from bench.reporting.generate import COLUMNS, generate_agency
from kit.auth import Principal, Role
from kit.db import Database
from kit.logs import configure_logging
from kit.testing import (
    create_scratch_database,
    drop_scratch_database,
    migrate_with_alembic,
)
from reporting.reports import repository as repo
from reporting.reports import service
from reporting.reports.registry import REPORTS
from reporting.reports.schemas import Criteria

PREFIX = "ocms_reporting_bench"


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


ALEMBIC_INI = "services/reporting/alembic.ini"
YEAR = {"date_from": "2026-04-01", "date_to": "2027-03-31"}


async def load(dsn: str, args: argparse.Namespace) -> tuple[uuid.UUID, dict[str, int]]:
    conn = await asyncpg.connect(dsn)
    counts: dict[str, int] = {}
    target = None
    try:
        for n in range(args.agencies):
            rows = generate_agency(1000 + n, services=args.services)
            target = target or rows.agency_id
            for table, records in rows.tables.items():
                await conn.copy_records_to_table(table, records=records, columns=COLUMNS[table])
                if rows.agency_id == target:
                    counts[table] = len(records)
            sys.stderr.write(f"  agency {n + 1}/{args.agencies} loaded\n")
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    assert target is not None
    return target, counts


async def measure(app_url: str, agency_id: uuid.UUID, args: argparse.Namespace) -> None:
    database = Database(app_url, pool_size=2)
    manager = Principal(user_id=uuid.uuid4(), agency_id=agency_id, role=Role.MANAGER)
    criteria = Criteria.model_validate(YEAR)
    women = Criteria.model_validate({**YEAR, "gender": ["Female"], "age_group": ["25-34"]})
    say(f"\n{'report':<22}{'filters':<16}{'tables':>7}{'median ms':>11}{'max ms':>9}  totals")
    try:
        for report in REPORTS:
            for label, chosen in (("year", criteria), ("+gender,age", women)):
                if label != "year" and "gender" not in report.criteria:
                    continue
                times = []
                result = None
                for _ in range(args.runs):
                    started = time.perf_counter()
                    async with database.transaction(manager) as db:
                        result = await service.run(db, manager, report.key, chosen)
                    times.append((time.perf_counter() - started) * 1000)
                assert result is not None
                totals = ", ".join(f"{k}={v}" for k, v in result.totals.items())
                median, worst = statistics.median(times), max(times)
                say(
                    f"{report.key:<22}{label:<16}{len(result.tables):>7}"
                    f"{median:>11.1f}{worst:>9.1f}  {totals[:70]}"
                )
        for key in args.explain:
            await explain(database, manager, key)
    finally:
        await database.dispose()


async def explain(database: Database, manager: Principal, key: str) -> None:
    """The plan of one report's first breakdown over the agency's year."""
    report = next(r for r in REPORTS if r.key == key)
    fact = report.source
    period = Criteria.model_validate(YEAR)
    filters = repo.Filters(
        agency_id=manager.agency_id, date_from=period.date_from, date_to=period.date_to
    )
    dim = fact.dimensions[report.breakdowns[0]]
    statement = (
        select(dim.expr.label("key"), *(fact.measures[m].expr for m in report.measures))
        .select_from(fact.source)
        .where(*repo.conditions(fact, filters))
        .group_by(literal_column("1"))
    )
    compiled = statement.compile(
        dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
    )
    async with database.transaction(manager) as db:
        await repo.tune(db)
        plan = await db.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}"))
        say(f"\nEXPLAIN {key} by {dim.key}:")
        for (line,) in plan:
            say("  " + line)


async def main(args: argparse.Namespace) -> None:
    configure_logging("reporting-bench", "WARNING")
    scratch = await create_scratch_database(PREFIX)
    try:
        await migrate_with_alembic(scratch.owner_url, Path(ALEMBIC_INI))
        started = time.perf_counter()
        agency_id, counts = await load(scratch.admin_dsn, args)
        elapsed = time.perf_counter() - started
        say(f"loaded {args.agencies} agencies in {elapsed:.0f}s; the measured agency holds:")
        for table, count in counts.items():
            say(f"  {table:<16}{count:>9,}")
        await measure(scratch.app_url, agency_id, args)
    finally:
        await drop_scratch_database(scratch)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=50_000)
    parser.add_argument("--agencies", type=int, default=3)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--explain", nargs="*", default=[], metavar="REPORT")
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse()))
