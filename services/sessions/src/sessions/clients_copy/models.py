"""The local copy of clients: id, agency, kind, restricted and merged state only."""

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kit.db import Base


class ClientCopy(Base):
    __tablename__ = "session_client_copies"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(16))  # named | anonymous
    restricted: Mapped[bool] = mapped_column(default=False)
    # Set while the profile is merged into another: records follow the survivor.
    merged_into: Mapped[uuid.UUID | None] = mapped_column(index=True)
    merge_id: Mapped[uuid.UUID | None]
    # clients' profile version: an older state never overwrites a newer one.
    version: Mapped[int] = mapped_column(Integer)
    source_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
