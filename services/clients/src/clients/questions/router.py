from typing import Annotated

from fastapi import APIRouter, Path

from clients.deps import Staff
from clients.questions import service
from clients.questions.schemas import QuestionSetIn, QuestionSetOut, QuestionSetVersions
from kit.auth import Principal, Role, require_role
from kit.db import DbSession

router = APIRouter(prefix="/questions/client-profile", tags=["questions"])

AgencyAdmin = Annotated[Principal, require_role(Role.AGENCY_ADMIN)]


@router.get("")
async def current_questions(
    db: DbSession, actor: Staff, include_retired: bool = False
) -> QuestionSetOut:
    """The agency's current questions and the spec the profile form renders from."""
    return await service.current(db, actor, include_retired=include_retired)


@router.put("")
async def define_questions(
    body: QuestionSetIn, db: DbSession, actor: AgencyAdmin
) -> QuestionSetOut:
    """A whole new version of the questions (agency admins)."""
    return await service.define(db, actor, body)


@router.get("/versions")
async def question_versions(db: DbSession, actor: Staff) -> QuestionSetVersions:
    return await service.versions(db, actor)


@router.get("/versions/{version}")
async def question_version(
    version: Annotated[int, Path(ge=1)], db: DbSession, actor: Staff
) -> QuestionSetOut:
    return await service.version(db, actor, version)
