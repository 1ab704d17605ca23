"""Service forms: added (draft or completed), drafts changed and completed, completed
forms amended (every version kept), the tasks and referrals they ask for.

A form recorded by its own flow (a group attendee's form, the language-training forms:
`sessions.forms.owned`) is refused here, naming the endpoint that records it; one saved
here before that is read as it is, never changed or completed here.

Events: a draft added or changed publishes `sessions.service.drafted.v1` (so referrals
lists it on its author's My work and files accepts attachments on it); completing a
form publishes `sessions.service.recorded.v1` (for consumers: no longer a draft); an
amendment `sessions.service.amended.v1`; each task or referral asked for, once the form is
completed (or an amendment adds it), `sessions.follow_up.requested.v1` with the stored
request's id as `request_id`, so referrals creates it once.
"""

import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.sessions import (
    DraftSaved,
    FollowUpRequested,
    FormAmendment,
    ServiceAmended,
    ServiceFormRecord,
    ServiceRecorded,
    SessionRecord,
)
from forms import AnswersInvalid, validate_answers
from kit.auth import Principal
from kit.clock import utcnow
from kit.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from kit.logs import get_logger
from kit.messaging.outbox import add_event
from sessions.forms import catalog, owned
from sessions.forms import repository as repo
from sessions.forms.models import FollowUpRequest, ServiceForm, ServiceFormVersion
from sessions.forms.readiness import icare_warnings
from sessions.forms.schemas import (
    AmendmentIn,
    FollowUpIn,
    FollowUpOut,
    FormHistory,
    FormVersionOut,
    ServiceFormCreate,
    ServiceFormList,
    ServiceFormOut,
    ServiceFormUpdate,
)
from sessions.questions import service as questions
from sessions.records import models as records
from sessions.records.service import audit, out, visible_session

log = get_logger()


class AnswersRefused(DomainError):
    status_code = 422
    code = "invalid"


def _status(form: ServiceForm) -> Literal["draft", "completed"]:
    return "completed" if form.status == "completed" else "draft"


def _referral_kind(value: str | None) -> Literal["internal", "external"] | None:
    if value is None:
        return None
    return "internal" if value == "internal" else "external"


def _follow_up_out(row: FollowUpRequest) -> FollowUpOut:
    return FollowUpOut(
        id=row.id,
        position=row.position,
        kind="referral" if row.kind == "referral" else "task",
        client_id=row.client_id,
        need=row.need,
        note=row.note,
        due_date=row.due_date,
        referral_kind=_referral_kind(row.referral_kind),
        to_program_id=row.to_program_id,
        partner_id=row.partner_id,
        partner_name=row.partner_name,
        assignee_id=row.assignee_id,
        requested_by=row.requested_by,
        requested_at=row.requested_at,
    )


def form_out(form: ServiceForm, follow_ups: Sequence[FollowUpRequest] = ()) -> ServiceFormOut:
    return ServiceFormOut(
        id=form.id,
        session_id=form.session_id,
        form_key=form.form_key,
        definition_version=form.definition_version,
        status=_status(form),
        answers=form.answers,
        agency_set_version=form.agency_set_version,
        agency_answers=form.agency_answers or {},
        author_id=form.author_id,
        private=form.private,
        version=form.version,
        follow_ups=[_follow_up_out(f) for f in follow_ups],
        icare_warnings=icare_warnings(
            form.form_key, form.definition_version, form.answers, today=utcnow().date()
        ),
        created_at=form.created_at,
        updated_at=form.updated_at,
        updated_by=form.updated_by,
        completed_at=form.completed_at,
    )


def _session_record(session: records.SessionRecord) -> SessionRecord:
    return SessionRecord.model_validate(out(session).model_dump())


def _form_record(form: ServiceForm) -> ServiceFormRecord:
    return ServiceFormRecord.model_validate(form_out(form).model_dump())


def _recorded(session: records.SessionRecord, form: ServiceForm) -> ServiceRecorded:
    return ServiceRecorded(
        agency_id=session.agency_id, session=_session_record(session), form=_form_record(form)
    )


