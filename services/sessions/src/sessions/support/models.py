"""Support services per client per session, with iCARE's value keys."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from kit.clock import utcnow
from kit.db import Base


class SupportServices(Base):
    __tablename__ = "session_support_services"
    __table_args__ = (UniqueConstraint("session_id", "client_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("session_records.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[uuid.UUID] = mapped_column(index=True)
    # [{"age_group": key, "care_type": key}] per newcomer child cared for.
    childminding: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    transportation: Mapped[bool] = mapped_column(default=False)
    disability_support: Mapped[bool] = mapped_column(default=False)
    # {"from": language key, "to": language key} or null.
    translation: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    interpretation: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    crisis_counselling: Mapped[bool] = mapped_column(default=False)
    recorded_by: Mapped[uuid.UUID]
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str | None] = mapped_column(String(1000))
