import uuid
from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from clients.plans.models import PlanEntry, SettlementPlan
from kit.db import flush


async def add(db: AsyncSession, plan: SettlementPlan) -> SettlementPlan:
    db.add(plan)
    await flush(db)
    return plan


async def save(db: AsyncSession) -> None:
    await flush(db)


async def add_entry(db: AsyncSession, entry: PlanEntry) -> PlanEntry:
    db.add(entry)
    await flush(db)
    return entry


async def get(
    db: AsyncSession, agency_id: uuid.UUID, client_id: uuid.UUID, plan_id: uuid.UUID
) -> SettlementPlan | None:
    result = await db.scalars(
        select(SettlementPlan)
        .where(
            SettlementPlan.agency_id == agency_id,
            SettlementPlan.client_id == client_id,
            SettlementPlan.id == plan_id,
        )
        .with_for_update()
    )
    return result.first()


async def for_client(
    db: AsyncSession, agency_id: uuid.UUID, client_id: uuid.UUID
) -> list[SettlementPlan]:
    result = await db.scalars(
        select(SettlementPlan)
        .where(SettlementPlan.agency_id == agency_id, SettlementPlan.client_id == client_id)
        .order_by(SettlementPlan.created_at.desc(), SettlementPlan.id)
    )
    return list(result)


async def entries_of(
    db: AsyncSession, agency_id: uuid.UUID, plan_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[PlanEntry]]:
    found: dict[uuid.UUID, list[PlanEntry]] = defaultdict(list)
    if not plan_ids:
        return found
    rows = await db.scalars(
        select(PlanEntry)
        .where(PlanEntry.agency_id == agency_id, PlanEntry.plan_id.in_(set(plan_ids)))
        .order_by(PlanEntry.at, PlanEntry.id)
    )
    for row in rows:
        found[row.plan_id].append(row)
    return found
