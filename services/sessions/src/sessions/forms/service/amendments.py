"""A completed form amended: a new version, the previous one kept with who, when, why."""

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.sessions import FormAmendment, ServiceAmended
from kit.auth import Principal
from kit.clock import utcnow
from kit.errors import Conflict, Invalid
from kit.logs import get_logger
from kit.messaging.outbox import add_event
from sessions.forms import repository as repo
from sessions.forms.schemas import AmendmentIn, ServiceFormOut
from sessions.forms.service.access import changeable, refuse_recorded_elsewhere
from sessions.forms.service.events import form_record, session_record
from sessions.forms.service.follow_ups import follow_up_rows, request_follow_ups
from sessions.forms.service.outputs import form_out
from sessions.forms.service.validation import checked_answers, merged
from sessions.forms.service.versions import keep_version
from sessions.records.service import audit

log = get_logger()


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
    session, form = await changeable(db, actor, session_id, form_id)
    refuse_recorded_elsewhere(form)
    if form.status != "completed":
        raise Conflict(
            "a draft is changed directly (PATCH), not amended", code="form_not_completed"
        )
    definition_version, values, agency_version, agency_values = await checked_answers(
        db,
        actor.agency_id,
        form,
        form.form_key,
        merged(form.answers, data.answers),
        merged(form.agency_answers or {}, data.agency_answers),
        partial=False,
    )
    changed = _changed("answers", form.answers, values) + _changed(
        "agency_answers", form.agency_answers or {}, agency_values
    )
    existing = (await repo.follow_ups(db, actor.agency_id, [form.id]))[form.id]
    new_rows = follow_up_rows(
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
    await keep_version(db, actor, form, reason=data.reason)
    if new_rows:
        await repo.add_follow_ups(db, new_rows)
    await add_event(
        db,
        ServiceAmended(
            agency_id=session.agency_id,
            session=session_record(session),
            form=form_record(form),
            amendment=FormAmendment(
                version=form.version,
                reason=data.reason,
                amended_by=actor.user_id,
                amended_at=now,
                changed_fields=changed,
            ),
        ),
    )
    await request_follow_ups(db, session, form, new_rows)
    await audit(
        db, actor, "service_form.amended", session.id,
        form_id=str(form.id), version=form.version, changed_fields=changed,
    )  # fmt: skip
    log.info(
        "service_form.amended", session_id=str(session.id), form_id=str(form.id),
        version=form.version,
    )  # fmt: skip
    return form_out(form, [*existing, *new_rows])
