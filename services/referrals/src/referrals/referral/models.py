"""Referrals (internal to another program, external to a directory partner) and the
history of their status."""

import datetime as dt
import uuid

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kit.clock import utcnow
from kit.db import Base


class Referral(Base):
    __tablename__ = "referrals"
    __table_args__ = (
        # My work: a worker's referrals awaiting follow-up.
        Index(
            "ix_referrals_referrer_follow_up",
            "agency_id",
            "referred_by",
            "follow_up_on",
            postgresql_where="status NOT IN ('completed', 'closed')",
        ),
        Index("ix_referrals_client_id", "agency_id", "client_id"),
        Index("ix_referrals_program_id", "agency_id", "program_id"),
        Index("ix_referrals_to_program_id", "agency_id", "to_program_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[uuid.UUID]
    client_id: Mapped[uuid.UUID]
    kind: Mapped[str] = mapped_column(String(16))  # internal | external
    to_program_id: Mapped[uuid.UUID | None]
    partner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("partners.id"))
    # The partner's name when referred (kept if the directory entry changes or was
    # named by a form without an id).
    partner_name: Mapped[str | None] = mapped_column(String(200))
    need: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="sent")
    outcome: Mapped[str | None] = mapped_column(Text)
    referred_by: Mapped[uuid.UUID]
    # The referring program (its members see the referral).
    program_id: Mapped[uuid.UUID | None]
    follow_up_on: Mapped[dt.date | None] = mapped_column(Date)
    private: Mapped[bool] = mapped_column(default=False)
    form_id: Mapped[uuid.UUID | None]
    session_id: Mapped[uuid.UUID | None]
    request_id: Mapped[uuid.UUID | None] = mapped_column(unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Bumped by every change: the events' order for consumers.
    version: Mapped[int] = mapped_column(default=1)


class ReferralStatusChange(Base):
    __tablename__ = "referral_status_history"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[uuid.UUID]
    referral_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    changed_by: Mapped[uuid.UUID]
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
