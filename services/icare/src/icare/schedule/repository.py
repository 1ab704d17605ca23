import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from icare.schedule.models import ExportSchedule


async def schedule(db: AsyncSession, agency_id: uuid.UUID) -> ExportSchedule | None:
    return await db.get(ExportSchedule, agency_id)


async def enabled(db: AsyncSession) -> Sequence[ExportSchedule]:
    """Every agency's enabled schedule (the transaction runs under the platform scope)."""
    rows = await db.scalars(
        select(ExportSchedule)
        .where(ExportSchedule.enabled.is_(True))
        .order_by(ExportSchedule.agency_id)
    )
    return rows.all()
