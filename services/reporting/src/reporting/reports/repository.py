"""Every query of the reports: the filters criteria become, the aggregates, the names.

One statement per table of a report: `SELECT <dimension>, <measures> FROM <fact>
WHERE agency AND period AND filters GROUP BY 1`. The period comes first in each fact's
index (`agency_id`, date), so a year of an agency reads that agency's year only.
"""

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Text, and_, cast, func, literal, or_, select, text, tuple_
from sqlalchemy.dialects.postgresql import ARRAY, UUID, array
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.readmodel.models import RptAgreement, RptProgram, RptStaff
from reporting.reports.facts import Dimension, Expr, Fact, Measure, age_group, funder_match


@dataclass(frozen=True)
class Filters:
    """Criteria resolved against the read model (ids known, agreement and funder read)."""

    agency_id: uuid.UUID
    date_from: date
    date_to: date
    program_id: uuid.UUID | None = None
    agreement: RptAgreement | None = None
    funder: RptAgreement | None = None  # any agreement of the funder: its code and name
    worker_id: uuid.UUID | None = None
    options: dict[str, list[str]] = field(default_factory=dict)


def _program_is(fact: Fact, program_ids: Sequence[uuid.UUID]) -> Expr:
    assert fact.program is not None
    if fact.program_is_array:
        overlap: Expr = fact.program.overlap(
            cast(array(list(program_ids)), ARRAY(UUID(as_uuid=True)))
        )
        return overlap
    return fact.program.in_(list(program_ids))


def _funded_by(fact: Fact, funder: RptAgreement) -> Expr:
    assert fact.funder_ids is not None and fact.funder_names is not None
    return funder_match(
        fact.funder_ids,
        fact.funder_names,
        literal(funder.funder_id, UUID(as_uuid=True)),
        literal(funder.funder_code, Text),
        literal(funder.funder_name, Text),
    )  # fmt: skip


def conditions(fact: Fact, filters: Filters) -> list[Expr]:
    where: list[Expr] = [
        fact.agency == filters.agency_id,
        fact.date.between(filters.date_from, filters.date_to) if fact.period is None
        else fact.period,
        *fact.base_where,
    ]  # fmt: skip
    if filters.program_id is not None:
        where.append(_program_is(fact, [filters.program_id]))
    if filters.agreement is not None:
        agreement = filters.agreement
        if fact.agreement is not None:
            where.append(fact.agreement == agreement.id)
        else:
            where.append(_program_is(fact, agreement.program_ids or [uuid.uuid4()]))
            where.append(fact.date.between(agreement.starts_on, agreement.ends_on))
            if fact.funder_ids is not None:
                where.append(_funded_by(fact, agreement))
    if filters.funder is not None:
        where.append(_funded_by(fact, filters.funder))
    if filters.worker_id is not None:
        assert fact.worker is not None
        where.append(fact.worker == filters.worker_id)
    if filters.options:
        where += _client_conditions(fact, filters.options)
    return where


def _client_conditions(fact: Fact, options: dict[str, list[str]]) -> list[Expr]:
    person = fact.person
    assert person is not None
    where: list[Expr] = []
    for name, values in options.items():
        if name == "age_group":
            where.append(age_group(person, fact.date).in_(values))
        elif name == "language":
            where.append(
                or_(
                    person.c.official_language.in_(values),
                    person.c.other_languages.overlap(cast(values, ARRAY(Text))),
                )
            )
        elif name == "target_group":
            where.append(person.c.target_groups.overlap(cast(values, ARRAY(Text))))
        else:
            where.append(person.c[name].in_(values))
    return where


def _number(value: Any) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return int(value) if isinstance(value, int) else float(value)


