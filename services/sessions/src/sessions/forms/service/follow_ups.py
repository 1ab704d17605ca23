"""The tasks and referrals a form asks for: checked, stored, and sent to referrals
once the form is completed (or an amendment adds them)."""

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.sessions import FollowUpRequested
from kit.auth import Principal
from kit.clock import utcnow
from kit.errors import InvalidFields
from kit.logs import get_logger
from kit.messaging.outbox import add_event
from sessions.forms import repository as repo
from sessions.forms.models import FollowUpRequest, ServiceForm
from sessions.forms.schemas import FollowUpIn
from sessions.forms.service.outputs import referral_kind
from sessions.records import models as records

log = get_logger()


def follow_up_rows(
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
        raise InvalidFields("the follow-ups are not complete", fields=problems)
    return rows


async def request_follow_ups(
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
                referral_kind=referral_kind(row.referral_kind),
                to_program_id=row.to_program_id,
                partner_id=row.partner_id,
                partner_name=row.partner_name,
                private=form.private,
            ),
        )
        log.info("follow_up.requested", form_id=str(form.id), request_id=str(row.id), kind=row.kind)
    await repo.flush_changes(db)
