"""What clients keeps of identity's staff and programs: names and manager links only."""

import uuid
from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from kit.db import Base


class StaffMember(Base):
    __tablename__ = "staff_copies"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(32))
    manager_id: Mapped[uuid.UUID | None]
    active: Mapped[bool]
    # When identity produced the state we hold: an older event never overwrites it.
    source_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ProgramCopy(Base):
    __tablename__ = "program_copies"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool]
    source_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
