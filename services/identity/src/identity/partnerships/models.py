import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, Enum, ForeignKey, Index, String, func, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from contracts.identity import PartnershipStatus
from kit.clock import utcnow
from kit.db import Base


class Partnership(Base):
    """`agency_id` proposed; `partner_agency_id` accepts or declines. Both see the row."""

    __tablename__ = "partnerships"
    __table_args__ = (
        CheckConstraint("agency_id <> partner_agency_id", name="two_agencies"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates_in_order"),
        CheckConstraint(
            "status IN ('proposed', 'active', 'declined', 'revoked')", name="status_known"
        ),
        # At most one open (proposed or active) partnership per pair, whoever proposed.
        Index(
            "uq_partnerships_open_pair",
            func.least(text("agency_id"), text("partner_agency_id")),
            func.greatest(text("agency_id"), text("partner_agency_id")),
            unique=True,
            postgresql_where=text("status IN ('proposed', 'active')"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"), index=True)
    partner_agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"), index=True)
    status: Mapped[PartnershipStatus] = mapped_column(
        Enum(
            PartnershipStatus,
            native_enum=False,
            create_constraint=False,
            length=16,
            values_callable=lambda values: [v.value for v in values],
        )
    )
    shares: Mapped[list[str]] = mapped_column(ARRAY(String(40)))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    proposed_by: Mapped[uuid.UUID] = mapped_column()
    decided_by: Mapped[uuid.UUID | None] = mapped_column()
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[uuid.UUID | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
