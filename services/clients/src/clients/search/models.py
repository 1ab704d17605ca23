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


class ClientPhoneKey(Base):
    """One phone key (digits only, `values.phone_key`) of one client.

    Exact phone lookups (search, duplicate check, list filter) read this b-tree and not
    `clients.phone_keys`: under row-level security the GIN index on that array is not
    usable (`@>` is not LEAKPROOF, so it cannot be applied below the tenant policy) and
    the lookup became a scan of the whole table. Kept like the name keys, in the same
    transaction (`search.index.reindex`); a restricted or merged profile has no rows.
    """

    __tablename__ = "client_phone_keys"
    __table_args__ = (
        # The lookup: agency, phone key -> client ids, from the index alone.
        Index("ix_client_phone_keys_lookup", "agency_id", "phone_key", "client_id"),
    )

    client_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True
    )
    phone_key: Mapped[str] = mapped_column(Text, primary_key=True)
    agency_id: Mapped[uuid.UUID]
