"""A service form of a session: its definition (key and version) and the answers."""

import datetime as dt
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from kit.clock import utcnow
from kit.db import Base


class ServiceForm(Base):
    __tablename__ = "service_forms"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("session_records.id", ondelete="CASCADE"), index=True
    )
    form_key: Mapped[str] = mapped_column(String(64))
    definition_version: Mapped[int]
    answers: Mapped[dict[str, Any]] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(String(16))  # draft | completed
    author_id: Mapped[uuid.UUID]
    # Private: its author and the author's manager/coordinator only. A form of a private
    # session is private; a form of a shared session may be marked private on its own.
    private: Mapped[bool] = mapped_column(default=False)
    # The agency's own questions on this form: the set version answered and the answers.
    agency_set_version: Mapped[int | None] = mapped_column(Integer)
    agency_answers: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    # How many versions the form has had since it was completed (1: as completed; each
    # amendment adds one). 0 while a draft.
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_by: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ServiceFormVersion(Base):
    """One version of a completed form, kept forever: as completed (version 1), then as
    each amendment left it, with who changed it, when and why."""

    __tablename__ = "service_form_versions"
    __table_args__ = (UniqueConstraint("form_id", "version"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    form_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("service_forms.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    definition_version: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict[str, Any]] = mapped_column(JSONB)
    agency_set_version: Mapped[int | None] = mapped_column(Integer)
    agency_answers: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    # "completed" for version 1, "amended" after.
    change: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(1000))
    changed_by: Mapped[uuid.UUID]
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FollowUpRequest(Base):
    """A task or referral a form asks for. Its id is the event's `request_id`: one
    request, however often it is published, is created once by referrals."""

    __tablename__ = "service_form_follow_ups"
    __table_args__ = (UniqueConstraint("form_id", "position"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    form_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("service_forms.id", ondelete="CASCADE"), index=True
    )
    # Order within the form (0-based), stable across amendments.
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # task | referral
    client_id: Mapped[uuid.UUID]
    need: Mapped[str] = mapped_column(String(500))
    note: Mapped[str | None] = mapped_column(String(2000))
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    referral_kind: Mapped[str | None] = mapped_column(String(16))  # internal | external
    to_program_id: Mapped[uuid.UUID | None]
    partner_id: Mapped[uuid.UUID | None]
    partner_name: Mapped[str | None] = mapped_column(String(200))
    assignee_id: Mapped[uuid.UUID | None]
    requested_by: Mapped[uuid.UUID]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Set when the form is completed (or amended) and the event is in the outbox.
    requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
