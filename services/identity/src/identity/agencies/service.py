"""Agencies: a platform admin creates one together with its first agency admin."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.identity import AgencyCreated
from identity import mailer
from identity.agencies import repository as repo
from identity.agencies.models import Agency
from identity.agencies.schemas import AgencyCreate, AgencyOut, AgencyPage, AgencyWithAdmin
from identity.passwords import Passwords
from identity.settings import IdentitySettings
from identity.staff import service as staff_service
from kit.audit import record_audit
from kit.auth import Principal, Role
from kit.clock import utcnow
from kit.db import ConstraintViolation, Scope, set_context
from kit.errors import Conflict, NotFound
from kit.logs import get_logger
from kit.messaging.outbox import add_event

log = get_logger()

CODE_UNIQUE = "uq_agencies_code"


def _out(agency: Agency) -> AgencyOut:
    return AgencyOut(
        id=agency.id,
        name=agency.name,
        code=agency.code,
        active=agency.active,
        created_at=agency.created_at,
    )


async def create_agency(
    db: AsyncSession,
    actor: Principal | None,
    data: AgencyCreate,
    *,
    passwords: Passwords,
    settings: IdentitySettings,
    admin_role: Role = Role.AGENCY_ADMIN,
) -> tuple[AgencyWithAdmin, list[mailer.Mail]]:
    """`actor` is a platform admin; None only when the seed bootstraps the platform's own
    agency and its first platform admin (`admin_role`)."""
    agency = Agency(
        id=uuid.uuid4(), name=data.name, code=data.code, active=True, created_at=utcnow()
    )
    # Writing another agency's rows is what the platform scope exists for; the context
    # then follows the new agency so its admin, link and audit entries land in it.
    await set_context(db, None, agency_id=agency.id, scope=Scope.PLATFORM)
    try:
        await repo.add(db, agency)
    except ConstraintViolation as exc:
        if exc.constraint == CODE_UNIQUE:
            raise Conflict(
                "An agency with this code already exists",
                code="agency_code_taken",
                fields=[{"field": "code", "message": "is already used"}],
            ) from exc
        raise
    admin, mails = await staff_service.add_staff(
        db,
        agency_id=agency.id,
        actor=actor,
        data=data.admin,
        role=admin_role,
        passwords=passwords,
        settings=settings,
    )
    await record_audit(
        db,
        action="agency.created",
        agency_id=agency.id,
        actor_id=actor.user_id if actor else None,
        entity_type="agency",
        entity_id=agency.id,
        detail={"admin_id": str(admin.id)},
    )
    await add_event(
        db, AgencyCreated(agency_id=agency.id, name=agency.name, code=agency.code, active=True)
    )
    log.info("agency.created", agency_id=str(agency.id), admin_id=str(admin.id))
    return AgencyWithAdmin(**_out(agency).model_dump(), admin=admin), mails


async def list_agencies(db: AsyncSession, actor: Principal) -> AgencyPage:
    await set_context(db, actor, scope=Scope.PLATFORM)
    return AgencyPage(items=[_out(a) for a in await repo.list_all(db)])


async def current_agency(db: AsyncSession, actor: Principal) -> AgencyOut:
    agency = await repo.get(db, actor.agency_id)
    if agency is None:
        raise NotFound("No such agency", code="agency_not_found")
    return _out(agency)
