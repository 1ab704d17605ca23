"""An export run and the ledger: which record went into which file and row."""

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from kit.db import Base


class Export(Base):
    __tablename__ = "icare_exports"
    __table_args__ = (
        Index("ix_icare_exports_agency_created", "agency_id", "created_at"),
        # What the worker claims: queued runs, and running ones whose claim went stale.
        Index(
            "ix_icare_exports_pending",
            "created_at",
            postgresql_where=text("status IN ('queued', 'running')"),
        ),
        # One scheduled run per agency, agreement and month, however often the schedule
        # fires (the worker's scheduler and a Kubernetes CronJob may both try); a failed
        # one does not count (the schedule queues it again).
        Index(
            "uq_icare_exports_scheduled",
            "agency_id",
            "funding_agreement_id",
            "period",
            unique=True,
            postgresql_where=text("trigger = 'scheduled' AND status <> 'failed'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID]
    funding_agreement_id: Mapped[uuid.UUID]
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    trigger: Mapped[str] = mapped_column(String(16))  # manual | scheduled
    # queued (recorded by the request) -> running (claimed by a worker) -> completed
    # (files written, or nothing new to send: `record_count` 0) | failed (`failure`).
    status: Mapped[str] = mapped_column(String(16))
    requested_by: Mapped[uuid.UUID | None]
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    object_key: Mapped[str | None] = mapped_column(String(300))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    record_count: Mapped[int] = mapped_column(Integer, default=0)
    # [{"name", "template", "part", "parts", "rows"}] in upload order.
    files: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    # Per template: new, updates, held back (with why), unchanged.
    summary: Mapped[dict[str, Any]] = mapped_column(JSONB)
    # When a worker last claimed the run, and how many claims it had (a claim older
    # than the claim timeout belongs to a worker that died: the run is claimed again).
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"), default=0)
    # Why a failed run failed (shown to staff; no personal data).
    failure: Mapped[str | None] = mapped_column(Text)


class LedgerEntry(Base):
    """One record sent in one export: a record is sent once, then only as an update."""

    __tablename__ = "icare_ledger"
    __table_args__ = (
        Index("ix_icare_ledger_record", "agency_id", "template", "record_id", "created_at"),
        Index("ix_icare_ledger_export", "export_id"),
        Index("ix_icare_ledger_icare_id", "agency_id", "template", "icare_record_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID]
    export_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("icare_exports.id"))
    funding_agreement_id: Mapped[uuid.UUID]
    period: Mapped[str] = mapped_column(String(7))
    template: Mapped[str] = mapped_column(String(64))
    record_kind: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[uuid.UUID]
    record_version: Mapped[int] = mapped_column(Integer)
    client_id: Mapped[uuid.UUID | None]
    worker_id: Mapped[uuid.UUID | None]
    content_hash: Mapped[str] = mapped_column(String(64))
    # The row as uploaded (what iCARE received; also how a returned row is recognised).
    cells: Mapped[dict[str, Any]] = mapped_column(JSONB)
    file_name: Mapped[str] = mapped_column(String(200))
    row_number: Mapped[int] = mapped_column(Integer)  # the sheet row (4 = first record)
    action: Mapped[str] = mapped_column(String(16))  # new | update
    update_reason: Mapped[str | None] = mapped_column(String(64))
    # iCARE's id of the record, once staff recorded it (an update carries it forward).
    icare_record_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # sent | accepted | rejected
    message: Mapped[str | None] = mapped_column(Text)
    status_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
