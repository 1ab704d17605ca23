"""The audit trail: who did what to which record, when and why. Append-only.

Every read, change and export of a client's personal data writes an entry in the
same transaction as the action, so an action without its entry cannot commit.
The table (created by `kit.migrations.create_audit_table`) refuses UPDATE, DELETE and
TRUNCATE with a trigger, and row-level security shows an agency only its own entries;
entries without an agency (a failed sign-in for an unknown e-mail) exist only for the
`auth` scope.

`detail` holds ids and codes, never personal data: the trail records that Jane's
profile was viewed, not what it says.

A service audits what its staff do through one `EntityAudit` a kind of record
(`audit = EntityAudit("client")`, then `await audit(db, actor, "client.viewed", id)`);
`record_audit` is for entries without an acting principal (sign-in).
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Index, Text, func, insert, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from kit.auth import Principal
from kit.db import Base
from kit.requestctx import current_request_id


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_agency_at", "agency_id", "at"),
        Index("ix_audit_log_entity", "entity_type", "entity_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    agency_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    action: Mapped[str] = mapped_column(Text, nullable=False)
    entity_type: Mapped[str] = mapped_column(Text, nullable=False)
    entity_id: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(
        JSONB, nullable=False, server_default=text("'{}'::jsonb")
    )
    request_id: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )


async def record_audit(
    db: AsyncSession,
    *,
    action: str,
    agency_id: uuid.UUID | None,
    actor_id: uuid.UUID | None,
    entity_type: str,
    entity_id: str | uuid.UUID | None = None,
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append an entry in the caller's transaction (the caller commits).

    A plain INSERT without RETURNING: sign-in writes entries for an agency it may not
    read back, and RETURNING would have to pass the read policy.
    """
    await db.execute(
        insert(AuditEntry).values(
            id=uuid.uuid4(),
            agency_id=agency_id,
            actor_id=actor_id,
            action=action,
            entity_type=entity_type,
            entity_id=str(entity_id) if entity_id is not None else None,
            reason=reason,
            detail=detail or {},
            request_id=current_request_id(),
        )
    )


@dataclass(frozen=True)
class EntityAudit:
    """The audit entries of one kind of record (`entity_type`), written as the acting
    staff member: the entry's agency and actor are the principal's."""

    entity_type: str

    async def __call__(
        self,
        db: AsyncSession,
        actor: Principal,
        action: str,
        entity_id: str | uuid.UUID | None,
        *,
        reason: str | None = None,
        **detail: Any,
    ) -> None:
        await record_audit(
            db,
            action=action,
            agency_id=actor.agency_id,
            actor_id=actor.user_id,
            entity_type=self.entity_type,
            entity_id=entity_id,
            reason=reason,
            detail=detail,
        )
