import datetime as dt
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.referrals import ReferralCreated, ReferralRecord, ReferralUpdated
from kit.audit import EntityAudit
from kit.auth import Principal
from kit.clock import today, utcnow
from kit.errors import Invalid, NotFound
from kit.logs import get_logger
from kit.messaging import add_event
from kit.paging import page_of
from referrals.access import Viewer, acting_program
from referrals.copies import repository as copies
from referrals.partners import repository as partners
from referrals.referral import repository as repo
from referrals.referral.models import Referral, ReferralStatusChange
from referrals.referral.schemas import (
    ReferralCreate,
    ReferralOut,
    ReferralPage,
    ReferralUpdate,
    StatusChange,
    StatusChangeOut,
)
from referrals.transitions import check_transition

log = get_logger()
ENTITY = "referral"
# sent → accepted | declined → service_started → completed | closed (with an outcome).
TRANSITIONS: dict[str, frozenset[str]] = {
    "sent": frozenset({"accepted", "declined", "closed"}),
    "accepted": frozenset({"service_started", "closed"}),
    "declined": frozenset({"closed"}),
    "service_started": frozenset({"completed", "closed"}),
    "completed": frozenset(),
    "closed": frozenset(),
}
NEEDS_OUTCOME = frozenset({"completed", "closed"})


audit = EntityAudit(ENTITY)


def record(referral: Referral) -> ReferralRecord:
    return ReferralRecord(
        id=referral.id,
        client_id=referral.client_id,
        kind=referral.kind,
        to_program_id=referral.to_program_id,
        partner_id=referral.partner_id,
        partner_name=referral.partner_name,
        need=referral.need,
        status=referral.status,
        outcome=referral.outcome,
        referred_by=referral.referred_by,
        program_id=referral.program_id,
        follow_up_on=referral.follow_up_on,
        private=referral.private,
        form_id=referral.form_id,
        session_id=referral.session_id,
        request_id=referral.request_id,
        created_at=referral.created_at,
        updated_at=referral.updated_at,
        version=referral.version,
    )


def out(referral: Referral, history: list[ReferralStatusChange] | None = None) -> ReferralOut:
    return ReferralOut(
        **record(referral).model_dump(),
        note=referral.note,
        follow_up_due=bool(
            referral.follow_up_on
            and referral.status not in repo.TERMINAL
            and referral.follow_up_on <= today()
        ),
        history=[
            StatusChangeOut(
                from_status=h.from_status,
                to_status=h.to_status,
                note=h.note,
                changed_by=h.changed_by,
                changed_at=h.changed_at,
            )
            for h in history or []
        ],
    )


async def _add_history(
    db: AsyncSession,
    referral: Referral,
    from_status: str | None,
    note: str | None,
    changed_by: uuid.UUID,
    at: dt.datetime,
) -> None:
    """A line of the referral's history: from `from_status` to the status it now has."""
    await repo.add_change(
        db,
        ReferralStatusChange(
            id=uuid.uuid4(),
            agency_id=referral.agency_id,
            referral_id=referral.id,
            from_status=from_status,
            to_status=referral.status,
            note=note,
            changed_by=changed_by,
            changed_at=at,
        ),
    )


async def new_referral(db: AsyncSession, referral: Referral, changed_by: uuid.UUID) -> Referral:
    """Store a new referral, its first history line and its created event."""
    await repo.add(db, referral)
    await _add_history(db, referral, None, None, changed_by, referral.created_at)
    await add_event(db, ReferralCreated(agency_id=referral.agency_id, referral=record(referral)))
    log.info("referral.created", referral_id=str(referral.id), kind=referral.kind)
    return referral


async def create_referral(db: AsyncSession, actor: Principal, data: ReferralCreate) -> ReferralOut:
    program_id = acting_program(actor, data.program_id)
    partner_name: str | None = None
    if data.kind == "internal":
        if data.to_program_id is None:
            raise Invalid("to_program_id", "an internal referral names the program it goes to")
        if data.partner_id is not None:
            raise Invalid("partner_id", "an internal referral goes to a program, not a partner")
        target = await copies.program(db, actor.agency_id, data.to_program_id)
        if target is None or not target.active:
            raise Invalid("to_program_id", "is not an active program of your agency")
        if data.to_program_id == program_id:
            raise Invalid("to_program_id", "an internal referral goes to another program")
    else:
        if data.partner_id is None:
            raise Invalid("partner_id", "an external referral names a partner of your directory")
        if data.to_program_id is not None:
            raise Invalid("to_program_id", "an external referral goes to a partner")
        partner = await partners.get(db, actor.agency_id, data.partner_id)
        if partner is None or not partner.active:
            raise Invalid("partner_id", "is not an active partner of your agency's directory")
        partner_name = partner.name
    now = utcnow()
    referral = await new_referral(
        db,
        Referral(
            id=uuid.uuid4(),
            agency_id=actor.agency_id,
            client_id=data.client_id,
            kind=data.kind,
            to_program_id=data.to_program_id,
            partner_id=data.partner_id,
            partner_name=partner_name,
            need=data.need,
            note=data.note,
            status="sent",
            referred_by=actor.user_id,
            program_id=program_id,
            follow_up_on=data.follow_up_on,
            private=data.private,
            form_id=data.form_id,
            session_id=data.session_id,
            created_at=now,
            updated_at=now,
            version=1,
        ),
        actor.user_id,
    )
    await audit(db, actor, "referral.created", referral.id, client_id=str(referral.client_id))
    return out(referral, await repo.history(db, referral.id))


