import uuid

from fastapi import APIRouter

from identity.deps import Actor
from identity.partnerships import service
from identity.partnerships.schemas import PartnershipCreate, PartnershipOut, PartnershipPage
from kit.auth import Role, require_role
from kit.db import DbSession

router = APIRouter(prefix="/partnerships", tags=["partnerships"])

admin_only = [require_role(Role.AGENCY_ADMIN)]


@router.get("")
async def list_partnerships(db: DbSession, actor: Actor) -> PartnershipPage:
    return await service.list_partnerships(db, actor)


@router.post("", status_code=201, dependencies=admin_only)
async def propose(body: PartnershipCreate, db: DbSession, actor: Actor) -> PartnershipOut:
    return await service.propose(db, actor, body)


@router.post("/{partnership_id}/accept", dependencies=admin_only)
async def accept(partnership_id: uuid.UUID, db: DbSession, actor: Actor) -> PartnershipOut:
    return await service.accept(db, actor, partnership_id)


@router.post("/{partnership_id}/decline", dependencies=admin_only)
async def decline(partnership_id: uuid.UUID, db: DbSession, actor: Actor) -> PartnershipOut:
    return await service.decline(db, actor, partnership_id)


@router.post("/{partnership_id}/revoke", dependencies=admin_only)
async def revoke(partnership_id: uuid.UUID, db: DbSession, actor: Actor) -> PartnershipOut:
    return await service.revoke(db, actor, partnership_id)
