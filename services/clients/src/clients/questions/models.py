"""An agency's question sets (every version kept) and each client's answers."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from kit.clock import utcnow
from kit.db import Base


class ClientQuestionSet(Base):
    """One version of an agency's questions for a target (`client_profile`). Versions
    are never changed or deleted: answers name the version they were given under."""

    __tablename__ = "client_question_sets"
    __table_args__ = (UniqueConstraint("agency_id", "target", "version"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    target: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    # `forms.QuestionSet` as JSON (retired questions included).
    definition: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_by: Mapped[uuid.UUID]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ClientAnswerSet(Base):
    """A client's answers to the agency's questions on one target, as validated by
    `forms.validate_answers` (`ValidatedAnswers.to_json()`)."""

    __tablename__ = "client_answers"

    client_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True
    )
    target: Mapped[str] = mapped_column(String(100), primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    # The question set version the answers were last checked against.
    set_version: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict[str, Any]] = mapped_column(JSONB)
    # Saved without enforcing required questions.
    draft: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[uuid.UUID]
