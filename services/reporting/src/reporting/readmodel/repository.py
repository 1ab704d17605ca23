"""Writes of the read model: upserts that keep the newest state of each record.

`upsert_newer` is the one rule: insert, or overwrite the row only when the incoming
state is not older than the one held (compared on the model's ordering columns:
`version` then `source_at`, or `source_at` alone). It answers whether it wrote, so a
record's child rows (the clients of a service, the marks of a class) are replaced only
together with the record they belong to.
"""

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, literal_column, or_, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from kit.db import Base
from reporting.readmodel.models import RptAttachment, RptClient, RptContact

# A merge chain longer than this is a loop, not history.
MAX_MERGE_HOPS = 10


async def upsert_newer(
    db: AsyncSession,
    model: type[Base],
    values: dict[str, Any],
    *,
    keys: Sequence[str] = ("id",),
    order: Sequence[str] = ("source_at",),
    keep: Iterable[str] = (),
) -> bool:
    """Insert `values`, or update the row with the same `keys` unless it holds a newer
    state (by `order`). Columns in `keep` are written on insert only. True when written."""
    table = _table(model)
    statement = insert(table).values(**values)
    kept = set(keep) | set(keys)
    held = tuple_(*(table.c[c] for c in order))
    incoming = tuple_(*(statement.excluded[c] for c in order))
    upsert: Any = statement.on_conflict_do_update(
        index_elements=[table.c[k] for k in keys],
        set_={c: statement.excluded[c] for c in values if c not in kept},
        where=held <= incoming,
    ).returning(literal_column("1"))
    return (await db.execute(upsert)).first() is not None


def _table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


async def replace_contacts(
    db: AsyncSession,
    *,
    source: str,
    source_id: uuid.UUID,
    client_ids: Iterable[uuid.UUID],
    common: dict[str, Any],
) -> None:
    """The clients of one service form or group activity, as its newest state says."""
    await db.execute(
        delete(RptContact).where(RptContact.source == source, RptContact.source_id == source_id)
    )
    rows = [
        {"source": source, "source_id": source_id, "client_id": client_id, **common}
        for client_id in dict.fromkeys(client_ids)
    ]
    if rows:
        await db.execute(insert(RptContact).values(rows))


async def replace_rows(
    db: AsyncSession, model: type[Base], where: dict[str, Any], rows: list[dict[str, Any]]
) -> None:
    """Delete the rows matching `where` (column = value) and insert `rows`."""
    table = _table(model)
    await db.execute(delete(table).where(*(table.c[k] == v for k, v in where.items())))
    if rows:
        await db.execute(insert(table).values(rows))


# --- clients and merges ---------------------------------------------------------------


async def upsert_client(db: AsyncSession, values: dict[str, Any]) -> bool:
    """A profile's state; its merge columns are the merge events' business."""
    return await upsert_newer(
        db,
        RptClient,
        {**values, "merged_into": None, "merge_id": None, "survivor_id": values["id"]},
        order=("version", "source_at"),
        keep=("merged_into", "merge_id", "survivor_id"),
    )


async def mark_merged(
    db: AsyncSession,
    *,
    agency_id: uuid.UUID,
    absorbed_id: uuid.UUID,
    survivor_id: uuid.UUID,
    merge_id: uuid.UUID,
    kind: str,
    at: datetime,
) -> None:
    """`absorbed_id` now points at `survivor_id` (a placeholder row when its profile was
    not seen yet: its state arrives later and fills it in)."""
    statement = insert(RptClient).values(
        id=absorbed_id, agency_id=agency_id, kind=kind, restricted=False, other_languages=[],
        target_groups=[], program_ids=[], version=0, source_at=at, merged_into=survivor_id,
        merge_id=merge_id, survivor_id=survivor_id,
    )  # fmt: skip
    statement = statement.on_conflict_do_update(
        index_elements=[RptClient.id], set_={"merged_into": survivor_id, "merge_id": merge_id}
    )
    await db.execute(statement)


async def clear_merge(db: AsyncSession, client_id: uuid.UUID, merge_id: uuid.UUID) -> None:
    await db.execute(
        update(RptClient)
        .where(RptClient.id == client_id, RptClient.merge_id == merge_id)
        .values(merged_into=None, merge_id=None)
    )


_RESOLVE_SURVIVORS = text(
    """
    WITH RECURSIVE chain(id, cur, depth) AS (
        SELECT id, id, 0 FROM rpt_clients
         WHERE agency_id = :agency_id AND (merged_into IS NOT NULL OR survivor_id <> id)
        UNION ALL
        SELECT chain.id, c.merged_into, chain.depth + 1
          FROM chain JOIN rpt_clients c ON c.id = chain.cur
         WHERE c.merged_into IS NOT NULL AND chain.depth < :max_hops
    ), ends AS (
        SELECT DISTINCT ON (id) id, cur FROM chain ORDER BY id, depth DESC
    )
    UPDATE rpt_clients SET survivor_id = ends.cur
      FROM ends WHERE rpt_clients.id = ends.id AND rpt_clients.survivor_id <> ends.cur
    """
)


async def resolve_survivors(db: AsyncSession, agency_id: uuid.UUID) -> None:
    """Point every merged profile of the agency at the end of its merge chain (and an
    unmerged one back at itself). Merges are rare: the rows touched are few."""
    await db.execute(_RESOLVE_SURVIVORS, {"agency_id": agency_id, "max_hops": MAX_MERGE_HOPS})


# --- attachments ----------------------------------------------------------------------


async def upsert_attachment(db: AsyncSession, values: dict[str, Any]) -> None:
    """Newest metadata wins; once removed, an attachment stays removed (a late `added`
    cannot bring it back)."""
    table = _table(RptAttachment)
    statement = insert(table).values(**values)
    set_: dict[str, Any] = {c: statement.excluded[c] for c in values if c not in {"id", "removed"}}
    set_["removed"] = or_(table.c.removed, statement.excluded.removed)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.id],
        set_=set_,
        where=or_(table.c.source_at <= statement.excluded.source_at, statement.excluded.removed),
    )
    await db.execute(statement)
