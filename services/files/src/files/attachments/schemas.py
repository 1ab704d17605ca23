import uuid
from datetime import datetime

from pydantic import BaseModel


class AttachmentOut(BaseModel):
    id: uuid.UUID
    client_id: uuid.UUID
    # Set for a file on a service form; null for a file on the profile.
    session_id: uuid.UUID | None
    form_id: uuid.UUID | None
    form_key: str | None = None
    name: str
    content_type: str
    size: int
    sha256: str
    private: bool
    added_by: uuid.UUID
    added_at: datetime


class AttachmentList(BaseModel):
    items: list[AttachmentOut]


class DownloadLink(BaseModel):
    url: str
    expires_at: datetime
    expires_in: int
