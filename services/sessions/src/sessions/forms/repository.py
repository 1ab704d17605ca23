import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.db import flush
from sessions.forms.models import ServiceForm


async def add(db: AsyncSession, form: ServiceForm) -> ServiceForm:
    db.add(form)
    await flush(db)
    return form


async def of_session(
    db: AsyncSession, agency_id: uuid.UUID, session_id: uuid.UUID, form_id: uuid.UUID
) -> ServiceForm | None:
    query = select(ServiceForm).where(
        ServiceForm.agency_id == agency_id,
        ServiceForm.session_id == session_id,
        ServiceForm.id == form_id,
    )
    return (await db.scalars(query)).one_or_none()
