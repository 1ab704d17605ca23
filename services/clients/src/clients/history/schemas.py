import uuid
from datetime import datetime

from pydantic import BaseModel


class ChangeOut(BaseModel):
    at: datetime
    action: str
    fields: list[str]
    actor_id: uuid.UUID
    actor_name: str | None


class HistoryPage(BaseModel):
    items: list[ChangeOut]
    next_offset: int | None
