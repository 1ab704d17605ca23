import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from kit.inputs import CalendarDate

TaskStatus = Literal["open", "in_progress", "done", "cancelled"]
Priority = Literal["low", "normal", "high", "urgent"]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_id: uuid.UUID
    title: Title
    description: LongText | None = None
    # Yourself when not given.
    assignee_id: uuid.UUID | None = None
    # One of your programs; yours when you have exactly one.
    program_id: uuid.UUID | None = None
    due_date: CalendarDate | None = None
    priority: Priority = "normal"
    form_id: uuid.UUID | None = None
    session_id: uuid.UUID | None = None
    private: bool = False


class TaskUpdate(BaseModel):
    """Only the fields given change."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    description: LongText | None = None
    assignee_id: uuid.UUID | None = None
    due_date: CalendarDate | None = None
    priority: Priority | None = None
    status: TaskStatus | None = None


class CommentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: LongText


class CommentOut(BaseModel):
    id: uuid.UUID
    author_id: uuid.UUID
    body: str
    created_at: dt.datetime


class TaskOut(BaseModel):
    id: uuid.UUID
    client_id: uuid.UUID
    form_id: uuid.UUID | None
    session_id: uuid.UUID | None
    title: str
    description: str | None
    assignee_id: uuid.UUID
    created_by: uuid.UUID
    program_id: uuid.UUID | None
    due_date: dt.date | None
    priority: str
    status: str
    private: bool
    request_id: uuid.UUID | None
    created_at: dt.datetime
    updated_at: dt.datetime
    completed_at: dt.datetime | None
    overdue: bool
    comments: list[CommentOut] = Field(default_factory=list)


class TaskPage(BaseModel):
    items: list[TaskOut]
    next_offset: int | None
