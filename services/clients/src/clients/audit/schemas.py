import uuid
from datetime import datetime

from pydantic import BaseModel


class ClientAuditOut(BaseModel):
    at: datetime
    action: str
    actor_id: uuid.UUID | None
    actor_name: str | None
    reason: str | None
    request_id: str | None


class ClientAuditPage(BaseModel):
    items: list[ClientAuditOut]
    next_offset: int | None
