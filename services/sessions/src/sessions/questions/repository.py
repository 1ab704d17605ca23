import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kit.db import flush
from sessions.questions.models import FormQuestionSet

VERSION_UNIQUE = "uq_form_question_sets_agency_id_form_key_version"


async def current_set(
    db: AsyncSession, agency_id: uuid.UUID, form_key: str
) -> FormQuestionSet | None:
    query = (
        select(FormQuestionSet)
        .where(FormQuestionSet.agency_id == agency_id, FormQuestionSet.form_key == form_key)
        .order_by(FormQuestionSet.version.desc())
        .limit(1)
    )
    return (await db.scalars(query)).first()


async def set_at(
    db: AsyncSession, agency_id: uuid.UUID, form_key: str, version: int
) -> FormQuestionSet | None:
    query = select(FormQuestionSet).where(
        FormQuestionSet.agency_id == agency_id,
        FormQuestionSet.form_key == form_key,
        FormQuestionSet.version == version,
    )
    return (await db.scalars(query)).first()


async def versions(db: AsyncSession, agency_id: uuid.UUID, form_key: str) -> list[FormQuestionSet]:
    query = (
        select(FormQuestionSet)
        .where(FormQuestionSet.agency_id == agency_id, FormQuestionSet.form_key == form_key)
        .order_by(FormQuestionSet.version.desc())
    )
    return list(await db.scalars(query))


async def add_set(db: AsyncSession, row: FormQuestionSet) -> None:
    db.add(row)
    await flush(db)


async def answers_exist(db: AsyncSession, agency_id: uuid.UUID, form_key: str) -> bool:
    """Whether any form of the agency holds answers to its questions on `form_key`."""
    query = (
        select(FormQuestionSet.id)
        .where(
            FormQuestionSet.agency_id == agency_id,
            FormQuestionSet.form_key == form_key,
            FormQuestionSet.answered.is_(True),
        )
        .limit(1)
    )
    return (await db.scalars(query)).first() is not None


async def mark_answered(
    db: AsyncSession, agency_id: uuid.UUID, form_key: str, version: int
) -> None:
    await db.execute(
        update(FormQuestionSet)
        .where(
            FormQuestionSet.agency_id == agency_id,
            FormQuestionSet.form_key == form_key,
            FormQuestionSet.version == version,
            FormQuestionSet.answered.is_(False),
        )
        .values(answered=True)
    )
