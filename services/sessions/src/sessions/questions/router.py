from typing import Annotated

from fastapi import APIRouter, Path

from kit.auth import Principal, Role, require_role
from kit.db import DbSession
from sessions.deps import Staff
from sessions.questions import service
from sessions.questions.schemas import QuestionSetIn, QuestionSetOut, QuestionSetVersions

router = APIRouter(prefix="/form-questions/{form_key}", tags=["agency questions on forms"])

AgencyAdmin = Annotated[Principal, require_role(Role.AGENCY_ADMIN)]
FormKey = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")]


@router.get("")
async def current_questions(
    form_key: FormKey, db: DbSession, actor: Staff, include_retired: bool = False
) -> QuestionSetOut:
    """The agency's current questions on a form and the spec its part renders from."""
    return await service.current(db, actor, form_key, include_retired=include_retired)


@router.put("")
async def define_questions(
    form_key: FormKey, body: QuestionSetIn, db: DbSession, actor: AgencyAdmin
) -> QuestionSetOut:
    """A whole new version of the agency's questions on the form (agency admins)."""
    return await service.define(db, actor, form_key, body)


@router.get("/versions")
async def question_versions(form_key: FormKey, db: DbSession, actor: Staff) -> QuestionSetVersions:
    return await service.versions(db, actor, form_key)


@router.get("/versions/{version}")
async def question_version(
    form_key: FormKey, version: Annotated[int, Path(ge=1)], db: DbSession, actor: Staff
) -> QuestionSetOut:
    return await service.version(db, actor, form_key, version)
