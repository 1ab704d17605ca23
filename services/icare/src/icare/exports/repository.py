"""Queries on exports and the ledger."""

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import func, select, text, update
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
    query = select(Export).where(
        Export.agency_id == agency_id,
        Export.funding_agreement_id == agreement_id,
        Export.period == period,
        Export.trigger == "scheduled",
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