async def aggregate(
    db: AsyncSession,
    fact: Fact,
    dimensions: Sequence[Dimension],
    measures: Sequence[Measure],
    where: Sequence[Expr],
    period: tuple[date, date],
) -> tuple[dict[str, int | float | None], dict[str, list[dict[str, Any]]]]:
    """The totals and one table per dimension, in ONE statement: the fact is read and
    joined once, then grouped by each dimension alone and by nothing (GROUPING SETS).
    Rows whose `GROUPING(dimension)` is 0 belong to that dimension's table. `period`
    binds `facts.PERIOD_FROM` and `PERIOD_TO` where the fact uses them."""
    keys = [f"d{i}" for i in range(len(dimensions))]
    columns = [d.expr.label(k) for d, k in zip(dimensions, keys, strict=True)]
    flags = [func.grouping(d.expr).label(f"g{i}") for i, d in enumerate(dimensions)]
    sets = [tuple_(d.expr) for d in dimensions]
    statement = (
        select(*columns, *flags, *(m.expr.label(m.key) for m in measures))
        .select_from(fact.source)
        .where(*where)
        .group_by(func.grouping_sets(*sets, tuple_()))
        .params(period_from=period[0], period_to=period[1])
    )
    totals: dict[str, int | float | None] = {m.key: None for m in measures}
    tables: dict[str, list[dict[str, Any]]] = {d.key: [] for d in dimensions}
    for row in (await db.execute(statement)).mappings():
        values: dict[str, Any] = {m.key: _number(row[m.key]) for m in measures}
        grouped = [i for i in range(len(dimensions)) if row[f"g{i}"] == 0]
        if not grouped:
            totals = values
            continue
        key = row[keys[grouped[0]]]
        tables[dimensions[grouped[0]].key].append(
            {"key": None if key is None else str(key), **values}
        )
    return totals, tables


async def tune(db: AsyncSession) -> None:
    """Memory for the report's sorts and hashes (count of distinct clients per group)
    in this transaction only, so they stay in memory rather than spill to disk."""
    await db.execute(text("SET LOCAL work_mem = '64MB'"))
    await db.execute(text("SET LOCAL enable_nestloop = off"))


# --- look-ups -------------------------------------------------------------------------


async def program(db: AsyncSession, agency_id: uuid.UUID, program_id: uuid.UUID) -> bool:
    found = await db.scalar(
        select(RptProgram.id).where(RptProgram.agency_id == agency_id, RptProgram.id == program_id)
    )
    return found is not None


async def worker(db: AsyncSession, agency_id: uuid.UUID, worker_id: uuid.UUID) -> bool:
    found = await db.scalar(
        select(RptStaff.id).where(RptStaff.agency_id == agency_id, RptStaff.id == worker_id)
    )
    return found is not None


async def agreement(
    db: AsyncSession, agency_id: uuid.UUID, agreement_id: uuid.UUID
) -> RptAgreement | None:
    return await db.scalar(
        select(RptAgreement).where(
            RptAgreement.agency_id == agency_id, RptAgreement.id == agreement_id
        )
    )


async def funder(
    db: AsyncSession, agency_id: uuid.UUID, funder_id: uuid.UUID
) -> RptAgreement | None:
    """Any agreement of the funder: the read model knows funders through their agreements."""
    return await db.scalar(
        select(RptAgreement)
        .where(RptAgreement.agency_id == agency_id, RptAgreement.funder_id == funder_id)
        .order_by(RptAgreement.starts_on.desc())
        .limit(1)
    )


async def program_names(
    db: AsyncSession, agency_id: uuid.UUID, ids: Collection[uuid.UUID]
) -> dict[str, str]:
    if not ids:
        return {}
    rows = await db.execute(
        select(RptProgram.id, RptProgram.name).where(
            RptProgram.agency_id == agency_id, RptProgram.id.in_(list(ids))
        )
    )
    return {str(i): name for i, name in rows}


async def staff_names(
    db: AsyncSession, agency_id: uuid.UUID, ids: Collection[uuid.UUID]
) -> dict[str, str]:
    if not ids:
        return {}
    rows = await db.execute(
        select(RptStaff.id, RptStaff.given_name, RptStaff.family_name).where(
            RptStaff.agency_id == agency_id, RptStaff.id.in_(list(ids))
        )
    )
    return {str(i): f"{given} {family}" for i, given, family in rows}


async def agreement_names(
    db: AsyncSession, agency_id: uuid.UUID, ids: Collection[uuid.UUID]
) -> dict[str, str]:
    if not ids:
        return {}
    rows = await db.execute(
        select(RptAgreement.id, RptAgreement.agreement_number, RptAgreement.title).where(
            and_(RptAgreement.agency_id == agency_id, RptAgreement.id.in_(list(ids)))
        )
    )
    return {str(i): f"{number} — {title}" for i, number, title in rows}
