import datetime as dt
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ServiceFormCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    form_key: str = Field(min_length=1, max_length=64)
    answers: dict[str, Any] = Field(default_factory=dict)
    # A draft is saved without its required answers and completed later.
    draft: bool = False


class ServiceFormOut(BaseModel):
    id: uuid.UUID
    session_id: uuid.UUID
    form_key: str
    definition_version: int
    status: Literal["draft", "completed"]
    answers: dict[str, Any]
    author_id: uuid.UUID
    private: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    completed_at: dt.datetime | None
