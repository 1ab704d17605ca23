import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from kit.audit import EntityAudit
from kit.auth import Principal, Role
from kit.clock import utcnow
from kit.db import ConstraintViolation
from kit.errors import Conflict, Forbidden, NotFound
from kit.logs import get_logger
from referrals.partners import repository as repo
from referrals.partners.models import Partner
from referrals.partners.schemas import PartnerIn, PartnerOut, PartnerPage

log = get_logger()
audit = EntityAudit("partner")
# Caseworkers read the directory; managers and admins keep it.
EDITORS = (Role.MANAGER, Role.AGENCY_ADMIN)


def out(partner: Partner) -> PartnerOut:
    return PartnerOut(
        id=partner.id,
        name=partner.name,
        services_offered=list(partner.services_offered),
        contact_name=partner.contact_name,
        email=partner.email,
        phone=partner.phone,
        website=partner.website,
        address=partner.address,
        languages=list(partner.languages),
        eligibility=partner.eligibility,
        active=partner.active,
        created_at=partner.created_at,
        updated_at=partner.updated_at,
    )


def _check_editor(actor: Principal) -> None:
    if not actor.has_role(*EDITORS):
        raise Forbidden("only managers and admins keep the partner directory", code="role_required")


def _fields(data: PartnerIn) -> dict[str, object]:
    values = data.model_dump()
    values["email"] = str(data.email) if data.email else None
    return values


async def get_partner(db: AsyncSession, actor: Principal, partner_id: uuid.UUID) -> Partner:
    partner = await repo.get(db, actor.agency_id, partner_id)
    if partner is None:
        raise NotFound("no such partner in your agency's directory")
    return partner


async def create_partner(db: AsyncSession, actor: Principal, data: PartnerIn) -> PartnerOut:
    _check_editor(actor)
    now = utcnow()
    try:
        partner = await repo.add(
            db,
            Partner(
                id=uuid.uuid4(),
                agency_id=actor.agency_id,
                created_by=actor.user_id,
                created_at=now,
                updated_at=now,
                **_fields(data),
            ),
        )
    except ConstraintViolation as exc:
        if exc.constraint == repo.NAME_TAKEN:
            raise Conflict("the directory already has a partner of that name") from exc
        raise
    await audit(db, actor, "partner.created", partner.id)
    log.info("partner.created", partner_id=str(partner.id))
    return out(partner)


async def replace_partner(
    db: AsyncSession, actor: Principal, partner_id: uuid.UUID, data: PartnerIn
) -> PartnerOut:
    _check_editor(actor)
    partner = await get_partner(db, actor, partner_id)
    for key, value in _fields(data).items():
        setattr(partner, key, value)
    partner.updated_at = utcnow()
    try:
        await repo.save(db)
    except ConstraintViolation as exc:
        if exc.constraint == repo.NAME_TAKEN:
            raise Conflict("the directory already has a partner of that name") from exc
        raise
    await audit(db, actor, "partner.updated", partner.id)
    return out(partner)


async def read_partner(db: AsyncSession, actor: Principal, partner_id: uuid.UUID) -> PartnerOut:
    return out(await get_partner(db, actor, partner_id))


async def list_partners(
    db: AsyncSession,
    actor: Principal,
    *,
    text: str | None,
    service: str | None,
    language: str | None,
    include_inactive: bool,
) -> PartnerPage:
    partners = await repo.search(
        db,
        actor.agency_id,
        text=text,
        service=service,
        language=language,
        include_inactive=include_inactive,
    )
    return PartnerPage(items=[out(p) for p in partners])
