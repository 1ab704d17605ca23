"""A form read, and a session's forms listed (private ones of others left out)."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from kit.auth import Principal
from sessions.forms import repository as repo
from sessions.forms.schemas import ServiceFormList, ServiceFormOut
from sessions.forms.service.access import readable
from sessions.forms.service.outputs import form_out
from sessions.records.service import audit, visible_session


async def get_form(
    db: AsyncSession, actor: Principal, session_id: uuid.UUID, form_id: uuid.UUID
) -> ServiceFormOut:
    session, form = await readable(db, actor, session_id, form_id)
    follow_ups = (await repo.follow_ups(db, actor.agency_id, [form.id]))[form.id]
    await audit(db, actor, "service_form.viewed", session.id, form_id=str(form.id))
    return form_out(form, follow_ups)


async def list_forms(db: AsyncSession, actor: Principal, session_id: uuid.UUID) -> ServiceFormList:
    session = await visible_session(db, actor, session_id)
    forms = await repo.all_of_session(
        db, actor.agency_id, session.id, user_id=actor.user_id, manages=actor.manages
    )
    follow_ups = await repo.follow_ups(db, actor.agency_id, [f.id for f in forms])
    await audit(db, actor, "service_form.listed", session.id, count=len(forms))
    return ServiceFormList(items=[form_out(f, follow_ups[f.id]) for f in forms])
