import datetime as dt
import uuid

from sqlalchemy import DateTime, Integer
from sqlalchemy.orm import Mapped, mapped_column

from kit.db import Base


class ExportSchedule(Base):
    """On `day` of each month (1-28), the previous month is exported for every funding
    agreement of the agency that covers it."""

    __tablename__ = "icare_export_schedules"

    agency_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    day: Mapped[int] = mapped_column(Integer)
    enabled: Mapped[bool]
    updated_by: Mapped[uuid.UUID]
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