def _drafted(session: records.SessionRecord, form: ServiceForm) -> DraftSaved:
    return DraftSaved(
        agency_id=session.agency_id, session=_session_record(session), form=_form_record(form)
    )


# --- validation ------------------------------------------------------------------------------


async def _validate(
    db: AsyncSession,
    agency_id: uuid.UUID,
    form: ServiceForm | None,
    form_key: str,
    answers: Mapping[str, Any],
    agency_answers: Mapping[str, Any],
    *,
    partial: bool,
) -> tuple[int, dict[str, Any], int | None, dict[str, Any]]:
    """The form's answers and the agency's, checked together: every problem of both in
    one 422 (`answers.<key>`, `agency_answers.<key>`)."""
    definition = catalog.definition(form_key)
    errors: list[dict[str, str]] = []
    values: dict[str, Any] = {}
    agency_version: int | None = None
    agency_values: dict[str, Any] = {}
    try:
        values = validate_answers(
            definition, answers, partial=partial, previous=form.answers if form else None
        ).to_json()
    except AnswersInvalid as exc:
        errors += exc.errors
    try:
        agency_version, agency_values = await questions.validate(
            db,
            agency_id,
            form_key,
            agency_answers,
            partial=partial,
            previous=(form.agency_answers or {}) if form else None,
        )
    except AnswersInvalid as exc:
        errors += exc.errors
    if errors:
        raise AnswersRefused("the answers do not fit the form", fields=errors)
    return definition.version, values, agency_version, agency_values


