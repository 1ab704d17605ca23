"""Which forms the actor may read or change, and the forms recorded by their own
flow (never changed or completed here)."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from kit.auth import Principal
from kit.errors import Conflict, Forbidden, NotFound
from sessions.forms import owned
from sessions.forms import repository as repo
from sessions.forms.models import ServiceForm
from sessions.records import models as records
from sessions.records.service import visible_session

RECORDED_ELSEWHERE = "form_recorded_elsewhere"


def recorded_elsewhere(form_key: str) -> str | None:
    """Why `form_key` is not a session's form (it has its own flow), or None."""
    flow = owned.flow(form_key)
    if flow is None:
        return None
    return f"{form_key} is recorded with {flow.what} ({flow.endpoint}), not as a session's form"


def refuse_recorded_elsewhere(form: ServiceForm) -> None:
    """A form of an owned key saved here before that was refused stays as it is: read,
    never changed or completed here (it would publish a form no consumer understands)."""
    if (elsewhere := recorded_elsewhere(form.form_key)) is not None:
        raise Conflict(
            elsewhere,
            code=RECORDED_ELSEWHERE,
            fields=[{"field": "form_key", "message": elsewhere}],
        )


async def changeable(
    db: AsyncSession, actor: Principal, session_id: uuid.UUID, form_id: uuid.UUID
) -> tuple[records.SessionRecord, ServiceForm]:
    """The session and the form (locked), if the actor may change it: its author, or
    staff of the session's program who can read it."""
    session = await visible_session(db, actor, session_id)
    form = await repo.of_session(
        db, actor.agency_id, session.id, form_id,
        user_id=actor.user_id, manages=actor.manages, for_update=True,
    )  # fmt: skip
    if form is None:
        raise NotFound("no such service form")
    if form.author_id != actor.user_id and session.program_id not in actor.programs:
        raise Forbidden("only its author or staff of the session's program change a form")
    return session, form


async def readable(
    db: AsyncSession, actor: Principal, session_id: uuid.UUID, form_id: uuid.UUID
) -> tuple[records.SessionRecord, ServiceForm]:
    """The session and the form, if the actor may read it (a private form: its author
    and the author's manager)."""
    session = await visible_session(db, actor, session_id)
    form = await repo.of_session(
        db, actor.agency_id, session.id, form_id, user_id=actor.user_id, manages=actor.manages
    )
    if form is None:
        raise NotFound("no such service form")
    return session, form
