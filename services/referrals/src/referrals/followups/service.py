"""Tasks and referrals a service form asked for (`sessions.follow_up.requested.v1`).

Created once per `request_id`: the consumer's inbox absorbs a redelivered message, and
the unique `request_id` of tasks and referrals absorbs the same request published
again under another event id (a form amended, a relay that resent).
"""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.sessions import FollowUpRequested
from kit.audit import record_audit
from kit.clock import utcnow
from kit.logs import get_logger
from referrals.followups import repository as repo
from referrals.partners import repository as partners
from referrals.referral import repository as referral_repo
from referrals.referral.models import Referral
from referrals.referral.service import new_referral
from referrals.tasks import repository as task_repo
from referrals.tasks.models import Task
from referrals.tasks.service import new_task

log = get_logger()
TITLE_MAX = 200


async def apply_request(db: AsyncSession, event: FollowUpRequested) -> None:
    await repo.lock_request(db, event.request_id)
    if event.kind == "task":
        await _task(db, event)
    else:
        await _referral(db, event)


async def _task(db: AsyncSession, event: FollowUpRequested) -> None:
    if await task_repo.by_request(db, event.request_id) is not None:
        log.info("follow_up.duplicate", request_id=str(event.request_id), kind="task")
        return
    now = utcnow()
    title = event.need.strip() or "Follow-up"
    task = await new_task(
        db,
        Task(
            id=uuid.uuid4(),
            agency_id=event.agency_id,
            client_id=event.client_id,
            form_id=event.form_id,
            session_id=event.session_id,
            title=title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1] + "…",
            # A need too long for a title is kept whole in the description.
            description=event.note if len(title) <= TITLE_MAX else _joined(event.need, event.note),
            assignee_id=event.assignee_id or event.requested_by,
            created_by=event.requested_by,
            program_id=event.program_id,
            due_date=event.due_date,
            priority="normal",
            status="open",
            private=event.private,
            request_id=event.request_id,
            created_at=now,
            updated_at=now,
            version=1,
        ),
    )
    await _audit(event, "task.created", "task", task.id, db)
    log.info("task.created", task_id=str(task.id), source="follow_up")


async def _referral(db: AsyncSession, event: FollowUpRequested) -> None:
    if await referral_repo.by_request(db, event.request_id) is not None:
        log.info("follow_up.duplicate", request_id=str(event.request_id), kind="referral")
        return
    kind = event.referral_kind or ("internal" if event.to_program_id else "external")
    partner_id, partner_name = None, event.partner_name
    if kind == "external" and event.partner_id is not None:
        partner = await partners.get(db, event.agency_id, event.partner_id)
        if partner is not None:
            partner_id, partner_name = partner.id, partner.name
    if (kind == "internal" and event.to_program_id is None) or (
        kind == "external" and partner_id is None and not partner_name
    ):
        # Nothing to refer to (sessions requires a target, so a partner id that is not in
        # the directory): retrying cannot cure it, and dropping it would lose what the
        # worker asked for. It becomes a task of theirs to send the referral by hand.
        await _referral_to_send(db, event)
        return
    now = utcnow()
    referral = await new_referral(
        db,
        Referral(
            id=uuid.uuid4(),
            agency_id=event.agency_id,
            client_id=event.client_id,
            kind=kind,
            to_program_id=event.to_program_id if kind == "internal" else None,
            partner_id=partner_id,
            partner_name=partner_name[:200] if partner_name else None,
            need=event.need,
            note=event.note,
            status="sent",
            referred_by=event.requested_by,
            program_id=event.program_id,
            follow_up_on=event.due_date,
            private=event.private,
            form_id=event.form_id,
            session_id=event.session_id,
            request_id=event.request_id,
            created_at=now,
            updated_at=now,
            version=1,
        ),
        event.requested_by,
    )
    await _audit(event, "referral.created", "referral", referral.id, db)


async def _referral_to_send(db: AsyncSession, event: FollowUpRequested) -> None:
    """A task for the requesting worker (once per request, as any task)."""
    why = (
        f"The service form asked for a referral ({event.need}) to partner {event.partner_id}, "
        "which is not in the partner directory: choose where it goes and send it."
    )
    await _task(
        db,
        event.model_copy(
            update={
                "need": f"Send a referral: {event.need}",
                "note": _joined(why, event.note),
                "assignee_id": event.requested_by,
            }
        ),
    )
    log.warning("follow_up.referral_without_target", request_id=str(event.request_id))


async def _audit(
    event: FollowUpRequested, action: str, entity: str, entity_id: uuid.UUID, db: AsyncSession
) -> None:
    """In the requesting worker's name: the form they completed asked for it."""
    await record_audit(
        db,
        action=action,
        agency_id=event.agency_id,
        actor_id=event.requested_by,
        entity_type=entity,
        entity_id=entity_id,
        reason="requested by a service form",
        detail={"client_id": str(event.client_id), "form_id": str(event.form_id)},
    )


def _joined(*parts: str | None) -> str:
    return "\n\n".join(p for p in parts if p)
