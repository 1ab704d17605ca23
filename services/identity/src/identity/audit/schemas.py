import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel


class AuditOut(BaseModel):
    id: uuid.UUID
    at: datetime
    action: str
    actor_id: uuid.UUID | None
    entity_type: str
    entity_id: str | None
    detail: dict[str, Any]
    request_id: str | None


class AuditPage(BaseModel):
    items: list[AuditOut]
    # Pass as `offset` for the next page; None on the last one.
    next_offset: int | None
