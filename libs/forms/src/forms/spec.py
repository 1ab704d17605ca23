"""What the web app renders a form from."""

from typing import Any

from forms.definition import Question, QuestionSet
from forms.values import LONG_TEXT_MAX_LENGTH, TEXT_MAX_LENGTH, QuestionType


def render_spec(question_set: QuestionSet, *, include_retired: bool = False) -> dict[str, Any]:
    """The definition as JSON for the browser: questions in display order, both
    languages, the rules as data (the browser shows and hides with the same rules the
    server checks), effective text limits filled in.

    Retired questions and choices are left out of a form being filled; a view of a past
    record asks for them (`include_retired=True`) to label the answers it holds.
    """
    spec = question_set.model_dump(mode="json", exclude={"questions"}, exclude_none=True)
    spec["questions"] = [
        _question(q, include_retired)
        for q in question_set.ordered
        if include_retired or not q.retired
    ]
    return spec


def _question(q: Question, include_retired: bool) -> dict[str, Any]:
    spec = q.model_dump(mode="json", exclude_none=True, exclude={"order"})
    if q.type is not QuestionType.NUMBER:
        del spec["integer"]
    if q.choices is not None:
        spec["choices"] = [
            c.model_dump(mode="json", exclude_none=True)
            for c in q.choices
            if include_retired or not c.retired
        ]
    if q.type is QuestionType.TEXT:
        spec["max_length"] = q.max_length or TEXT_MAX_LENGTH
    elif q.type is QuestionType.LONG_TEXT:
        spec["max_length"] = q.max_length or LONG_TEXT_MAX_LENGTH
    return spec
