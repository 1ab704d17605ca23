import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from kit.db import DbSession
from referrals.deps import Staff
from referrals.partners import service
from referrals.partners.schemas import PartnerIn, PartnerOut, PartnerPage

router = APIRouter(prefix="/partners", tags=["partners"])
Filter = Annotated[str | None, Query(max_length=100)]


@router.post("", status_code=201)
async def create_partner(body: PartnerIn, db: DbSession, actor: Staff) -> PartnerOut:
    return await service.create_partner(db, actor, body)


@router.get("")
async def list_partners(
    db: DbSession,
    actor: Staff,
    q: Filter = None,
    service_offered: Filter = None,
    language: Filter = None,
    include_inactive: bool = False,
) -> PartnerPage:
    return await service.list_partners(
        db,
        actor,
        text=q,
        service=service_offered,
        language=language,
        include_inactive=include_inactive,
    )


@router.get("/{partner_id}")
async def get_partner(partner_id: uuid.UUID, db: DbSession, actor: Staff) -> PartnerOut:
    return await service.read_partner(db, actor, partner_id)


@router.put("/{partner_id}")
async def replace_partner(
    partner_id: uuid.UUID, body: PartnerIn, db: DbSession, actor: Staff
) -> PartnerOut:
    return await service.replace_partner(db, actor, partner_id, body)
