"""client_phone_keys: exact phone lookups on a b-tree that row-level security can use.

`clients.phone_keys @> ARRAY[...]` on the GIN `ix_clients_phone_keys` is not usable by
the app role: array containment is not LEAKPROOF, so under the forced RLS of `clients`
it is evaluated after the tenant policy and every phone lookup scanned the table
(~160-250 ms at 1,000,000 clients). One row per (client, phone key) with a b-tree on
(agency_id, phone_key, client_id) is an index lookup (`=` on text and uuid is
leakproof). Rows exist for the profiles name search may find (named, consent standing,
not merged); the profiles service keeps them in the same transaction as the phones
(`search.index.reindex`). The GIN index goes: nothing can use it under RLS and every
write paid for it. `clients.phone_keys` stays, the profile's own normalised phones.

Revision ID: 0006_phone_keys
Revises: 0005_client_programs
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from kit.rls import disable_tenant_rls, enable_tenant_rls, force_rls

revision: str = "0006_phone_keys"
down_revision: str | None = "0005_client_programs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "client_phone_keys"
LOOKUP = "ix_client_phone_keys_lookup"
GIN = "ix_clients_phone_keys"
_BATCH = 50_000


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("client_id", UUID(as_uuid=True), nullable=False),
        sa.Column("phone_key", sa.Text(), nullable=False),
        sa.Column("agency_id", UUID(as_uuid=True), nullable=False),
        sa.PrimaryKeyConstraint("client_id", "phone_key", name="pk_client_phone_keys"),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name="fk_client_phone_keys_client_id_clients",
            ondelete="CASCADE",
        ),
    )
    _index_existing_clients()
    op.create_index(LOOKUP, TABLE, ["agency_id", "phone_key", "client_id"])
    enable_tenant_rls(op, TABLE)
    op.drop_index(GIN, table_name="clients")


def _index_existing_clients() -> None:
    """Phone keys of the profiles already there, in batches of clients by id (as 0002
    did for the name keys; no Python is needed per row, so each batch is one
    INSERT ... SELECT). The owner role is subject to the forced RLS of `clients`, so it
    is lifted for this transaction only (DDL is transactional)."""
    bind = op.get_bind()
    op.execute("ALTER TABLE clients NO FORCE ROW LEVEL SECURITY")
    batch = sa.text(
        "WITH batch AS ("
        "  SELECT id, agency_id, kind, consent_status, status, phone_keys FROM clients"
        "  WHERE id > :after ORDER BY id LIMIT :batch"
        "), added AS ("
        f"  INSERT INTO {TABLE} (client_id, phone_key, agency_id)"
        "  SELECT DISTINCT b.id, k.key, b.agency_id FROM batch b, unnest(b.phone_keys) AS k(key)"
        "  WHERE b.kind = 'named' AND b.consent_status <> 'withdrawn'"
        "   AND b.status <> 'merged' AND k.key <> ''"
        "  RETURNING 1"
        ") SELECT (SELECT id FROM batch ORDER BY id DESC LIMIT 1) AS last,"
        " (SELECT count(*) FROM added) AS added"
    )
    after = "00000000-0000-0000-0000-000000000000"
    started, total = time.monotonic(), 0
    while True:
        row = bind.execute(batch, {"after": after, "batch": _BATCH}).mappings().one()
        if row["last"] is None:
            break
        total += int(row["added"])
        after = str(row["last"])
    logging.getLogger("alembic.runtime.migration").info(
        "0006_phone_keys: %d phone keys in %.1f s", total, time.monotonic() - started
    )
    force_rls(op, "clients")


def downgrade() -> None:
    op.create_index(GIN, "clients", ["phone_keys"], postgresql_using="gin")
    disable_tenant_rls(op, TABLE)
    op.drop_index(LOOKUP, table_name=TABLE)
    op.drop_table(TABLE)
