import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from forms import QuestionSetEdit


class QuestionSetIn(QuestionSetEdit):
    """A whole new version of the agency's questions: every question, retired ones
    included (a question once answered is retired, never left out)."""


class QuestionSetOut(BaseModel):
    target: str
    # 0: the agency has not defined any question yet.
    version: int
    # The definition as stored (retired questions included): what an edit starts from.
    questions: list[dict[str, Any]]
    # What the web app renders the form from (`forms.render_spec`).
    spec: dict[str, Any]
    # Whether any client holds answers: then changes must keep them valid.
    answers_exist: bool
    created_at: datetime | None
    created_by: uuid.UUID | None


class QuestionSetVersion(BaseModel):
    version: int
    questions: int
    retired: int
    created_at: datetime
    created_by: uuid.UUID


class QuestionSetVersions(BaseModel):
    items: list[QuestionSetVersion]


class AnswersIn(BaseModel):
    """Answers to the agency's questions in a profile save."""

    model_config = ConfigDict(extra="forbid")

    # By question key. A key left out is unchanged; null, "" or [] clears an answer.
    values: dict[str, Any] = Field(default_factory=dict, max_length=500)
    # A draft is saved without its required questions; false also checks those.
    # Left out: as the answers were (a new set of answers starts as a draft).
    draft: bool | None = None


class ProfileAnswers(BaseModel):
    # The question set version the answers were last saved under; None: never answered.
    version: int | None
    # Text, dates (YYYY-MM-DD) and choice keys as strings, yes/no as booleans, whole
    # numbers as integers, other numbers as decimal strings, multiple choice as lists.
    # Answers to retired questions are kept and shown.
    values: dict[str, Any]
    draft: bool
    # Required questions of the current set still unanswered.
    missing: list[str]
