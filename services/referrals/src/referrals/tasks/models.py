"""Tasks: a piece of follow-up work on a client, assigned to a staff member."""

import datetime as dt
import uuid

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kit.clock import utcnow
from kit.db import Base

TASK_STATUSES = ("open", "in_progress", "done", "cancelled")
PRIORITIES = ("low", "normal", "high", "urgent")


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        # My work: a worker's open tasks by due date.
        Index(
            "ix_tasks_assignee_due",
            "agency_id",
            "assignee_id",
            "due_date",
            postgresql_where="status IN ('open', 'in_progress')",
        ),
        Index("ix_tasks_client_id", "agency_id", "client_id"),
        Index("ix_tasks_created_by", "agency_id", "created_by"),
        Index("ix_tasks_program_id", "agency_id", "program_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[uuid.UUID]
    client_id: Mapped[uuid.UUID]
    # The service form (and its session) that asked for it, if any.
    form_id: Mapped[uuid.UUID | None]
    session_id: Mapped[uuid.UUID | None]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    assignee_id: Mapped[uuid.UUID]
    created_by: Mapped[uuid.UUID]
    # The program the task belongs to: its members see it.
    program_id: Mapped[uuid.UUID | None]
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    status: Mapped[str] = mapped_column(String(16), default="open")
    # From a private form: the assignee, the creator and their managers only.
    private: Mapped[bool] = mapped_column(default=False)
    # The sessions follow-up request it answers (unique: created once per request).
    request_id: Mapped[uuid.UUID | None] = mapped_column(unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Bumped by every change: the events' order for consumers.
    version: Mapped[int] = mapped_column(default=1)


class TaskComment(Base):
    __tablename__ = "task_comments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[uuid.UUID]
    task_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[uuid.UUID]
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
