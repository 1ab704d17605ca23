import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from forms import QuestionSetEdit


class QuestionSetIn(QuestionSetEdit):
    """A whole new version of the agency's questions on one form: every question,
    retired ones included (a question once answered is retired, never left out)."""


class QuestionSetOut(BaseModel):
    form_key: str
    # 0: the agency has not defined any question on this form yet.
    version: int
    questions: list[dict[str, Any]]
    # What the web app renders the agency's part of the form from (`forms.render_spec`).
    spec: dict[str, Any]
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
    form_key: str
    items: list[QuestionSetVersion]
