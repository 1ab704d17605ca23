import uuid
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.sessions import ServiceFormRecord, ServiceRecorded, SessionRecord
from forms import AnswersInvalid, validate_answers
from kit.auth import Principal
from kit.clock import utcnow
from kit.errors import DomainError, Invalid, NotFound
from kit.logs import get_logger
from kit.messaging.outbox import add_event
from sessions.forms import catalog
from sessions.forms import repository as repo
from sessions.forms.models import ServiceForm
from sessions.forms.schemas import ServiceFormCreate, ServiceFormOut
from sessions.records import models as records
from sessions.records.service import audit, out, visible_session

log = get_logger()


class AnswersRefused(DomainError):
    status_code = 422
    code = "invalid"


def _status(form: ServiceForm) -> Literal["draft", "completed"]:
    return "completed" if form.status == "completed" else "draft"


def form_out(form: ServiceForm) -> ServiceFormOut:
    return ServiceFormOut(
        id=form.id,
        session_id=form.session_id,
        form_key=form.form_key,
        definition_version=form.definition_version,
        status=_status(form),
        answers=form.answers,
        author_id=form.author_id,
        private=form.private,
        created_at=form.created_at,
        updated_at=form.updated_at,
        completed_at=form.completed_at,
    )


def _recorded(session: records.SessionRecord, form: ServiceForm) -> ServiceRecorded:
    return ServiceRecorded(
        agency_id=session.agency_id,
        session=SessionRecord.model_validate(out(session).model_dump()),
        form=ServiceFormRecord.model_validate(form_out(form).model_dump()),
    )


async def add_form(
    db: AsyncSession, actor: Principal, session_id: uuid.UUID, data: ServiceFormCreate
) -> ServiceFormOut:
    session = await visible_session(db, actor, session_id)
    allowed = catalog.forms_for(session.type)
    if data.form_key not in allowed:
        raise Invalid(
            "form_key",
            f"not a form of a {session.type} session; allowed: {', '.join(allowed)}",
        )
    definition = catalog.definition(data.form_key)
    try:
        validated = validate_answers(definition, data.answers, partial=data.draft)
    except AnswersInvalid as exc:
        raise AnswersRefused("the answers do not fit the form", fields=exc.errors) from exc
    now = utcnow()
    completed = not data.draft
    form = await repo.add(
        db,
        ServiceForm(
            id=uuid.uuid4(),
            agency_id=actor.agency_id,
            session_id=session.id,
            form_key=data.form_key,
            definition_version=definition.version,
            answers=validated.to_json(),
            status="completed" if completed else "draft",
            author_id=actor.user_id,
            private=session.private,
            created_at=now,
            updated_at=now,
            completed_at=now if completed else None,
        ),
    )
    await audit(
        db, actor, "service_form.added", session.id, form_id=str(form.id), form_key=form.form_key
    )
    if completed:
        await add_event(db, _recorded(session, form))
    log.info(
        "service_form.added",
        session_id=str(session.id),
        form_id=str(form.id),
        form_key=form.form_key,
        status=form.status,
    )
    return form_out(form)


async def get_form(
    db: AsyncSession, actor: Principal, session_id: uuid.UUID, form_id: uuid.UUID
) -> ServiceFormOut:
    session = await visible_session(db, actor, session_id)
    form = await repo.of_session(db, actor.agency_id, session.id, form_id)
    if form is None:
        raise NotFound("no such service form")
    await audit(db, actor, "service_form.viewed", session.id, form_id=str(form.id))
    return form_out(form)
