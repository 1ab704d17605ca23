import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from kit.clock import utcnow
from kit.db import Base


class ClientChange(Base):
    """One change of a profile. Field names only: values of sensitive fields (and, for
    simplicity and safety, of every field) stay out of the history."""

    __tablename__ = "client_changes"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    client_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), index=True
    )
    # registered | updated | consent_given | consent_withdrawn | converted | family_linked ...
    action: Mapped[str] = mapped_column(String(32))
    fields: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    actor_id: Mapped[uuid.UUID]
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
