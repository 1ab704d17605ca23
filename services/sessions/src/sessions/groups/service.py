"""Group activities: named attendees (each with their own attendee form) and a count
of anonymous attendees, on a session of one of the three group types.

Who may change a group is who may see its session (the session's rules: author,
program colleagues, a private one only its author and the author's manager); anyone
else is told it does not exist. Every change publishes the whole attendance
(`sessions.group_attendance.updated.v1`).
"""

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.sessions import (
    AttendeeFormRecord,
    GroupAttendanceUpdated,
    GroupAttendeeRecord,
    SessionRecord,
)
from kit.auth import Principal
from kit.clock import utcnow
from kit.errors import Conflict, DomainError, Invalid, NotFound
from kit.logs import get_logger
from kit.messaging.outbox import add_event
from sessions.clients_copy.service import require_clients
from sessions.forms import catalog, owned
from sessions.groups import repository as repo
from sessions.groups.answers import check_amendment, validate_form, versions_out, with_version
from sessions.groups.models import GroupActivity, GroupAttendee
from sessions.groups.schemas import (
    MAX_NAMED,
    AnonymousCount,
    AttendeeFormOut,
    AttendeeFormSave,
    AttendeeOut,
    AttendeesAdd,
    GroupAttendanceOut,
)
from sessions.records import models as records
from sessions.records.service import audit, visible_session
from sessions.records.service import out as session_out

log = get_logger()

# Group session type -> (the group's own form, each named attendee's form); both are
# forms the catalog allows for the type. The group's form is the session's (POST
# .../forms); the attendee's is recorded here only (`sessions.forms.owned`).
_GROUP_OWN_FORMS = {
    "cc_group_activity": "cc_group",
    "io_group_activity": "io_group",
    "employment_group_activity": "employment_group",
}
GROUP_FORMS: dict[str, tuple[str, str]] = {
    session_type: (group_form, owned.ATTENDEE_FORMS[session_type])
    for session_type, group_form in _GROUP_OWN_FORMS.items()
}


class NotAGroup(DomainError):
    status_code = 409
    code = "not_a_group_activity"


# --- reading the group ----------------------------------------------------------------


async def _group(
    db: AsyncSession, actor: Principal, session_id: uuid.UUID, *, lock: bool = False
) -> records.SessionRecord:
    """The group session, if the actor may see it (404 otherwise); locked for a change."""
    session = await visible_session(db, actor, session_id)
    if session.type not in GROUP_FORMS:
        raise NotAGroup(
            f"a {session.type} session has no attendees; group activities are "
            f"{', '.join(GROUP_FORMS)} (a language course takes its own attendance)"
        )
    if lock:
        locked = await repo.lock_session(db, actor.agency_id, session.id)
        if locked is None:  # pragma: no cover - seen a moment ago, in this transaction
            raise NotFound("no such session")
        session = locked
    return session


def _form_out(row: GroupAttendee, private: bool) -> AttendeeFormOut | None:
    if row.form_key is None or row.answers is None:
        return None
    assert row.definition_version is not None and row.form_author_id is not None
    assert row.form_updated_by is not None and row.form_updated_at is not None
    return AttendeeFormOut(
        form_key=row.form_key,
        definition_version=row.definition_version,
        status="completed" if row.form_status == "completed" else "draft",
        answers=row.answers,
        author_id=row.form_author_id,
        updated_by=row.form_updated_by,
        updated_at=row.form_updated_at,
        completed_at=row.form_completed_at,
        private=private,
        versions=versions_out(row.form_versions),
    )


def _attendee_out(
    session: records.SessionRecord, client_id: uuid.UUID, row: GroupAttendee | None
) -> AttendeeOut:
    if row is None:
        # Named when the session was recorded: added then, by its worker.
        return AttendeeOut(
            client_id=client_id, added_by=session.worker_id, added_at=session.created_at, form=None
        )
    return AttendeeOut(
        client_id=client_id,
        added_by=row.added_by,
        added_at=row.added_at,
        form=_form_out(row, session.private),
    )