async def visible_referral(
    db: AsyncSession, actor: Principal, referral_id: uuid.UUID, *, for_update: bool = False
) -> Referral:
    referral = await repo.visible_referral(db, Viewer.of(actor), referral_id, for_update=for_update)
    if referral is None:
        raise NotFound("no such referral")
    return referral


async def get_referral(db: AsyncSession, actor: Principal, referral_id: uuid.UUID) -> ReferralOut:
    referral = await visible_referral(db, actor, referral_id)
    await audit(db, actor, "referral.viewed", referral.id, client_id=str(referral.client_id))
    return out(referral, await repo.history(db, referral.id))


async def list_referrals(
    db: AsyncSession,
    actor: Principal,
    *,
    client_id: uuid.UUID | None,
    referred_by: uuid.UUID | None,
    statuses: list[str] | None,
    limit: int,
    offset: int,
) -> ReferralPage:
    found = await repo.list_visible(
        db,
        Viewer.of(actor),
        client_id=client_id,
        referred_by=referred_by,
        statuses=statuses,
        limit=limit + 1,
        offset=offset,
    )
    page, next_offset = page_of(found, limit, offset)
    await audit(
        db,
        actor,
        "referral.listed",
        None,
        client_id=str(client_id) if client_id else None,
        count=len(page),
    )
    return ReferralPage(
        items=[out(r) for r in page],
        next_offset=next_offset,
    )


async def _changed(
    db: AsyncSession,
    referral: Referral,
    changed: list[str],
    previous_status: str | None,
) -> None:
    referral.version += 1
    referral.updated_at = utcnow()
    await repo.save(db)
    await add_event(
        db,
        ReferralUpdated(
            agency_id=referral.agency_id,
            referral=record(referral),
            changed_fields=changed,
            previous_status=previous_status,
        ),
    )


async def update_referral(
    db: AsyncSession, actor: Principal, referral_id: uuid.UUID, data: ReferralUpdate
) -> ReferralOut:
    referral = await visible_referral(db, actor, referral_id, for_update=True)
    changes = data.model_dump(exclude_unset=True)
    if "need" in changes and changes["need"] is None:
        raise Invalid("need", "a referral answers a need")
    changed = sorted(k for k, v in changes.items() if getattr(referral, k) != v)
    for key in changed:
        setattr(referral, key, changes[key])
    if changed:
        await _changed(db, referral, changed, None)
    await audit(db, actor, "referral.updated", referral.id, changed=changed)
    return out(referral, await repo.history(db, referral.id))


async def change_status(
    db: AsyncSession, actor: Principal, referral_id: uuid.UUID, data: StatusChange
) -> ReferralOut:
    referral = await visible_referral(db, actor, referral_id, for_update=True)
    check_transition("referral", TRANSITIONS, referral.status, data.status)
    if data.status in NEEDS_OUTCOME and not data.outcome:
        raise Invalid("outcome", f"a referral is {data.status} with an outcome")
    previous = referral.status
    referral.status = data.status
    changed = ["status"]
    if data.outcome is not None:
        referral.outcome = data.outcome
        changed.append("outcome")
    if data.follow_up_on is not None and data.follow_up_on != referral.follow_up_on:
        referral.follow_up_on = data.follow_up_on
        changed.append("follow_up_on")
    await _add_history(db, referral, previous, data.note or data.outcome, actor.user_id, utcnow())
    await _changed(db, referral, sorted(changed), previous)
    await audit(
        db, actor, "referral.status_changed", referral.id, from_status=previous, to=data.status
    )
    log.info("referral.status_changed", referral_id=str(referral.id), to=data.status)
    return out(referral, await repo.history(db, referral.id))
