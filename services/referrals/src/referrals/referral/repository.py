import datetime as dt
import uuid

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.db import flush
from referrals.access import Viewer, visible
from referrals.referral.models import Referral, ReferralStatusChange

TERMINAL = ("completed", "closed")


def _visible(viewer: Viewer) -> ColumnElement[bool]:
    return visible(
        viewer,
        people=[Referral.referred_by],
        programs=[Referral.program_id, Referral.to_program_id],
        private=Referral.private,
    )


async def add(db: AsyncSession, referral: Referral) -> Referral:
    db.add(referral)
    await flush(db)
    return referral


async def save(db: AsyncSession) -> None:
    await flush(db)


async def add_change(db: AsyncSession, change: ReferralStatusChange) -> None:
    db.add(change)
    await flush(db)


async def by_request(db: AsyncSession, request_id: uuid.UUID) -> Referral | None:
    query = select(Referral).where(Referral.request_id == request_id)
    return (await db.scalars(query)).one_or_none()


async def visible_referral(
    db: AsyncSession, viewer: Viewer, referral_id: uuid.UUID, *, for_update: bool = False
) -> Referral | None:
    query = select(Referral).where(
        Referral.agency_id == viewer.agency_id, Referral.id == referral_id, _visible(viewer)
    )
    if for_update:
        query = query.with_for_update()
    return (await db.scalars(query)).one_or_none()


async def list_visible(
    db: AsyncSession,
    viewer: Viewer,
    *,
    client_id: uuid.UUID | None,
    referred_by: uuid.UUID | None,
    statuses: list[str] | None,
    limit: int,
    offset: int,
) -> list[Referral]:
    query = select(Referral).where(Referral.agency_id == viewer.agency_id, _visible(viewer))
    if client_id is not None:
        query = query.where(Referral.client_id == client_id)
    if referred_by is not None:
        query = query.where(Referral.referred_by == referred_by)
    if statuses:
        query = query.where(Referral.status.in_(statuses))
    query = query.order_by(Referral.created_at.desc(), Referral.id)
    return list(await db.scalars(query.limit(limit).offset(offset)))


async def awaiting_follow_up(
    db: AsyncSession, agency_id: uuid.UUID, referred_by: uuid.UUID, until: dt.date, limit: int
) -> list[Referral]:
    """A worker's open referrals whose follow-up date has come (or comes by `until`)."""
    query = (
        select(Referral)
        .where(
            Referral.agency_id == agency_id,
            Referral.referred_by == referred_by,
            Referral.status.not_in(TERMINAL),
            Referral.follow_up_on <= until,
        )
        .order_by(Referral.follow_up_on, Referral.id)
        .limit(limit)
    )
    return list(await db.scalars(query))


async def history(db: AsyncSession, referral_id: uuid.UUID) -> list[ReferralStatusChange]:
    query = (
        select(ReferralStatusChange)
        .where(ReferralStatusChange.referral_id == referral_id)
        .order_by(ReferralStatusChange.changed_at, ReferralStatusChange.id)
    )
    return list(await db.scalars(query))


async def get(db: AsyncSession, referral_id: uuid.UUID) -> Referral | None:
    return await db.get(Referral, referral_id)
