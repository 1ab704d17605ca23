"""Queries on exports and the ledger."""

import datetime as dt
import uuid
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, text, update
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from icare.exports.models import Export, LedgerEntry
from icare.exports.planning import Key, Previous
from icare.records import mapping
from kit.db import flush


async def lock_agency(db: AsyncSession, agency_id: uuid.UUID) -> None:
    """One export of an agency at a time (held until the transaction ends): two at once
    would both see a record as unsent and send it twice."""
    await db.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
        {"key": f"icare.export:{agency_id}"},
    )


async def add(db: AsyncSession, *rows: Export | LedgerEntry) -> None:
    db.add_all(rows)
    await flush(db)


async def add_entries(db: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Ledger entries as plain rows (one multi-row insert, no ORM objects kept)."""
    if rows:
        await db.execute(insert(LedgerEntry), list(rows))


def _stale(stale_before: dt.datetime) -> Any:
    return and_(Export.status == "running", Export.claimed_at < stale_before)


async def fail_abandoned(
    db: AsyncSession, *, stale_before: dt.datetime, max_attempts: int, now: dt.datetime
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """Runs whose claim went stale `max_attempts` times (a worker died building each
    time): failed, not claimed again. Needs the `platform` scope."""
    abandoned = (
        select(Export.id)
        .where(_stale(stale_before), Export.attempts >= max_attempts)
        .with_for_update(skip_locked=True)
    )
    rows = await db.execute(
        update(Export)
        .where(Export.id.in_(abandoned.scalar_subquery()))
        .values(
            status="failed",
            failure=f"the export was interrupted {max_attempts} times",
            completed_at=now,
        )
        .returning(Export.id, Export.agency_id)
        .execution_options(synchronize_session=False)
    )
    return [(r[0], r[1]) for r in rows]


async def claim_next(
    db: AsyncSession, *, now: dt.datetime, stale_before: dt.datetime
) -> tuple[uuid.UUID, uuid.UUID, int] | None:
    """The oldest queued run (or running one whose claim went stale), moved to `running`:
    (id, agency id, attempt). SKIP LOCKED: two workers never claim the same run, and a
    run a live worker is building (its row locked) is never claimed from under it.
    Needs the `platform` scope; the caller commits the claim before building."""
    pending = (
        select(Export.id)
        .where(or_(Export.status == "queued", _stale(stale_before)))
        .order_by(Export.created_at, Export.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    # `=`, not `IN`: the subquery must run once (an InitPlan). Under `IN` PostgreSQL may
    # run it as a join, re-scanning it per row, and the LIMIT no longer holds.
    row = (
        await db.execute(
            update(Export)
            .where(Export.id == pending.scalar_subquery())
            .values(status="running", claimed_at=now, attempts=Export.attempts + 1)
            .returning(Export.id, Export.agency_id, Export.attempts)
            .execution_options(synchronize_session=False)
        )
    ).first()
    return (row[0], row[1], row[2]) if row is not None else None


async def release(
    db: AsyncSession, agency_id: uuid.UUID, export_id: uuid.UUID, attempt: int
) -> bool:
    """Give a claimed run back to the queue (its worker is stopping), the claim uncounted."""
    result = await db.execute(
        update(Export)
        .where(
            Export.id == export_id,
            Export.agency_id == agency_id,
            Export.status == "running",
            Export.attempts == attempt,
        )
        .values(status="queued", claimed_at=None, attempts=Export.attempts - 1)
        .returning(Export.id)
        .execution_options(synchronize_session=False)
    )
    return result.first() is not None


async def claimed(
    db: AsyncSession, agency_id: uuid.UUID, export_id: uuid.UUID, attempt: int
) -> Export | None:
    """The run if this claim (its attempt) still holds it, locked until the transaction
    ends; None when another worker claimed it since (this one was presumed dead)."""
    query = (
        select(Export)
        .where(
            Export.id == export_id,
            Export.agency_id == agency_id,
            Export.status == "running",
            Export.attempts == attempt,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await db.scalars(query)).one_or_none()


async def export(db: AsyncSession, agency_id: uuid.UUID, export_id: uuid.UUID) -> Export | None:
    found = await db.get(Export, export_id)
    return found if found is not None and found.agency_id == agency_id else None


async def exports(
    db: AsyncSession,
    agency_id: uuid.UUID,
    *,
    agreement_id: uuid.UUID | None,
    period: str | None,
    limit: int,
    offset: int,
) -> Sequence[Export]:
    query = select(Export).where(Export.agency_id == agency_id)
    if agreement_id is not None:
        query = query.where(Export.funding_agreement_id == agreement_id)
    if period is not None:
        query = query.where(Export.period == period)
    query = query.order_by(Export.created_at.desc(), Export.id).limit(limit).offset(offset)
    return (await db.scalars(query)).all()


async def scheduled_export(
    db: AsyncSession, agency_id: uuid.UUID, agreement_id: uuid.UUID, period: str
) -> Export | None:
    """The month's scheduled run (queued, running or completed; a failed one does not
    count: the schedule queues it again)."""
    query = select(Export).where(
        Export.agency_id == agency_id,
        Export.funding_agreement_id == agreement_id,
        Export.period == period,
        Export.trigger == "scheduled",
        Export.status != "failed",
    )
    return (await db.scalars(query)).one_or_none()


async def carried_record_ids(
    db: AsyncSession, agency_id: uuid.UUID, agreement_id: uuid.UUID, period: str
) -> set[uuid.UUID]:
    """Service records of the agreement sent for earlier months: a change to them (an
    amendment, a fix of a rejected one) goes out with a later month's export."""
    rows = await db.scalars(
        select(LedgerEntry.record_id)
        .where(
            LedgerEntry.agency_id == agency_id,
            LedgerEntry.funding_agreement_id == agreement_id,
            LedgerEntry.period < period,
            LedgerEntry.template != mapping.CLIENT_PROFILE,
        )
        .distinct()
    )
    return set(rows)


