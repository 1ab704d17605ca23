"""The agency's questions on a service form, and the validation of their answers.

The same model as the client profile's questions (`libs/forms`): a change is a whole
new version; once any form holds answers, a change that would break them (a question
removed or retyped, a choice removed) is refused: retire instead. Answers are saved
with the form (`agency_answers` beside `answers`), in its transaction, version history
and events.
"""

import uuid
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from forms import (
    AnswersInvalid,
    QuestionSet,
    StaleEdit,
    compatibility_errors,
    field_errors,
    render_spec,
    revise,
    validate_answers,
)
from kit.audit import EntityAudit
from kit.auth import Principal
from kit.clock import utcnow
from kit.db import ConstraintViolation
from kit.errors import Conflict, DomainError, NotFound
from kit.logs import get_logger
from sessions.forms import catalog
from sessions.questions import repository as repo
from sessions.questions.models import FormQuestionSet
from sessions.questions.schemas import (
    QuestionSetIn,
    QuestionSetOut,
    QuestionSetVersion,
    QuestionSetVersions,
)

log = get_logger()

PREFIX = "agency_answers."
audit = EntityAudit("form_questions")


class DefinitionInvalid(DomainError):
    status_code = 422
    code = "invalid_definition"


def _target(form_key: str) -> str:
    return f"service_form.{form_key}.agency"


def _known(form_key: str) -> None:
    if form_key not in set(catalog.keys()):
        raise NotFound(f"no service form {form_key!r}", code="form_not_found")


def _definition(row: FormQuestionSet) -> QuestionSet:
    return QuestionSet.model_validate(row.definition)


def _out(
    form_key: str, row: FormQuestionSet | None, *, answers_exist: bool, include_retired: bool
) -> QuestionSetOut:
    if row is None:
        spec = render_spec(QuestionSet(target=_target(form_key)))
        spec["version"] = 0
        return QuestionSetOut(
            form_key=form_key, version=0, questions=[], spec=spec, answers_exist=answers_exist,
            created_at=None, created_by=None,
        )  # fmt: skip
    definition = _definition(row)
    return QuestionSetOut(
        form_key=form_key,
        version=row.version,
        questions=[q.model_dump(mode="json", exclude_none=True) for q in definition.questions],
        spec=render_spec(definition, include_retired=include_retired),
        answers_exist=answers_exist,
        created_at=row.created_at,
        created_by=row.created_by,
    )


async def current(
    db: AsyncSession, actor: Principal, form_key: str, *, include_retired: bool = False
) -> QuestionSetOut:
    _known(form_key)
    row = await repo.current_set(db, actor.agency_id, form_key)
    exist = await repo.answers_exist(db, actor.agency_id, form_key)
    return _out(form_key, row, answers_exist=exist, include_retired=include_retired)


async def version(db: AsyncSession, actor: Principal, form_key: str, number: int) -> QuestionSetOut:
    _known(form_key)
    row = await repo.set_at(db, actor.agency_id, form_key, number)
    if row is None:
        raise NotFound("No such version of the questions", code="question_set_not_found")
    exist = await repo.answers_exist(db, actor.agency_id, form_key)
    return _out(form_key, row, answers_exist=exist, include_retired=True)


async def versions(db: AsyncSession, actor: Principal, form_key: str) -> QuestionSetVersions:
    _known(form_key)
    items = []
    for row in await repo.versions(db, actor.agency_id, form_key):
        questions = _definition(row).questions
        items.append(
            QuestionSetVersion(
                version=row.version,
                questions=len(questions),
                retired=sum(q.retired for q in questions),
                created_at=row.created_at,
                created_by=row.created_by,
            )
        )
    return QuestionSetVersions(form_key=form_key, items=items)


async def define(
    db: AsyncSession, actor: Principal, form_key: str, data: QuestionSetIn
) -> QuestionSetOut:
    """Store `data` as the next version (an identical definition changes nothing)."""
    _known(form_key)
    old_row = await repo.current_set(db, actor.agency_id, form_key)
    old = _definition(old_row) if old_row else None
    try:
        new = revise(old, data.questions, target=_target(form_key), base_version=data.base_version)
    except StaleEdit as exc:
        raise Conflict(
            f"The questions changed meanwhile (now version {exc.current}): reload and retry",
            code="question_set_changed",
        ) from exc
    except ValidationError as exc:
        raise DefinitionInvalid(
            "The questions do not hold together", fields=field_errors(exc)
        ) from exc
    own = {q.key for q in catalog.definition(form_key).questions}
    clashes = [q.key for q in new.questions if q.key in own]
    if clashes:
        # Kept apart in storage, but one key meaning two things would confuse readers.
        raise DefinitionInvalid(
            "Question keys must differ from the form's own",
            fields=[
                {"field": "questions", "message": f"'{k}' is a question of the form itself",
                 "type": "duplicate_key"}
                for k in clashes
            ],
        )  # fmt: skip
    exist = await repo.answers_exist(db, actor.agency_id, form_key)
    if old is not None:
        if new.questions == old.questions:
            return _out(form_key, old_row, answers_exist=exist, include_retired=False)
        if exist and (problems := compatibility_errors(old, new)):
            raise Conflict(
                "Forms hold answers this change would break: retire questions and "
                "choices instead of removing or retyping them",
                code="incompatible_change",
                fields=problems,
            )
    row = FormQuestionSet(
        id=uuid.uuid4(),
        agency_id=actor.agency_id,
        form_key=form_key,
        version=new.version,
        definition=new.model_dump(mode="json", exclude_none=True),
        created_by=actor.user_id,
        created_at=utcnow(),
    )
    try:
        await repo.add_set(db, row)
    except ConstraintViolation as exc:
        if exc.constraint == repo.VERSION_UNIQUE:
            raise Conflict(
                "The questions changed meanwhile: reload and retry", code="question_set_changed"
            ) from exc
        raise
    await audit(db, actor, "form_questions.defined", form_key, version=row.version)
    log.info("form_questions.defined", form_key=form_key, version=row.version)
    return _out(form_key, row, answers_exist=exist, include_retired=False)


async def validate(
    db: AsyncSession,
    agency_id: uuid.UUID,
    form_key: str,
    values: Mapping[str, Any],
    *,
    partial: bool,
    previous: Mapping[str, Any] | None = None,
) -> tuple[int | None, dict[str, Any]]:
    """The agency's answers on a form checked against its current questions: (the set
    version, the normalised answers). `AnswersInvalid` names each problem
    `agency_answers.<key>`. An agency without questions on the form takes no answers."""
    row = await repo.current_set(db, agency_id, form_key)
    question_set = _definition(row) if row else QuestionSet(target=_target(form_key))
    try:
        validated = validate_answers(question_set, values, partial=partial, previous=previous)
    except AnswersInvalid as exc:
        raise AnswersInvalid(
            [{**e, "field": PREFIX + e["field"].removeprefix("answers.")} for e in exc.errors]
        ) from exc
    if row is None and not validated.values:
        return None, {}
    if validated.values:
        await repo.mark_answered(db, agency_id, form_key, validated.version)
    return validated.version, validated.to_json()
