"""Form answers on groups and courses: checked against the catalog's definition, and
every completed version kept (a completed form changes only by an amendment)."""

import uuid
from datetime import datetime
from typing import Any

from forms import AnswersInvalid, FormDefinition, validate_answers
from kit.errors import Invalid, InvalidFields
from sessions.groups.schemas import FormVersionOut


def validate_form(
    definition: FormDefinition,
    answers: dict[str, Any],
    *,
    draft: bool,
    previous: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The answers, checked against the form and normalised; a 422 naming every
    refused `answers.<key>` otherwise."""
    try:
        validated = validate_answers(definition, answers, partial=draft, previous=previous)
    except AnswersInvalid as exc:
        raise InvalidFields("the answers do not fit the form", fields=exc.errors) from exc
    return validated.to_json()


def check_amendment(*, completed_before: bool, draft: bool, reason: str | None) -> None:
    """A completed form does not go back to a draft, and its change says why."""
    if not completed_before:
        return
    if draft:
        raise Invalid("draft", "a completed form cannot go back to a draft")
    if reason is None:
        raise Invalid("reason", "say why a completed form is amended")


def with_version(
    versions: list[dict[str, Any]] | None,
    *,
    definition_version: int,
    answers: dict[str, Any],
    saved_by: uuid.UUID,
    saved_at: datetime,
    reason: str | None,
) -> list[dict[str, Any]]:
    """`versions` (as kept in a JSONB list) and one more completed version."""
    kept = list(versions or [])
    entry = FormVersionOut(
        version=len(kept) + 1,
        definition_version=definition_version,
        answers=answers,
        saved_by=saved_by,
        saved_at=saved_at,
        reason=reason,
    )
    return [*kept, entry.model_dump(mode="json")]


def versions_out(versions: list[dict[str, Any]] | None) -> list[FormVersionOut]:
    return [FormVersionOut.model_validate(v) for v in versions or []]
