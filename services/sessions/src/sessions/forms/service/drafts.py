"""Forms added (draft or completed), drafts changed, and completed."""

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from kit.auth import Principal
from kit.clock import utcnow
from kit.errors import Conflict, Forbidden, Invalid
from kit.logs import get_logger
from kit.messaging.outbox import add_event
from sessions.forms import catalog, owned
from sessions.forms import repository as repo
from sessions.forms.models import FollowUpRequest, ServiceForm
from sessions.forms.schemas import ServiceFormCreate, ServiceFormOut, ServiceFormUpdate
from sessions.forms.service.access import (
    RECORDED_ELSEWHERE,
    changeable,
    recorded_elsewhere,
    refuse_recorded_elsewhere,
)
from sessions.forms.service.events import draft_saved, service_recorded
from sessions.forms.service.follow_ups import follow_up_rows, request_follow_ups
from sessions.forms.service.outputs import form_out
from sessions.forms.service.validation import checked_answers, merged
from sessions.forms.service.versions import keep_version
from sessions.records import models as records
from sessions.records.service import audit, visible_session

log = get_logger()


async def _complete(
    db: AsyncSession,
    actor: Principal,
    session: records.SessionRecord,
    form: ServiceForm,
    follow_ups: Sequence[FollowUpRequest],
) -> None:
    form.status = "completed"
    form.completed_at = form.updated_at
    form.version = 1
    await repo.flush_changes(db)
    await keep_version(db, actor, form, reason=None)
    await add_event(db, service_recorded(session, form))
    await request_follow_ups(db, session, form, follow_ups)


async def add_form(
    db: AsyncSession, actor: Principal, session_id: uuid.UUID, data: ServiceFormCreate
) -> ServiceFormOut:
    session = await visible_session(db, actor, session_id)
    if (elsewhere := recorded_elsewhere(data.form_key)) is not None:
        raise Invalid("form_key", elsewhere, code=RECORDED_ELSEWHERE)
    allowed = [k for k in catalog.forms_for(session.type) if owned.flow(k) is None]
    if data.form_key not in allowed:
        raise Invalid(
            "form_key",
            f"not a form of a {session.type} session; allowed: {', '.join(allowed)}"
            if allowed
            else f"a {session.type} session holds no form of its own",
        )
    definition_version, values, agency_version, agency_values = await checked_answers(
        db, actor.agency_id, None, data.form_key, data.answers, data.agency_answers,
        partial=data.draft,
    )  # fmt: skip
    if session.private and data.private is False:
        raise Invalid("private", "a form of a private session is private")
    now = utcnow()
    form_id = uuid.uuid4()
    follow_ups = follow_up_rows(actor, session, form_id, data.follow_ups, first_position=0)
    form = await repo.add(
        db,
        ServiceForm(
            id=form_id,
            agency_id=actor.agency_id,
            session_id=session.id,
            form_key=data.form_key,
            definition_version=definition_version,
            answers=values,
            agency_set_version=agency_version,
            agency_answers=agency_values,
            status="draft",
            author_id=actor.user_id,
            private=session.private or bool(data.private),
            version=0,
            created_at=now,
            updated_at=now,
            updated_by=actor.user_id,
            completed_at=None,
        ),
    )
    if follow_ups:
        await repo.add_follow_ups(db, follow_ups)
    if data.draft:
        await add_event(db, draft_saved(session, form))
    else:
        await _complete(db, actor, session, form, follow_ups)
    await audit(
        db, actor, "service_form.added", session.id, form_id=str(form.id), form_key=form.form_key
    )
    log.info(
        "service_form.added",
        session_id=str(session.id),
        form_id=str(form.id),
        form_key=form.form_key,
        status=form.status,
    )
    return form_out(form, follow_ups)


async def update_draft(
    db: AsyncSession,
    actor: Principal,
    session_id: uuid.UUID,
    form_id: uuid.UUID,
    data: ServiceFormUpdate,
) -> ServiceFormOut:
    """Change a draft, and complete it with `draft: false`."""
    session, form = await changeable(db, actor, session_id, form_id)
    refuse_recorded_elsewhere(form)
    if form.status == "completed":
        raise Conflict(
            "a completed form is changed by an amendment (POST .../amendments, with a reason)",
            code="form_completed",
        )
    completing = data.draft is False
    definition_version, values, agency_version, agency_values = await checked_answers(
        db,
        actor.agency_id,
        form,
        form.form_key,
        merged(form.answers, data.answers),
        merged(form.agency_answers or {}, data.agency_answers),
        partial=not completing,
    )
    if data.private is not None:
        if session.private and not data.private:
            raise Invalid("private", "a form of a private session is private")
        if form.author_id != actor.user_id and data.private != form.private:
            raise Forbidden("only the author marks a form private or shared")
        form.private = data.private
    follow_ups = (await repo.follow_ups(db, actor.agency_id, [form.id]))[form.id]
    if data.follow_ups is not None:
        rows = follow_up_rows(actor, session, form.id, data.follow_ups, first_position=0)
        await repo.delete_follow_ups(db, follow_ups)
        await repo.add_follow_ups(db, rows)
        follow_ups = rows
    form.definition_version = definition_version
    form.answers = values
    form.agency_set_version = agency_version
    form.agency_answers = agency_values
    form.updated_at = utcnow()
    form.updated_by = actor.user_id
    await repo.flush_changes(db)
    if completing:
        await _complete(db, actor, session, form, follow_ups)
    else:
        await add_event(db, draft_saved(session, form))
    await audit(
        db, actor, "service_form.completed" if completing else "service_form.draft_saved",
        session.id, form_id=str(form.id), form_key=form.form_key,
    )  # fmt: skip
    log.info(
        "service_form.completed" if completing else "service_form.draft_saved",
        session_id=str(session.id),
        form_id=str(form.id),
        form_key=form.form_key,
    )
    return form_out(form, follow_ups)
