"""Agency questions and service-form definitions, and the validation of their answers.

Pure Python and pydantic: services store definitions and answers in their own tables
(JSONB) and validate with this library; the web app renders from `render_spec`.
"""

from forms.answers import AnswersInvalid, ValidatedAnswers, validate_answers
from forms.definition import (
    Choice,
    FormDefinition,
    Label,
    Question,
    QuestionSet,
    Rule,
    field_errors,
    field_path,
)
from forms.evolution import (
    IncompatibleChange,
    QuestionSetEdit,
    StaleEdit,
    compatibility_errors,
    compatible,
    next_version,
    revise,
)
from forms.spec import render_spec
from forms.values import LONG_TEXT_MAX_LENGTH, TEXT_MAX_LENGTH, AnswerValue, QuestionType

__all__ = [
    "LONG_TEXT_MAX_LENGTH",
    "TEXT_MAX_LENGTH",
    "AnswerValue",
    "AnswersInvalid",
    "Choice",
    "FormDefinition",
    "IncompatibleChange",
    "Label",
    "Question",
    "QuestionSet",
    "QuestionSetEdit",
    "QuestionType",
    "Rule",
    "StaleEdit",
    "ValidatedAnswers",
    "compatibility_errors",
    "compatible",
    "field_errors",
    "field_path",
    "next_version",
    "render_spec",
    "revise",
    "validate_answers",
]
