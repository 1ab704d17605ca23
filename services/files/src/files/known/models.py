"""Local copies of clients and service forms (event-carried state), only what the
existence and visibility checks need."""

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from kit.db import Base


class KnownClient(Base):
    __tablename__ = "known_clients"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    # Set while the profile is merged into another: attachments follow the survivor.
    merged_into: Mapped[uuid.UUID | None]
    # clients' profile version: an older state never overwrites a newer one.
    version: Mapped[int] = mapped_column(Integer)


class KnownForm(Base):
    __tablename__ = "known_forms"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    session_id: Mapped[uuid.UUID] = mapped_column(index=True)
    form_key: Mapped[str] = mapped_column(String(64))
    author_id: Mapped[uuid.UUID]
    # The session's worker and program: who else may see the form.
    worker_id: Mapped[uuid.UUID]
    program_id: Mapped[uuid.UUID]
    private: Mapped[bool]
    client_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(UUID(as_uuid=True)))
    # When sessions produced the state we hold: an older event never overwrites it.
    source_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
