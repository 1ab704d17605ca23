"""Settlement plans of a client. Reading them is reading the client's personal data, so
reads are audited like profile reads."""

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from clients.history import service as history
from clients.plans import repository as repo
from clients.plans.models import PlanEntry, SettlementPlan
from clients.plans.schemas import (
    EntryOut,
    FollowUpCreate,
    Goal,
    PlanCreate,
    PlanOut,
    PlanPage,
    PlanPatch,
    ReviewCreate,
)
from clients.profiles.service import audit, visible_client
from clients.staff.service import staff_names
from kit.auth import Principal
from kit.clock import utcnow
from kit.errors import Invalid, NotFound
from kit.logs import get_logger

log = get_logger()


def _goals(goals: list[Goal]) -> list[dict[str, Any]]:
    return [g.model_dump(mode="json") for g in goals]


async def _outs(db: AsyncSession, actor: Principal, plans: list[SettlementPlan]) -> list[PlanOut]:
    entries = await repo.entries_of(db, actor.agency_id, [p.id for p in plans])
    authors = await staff_names(
        db, actor.agency_id, [e.author_id for es in entries.values() for e in es]
    )
    return [
        PlanOut(
            id=p.id,
            client_id=p.client_id,
            program_id=p.program_id,
            title=p.title,
            status=p.status,
            goals=[Goal.model_validate(g) for g in p.goals],
            next_follow_up_on=p.next_follow_up_on,
            entries=[
                EntryOut(
                    id=e.id,
                    kind=e.kind,
                    body=e.body,
                    progress=e.progress,
                    next_follow_up_on=e.next_follow_up_on,
                    author_id=e.author_id,
                    author_name=authors.get(e.author_id),
                    at=e.at,
                )
                for e in entries.get(p.id, [])
            ],
            version=p.version,
            created_at=p.created_at,
            created_by=p.created_by,
            updated_at=p.updated_at,
            updated_by=p.updated_by,
        )
        for p in plans
    ]


async def _plan(
    db: AsyncSession, actor: Principal, client_id: uuid.UUID, plan_id: uuid.UUID
) -> SettlementPlan:
    await visible_client(db, actor, client_id)
    plan = await repo.get(db, actor.agency_id, client_id, plan_id)
    if plan is None:
        raise NotFound("No such settlement plan", code="plan_not_found")
    return plan


def _touch(plan: SettlementPlan, actor: Principal) -> None:
    plan.version += 1
    plan.updated_at = utcnow()
    plan.updated_by = actor.user_id


async def create_plan(
    db: AsyncSession, actor: Principal, client_id: uuid.UUID, data: PlanCreate
) -> PlanOut:
    client = await visible_client(db, actor, client_id)
    if data.program_id is not None and data.program_id not in actor.programs:
        raise Invalid("program_id", "you can only plan within your own programs")
    now = utcnow()
    plan = await repo.add(
        db,
        SettlementPlan(
            id=uuid.uuid4(),
            agency_id=actor.agency_id,
            client_id=client.id,
            program_id=data.program_id,
            title=data.title,
            status=data.status,
            goals=_goals(data.goals),
            next_follow_up_on=data.next_follow_up_on,
            version=1,
            created_at=now,
            created_by=actor.user_id,
            updated_at=now,
            updated_by=actor.user_id,
        ),
    )
    history.record(db, actor, client.id, "plan_created", ["settlement_plans"])
    await audit(db, actor, "client.plan_created", client.id, plan_id=str(plan.id))
    log.info("client.plan_created", client_id=str(client.id), plan_id=str(plan.id))
    return (await _outs(db, actor, [plan]))[0]


async def update_plan(
    db: AsyncSession, actor: Principal, client_id: uuid.UUID, plan_id: uuid.UUID, data: PlanPatch
) -> PlanOut:
    plan = await _plan(db, actor, client_id, plan_id)
    given = data.model_fields_set
    if "title" in given and data.title is not None:
        plan.title = data.title
    if "status" in given and data.status is not None:
        plan.status = data.status
    if "goals" in given:
        plan.goals = _goals(data.goals or [])
    if "next_follow_up_on" in given:
        plan.next_follow_up_on = data.next_follow_up_on
    _touch(plan, actor)
    await repo.save(db)
    history.record(db, actor, client_id, "plan_updated", ["settlement_plans"])
    await audit(db, actor, "client.plan_updated", client_id, plan_id=str(plan.id))
    return (await _outs(db, actor, [plan]))[0]


async def add_entry(
    db: AsyncSession,
    actor: Principal,
    client_id: uuid.UUID,
    plan_id: uuid.UUID,
    data: ReviewCreate | FollowUpCreate,
) -> PlanOut:
    """Append a review (with the progress made) or a follow-up; either may set the next
    follow-up date."""
    plan = await _plan(db, actor, client_id, plan_id)
    kind = "review" if isinstance(data, ReviewCreate) else "follow_up"
    await repo.add_entry(
        db,
        PlanEntry(
            id=uuid.uuid4(),
            agency_id=actor.agency_id,
            plan_id=plan.id,
            kind=kind,
            body=data.body,
            progress=data.progress if isinstance(data, ReviewCreate) else None,
            next_follow_up_on=data.next_follow_up_on,
            author_id=actor.user_id,
            at=utcnow(),
        ),
    )
    if data.next_follow_up_on is not None:
        plan.next_follow_up_on = data.next_follow_up_on
    _touch(plan, actor)
    await repo.save(db)
    history.record(db, actor, client_id, f"plan_{kind}_added", ["settlement_plans"])
    await audit(db, actor, f"client.plan_{kind}_added", client_id, plan_id=str(plan.id))
    return (await _outs(db, actor, [plan]))[0]


async def list_plans(db: AsyncSession, actor: Principal, client_id: uuid.UUID) -> PlanPage:
    client = await visible_client(db, actor, client_id)
    plans = await repo.for_client(db, actor.agency_id, client.id)
    await audit(db, actor, "client.plans_viewed", client.id, count=len(plans))
    return PlanPage(items=await _outs(db, actor, plans))


async def get_plan(
    db: AsyncSession, actor: Principal, client_id: uuid.UUID, plan_id: uuid.UUID
) -> PlanOut:
    plan = await _plan(db, actor, client_id, plan_id)
    await audit(db, actor, "client.plans_viewed", client_id, plan_id=str(plan.id))
    return (await _outs(db, actor, [plan]))[0]
