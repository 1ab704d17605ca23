import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from clients.questions.models import ClientAnswerSet, ClientQuestionSet
from kit.db import flush

VERSION_UNIQUE = "uq_client_question_sets_agency_id_target_version"


async def current_set(
    db: AsyncSession, agency_id: uuid.UUID, target: str
) -> ClientQuestionSet | None:
    query = (
        select(ClientQuestionSet)
        .where(ClientQuestionSet.agency_id == agency_id, ClientQuestionSet.target == target)
        .order_by(ClientQuestionSet.version.desc())
        .limit(1)
    )
    return (await db.scalars(query)).first()


async def set_at(
    db: AsyncSession, agency_id: uuid.UUID, target: str, version: int
) -> ClientQuestionSet | None:
    query = select(ClientQuestionSet).where(
        ClientQuestionSet.agency_id == agency_id,
        ClientQuestionSet.target == target,
        ClientQuestionSet.version == version,
    )
    return (await db.scalars(query)).first()


async def versions(db: AsyncSession, agency_id: uuid.UUID, target: str) -> list[ClientQuestionSet]:
    query = (
        select(ClientQuestionSet)
        .where(ClientQuestionSet.agency_id == agency_id, ClientQuestionSet.target == target)
        .order_by(ClientQuestionSet.version.desc())
    )
    return list(await db.scalars(query))


async def add_set(db: AsyncSession, row: ClientQuestionSet) -> None:
    db.add(row)
    await flush(db)


async def answers_exist(db: AsyncSession, agency_id: uuid.UUID, target: str) -> bool:
    """Whether any client of the agency holds an answer on `target`."""
    query = (
        select(ClientAnswerSet.client_id)
        .where(
            ClientAnswerSet.agency_id == agency_id,
            ClientAnswerSet.target == target,
            ClientAnswerSet.answers != {},
        )
        .limit(1)
    )
    return (await db.scalars(query)).first() is not None


async def answers_of(
    db: AsyncSession, agency_id: uuid.UUID, client_id: uuid.UUID, target: str
) -> ClientAnswerSet | None:
    query = select(ClientAnswerSet).where(
        ClientAnswerSet.agency_id == agency_id,
        ClientAnswerSet.client_id == client_id,
        ClientAnswerSet.target == target,
    )
    return (await db.scalars(query)).first()


async def save_answers(db: AsyncSession, row: ClientAnswerSet) -> None:
    db.add(row)
    await flush(db)
