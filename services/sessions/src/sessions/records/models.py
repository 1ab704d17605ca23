"""A session: date, time, place, delivery, language, worker, program, funders, clients."""

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Date, DateTime, String, Time, Uuid
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from kit.clock import utcnow
from kit.db import Base


class SessionRecord(Base):
    __tablename__ = "session_records"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    type: Mapped[str] = mapped_column(String(64))
    date: Mapped[dt.date] = mapped_column(Date)
    start_time: Mapped[dt.time] = mapped_column(Time)
    end_time: Mapped[dt.time] = mapped_column(Time)
    location: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(6))
    delivery_mode: Mapped[str] = mapped_column(String(16))
    language_of_service: Mapped[str] = mapped_column(String(100))
    # The author: the worker who gave the service.
    worker_id: Mapped[uuid.UUID]
    program_id: Mapped[uuid.UUID] = mapped_column(index=True)
    # [{"id": uuid | null, "name": str}]
    funders: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    client_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid()))
    # Private: its author and the author's manager/coordinator only.
    private: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
