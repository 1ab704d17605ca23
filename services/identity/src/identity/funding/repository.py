import uuid
from collections.abc import Collection

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from identity.funding.models import Funder, FundingAgreement, FundingAgreementProgram
from kit.db import flush


async def add(db: AsyncSession, row: Funder | FundingAgreement) -> None:
    db.add(row)
    await flush(db)


async def save(db: AsyncSession) -> None:
    await flush(db)


async def funder(db: AsyncSession, agency_id: uuid.UUID, funder_id: uuid.UUID) -> Funder | None:
    result = await db.scalars(
        select(Funder).where(Funder.id == funder_id, Funder.agency_id == agency_id)
    )
    return result.first()


async def funder_by_code(db: AsyncSession, agency_id: uuid.UUID, code: str) -> Funder | None:
    result = await db.scalars(
        select(Funder).where(Funder.agency_id == agency_id, Funder.code == code)
    )
    return result.first()


async def funders(db: AsyncSession, agency_id: uuid.UUID) -> list[Funder]:
    result = await db.scalars(
        select(Funder).where(Funder.agency_id == agency_id).order_by(Funder.name)
    )
    return list(result)


async def agreement(
    db: AsyncSession, agency_id: uuid.UUID, agreement_id: uuid.UUID
) -> FundingAgreement | None:
    result = await db.scalars(
        select(FundingAgreement).where(
            FundingAgreement.id == agreement_id, FundingAgreement.agency_id == agency_id
        )
    )
    return result.first()


async def agreement_by_number(
    db: AsyncSession, agency_id: uuid.UUID, number: str
) -> FundingAgreement | None:
    result = await db.scalars(
        select(FundingAgreement).where(
            FundingAgreement.agency_id == agency_id, FundingAgreement.agreement_number == number
        )
    )
    return result.first()


async def agreements(
    db: AsyncSession, agency_id: uuid.UUID, *, funder_id: uuid.UUID | None = None
) -> list[FundingAgreement]:
    query = select(FundingAgreement).where(FundingAgreement.agency_id == agency_id)
    if funder_id is not None:
        query = query.where(FundingAgreement.funder_id == funder_id)
    result = await db.scalars(query.order_by(FundingAgreement.starts_on.desc()))
    return list(result)


async def program_ids(
    db: AsyncSession, agreement_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    found: dict[uuid.UUID, list[uuid.UUID]] = {a: [] for a in agreement_ids}
    if not agreement_ids:
        return found
    rows = await db.execute(
        select(FundingAgreementProgram.agreement_id, FundingAgreementProgram.program_id)
        .where(FundingAgreementProgram.agreement_id.in_(set(agreement_ids)))
        .order_by(FundingAgreementProgram.program_id)
    )
    for agreement_id, program_id in rows:
        found[agreement_id].append(program_id)
    return found


async def set_programs(
    db: AsyncSession, agreement: FundingAgreement, program_ids: Collection[uuid.UUID]
) -> None:
    await db.execute(
        delete(FundingAgreementProgram).where(FundingAgreementProgram.agreement_id == agreement.id)
    )
    db.add_all(
        FundingAgreementProgram(
            agreement_id=agreement.id, program_id=program_id, agency_id=agreement.agency_id
        )
        for program_id in set(program_ids)
    )
    await flush(db)
