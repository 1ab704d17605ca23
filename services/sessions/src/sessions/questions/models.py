"""An agency's question sets on service forms, every version kept."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Integer, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from kit.clock import utcnow
from kit.db import Base


class FormQuestionSet(Base):
    """One version of an agency's questions on one service form (`form_key`). Versions
    are never changed or deleted: a form's answers name the version they were given
    under."""

    __tablename__ = "form_question_sets"
    __table_args__ = (UniqueConstraint("agency_id", "form_key", "version"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    form_key: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    # `forms.QuestionSet` as JSON (retired questions included).
    definition: Mapped[dict[str, Any]] = mapped_column(JSONB)
    # Whether any form holds answers given under this version. Kept here because the
    # forms themselves are not all readable by the admin who changes the questions
    # (private forms, programs): the admin still must not break their answers.
    answered: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[uuid.UUID]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
