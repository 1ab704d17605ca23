"""Changing a definition without breaking the answers already stored under it.

Questions and choices are retired, never deleted, and keep their type, because stored
answers, reports and funder exports refer to them by key. Tightening a limit (a lower
maximum, a new required flag) is not breaking: old answers stay readable, and an
untouched answer is not re-checked against the new limit (see `validate_answers`).
"""

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from forms.definition import Question, QuestionSet
from forms.values import QuestionType

# Type changes every old answer survives: a single line is valid long text.
_WIDENINGS = frozenset({(QuestionType.TEXT, QuestionType.LONG_TEXT)})

SetT = TypeVar("SetT", bound=QuestionSet)


class StaleEdit(ValueError):
    """An edit started from another version than the one stored now (`current`)."""

    def __init__(self, current: int) -> None:
        super().__init__(f"the questions are at version {current} now")
        self.current = current


class IncompatibleChange(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def compatible(old: QuestionSet, new: QuestionSet) -> list[str]:
    """The changes from `old` to `new` that would break answers given under `old`
    (empty when there are none)."""
    problems: list[str] = []
    for before in old.questions:
        after = new.question(before.key)
        if after is None:
            problems.append(f"question '{before.key}' was removed: retire it instead")
            continue
        if after.type != before.type and (before.type, after.type) not in _WIDENINGS:
            problems.append(
                f"question '{before.key}' changed type from {before.type} to {after.type}"
            )
            continue
        if after.integer and not before.integer:
            problems.append(f"question '{before.key}' now takes whole numbers only")
        kept = {c.key for c in after.choices or ()}
        for choice in before.choices or ():
            if choice.key not in kept:
                problems.append(
                    f"choice '{choice.key}' of question '{before.key}' was removed: "
                    "retire it instead"
                )
    return problems


def compatibility_errors(old: QuestionSet, new: QuestionSet) -> list[dict[str, str]]:
    """`compatible`'s problems as `{field: "questions", message, type:
    "incompatible_change"}` items: the `fields` of the OCMS error body."""
    return [
        {"field": "questions", "message": p, "type": "incompatible_change"}
        for p in compatible(old, new)
    ]


def next_version(old: SetT, questions: Sequence[Question], *, answers_exist: bool = True) -> SetT:
    """`old` with `questions` as its next version. While no answer was given under the
    set (`answers_exist=False`) anything may change; after that, breaking changes raise
    `IncompatibleChange`."""
    new = type(old).model_validate(
        {**dict(old), "version": old.version + 1, "questions": list(questions)}
    )
    if answers_exist and (problems := compatible(old, new)):
        raise IncompatibleChange(problems)
    return new


class QuestionSetEdit(BaseModel):
    """An agency's edit of its questions as an API takes it (what `revise` reads): the
    whole next version."""

    model_config = ConfigDict(extra="forbid")

    # `forms.Question`s as JSON; checked by `revise` (its field paths in a 422).
    questions: list[dict[str, Any]] = Field(max_length=500)
    # The version this edit started from: refused (409) when another change came first.
    base_version: int | None = Field(default=None, ge=0)


def revise(
    current: QuestionSet | None,
    questions: Sequence[Question | Mapping[str, Any]],
    *,
    target: str,
    base_version: int | None = None,
) -> QuestionSet:
    """An agency's edit of its questions on `target`: `questions` as the version after
    `current` (None: nothing defined yet, version 0). Raises `StaleEdit` when the edit
    started from another version (`base_version`, when given), pydantic's
    `ValidationError` when the questions do not hold together (`field_errors` names each
    problem). Whether the change breaks stored answers is `compatible`'s to say: the
    caller knows whether any exist."""
    version = current.version if current is not None else 0
    if base_version is not None and base_version != version:
        raise StaleEdit(version)
    return QuestionSet.model_validate(
        {"target": target, "version": version + 1, "questions": list(questions)}
    )
