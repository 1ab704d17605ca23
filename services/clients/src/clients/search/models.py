"""The name-key index of client profiles (one row per key, see `keys.py`)."""

import uuid
from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from kit.db import Base


class ClientNameKey(Base):
    """One search key of one client.

    Kept in the same transaction as the names it comes from (`search.index.reindex`).
    Only named profiles with consent are here: a restricted profile (consent withdrawn)
    has no rows, so it cannot be found by name. `birth_date` is copied in so that a
    search with a date of birth narrows inside the b-tree.
    """

    __tablename__ = "client_name_keys"
    __table_args__ = (
        # The lookup: agency, key [, birth date] -> client ids, from the index alone.
        Index("ix_client_name_keys_lookup", "agency_id", "key", "birth_date", "client_id"),
    )

    client_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    agency_id: Mapped[uuid.UUID]
    birth_date: Mapped[date | None] = mapped_column(Date)
