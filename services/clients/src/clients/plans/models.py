import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from kit.clock import utcnow
from kit.db import Base


class SettlementPlan(Base):
    __tablename__ = "settlement_plans"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    client_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), index=True
    )
    program_id: Mapped[uuid.UUID | None]
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    # Goals and their steps are edited together, as the plan form shows them: a JSON
    # document (validated by the schemas), replaced whole on every save.
    goals: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    next_follow_up_on: Mapped[date | None] = mapped_column(Date, index=True)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[uuid.UUID]
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[uuid.UUID]


class PlanEntry(Base):
    """A review or a follow-up, appended to a plan over time (never edited)."""

    __tablename__ = "plan_entries"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    plan_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("settlement_plans.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # review | follow_up
    body: Mapped[str] = mapped_column(Text)
    # Reviews: the progress the plan has made (see schemas.Progress).
    progress: Mapped[str | None] = mapped_column(String(32))
    next_follow_up_on: Mapped[date | None] = mapped_column(Date)
    author_id: Mapped[uuid.UUID]
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
