"""Trusted partnerships: one agency proposes what it shares, the other accepts or
declines, and either side can revoke. Both agencies see the partnership."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.identity import PartnershipShare, PartnershipStatus, PartnershipUpdated
from identity.agencies import repository as agencies_repo
from identity.partnerships import repository as repo
from identity.partnerships.models import Partnership
from identity.partnerships.schemas import PartnershipCreate, PartnershipOut, PartnershipPage
from kit.audit import record_audit
from kit.auth import Principal
from kit.clock import utcnow
from kit.db import ConstraintViolation
from kit.errors import Conflict, Forbidden, Invalid, NotFound
from kit.logs import get_logger
from kit.messaging.outbox import add_event

log = get_logger()

OPEN_PAIR_UNIQUE = "uq_partnerships_open_pair"
PARTNER_EXISTS = "fk_partnerships_partner_agency_id_agencies"
OPEN = (PartnershipStatus.PROPOSED, PartnershipStatus.ACTIVE)


def _out(p: Partnership, names: dict[uuid.UUID, str]) -> PartnershipOut:
    return PartnershipOut(
        id=p.id,
        agency_id=p.agency_id,
        agency_name=names.get(p.agency_id),
        partner_agency_id=p.partner_agency_id,
        partner_agency_name=names.get(p.partner_agency_id),
        status=p.status,
        shares=[PartnershipShare(s) for s in p.shares],
        starts_on=p.starts_on,
        ends_on=p.ends_on,
        created_at=p.created_at,
        decided_at=p.decided_at,
        revoked_at=p.revoked_at,
    )


async def _changed(
    db: AsyncSession, actor: Principal, p: Partnership, action: str
) -> PartnershipOut:
    """Audit, publish the whole new state, and answer it."""
    await repo.save(db)
    await record_audit(
        db,
        action=f"partnership.{action}",
        agency_id=actor.agency_id,
        actor_id=actor.user_id,
        entity_type="partnership",
        entity_id=p.id,
        detail={"status": p.status.value},
    )
    await add_event(
        db,
        PartnershipUpdated(
            agency_id=p.agency_id,
            id=p.id,
            partner_agency_id=p.partner_agency_id,
            status=p.status,
            shares=[PartnershipShare(s) for s in p.shares],
            starts_on=p.starts_on,
            ends_on=p.ends_on,
        ),
    )
    log.info(f"partnership.{action}", partnership_id=str(p.id), status=p.status.value)
    names = await agencies_repo.names(db, {p.agency_id, p.partner_agency_id})
    return _out(p, names)


async def _get(db: AsyncSession, actor: Principal, partnership_id: uuid.UUID) -> Partnership:
    p = await repo.get(db, actor.agency_id, partnership_id)
    if p is None:
        raise NotFound("No such partnership", code="partnership_not_found")
    return p


async def list_partnerships(db: AsyncSession, actor: Principal) -> PartnershipPage:
    found = await repo.list_for(db, actor.agency_id)
    ids = {p.agency_id for p in found} | {p.partner_agency_id for p in found}
    names = await agencies_repo.names(db, ids)
    return PartnershipPage(items=[_out(p, names) for p in found])


async def propose(db: AsyncSession, actor: Principal, data: PartnershipCreate) -> PartnershipOut:
    if data.partner_agency_id == actor.agency_id:
        raise Invalid("partner_agency_id", "must be another agency")
    if data.ends_on is not None and data.ends_on < data.starts_on:
        raise Invalid("ends_on", "must not be before starts_on")
    now = utcnow()
    p = Partnership(
        id=uuid.uuid4(),
        agency_id=actor.agency_id,
        partner_agency_id=data.partner_agency_id,
        status=PartnershipStatus.PROPOSED,
        shares=sorted({s.value for s in data.shares}),
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        proposed_by=actor.user_id,
        created_at=now,
        updated_at=now,
    )
    try:
        # The partner's row is invisible here (RLS); its foreign key still checks it exists.
        await repo.add(db, p)
    except ConstraintViolation as exc:
        if exc.constraint == PARTNER_EXISTS:
            raise Invalid("partner_agency_id", "names no agency") from exc
        if exc.constraint == OPEN_PAIR_UNIQUE:
            raise Conflict(
                "These agencies already have an open partnership or proposal",
                code="partnership_exists",
            ) from exc
        raise
    return await _changed(db, actor, p, "proposed")


async def _decide(
    db: AsyncSession, actor: Principal, partnership_id: uuid.UUID, status: PartnershipStatus
) -> PartnershipOut:
    p = await _get(db, actor, partnership_id)
    if p.partner_agency_id != actor.agency_id:
        raise Forbidden("Only the invited agency can answer a proposal", code="not_invited")
    if p.status != PartnershipStatus.PROPOSED:
        raise Conflict(f"The partnership is {p.status.value}", code="partnership_not_proposed")
    p.status = status
    p.decided_by = actor.user_id
    p.decided_at = utcnow()
    action = "accepted" if status == PartnershipStatus.ACTIVE else "declined"
    return await _changed(db, actor, p, action)


async def accept(db: AsyncSession, actor: Principal, partnership_id: uuid.UUID) -> PartnershipOut:
    return await _decide(db, actor, partnership_id, PartnershipStatus.ACTIVE)


async def decline(db: AsyncSession, actor: Principal, partnership_id: uuid.UUID) -> PartnershipOut:
    return await _decide(db, actor, partnership_id, PartnershipStatus.DECLINED)


async def revoke(db: AsyncSession, actor: Principal, partnership_id: uuid.UUID) -> PartnershipOut:
    """Either side ends it (the proposer may also withdraw a proposal)."""
    p = await _get(db, actor, partnership_id)
    if p.status not in OPEN:
        raise Conflict(f"The partnership is {p.status.value}", code="partnership_closed")
    p.status = PartnershipStatus.REVOKED
    p.revoked_by = actor.user_id
    p.revoked_at = utcnow()
    return await _changed(db, actor, p, "revoked")
