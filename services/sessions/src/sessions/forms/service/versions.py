"""Every version of a completed form: kept as it is completed or amended, and read
back oldest first."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from kit.auth import Principal
from sessions.forms import repository as repo
from sessions.forms.models import ServiceForm, ServiceFormVersion
from sessions.forms.schemas import FormHistory, FormVersionOut
from sessions.forms.service.access import readable
from sessions.records.service import audit


async def keep_version(
    db: AsyncSession, actor: Principal, form: ServiceForm, *, reason: str | None
) -> None:
    """Keep the form as it is now: completed (`reason` None) or amended (why)."""
    await repo.add_version(
        db,
        ServiceFormVersion(
            id=uuid.uuid4(),
            agency_id=form.agency_id,
            form_id=form.id,
            version=form.version,
            definition_version=form.definition_version,
            answers=form.answers,
            agency_set_version=form.agency_set_version,
            agency_answers=form.agency_answers or {},
            change="completed" if reason is None else "amended",
            reason=reason,
            changed_by=actor.user_id,
            changed_at=form.updated_at,
        ),
    )


async def history(
    db: AsyncSession, actor: Principal, session_id: uuid.UUID, form_id: uuid.UUID
) -> FormHistory:
    session, form = await readable(db, actor, session_id, form_id)
    rows = await repo.versions(db, actor.agency_id, form.id)
    await audit(db, actor, "service_form.history_viewed", session.id, form_id=str(form.id))
    return FormHistory(
        form_id=form.id,
        items=[
            FormVersionOut(
                version=r.version,
                change="amended" if r.change == "amended" else "completed",
                reason=r.reason,
                changed_by=r.changed_by,
                changed_at=r.changed_at,
                definition_version=r.definition_version,
                answers=r.answers,
                agency_set_version=r.agency_set_version,
                agency_answers=r.agency_answers,
            )
            for r in rows
        ],
    )
