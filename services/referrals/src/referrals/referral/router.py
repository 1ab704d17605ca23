import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from kit.db import DbSession
from kit.paging import Limit, Offset
from referrals.deps import Staff
from referrals.referral import service
from referrals.referral.schemas import (
    ReferralCreate,
    ReferralOut,
    ReferralPage,
    ReferralStatus,
    ReferralUpdate,
    StatusChange,
)

router = APIRouter(prefix="/referrals", tags=["referrals"])


@router.post("", status_code=201)
async def create_referral(body: ReferralCreate, db: DbSession, actor: Staff) -> ReferralOut:
    return await service.create_referral(db, actor, body)


@router.get("")
async def list_referrals(
    db: DbSession,
    actor: Staff,
    client_id: uuid.UUID | None = None,
    referred_by: uuid.UUID | None = None,
    status: Annotated[list[ReferralStatus] | None, Query()] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> ReferralPage:
    return await service.list_referrals(
        db,
        actor,
        client_id=client_id,
        referred_by=referred_by,
        statuses=list(status) if status else None,
        limit=limit,
        offset=offset,
    )


@router.get("/{referral_id}")
async def get_referral(referral_id: uuid.UUID, db: DbSession, actor: Staff) -> ReferralOut:
    return await service.get_referral(db, actor, referral_id)


@router.patch("/{referral_id}")
async def update_referral(
    referral_id: uuid.UUID, body: ReferralUpdate, db: DbSession, actor: Staff
) -> ReferralOut:
    return await service.update_referral(db, actor, referral_id, body)


@router.post("/{referral_id}/status")
async def change_status(
    referral_id: uuid.UUID, body: StatusChange, db: DbSession, actor: Staff
) -> ReferralOut:
    return await service.change_status(db, actor, referral_id, body)
