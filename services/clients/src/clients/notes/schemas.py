import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

Body = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]


class NoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: Body
    program_id: uuid.UUID | None = None
    private: bool = False


class NoteOut(BaseModel):
    id: uuid.UUID
    client_id: uuid.UUID
    author_id: uuid.UUID
    author_name: str | None
    program_id: uuid.UUID | None
    program_name: str | None
    private: bool
    body: str
    created_at: datetime


class NotePage(BaseModel):
    items: list[NoteOut]
    next_offset: int | None
