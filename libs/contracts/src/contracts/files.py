"""Events published by files. Each carries the attachment's metadata as it now stands
(never its content), so a consumer keeps its own copy by upserting on `id`.

An attachment belongs to a client (`client_id`, the profile it is listed under) and,
when it was added to a service form, to that form and its session. `private`: the
attachment is as private as its form (readable by the form's author and the author's
manager only).
"""

import datetime as dt
import uuid
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from contracts.base import IntegrationEvent


class AttachmentRecord(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: uuid.UUID
    client_id: uuid.UUID
    session_id: uuid.UUID | None = None
    form_id: uuid.UUID | None = None
    # The cleaned file name as shown to staff.
    name: str
    content_type: str
    size: int
    sha256: str
    private: bool = False
    added_by: uuid.UUID
    added_at: dt.datetime


class AttachmentAdded(IntegrationEvent):
    """A file was attached to a client profile or a service form."""

    routing_key: ClassVar[str] = "files.attachment.added.v1"

    attachment: AttachmentRecord


class AttachmentRemoved(IntegrationEvent):
    """A file was deleted (soft: its object is purged after the retention period)."""

    routing_key: ClassVar[str] = "files.attachment.removed.v1"

    attachment: AttachmentRecord
    removed_by: uuid.UUID
    removed_at: dt.datetime
