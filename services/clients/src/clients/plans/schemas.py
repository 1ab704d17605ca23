import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text2000 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Body = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]

PlanStatus = Literal["active", "on_hold", "completed", "cancelled"]
GoalStatus = Literal["not_started", "in_progress", "achieved", "not_achieved", "cancelled"]
StepStatus = Literal["to_do", "in_progress", "done", "cancelled"]
Progress = Literal["on_track", "some_progress", "no_progress", "goals_met"]


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    description: Text2000
    status: StepStatus = "to_do"
    due_on: date | None = None


class Goal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    description: Text2000
    status: GoalStatus = "not_started"
    target_date: date | None = None
    steps: list[Step] = Field(default_factory=list, max_length=50)


class PlanCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Text200
    program_id: uuid.UUID | None = None
    status: PlanStatus = "active"
    goals: list[Goal] = Field(default_factory=list, max_length=50)
    next_follow_up_on: date | None = None


class PlanPatch(BaseModel):
    """Fields left out are unchanged; `goals` is replaced whole (ids keep goals apart)."""

    model_config = ConfigDict(extra="forbid")

    title: Text200 | None = None
    status: PlanStatus | None = None
    goals: list[Goal] | None = Field(default=None, max_length=50)
    next_follow_up_on: date | None = None


class ReviewCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    progress: Progress
    body: Body
    next_follow_up_on: date | None = None


class FollowUpCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: Body
    next_follow_up_on: date | None = None


class EntryOut(BaseModel):
    id: uuid.UUID
    kind: Literal["review", "follow_up"]
    body: str
    progress: str | None
    next_follow_up_on: date | None
    author_id: uuid.UUID
    author_name: str | None
    at: datetime


class PlanOut(BaseModel):
    id: uuid.UUID
    client_id: uuid.UUID
    program_id: uuid.UUID | None
    title: str
    status: PlanStatus
    goals: list[Goal]
    next_follow_up_on: date | None
    entries: list[EntryOut]
    version: int
    created_at: datetime
    created_by: uuid.UUID
    updated_at: datetime
    updated_by: uuid.UUID


class PlanPage(BaseModel):
    items: list[PlanOut]
