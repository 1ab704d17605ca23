"""Who attended a group activity (a session of a group type).

The session's `client_ids` lists the named attendees (kept in step here, so a client's
sessions include the groups they attended); `group_attendees` holds what each named
attendee has beyond that (who added them, their attendee form) and `group_activities`
the count of anonymous attendees.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from kit.clock import utcnow
from kit.db import Base


class GroupActivity(Base):
    __tablename__ = "group_activities"

    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("session_records.id", ondelete="CASCADE"), primary_key=True
    )
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    anonymous_count: Mapped[int] = mapped_column(Integer, default=0)
    updated_by: Mapped[uuid.UUID]
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class GroupAttendee(Base):
    __tablename__ = "group_attendees"
    __table_args__ = (UniqueConstraint("session_id", "client_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("session_records.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[uuid.UUID] = mapped_column(index=True)
    added_by: Mapped[uuid.UUID]
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The attendee form (the group type's attendee form), once one is saved.
    form_key: Mapped[str | None] = mapped_column(String(64))
    definition_version: Mapped[int | None] = mapped_column(Integer)
    answers: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    form_status: Mapped[str | None] = mapped_column(String(16))  # draft | completed
    form_author_id: Mapped[uuid.UUID | None]
    form_updated_by: Mapped[uuid.UUID | None]
    form_updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    form_completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Every completed version of the form: [{version, definition_version, answers,
    # saved_by, saved_at, reason}], oldest first.
    form_versions: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
