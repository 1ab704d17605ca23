"""Funders (IRCC...) and the funding agreements that pay for an agency's programs."""

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.identity import FundingAgreementUpdated
from identity.funding import repository as repo
from identity.funding.models import Funder, FundingAgreement
from identity.funding.schemas import (
    AgreementCreate,
    AgreementOut,
    AgreementPage,
    AgreementPatch,
    FunderCreate,
    FunderOut,
    FunderPage,
)
from identity.programs import service as programs_service
from kit.auth import Principal
from kit.clock import utcnow
from kit.db import ConstraintViolation
from kit.errors import Conflict, Invalid, NotFound
from kit.logs import get_logger
from kit.messaging.outbox import add_event

log = get_logger()

FUNDER_CODE_UNIQUE = "uq_funders_agency_id_code"
AGREEMENT_NUMBER_UNIQUE = "uq_funding_agreements_agency_id_agreement_number"


def _funder_out(funder: Funder) -> FunderOut:
    return FunderOut(id=funder.id, agency_id=funder.agency_id, name=funder.name, code=funder.code)


def _agreement_out(agreement: FundingAgreement, program_ids: list[uuid.UUID]) -> AgreementOut:
    return AgreementOut(
        id=agreement.id,
        agency_id=agreement.agency_id,
        funder_id=agreement.funder_id,
        agreement_number=agreement.agreement_number,
        title=agreement.title,
        program_ids=program_ids,
        starts_on=agreement.starts_on,
        ends_on=agreement.ends_on,
    )


def _check_dates(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise Invalid("ends_on", "must not be before starts_on")


async def _save(db: AsyncSession, row: Funder | FundingAgreement | None = None) -> None:
    try:
        await (repo.add(db, row) if row is not None else repo.save(db))
    except ConstraintViolation as exc:
        if exc.constraint == FUNDER_CODE_UNIQUE:
            field, message = "code", "This agency already has a funder with this code"
        elif exc.constraint == AGREEMENT_NUMBER_UNIQUE:
            field, message = "agreement_number", "This agreement number is already recorded"
        else:
            raise
        raise Conflict(message, fields=[{"field": field, "message": "is already used"}]) from exc


async def _funder_of(db: AsyncSession, actor: Principal, funder_id: uuid.UUID) -> Funder:
    funder = await repo.funder(db, actor.agency_id, funder_id)
    if funder is None:
        raise Invalid("funder_id", "names no funder of this agency")
    return funder


async def _publish(db: AsyncSession, agreement: FundingAgreement, funder: Funder) -> AgreementOut:
    program_ids = (await repo.program_ids(db, [agreement.id]))[agreement.id]
    await add_event(
        db,
        FundingAgreementUpdated(
            agency_id=agreement.agency_id,
            id=agreement.id,
            funder_id=funder.id,
            funder_code=funder.code,
            funder_name=funder.name,
            agreement_number=agreement.agreement_number,
            title=agreement.title,
            program_ids=program_ids,
            starts_on=agreement.starts_on,
            ends_on=agreement.ends_on,
        ),
    )
    return _agreement_out(agreement, program_ids)


# --- funders -------------------------------------------------------------------------


async def list_funders(db: AsyncSession, actor: Principal) -> FunderPage:
    return FunderPage(items=[_funder_out(f) for f in await repo.funders(db, actor.agency_id)])


async def create_funder(db: AsyncSession, actor: Principal, data: FunderCreate) -> FunderOut:
    funder = Funder(
        id=uuid.uuid4(),
        agency_id=actor.agency_id,
        name=data.name,
        code=data.code,
        created_at=utcnow(),
    )
    await _save(db, funder)
    log.info("funder.created", funder_id=str(funder.id), agency_id=str(funder.agency_id))
    return _funder_out(funder)


# --- agreements ----------------------------------------------------------------------


async def list_agreements(
    db: AsyncSession, actor: Principal, *, funder_id: uuid.UUID | None = None
) -> AgreementPage:
    agreements = await repo.agreements(db, actor.agency_id, funder_id=funder_id)
    programs = await repo.program_ids(db, [a.id for a in agreements])
    return AgreementPage(items=[_agreement_out(a, programs[a.id]) for a in agreements])


async def _agreement(
    db: AsyncSession, actor: Principal, agreement_id: uuid.UUID
) -> FundingAgreement:
    agreement = await repo.agreement(db, actor.agency_id, agreement_id)
    if agreement is None:
        raise NotFound("No such funding agreement", code="funding_agreement_not_found")
    return agreement


async def get_agreement(
    db: AsyncSession, actor: Principal, agreement_id: uuid.UUID
) -> AgreementOut:
    agreement = await _agreement(db, actor, agreement_id)
    programs = await repo.program_ids(db, [agreement.id])
    return _agreement_out(agreement, programs[agreement.id])


async def create_agreement(
    db: AsyncSession, actor: Principal, data: AgreementCreate
) -> AgreementOut:
    _check_dates(data.starts_on, data.ends_on)
    funder = await _funder_of(db, actor, data.funder_id)
    await programs_service.ensure_usable(db, actor.agency_id, data.program_ids)
    now = utcnow()
    agreement = FundingAgreement(
        id=uuid.uuid4(),
        agency_id=actor.agency_id,
        funder_id=funder.id,
        agreement_number=data.agreement_number,
        title=data.title,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        created_at=now,
        updated_at=now,
    )
    await _save(db, agreement)
    await repo.set_programs(db, agreement, data.program_ids)
    log.info("funding_agreement.created", agreement_id=str(agreement.id))
    return await _publish(db, agreement, funder)


async def update_agreement(
    db: AsyncSession, actor: Principal, agreement_id: uuid.UUID, patch: AgreementPatch
) -> AgreementOut:
    agreement = await _agreement(db, actor, agreement_id)
    _check_dates(patch.starts_on or agreement.starts_on, patch.ends_on or agreement.ends_on)
    if patch.agreement_number is not None:
        agreement.agreement_number = patch.agreement_number
    if patch.title is not None:
        agreement.title = patch.title
    if patch.starts_on is not None:
        agreement.starts_on = patch.starts_on
    if patch.ends_on is not None:
        agreement.ends_on = patch.ends_on
    if patch.program_ids is not None:
        await programs_service.ensure_usable(db, actor.agency_id, patch.program_ids)
        await repo.set_programs(db, agreement, patch.program_ids)
        agreement.updated_at = utcnow()
    await _save(db)
    funder = await _funder_of(db, actor, agreement.funder_id)
    log.info("funding_agreement.updated", agreement_id=str(agreement.id))
    return await _publish(db, agreement, funder)
