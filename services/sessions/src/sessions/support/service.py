"""Support services per client per session: recorded whole (PUT), with iCARE's labels,
published as `sessions.support.recorded.v1` with the session."""

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contracts import sessions as contract
from kit.auth import Principal
from kit.clock import utcnow
from kit.errors import Forbidden, Invalid, InvalidFields
from kit.logs import get_logger
from kit.messaging.outbox import add_event
from sessions.records import models as records
from sessions.records.service import audit, out, visible_session
from sessions.support import repository as repo
from sessions.support import values
from sessions.support.models import SupportServices
from sessions.support.schemas import (
    ChildCare,
    LanguagePair,
    SupportServicesIn,
    SupportServicesList,
    SupportServicesOut,
    SupportValues,
)

log = get_logger()


def _pair(raw: dict[str, Any] | None) -> LanguagePair | None:
    return None if raw is None else LanguagePair.model_validate(raw)


def _received(row: SupportServices) -> bool:
    return bool(
        row.childminding or row.transportation or row.disability_support or row.translation
        or row.interpretation or row.crisis_counselling
    )  # fmt: skip


def support_out(row: SupportServices) -> SupportServicesOut:
    return SupportServicesOut(
        session_id=row.session_id,
        client_id=row.client_id,
        childminding=[ChildCare.model_validate(c) for c in row.childminding],
        transportation=row.transportation,
        disability_support=row.disability_support,
        translation=_pair(row.translation),
        interpretation=_pair(row.interpretation),
        crisis_counselling=row.crisis_counselling,
        note=row.note,
        received=_received(row),
        recorded_by=row.recorded_by,
        updated_at=row.updated_at,
    )


def _checked(data: SupportServicesIn) -> dict[str, Any]:
    """The record with every label exact, or one 422 naming each field outside its list."""
    problems: list[dict[str, str]] = []

    def label(field: str, allowed: tuple[str, ...], given: str, what: str) -> str:
        found = values.exact(allowed, given)
        if found is None:
            problems.append(
                {"field": field, "message": f"not an iCARE {what}", "type": "invalid_choice"}
            )
            return given
        return found

    children = [
        {
            "age_group": label(f"childminding.{n}.age_group", values.age_groups(), c.age_group,
                               "age group of a newcomer child"),
            "care_type": label(f"childminding.{n}.care_type", values.care_types(), c.care_type,
                               "type of care"),
        }
        for n, c in enumerate(data.childminding)
    ]  # fmt: skip
    pairs: dict[str, dict[str, str] | None] = {}
    for name in ("translation", "interpretation"):
        pair: LanguagePair | None = getattr(data, name)
        pairs[name] = None if pair is None else {
            side: label(f"{name}.{side}", values.languages(), getattr(pair, side), "language")
            for side in ("from_language", "to_language")
        }  # fmt: skip
        if pair is not None and pair.from_language.casefold() == pair.to_language.casefold():
            problems.append({"field": f"{name}.to_language",
                             "message": "the same as the language translated from",
                             "type": "invalid"})  # fmt: skip
    if problems:
        raise InvalidFields("the support services do not fit iCARE's lists", fields=problems)
    return {
        "childminding": children,
        "transportation": data.transportation,
        "disability_support": data.disability_support,
        "translation": pairs["translation"],
        "interpretation": pairs["interpretation"],
        "crisis_counselling": data.crisis_counselling,
        "note": data.note,
    }


def _event(
    session: records.SessionRecord, row: SupportServices
) -> contract.SupportServicesRecorded:
    return contract.SupportServicesRecorded(
        agency_id=session.agency_id,
        session=contract.SessionRecord.model_validate(out(session).model_dump()),
        support=contract.SupportServicesRecord.model_validate(support_out(row).model_dump()),
    )


async def record(
    db: AsyncSession,
    actor: Principal,
    session_id: uuid.UUID,
    client_id: uuid.UUID,
    data: SupportServicesIn,
) -> SupportServicesOut:
    session = await visible_session(db, actor, session_id)
    if session.worker_id != actor.user_id and session.program_id not in actor.programs:
        raise Forbidden("only the session's worker or staff of its program record support")
    if client_id not in session.client_ids:
        raise Invalid("client_id", "not a client of this session")
    checked = _checked(data)
    row = await repo.of_client(db, actor.agency_id, session.id, client_id)
    if row is None:
        row = SupportServices(
            id=uuid.uuid4(), agency_id=actor.agency_id, session_id=session.id, client_id=client_id
        )
    for name, value in checked.items():
        setattr(row, name, value)
    row.recorded_by = actor.user_id
    row.updated_at = utcnow()
    await repo.save(db, row)
    await add_event(db, _event(session, row))
    await audit(db, actor, "support_services.recorded", session.id, client_id=str(client_id))
    log.info("support_services.recorded", session_id=str(session.id), received=_received(row))
    return support_out(row)


async def list_for_session(
    db: AsyncSession, actor: Principal, session_id: uuid.UUID
) -> SupportServicesList:
    session = await visible_session(db, actor, session_id)
    rows = await repo.of_session(db, actor.agency_id, session.id)
    await audit(db, actor, "support_services.viewed", session.id, count=len(rows))
    return SupportServicesList(items=[support_out(r) for r in rows])


def value_lists() -> SupportValues:
    return SupportValues(
        age_groups=list(values.age_groups()),
        care_types=list(values.care_types()),
        languages=list(values.languages()),
    )
