"""The form's answers and the agency's questions' answers, checked together."""

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from forms import AnswersInvalid, validate_answers
from kit.errors import InvalidFields
from sessions.forms import catalog
from sessions.forms.models import ServiceForm
from sessions.questions import service as questions


async def checked_answers(
    db: AsyncSession,
    agency_id: uuid.UUID,
    form: ServiceForm | None,
    form_key: str,
    answers: Mapping[str, Any],
    agency_answers: Mapping[str, Any],
    *,
    partial: bool,
) -> tuple[int, dict[str, Any], int | None, dict[str, Any]]:
    """The form's answers and the agency's, checked together: every problem of both in
    one 422 (`answers.<key>`, `agency_answers.<key>`)."""
    definition = catalog.definition(form_key)
    errors: list[dict[str, str]] = []
    values: dict[str, Any] = {}
    agency_version: int | None = None
    agency_values: dict[str, Any] = {}
    try:
        values = validate_answers(
            definition, answers, partial=partial, previous=form.answers if form else None
        ).to_json()
    except AnswersInvalid as exc:
        errors += exc.errors
    try:
        agency_version, agency_values = await questions.validate(
            db,
            agency_id,
            form_key,
            agency_answers,
            partial=partial,
            previous=(form.agency_answers or {}) if form else None,
        )
    except AnswersInvalid as exc:
        errors += exc.errors
    if errors:
        raise InvalidFields("the answers do not fit the form", fields=errors)
    return definition.version, values, agency_version, agency_values


def merged(before: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    return {**before, **patch}