def _merged(before: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    return {**before, **patch}


def _follow_up_rows(
    actor: Principal,
    session: records.SessionRecord,
    form_id: uuid.UUID,
    items: Sequence[FollowUpIn],
    *,
    first_position: int,
    index_offset: int = 0,
) -> list[FollowUpRequest]:
    """Rows for the requests, or one 422 naming every field at fault
    (`follow_ups.<n>.<field>`)."""
    problems: list[dict[str, str]] = []

    def refuse(n: int, name: str, message: str) -> None:
        problems.append(
            {"field": f"follow_ups.{n + index_offset}.{name}", "message": message,
             "type": "invalid"}
        )  # fmt: skip

    rows: list[FollowUpRequest] = []
    clients = list(session.client_ids)
    now = utcnow()
    for n, item in enumerate(items):
        client_id = item.client_id
        if client_id is None:
            if len(clients) == 1:
                client_id = clients[0]
            else:
                refuse(n, "client_id", "name which of the session's clients it is for")
        elif client_id not in clients:
            refuse(n, "client_id", "not a client of this session")
        referral_fields = ("referral_kind", "to_program_id", "partner_id", "partner_name")
        if item.kind == "task":
            for name in referral_fields:
                if getattr(item, name) is not None:
                    refuse(n, name, "a task takes no referral details")
        elif item.referral_kind is None:
            refuse(n, "referral_kind", "a referral is internal or external")
        elif item.referral_kind == "internal":
            if item.to_program_id is None:
                refuse(n, "to_program_id", "an internal referral names the program")
            for name in ("partner_id", "partner_name"):
                if getattr(item, name) is not None:
                    refuse(n, name, "an internal referral goes to a program, not a partner")
        else:
            if item.partner_id is None and item.partner_name is None:
                refuse(n, "partner_name", "an external referral names the partner")
            if item.to_program_id is not None:
                refuse(n, "to_program_id", "an external referral goes to a partner")
        if item.due_date is not None and item.due_date < session.date:
            refuse(n, "due_date", "cannot be before the session")
        if client_id is None:
            continue
        rows.append(
            FollowUpRequest(
                id=uuid.uuid4(),
                agency_id=session.agency_id,
                form_id=form_id,
                position=first_position + n,
                kind=item.kind,
                client_id=client_id,
                need=item.need,
                note=item.note,
                due_date=item.due_date,
                referral_kind=item.referral_kind if item.kind == "referral" else None,
                to_program_id=item.to_program_id,
                partner_id=item.partner_id,
                partner_name=item.partner_name,
                assignee_id=item.assignee_id,
                requested_by=actor.user_id,
                created_at=now,
                requested_at=None,
            )
        )
    if problems:
        raise AnswersRefused("the follow-ups are not complete", fields=problems)
    return rows


async def _request_follow_ups(
    db: AsyncSession,
    session: records.SessionRecord,
    form: ServiceForm,
    rows: Sequence[FollowUpRequest],
) -> None:
    """Send the not-yet-sent requests to referrals (through the outbox)."""
    now = utcnow()
    for row in rows:
        if row.requested_at is not None:
            continue
        row.requested_at = now
        await add_event(
            db,
            FollowUpRequested(
                agency_id=session.agency_id,
                request_id=row.id,
                kind="referral" if row.kind == "referral" else "task",
                session_id=session.id,
                form_id=form.id,
                form_key=form.form_key,
                client_id=row.client_id,
                program_id=session.program_id,
                requested_by=row.requested_by,
                assignee_id=row.assignee_id,
                need=row.need,
                note=row.note,
                due_date=row.due_date,
                referral_kind=_referral_kind(row.referral_kind),
                to_program_id=row.to_program_id,
                partner_id=row.partner_id,
                partner_name=row.partner_name,
                private=form.private,
            ),
        )
        log.info("follow_up.requested", form_id=str(form.id), request_id=str(row.id), kind=row.kind)
    await repo.flush_changes(db)


async def _keep_version(
    db: AsyncSession, actor: Principal, form: ServiceForm, *, reason: str | None
) -> None:
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
    await _keep_version(db, actor, form, reason=None)
    await add_event(db, _recorded(session, form))
    await _request_follow_ups(db, session, form, follow_ups)


# --- use cases --------------------------------------------------------------------------------

RECORDED_ELSEWHERE = "form_recorded_elsewhere"


def _recorded_elsewhere(form_key: str) -> str | None:
    """Why `form_key` is not a session's form (it has its own flow), or None."""
    flow = owned.flow(form_key)
    if flow is None:
        return None
    return f"{form_key} is recorded with {flow.what} ({flow.endpoint}), not as a session's form"


def _refuse_recorded_elsewhere(form: ServiceForm) -> None:
    """A form of an owned key saved here before that was refused stays as it is: read,
    never changed or completed here (it would publish a form no consumer understands)."""
    if (elsewhere := _recorded_elsewhere(form.form_key)) is not None:
        raise Conflict(
            elsewhere,
            code=RECORDED_ELSEWHERE,
            fields=[{"field": "form_key", "message": elsewhere}],
        )


async def add_form(
    db: AsyncSession, actor: Principal, session_id: uuid.UUID, data: ServiceFormCreate
) -> ServiceFormOut:
    session = await visible_session(db, actor, session_id)
    if (elsewhere := _recorded_elsewhere(data.form_key)) is not None:
        raise Invalid("form_key", elsewhere, code=RECORDED_ELSEWHERE)
    allowed = [k for k in catalog.forms_for(session.type) if owned.flow(k) is None]
    if data.form_key not in allowed:
        raise Invalid(
            "form_key",
            f"not a form of a {session.type} session; allowed: {', '.join(allowed)}"
            if allowed
            else f"a {session.type} session holds no form of its own",
        )
    definition_version, values, agency_version, agency_values = await _validate(
        db, actor.agency_id, None, data.form_key, data.answers, data.agency_answers,
        partial=data.draft,
    )  # fmt: skip
    if session.private and data.private is False:
        raise Invalid("private", "a form of a private session is private")
    now = utcnow()
    form_id = uuid.uuid4()
    follow_ups = _follow_up_rows(actor, session, form_id, data.follow_ups, first_position=0)
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
        await add_event(db, _drafted(session, form))
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


async def _changeable(
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


async def update_draft(
    db: AsyncSession,
    actor: Principal,
    session_id: uuid.UUID,
    form_id: uuid.UUID,
    data: ServiceFormUpdate,
) -> ServiceFormOut:
    """Change a draft, and complete it with `draft: false`."""
    session, form = await _changeable(db, actor, session_id, form_id)
    _refuse_recorded_elsewhere(form)
    if form.status == "completed":
        raise Conflict(
            "a completed form is changed by an amendment (POST .../amendments, with a reason)",
            code="form_completed",
        )
    completing = data.draft is False
    definition_version, values, agency_version, agency_values = await _validate(
        db,
        actor.agency_id,
        form,
        form.form_key,
        _merged(form.answers, data.answers),
        _merged(form.agency_answers or {}, data.agency_answers),
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
        rows = _follow_up_rows(actor, session, form.id, data.follow_ups, first_position=0)
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
        await add_event(db, _drafted(session, form))
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


def _changed(prefix: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    return sorted(
        f"{prefix}.{k}" for k in before.keys() | after.keys() if before.get(k) != after.get(k)
    )


async def amend(
    db: AsyncSession,
    actor: Principal,
    session_id: uuid.UUID,
    form_id: uuid.UUID,
    data: AmendmentIn,
) -> ServiceFormOut:
    """A new version of a completed form; the previous one is kept with who, when, why."""
    session, form = await _changeable(db, actor, session_id, form_id)
    _refuse_recorded_elsewhere(form)
    if form.status != "completed":
        raise Conflict(
            "a draft is changed directly (PATCH), not amended", code="form_not_completed"
        )
    definition_version, values, agency_version, agency_values = await _validate(
        db,
        actor.agency_id,
        form,
        form.form_key,
        _merged(form.answers, data.answers),
        _merged(form.agency_answers or {}, data.agency_answers),
        partial=False,
    )
    changed = _changed("answers", form.answers, values) + _changed(
        "agency_answers", form.agency_answers or {}, agency_values
    )
    existing = (await repo.follow_ups(db, actor.agency_id, [form.id]))[form.id]
    new_rows = _follow_up_rows(
        actor, session, form.id, data.follow_ups,
        first_position=max((r.position for r in existing), default=-1) + 1,
    )  # fmt: skip
    if not changed and not new_rows and definition_version == form.definition_version:
        raise Invalid("answers", "the amendment changes nothing")
    now = utcnow()
    form.definition_version = definition_version
    form.answers = values
    form.agency_set_version = agency_version
    form.agency_answers = agency_values
    form.version += 1
    form.updated_at = now
    form.updated_by = actor.user_id
    await repo.flush_changes(db)
    await _keep_version(db, actor, form, reason=data.reason)
    if new_rows:
        await repo.add_follow_ups(db, new_rows)
    await add_event(
        db,
        ServiceAmended(
            agency_id=session.agency_id,
            session=_session_record(session),
            form=_form_record(form),
            amendment=FormAmendment(
                version=form.version,
                reason=data.reason,
                amended_by=actor.user_id,
                amended_at=now,
                changed_fields=changed,
            ),
        ),
    )
    await _request_follow_ups(db, session, form, new_rows)
    await audit(
        db, actor, "service_form.amended", session.id,
        form_id=str(form.id), version=form.version, changed_fields=changed,
    )  # fmt: skip
    log.info(
        "service_form.amended", session_id=str(session.id), form_id=str(form.id),
        version=form.version,
    )  # fmt: skip
    return form_out(form, [*existing, *new_rows])


async def _readable(
    db: AsyncSession, actor: Principal, session_id: uuid.UUID, form_id: uuid.UUID
) -> tuple[records.SessionRecord, ServiceForm]:
    session = await visible_session(db, actor, session_id)
    form = await repo.of_session(
        db, actor.agency_id, session.id, form_id, user_id=actor.user_id, manages=actor.manages
    )
    if form is None:
        raise NotFound("no such service form")
    return session, form


async def get_form(
    db: AsyncSession, actor: Principal, session_id: uuid.UUID, form_id: uuid.UUID
) -> ServiceFormOut:
    session, form = await _readable(db, actor, session_id, form_id)
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


async def history(
    db: AsyncSession, actor: Principal, session_id: uuid.UUID, form_id: uuid.UUID
) -> FormHistory:
    session, form = await _readable(db, actor, session_id, form_id)
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
