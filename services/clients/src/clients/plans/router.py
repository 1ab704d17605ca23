import uuid

from fastapi import APIRouter

from clients.deps import Staff
from clients.plans import service
from clients.plans.schemas import (
    FollowUpCreate,
    PlanCreate,
    PlanOut,
    PlanPage,
    PlanPatch,
    ReviewCreate,
)
from kit.db import DbSession

router = APIRouter(prefix="/clients/{client_id}/plans", tags=["settlement plans"])


@router.post("", status_code=201)
async def create_plan(
    client_id: uuid.UUID, body: PlanCreate, db: DbSession, actor: Staff
) -> PlanOut:
    return await service.create_plan(db, actor, client_id, body)


@router.get("")
async def list_plans(client_id: uuid.UUID, db: DbSession, actor: Staff) -> PlanPage:
    return await service.list_plans(db, actor, client_id)


@router.get("/{plan_id}")
async def get_plan(
    client_id: uuid.UUID, plan_id: uuid.UUID, db: DbSession, actor: Staff
) -> PlanOut:
    return await service.get_plan(db, actor, client_id, plan_id)


@router.patch("/{plan_id}")
async def update_plan(
    client_id: uuid.UUID, plan_id: uuid.UUID, body: PlanPatch, db: DbSession, actor: Staff
) -> PlanOut:
    return await service.update_plan(db, actor, client_id, plan_id, body)


@router.post("/{plan_id}/reviews", status_code=201)
async def add_review(
    client_id: uuid.UUID, plan_id: uuid.UUID, body: ReviewCreate, db: DbSession, actor: Staff
) -> PlanOut:
    return await service.add_entry(db, actor, client_id, plan_id, body)


@router.post("/{plan_id}/follow-ups", status_code=201)
async def add_follow_up(
    client_id: uuid.UUID, plan_id: uuid.UUID, body: FollowUpCreate, db: DbSession, actor: Staff
) -> PlanOut:
    return await service.add_entry(db, actor, client_id, plan_id, body)
