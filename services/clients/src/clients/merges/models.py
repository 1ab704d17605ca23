"""One merge of two profiles: what both were before it and every row it moved."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from kit.clock import utcnow
from kit.db import Base


class ClientMerge(Base):
    """`absorbed_id` was merged into `survivor_id`; undone once `undone_at` is set.

    `survivor_before` / `absorbed_before`: every column of both profiles just before the
    merge (JSON), `answers_before`: both answer sets, `moved`: the ids of every row that
    followed the survivor (and the family links replaced), so an undo puts it all back.
    `provenance`: per field, the profile its value on the survivor came from.
    """

    __tablename__ = "client_merges"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    survivor_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), index=True
    )
    absorbed_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(Text)
    choices: Mapped[dict[str, Any]] = mapped_column(JSONB)
    provenance: Mapped[dict[str, Any]] = mapped_column(JSONB)
    survivor_before: Mapped[dict[str, Any]] = mapped_column(JSONB)
    absorbed_before: Mapped[dict[str, Any]] = mapped_column(JSONB)
    answers_before: Mapped[dict[str, Any]] = mapped_column(JSONB)
    moved: Mapped[dict[str, Any]] = mapped_column(JSONB)
    # The survivor's version right after the merge: an undo needs it unchanged since.
    survivor_version: Mapped[int] = mapped_column(Integer)
    merged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    merged_by: Mapped[uuid.UUID]
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    undone_by: Mapped[uuid.UUID | None]
    undo_reason: Mapped[str | None] = mapped_column(Text)
