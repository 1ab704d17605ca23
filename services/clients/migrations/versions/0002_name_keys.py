"""client_name_keys: the name-key index client search bounds its candidates with.

One row per (client, key) for named clients whose consent stands (a restricted profile
has none). Existing profiles are indexed here; afterwards the profiles service keeps
the rows in the same transaction as every change of names or date of birth.

Revision ID: 0002_name_keys
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from clients.search.keys import name_keys
from kit.rls import disable_tenant_rls, enable_tenant_rls, force_rls

revision: str = "0002_name_keys"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "client_name_keys"
_BATCH = 5000
_EXACT_COLUMNS = ("identifier_value", "email", "postal_code")


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("client_id", UUID(as_uuid=True), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("agency_id", UUID(as_uuid=True), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("client_id", "key", name="pk_client_name_keys"),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name="fk_client_name_keys_client_id_clients",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_client_name_keys_lookup", TABLE, ["agency_id", "key", "birth_date", "client_id"]
    )
    _index_existing_clients()
    enable_tenant_rls(op, TABLE)
    # The exact lookups of client search (phone and birth date have theirs since 0001).
    for column in _EXACT_COLUMNS:
        op.create_index(f"ix_clients_agency_{column}", "clients", ["agency_id", column])


def _index_existing_clients() -> None:
    """Keys for the profiles already there. The owner role is subject to the forced RLS
    of `clients`, so it is lifted for this transaction only (DDL is transactional)."""
    bind = op.get_bind()
    op.execute("ALTER TABLE clients NO FORCE ROW LEVEL SECURITY")
    select = sa.text(
        "SELECT id, agency_id, given_name, family_name, preferred_name, other_names,"
        " birth_date FROM clients"
        " WHERE kind = 'named' AND consent_status <> 'withdrawn' AND id > :after"
        " ORDER BY id LIMIT :batch"
    )
    insert = sa.text(
        f"INSERT INTO {TABLE} (client_id, key, agency_id, birth_date)"
        " VALUES (:client_id, :key, :agency_id, :birth_date)"
    )
    after = "00000000-0000-0000-0000-000000000000"
    while True:
        rows = bind.execute(select, {"after": after, "batch": _BATCH}).mappings().all()
        if not rows:
            break
        values = [
            {
                "client_id": row["id"],
                "key": key,
                "agency_id": row["agency_id"],
                "birth_date": row["birth_date"],
            }
            for row in rows
            for key in sorted(
                name_keys(
                    row["given_name"] or "",
                    row["family_name"] or "",
                    [n for n in [row["preferred_name"], *(row["other_names"] or [])] if n],
                )
            )
        ]
        if values:
            bind.execute(insert, values)
        after = str(rows[-1]["id"])
    force_rls(op, "clients")


def downgrade() -> None:
    for column in _EXACT_COLUMNS:
        op.drop_index(f"ix_clients_agency_{column}", table_name="clients")
    disable_tenant_rls(op, TABLE)
    op.drop_index("ix_client_name_keys_lookup", table_name=TABLE)
    op.drop_table(TABLE)