def _out(
    session: records.SessionRecord, rows: list[GroupAttendee], activity: GroupActivity | None
) -> GroupAttendanceOut:
    by_client = {r.client_id: r for r in rows}
    group_form, attendee_form = GROUP_FORMS[session.type]
    attendees = [_attendee_out(session, c, by_client.get(c)) for c in session.client_ids]
    anonymous = activity.anonymous_count if activity else 0
    return GroupAttendanceOut(
        session_id=session.id,
        session_type=session.type,
        group_form_key=group_form,
        attendee_form_key=attendee_form,
        private=session.private,
        attendees=attendees,
        named_count=len(attendees),
        anonymous_count=anonymous,
        total_count=len(attendees) + anonymous,
    )


async def _current(
    db: AsyncSession, actor: Principal, session: records.SessionRecord
) -> GroupAttendanceOut:
    rows = await repo.attendees(db, actor.agency_id, session.id)
    activity = await repo.activity(db, actor.agency_id, session.id)
    return _out(session, rows, activity)


async def _publish(
    db: AsyncSession, session: records.SessionRecord, state: GroupAttendanceOut
) -> None:
    await add_event(
        db,
        GroupAttendanceUpdated(
            agency_id=session.agency_id,
            session=SessionRecord.model_validate(session_out(session).model_dump()),
            attendee_form_key=state.attendee_form_key,
            attendees=[
                GroupAttendeeRecord.model_validate(
                    {
                        **a.model_dump(exclude={"form"}),
                        "form": AttendeeFormRecord.model_validate(a.form.model_dump())
                        if a.form
                        else None,
                    }
                )
                for a in state.attendees
            ],
            anonymous_count=state.anonymous_count,
        ),
    )


async def _changed(
    db: AsyncSession, actor: Principal, session: records.SessionRecord, action: str, **detail: Any
) -> GroupAttendanceOut:
    state = await _current(db, actor, session)
    await audit(db, actor, action, session.id, **detail)
    await _publish(db, session, state)
    log.info(
        action,
        session_id=str(session.id),
        named=state.named_count,
        anonymous=state.anonymous_count,
    )
    return state


async def get_attendance(
    db: AsyncSession, actor: Principal, session_id: uuid.UUID
) -> GroupAttendanceOut:
    session = await _group(db, actor, session_id)
    state = await _current(db, actor, session)
    await audit(db, actor, "group.attendance.viewed", session.id, named=state.named_count)
    return state


async def get_attendee(
    db: AsyncSession, actor: Principal, session_id: uuid.UUID, client_id: uuid.UUID
) -> AttendeeOut:
    session = await _group(db, actor, session_id)
    if client_id not in session.client_ids:
        raise NotFound("no such attendee of this group activity")
    row = await repo.attendee(db, actor.agency_id, session.id, client_id)
    await audit(db, actor, "group.attendee.viewed", session.id, client_id=str(client_id))
    return _attendee_out(session, client_id, row)


# --- changing it -----------------------------------------------------------------------


async def add_attendees(
    db: AsyncSession,
    actor: Principal,
    session_id: uuid.UUID,
    data: AttendeesAdd,
    *,
    wait: float = 0.0,
) -> GroupAttendanceOut:
    session = await _group(db, actor, session_id, lock=True)
    seen: set[uuid.UUID] = set()
    for n, client_id in enumerate(data.client_ids):
        if client_id in seen:
            raise Invalid(f"client_ids.{n}", "listed twice")
        seen.add(client_id)
    # The agency's clients only (a merged profile's id stands for its survivor).
    client_ids = await require_clients(
        db, actor.agency_id, data.client_ids, field="client_ids", wait=wait
    )
    present = set(session.client_ids)
    already = [
        {"field": "client_ids", "message": f"{c} already attends this group activity"}
        for c in client_ids
        if c in present
    ]
    if already:
        raise Conflict(
            "some of these clients already attend this group activity",
            code="already_attending",
            fields=already,
        )
    if len(present) + len(client_ids) > MAX_NAMED:
        raise Invalid("client_ids", f"a group activity has at most {MAX_NAMED} named attendees")
    now = utcnow()
    stale = {r.client_id: r for r in await repo.attendees(db, actor.agency_id, session.id)}
    new_rows = []
    for client_id in client_ids:
        if (row := stale.get(client_id)) is not None:
            row.added_by, row.added_at = actor.user_id, now
            continue
        new_rows.append(
            GroupAttendee(
                id=uuid.uuid4(),
                agency_id=actor.agency_id,
                session_id=session.id,
                client_id=client_id,
                added_by=actor.user_id,
                added_at=now,
                form_versions=[],
            )
        )
    session.client_ids = [*session.client_ids, *client_ids]
    await repo.add(db, *new_rows)
    return await _changed(
        db, actor, session, "group.attendees.added", client_ids=[str(c) for c in client_ids]
    )


