"""Answers checked against their definition.

`answers` is the whole answer set of one record (a profile, a form), as it is to be
stored, not a patch: a service offering partial updates merges first. `previous` is
what the record held before (empty for a new record); it is what lets answers to
retired questions ride along untouched.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from forms.definition import Question, QuestionSet, Rule
from forms.values import Problem, is_blank, normalise, normalise_rule_value


class AnswersInvalid(ValueError):
    """Every problem of an answer set at once, as `{field, message, type}` items
    (`field` is `answers.<key>`): the shape of the OCMS error body's `fields`."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class ValidatedAnswers:
    """Normalised answers and the version of the set they were given under.

    `values` holds the answered questions only (a blank answer is no answer). Answers
    to questions no longer asked (retired) are carried from `previous` as they were.
    """

    version: int
    values: dict[str, object] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        """JSON-ready values for a JSONB column. Decimals become decimal strings, never
        floats (no rounding); validating them again gives the same Decimal, and SQL reads
        either form with `(answers->>'key')::numeric`."""
        return {k: str(v) if isinstance(v, Decimal) else v for k, v in self.values.items()}


def validate_answers(
    question_set: QuestionSet,
    answers: Mapping[str, object],
    *,
    partial: bool = False,
    previous: Mapping[str, object] | None = None,
) -> ValidatedAnswers:
    """Check and normalise `answers`, or raise `AnswersInvalid` listing every problem.

    - `partial=True` (a draft) does not enforce required questions; everything else is.
    - A question whose `visible_when` rule does not hold is not asked: it is not
      required, and an answer to it is refused (it would contradict the answer it
      depends on).
    - Unknown keys are refused.
    - An answer left as it was in `previous` is checked for its shape only, not for
      limits tightened since (nobody should have to re-answer what they did not touch).
    """
    previous = previous or {}
    errors: list[dict[str, str]] = []
    values: dict[str, object] = {}

    def refuse(key: str, type_: str, message: str) -> None:
        errors.append({"field": f"answers.{key}", "message": message, "type": type_})

    asked = {q.key for q in question_set.active}
    # Answers to questions not asked any more are kept exactly as they were.
    for key, raw in previous.items():
        if key not in asked:
            values[key] = raw

    # Active questions in display order: a rule only looks back, so its source has
    # already been settled. `shown` is None when it cannot be told (the source's own
    # answer was refused): then the question is neither required nor refused for it.
    shown: dict[str, bool | None] = {}
    refused: set[str] = set()
    for q in question_set.active:
        visible = _visible(q.visible_when, question_set, values, shown, refused)
        shown[q.key] = visible
        raw = answers.get(q.key)
        if is_blank(raw):
            if q.required and visible and not partial:
                refuse(q.key, "missing", "an answer is required")
            continue
        if visible is False:
            refuse(q.key, "not_asked", "not asked given the other answers: leave it blank")
            refused.add(q.key)
            continue
        before = previous.get(q.key)
        untouched = q.key in previous and raw == before
        try:
            values[q.key] = normalise(
                q, raw, strict=not untouched, kept_choices=_choice_keys(before)
            )
        except Problem as p:
            refuse(q.key, p.type, p.message)
            refused.add(q.key)

    for key, raw in answers.items():
        if key in asked or (key in previous and raw == previous[key]):
            continue  # asked (checked above), or an unchanged echo of a kept answer
        if question_set.question(key) is None:
            refuse(key, "unknown_question", "not a question of this form")
        elif key in previous or not is_blank(raw):
            refuse(key, "retired_question", "no longer asked: its answer cannot change")

    if errors:
        raise AnswersInvalid(errors)
    return ValidatedAnswers(question_set.version, values)


def _visible(
    rule: Rule | None,
    question_set: QuestionSet,
    values: Mapping[str, object],
    shown: Mapping[str, bool | None],
    refused: set[str],
) -> bool | None:
    if rule is None:
        return True
    # The definition guarantees an earlier, active source (QuestionSet refuses others).
    if shown[rule.question] is not True:
        return shown[rule.question]  # hidden hides what depends on it
    if rule.question in refused:
        return None
    answer = values.get(rule.question)
    if rule.answered:
        return answer is not None
    if answer is None:
        return False
    source = question_set.question(rule.question)
    assert source is not None
    return _matches(rule, source, answer)


def _matches(rule: Rule, source: Question, answer: object) -> bool:
    wanted = [rule.equals] if rule.equals is not None else list(rule.one_of or ())
    targets = {normalise_rule_value(source, w) for w in wanted}
    if isinstance(answer, list):  # multiple choice: any selected key matches
        return any(key in targets for key in answer)
    return answer in targets


def _choice_keys(before: object) -> set[str]:
    """The choice keys a previous answer held (it may keep them though retired)."""
    if isinstance(before, str):
        return {before}
    if isinstance(before, list):
        return {k for k in before if isinstance(k, str)}
    return set()
