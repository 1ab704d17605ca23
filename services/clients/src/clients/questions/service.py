"""The agency's questions on the client profile and the clients' answers to them.

Definitions and answers are checked by `libs/forms`; this module stores them. A change
of the questions is a whole new version; once any client holds answers, a change that
would break them (a question removed or retyped, a choice removed) is refused: retire
instead. Answers are saved through the profile (`PATCH /clients/{id}`), in its
transaction, history entry and event.
"""

import uuid
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from clients.profiles.models import Client
from clients.questions import repository as repo
from clients.questions.models import ClientAnswerSet, ClientQuestionSet
from clients.questions.schemas import (
    AnswersIn,
    ProfileAnswers,
    QuestionSetIn,
    QuestionSetOut,
    QuestionSetVersion,
    QuestionSetVersions,
)
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
from kit.auth import Principal
from kit.clock import utcnow
from kit.db import ConstraintViolation
from kit.errors import Conflict, DomainError, NotFound
from kit.logs import get_logger

log = get_logger()

TARGET = "client_profile"


class DefinitionInvalid(DomainError):
    status_code = 422
    code = "invalid_definition"


class AnswersRefused(DomainError):
    status_code = 422
    code = "invalid_answers"


def _definition(row: ClientQuestionSet) -> QuestionSet:
    return QuestionSet.model_validate(row.definition)


def _empty() -> QuestionSet:
    """What is asked while the agency has defined nothing: no question."""
    return QuestionSet(target=TARGET)


def _out(
    row: ClientQuestionSet | None, *, answers_exist: bool, include_retired: bool
) -> QuestionSetOut:
    if row is None:
        spec = render_spec(_empty())
        spec["version"] = 0
        return QuestionSetOut(
            target=TARGET, version=0, questions=[], spec=spec, answers_exist=answers_exist,
            created_at=None, created_by=None,
        )  # fmt: skip
    definition = _definition(row)
    return QuestionSetOut(
        target=TARGET,
        version=row.version,
        questions=[q.model_dump(mode="json", exclude_none=True) for q in definition.questions],
        spec=render_spec(definition, include_retired=include_retired),
        answers_exist=answers_exist,
        created_at=row.created_at,
        created_by=row.created_by,
    )


async def current(
    db: AsyncSession, actor: Principal, *, include_retired: bool = False
) -> QuestionSetOut:
    row = await repo.current_set(db, actor.agency_id, TARGET)
    exist = await repo.answers_exist(db, actor.agency_id, TARGET)
    return _out(row, answers_exist=exist, include_retired=include_retired)


async def version(db: AsyncSession, actor: Principal, number: int) -> QuestionSetOut:
    """A past version, retired questions included (to label the answers it holds)."""
    row = await repo.set_at(db, actor.agency_id, TARGET, number)
    if row is None:
        raise NotFound("No such version of the questions", code="question_set_not_found")
    exist = await repo.answers_exist(db, actor.agency_id, TARGET)
    return _out(row, answers_exist=exist, include_retired=True)


async def versions(db: AsyncSession, actor: Principal) -> QuestionSetVersions:
    rows = await repo.versions(db, actor.agency_id, TARGET)
    items = []
    for row in rows:
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
    return QuestionSetVersions(items=items)