async def previous(
    db: AsyncSession, agency_id: uuid.UUID, keys: Collection[Key]
) -> dict[Key, Previous]:
    """The latest ledger entry of each record, with iCARE's id of the record (from any
    of its entries: staff may record it on an older one)."""
    record_ids = {record_id for _, record_id in keys}
    if not record_ids:
        return {}
    latest = await db.scalars(
        select(LedgerEntry)
        .where(LedgerEntry.agency_id == agency_id, LedgerEntry.record_id.in_(record_ids))
        .ext(distinct_on(LedgerEntry.template, LedgerEntry.record_id))
        .order_by(LedgerEntry.template, LedgerEntry.record_id, LedgerEntry.created_at.desc())
    )
    known = await db.execute(
        select(LedgerEntry.template, LedgerEntry.record_id, LedgerEntry.icare_record_id)
        .where(
            LedgerEntry.agency_id == agency_id,
            LedgerEntry.record_id.in_(record_ids),
            LedgerEntry.icare_record_id.is_not(None),
        )
        .ext(distinct_on(LedgerEntry.template, LedgerEntry.record_id))
        .order_by(LedgerEntry.template, LedgerEntry.record_id, LedgerEntry.status_at.desc())
    )
    ids = {(t, r): i for t, r, i in known.all()}
    wanted = set(keys)
    return {
        (e.template, e.record_id): Previous(
            e.content_hash,
            e.status,
            e.icare_record_id or ids.get((e.template, e.record_id)),
            e.message,
        )
        for e in latest
        if (e.template, e.record_id) in wanted
    }


async def entries(
    db: AsyncSession,
    agency_id: uuid.UUID,
    *,
    export_id: uuid.UUID | None = None,
    record_id: uuid.UUID | None = None,
    status: str | None = None,
    limit: int = 500,
    offset: int = 0,
) -> Sequence[LedgerEntry]:
    query = select(LedgerEntry).where(LedgerEntry.agency_id == agency_id)
    if export_id is not None:
        query = query.where(LedgerEntry.export_id == export_id)
    if record_id is not None:
        query = query.where(LedgerEntry.record_id == record_id)
    if status is not None:
        query = query.where(LedgerEntry.status == status)
    query = (
        query.order_by(LedgerEntry.created_at, LedgerEntry.file_name, LedgerEntry.row_number)
        .limit(limit)
        .offset(offset)
    )
    return (await db.scalars(query)).all()


async def entry(db: AsyncSession, agency_id: uuid.UUID, entry_id: uuid.UUID) -> LedgerEntry | None:
    found = await db.get(LedgerEntry, entry_id)
    return found if found is not None and found.agency_id == agency_id else None


async def by_icare_id(
    db: AsyncSession,
    agency_id: uuid.UUID,
    template: str,
    icare_id: str,
    export_id: uuid.UUID | None,
) -> LedgerEntry | None:
    query = select(LedgerEntry).where(
        LedgerEntry.agency_id == agency_id,
        LedgerEntry.template == template,
        LedgerEntry.icare_record_id == icare_id,
    )
    if export_id is not None:
        query = query.where(LedgerEntry.export_id == export_id)
    query = query.order_by(LedgerEntry.created_at.desc()).limit(1)
    return (await db.scalars(query)).first()


async def by_cells(
    db: AsyncSession,
    agency_id: uuid.UUID,
    template: str,
    key_cells: dict[str, str],
    export_id: uuid.UUID | None,
) -> Sequence[LedgerEntry]:
    """Entries of the template whose uploaded row had these cells (identifier and date
    of birth, or course code), newest first."""
    query = select(LedgerEntry).where(
        LedgerEntry.agency_id == agency_id, LedgerEntry.template == template
    )
    for field_id, value in key_cells.items():
        query = query.where(LedgerEntry.cells[field_id].astext == value)
    if export_id is not None:
        query = query.where(LedgerEntry.export_id == export_id)
    query = query.order_by(LedgerEntry.created_at.desc()).limit(200)
    return (await db.scalars(query)).all()


async def mark_accepted(
    db: AsyncSession,
    agency_id: uuid.UUID,
    export_id: uuid.UUID,
    template: str,
    rejected: Collection[uuid.UUID],
    file_name: str | None = None,
) -> int:
    """Every row of the export's file(s) of `template` (or of the one file named) iCARE
    did not return: accepted."""
    query = (
        update(LedgerEntry)
        .where(
            LedgerEntry.agency_id == agency_id,
            LedgerEntry.export_id == export_id,
            LedgerEntry.template == template,
            LedgerEntry.status == "sent",
        )
        .values(status="accepted", status_at=func.now())
        .returning(LedgerEntry.id)
    )
    if rejected:
        query = query.where(LedgerEntry.id.not_in(set(rejected)))
    if file_name is not None:
        query = query.where(LedgerEntry.file_name == file_name)
    return len((await db.execute(query)).all())
