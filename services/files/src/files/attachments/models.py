"""An attachment's metadata; the bytes are an object in the store under `object_key`."""

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from kit.db import Base


class Attachment(Base):
    __tablename__ = "attachments"
    __table_args__ = (
        Index("ix_attachments_agency_client", "agency_id", "client_id"),
        Index("ix_attachments_form_id", "form_id"),
        Index(
            "ix_attachments_deleted_at",
            "deleted_at",
            postgresql_where=text("deleted_at IS NOT NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID]
    # The client it belongs to now (a merge moves it to the surviving profile) ...
    client_id: Mapped[uuid.UUID]
    # ... and the one it was attached to (an undone merge moves it back).
    attached_client_id: Mapped[uuid.UUID]
    session_id: Mapped[uuid.UUID | None]
    form_id: Mapped[uuid.UUID | None]
    name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    object_key: Mapped[str] = mapped_column(Text, unique=True)
    # As private as its form: only the form's author and the author's manager see it.
    private: Mapped[bool]
    added_by: Mapped[uuid.UUID]
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deleted_by: Mapped[uuid.UUID | None]