async def define(db: AsyncSession, actor: Principal, data: QuestionSetIn) -> QuestionSetOut:
    """Store `data` as the next version (an identical definition changes nothing)."""
    old_row = await repo.current_set(db, actor.agency_id, TARGET)
    old = _definition(old_row) if old_row else None
    try:
        new = revise(old, data.questions, target=TARGET, base_version=data.base_version)
    except StaleEdit as exc:
        raise Conflict(
            f"The questions changed meanwhile (now version {exc.current}): reload and retry",
            code="question_set_changed",
        ) from exc
    except ValidationError as exc:
        raise DefinitionInvalid(
            "The questions do not hold together", fields=field_errors(exc)
        ) from exc
    exist = await repo.answers_exist(db, actor.agency_id, TARGET)
    if old is not None:
        if new.questions == old.questions:
            return _out(old_row, answers_exist=exist, include_retired=False)
        if exist and (problems := compatibility_errors(old, new)):
            raise Conflict(
                "Clients hold answers this change would break: retire questions and "
                "choices instead of removing or retyping them",
                code="incompatible_change",
                fields=problems,
            )
    row = ClientQuestionSet(
        id=uuid.uuid4(),
        agency_id=actor.agency_id,
        target=TARGET,
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
    log.info("questions.defined", target=TARGET, version=new.version, questions=len(new.questions))
    return _out(row, answers_exist=exist, include_retired=False)


async def _asked(db: AsyncSession, agency_id: uuid.UUID) -> QuestionSet:
    row = await repo.current_set(db, agency_id, TARGET)
    return _definition(row) if row else _empty()


def _missing(question_set: QuestionSet, values: dict[str, Any]) -> list[str]:
    """Required questions (shown given the other answers) not answered yet."""
    try:
        validate_answers(question_set, values, previous=values)
    except AnswersInvalid as exc:
        prefix = "answers."
        return [e["field"][len(prefix) :] for e in exc.errors if e["type"] == "missing"]
    return []


async def answers_of(db: AsyncSession, client: Client, *, reveal: bool = False) -> ProfileAnswers:
    """The client's answers; hidden (empty) while consent is withdrawn, like every
    other field an agency may have used to identify the person."""
    row = await repo.answers_of(db, client.agency_id, client.id, TARGET)
    if row is None:
        return ProfileAnswers(version=None, values={}, draft=True, missing=[])
    if client.restricted and not reveal:
        return ProfileAnswers(version=row.set_version, values={}, draft=row.draft, missing=[])
    missing = _missing(await _asked(db, client.agency_id), row.answers)
    return ProfileAnswers(
        version=row.set_version, values=dict(row.answers), draft=row.draft, missing=missing
    )


async def save_answers(
    db: AsyncSession, actor: Principal, client: Client, data: AnswersIn
) -> set[str]:
    """Merge `data` into the client's answers, validated against the agency's current
    questions; the names of what changed (`answers.<key>`, or `answers` for the draft
    flag alone). Answers to retired questions ride along untouched."""
    if data.values and client.kind == "anonymous":
        raise AnswersRefused(
            "answers: an anonymous profile holds no identifying data; convert it first",
            code="anonymous_profile",
            fields=[
                {"field": "answers", "message": "anonymous profile", "type": "anonymous_profile"}
            ],
        )
    if data.values and client.restricted:
        raise Conflict(
            "Consent was withdrawn: answers cannot change until it is given again",
            code="consent_withdrawn",
            fields=[{"field": "answers", "message": "consent withdrawn"}],
        )
    row = await repo.answers_of(db, client.agency_id, client.id, TARGET)
    previous: dict[str, Any] = dict(row.answers) if row else {}
    draft = data.draft if data.draft is not None else (row.draft if row else True)
    question_set = await _asked(db, client.agency_id)
    try:
        validated = validate_answers(
            question_set, {**previous, **data.values}, partial=draft, previous=previous
        )
    except AnswersInvalid as exc:
        raise AnswersRefused("Some answers are not valid", fields=exc.errors) from exc
    values = validated.to_json()
    changed = {
        f"answers.{key}"
        for key in previous.keys() | values.keys()
        if previous.get(key) != values.get(key)
    }
    if row is None and not values and draft:
        return changed  # nothing answered, nothing to keep
    if row is not None and not changed and row.draft == draft:
        return changed
    if row is None:
        row = ClientAnswerSet(
            client_id=client.id, target=TARGET, agency_id=client.agency_id, draft=draft
        )
    row.set_version = validated.version
    row.answers = values
    if row.draft != draft:
        changed.add("answers")
    row.draft = draft
    row.updated_at = utcnow()
    row.updated_by = actor.user_id
    await repo.save_answers(db, row)
    return changed


async def event_answers(db: AsyncSession, client: Client) -> dict[str, Any]:
    """The answers as `clients.client.updated.v1` carries them."""
    answers = await answers_of(db, client)
    return answers.model_dump(include={"version", "values", "draft"})