async def remove_attendee(
    db: AsyncSession, actor: Principal, session_id: uuid.UUID, client_id: uuid.UUID
) -> None:
    session = await _group(db, actor, session_id, lock=True)
    if client_id not in session.client_ids:
        raise NotFound("no such attendee of this group activity")
    row = await repo.attendee(db, actor.agency_id, session.id, client_id)
    form_status = row.form_status if row else None
    if row is not None:
        await repo.remove(db, row)
    session.client_ids = [c for c in session.client_ids if c != client_id]
    await repo.save(db)
    await _changed(
        db,
        actor,
        session,
        "group.attendee.removed",
        client_id=str(client_id),
        form_status=form_status,
    )


async def set_anonymous(
    db: AsyncSession, actor: Principal, session_id: uuid.UUID, data: AnonymousCount
) -> GroupAttendanceOut:
    session = await _group(db, actor, session_id, lock=True)
    now = utcnow()
    activity = await repo.activity(db, actor.agency_id, session.id)
    if activity is None:
        await repo.add(
            db,
            GroupActivity(
                session_id=session.id,
                agency_id=actor.agency_id,
                anonymous_count=data.count,
                updated_by=actor.user_id,
                updated_at=now,
            ),
        )
    else:
        activity.anonymous_count = data.count
        activity.updated_by, activity.updated_at = actor.user_id, now
        await repo.save(db)
    return await _changed(db, actor, session, "group.anonymous.set", count=data.count)


async def save_attendee_form(
    db: AsyncSession,
    actor: Principal,
    session_id: uuid.UUID,
    client_id: uuid.UUID,
    data: AttendeeFormSave,
) -> AttendeeOut:
    """Save (or complete, or amend) a named attendee's form."""
    session = await _group(db, actor, session_id, lock=True)
    if client_id not in session.client_ids:
        raise NotFound("no such attendee of this group activity")
    form_key = GROUP_FORMS[session.type][1]
    definition = catalog.definition(form_key)
    row = await repo.attendee(db, actor.agency_id, session.id, client_id)
    completed_before = row is not None and row.form_status == "completed"
    check_amendment(completed_before=completed_before, draft=data.draft, reason=data.reason)
    answers = validate_form(
        definition,
        data.answers,
        draft=data.draft,
        previous=row.answers if completed_before and row else None,
    )
    now = utcnow()
    is_new = row is None
    if row is None:
        # Named when the session was recorded: their row starts with their form.
        row = GroupAttendee(
            id=uuid.uuid4(),
            agency_id=actor.agency_id,
            session_id=session.id,
            client_id=client_id,
            added_by=session.worker_id,
            added_at=session.created_at,
            form_versions=[],
        )
    if row.form_author_id is None:
        row.form_author_id = actor.user_id
    row.form_key = form_key
    row.definition_version = definition.version
    row.answers = answers
    row.form_status = "draft" if data.draft else "completed"
    row.form_updated_by, row.form_updated_at = actor.user_id, now
    if not data.draft:
        row.form_completed_at = row.form_completed_at or now
        row.form_versions = with_version(
            row.form_versions,
            definition_version=definition.version,
            answers=answers,
            saved_by=actor.user_id,
            saved_at=now,
            reason=data.reason if completed_before else None,
        )
    if is_new:
        await repo.add(db, row)
    else:
        await repo.save(db)
    action = "group.attendee_form.amended" if completed_before else "group.attendee_form.saved"
    await _changed(
        db, actor, session, action, client_id=str(client_id), form_status=row.form_status
    )
    return _attendee_out(session, client_id, row)
