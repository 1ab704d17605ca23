import uuid

from fastapi import APIRouter

from identity.deps import Actor
from identity.funding import service
from identity.funding.schemas import (
    AgreementCreate,
    AgreementOut,
    AgreementPage,
    AgreementPatch,
    FunderCreate,
    FunderOut,
    FunderPage,
)
from kit.auth import Role, require_role
from kit.db import DbSession

router = APIRouter(tags=["funding"])

admin_only = [require_role(Role.AGENCY_ADMIN)]


@router.get("/funders")
async def list_funders(db: DbSession, actor: Actor) -> FunderPage:
    return await service.list_funders(db, actor)


@router.post("/funders", status_code=201, dependencies=admin_only)
async def create_funder(body: FunderCreate, db: DbSession, actor: Actor) -> FunderOut:
    return await service.create_funder(db, actor, body)


@router.get("/funding-agreements")
async def list_agreements(
    db: DbSession, actor: Actor, funder_id: uuid.UUID | None = None
) -> AgreementPage:
    return await service.list_agreements(db, actor, funder_id=funder_id)


@router.post("/funding-agreements", status_code=201, dependencies=admin_only)
async def create_agreement(body: AgreementCreate, db: DbSession, actor: Actor) -> AgreementOut:
    return await service.create_agreement(db, actor, body)


@router.get("/funding-agreements/{agreement_id}")
async def get_agreement(agreement_id: uuid.UUID, db: DbSession, actor: Actor) -> AgreementOut:
    return await service.get_agreement(db, actor, agreement_id)


@router.patch("/funding-agreements/{agreement_id}", dependencies=admin_only)
async def update_agreement(
    agreement_id: uuid.UUID, body: AgreementPatch, db: DbSession, actor: Actor
) -> AgreementOut:
    return await service.update_agreement(db, actor, agreement_id, body)
