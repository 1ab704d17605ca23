"""Export runs, downloads, and the ledger: what was sent, what iCARE made of it.

A request (or the monthly schedule) only queues an export; the worker
(`icare.exports.runner`) claims it and builds it here: the rows are built from the local
copies, the workbooks written in a thread one file at a time, the zip put in the object
store, and the ledger, the run and its event committed together. A store failure fails
the run whole (nothing is recorded as sent).
"""

import asyncio
import datetime as dt
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.icare import ExportCompleted, ExportFile
from icare.copies import repository as copies
from icare.copies.models import AgreementCopy
from icare.exports import matching
from icare.exports import repository as repo
from icare.exports.models import Export, LedgerEntry
from icare.exports.planning import Plan, Planned, plan_export
from icare.exports.schemas import (
    DownloadOut,
    ExportFileOut,
    ExportOut,
    ExportPage,
    LedgerEntryOut,
    LedgerPage,
    LedgerUpdate,
    LinkedRow,
    RejectedImportOut,
    UnlinkedRow,
)
from icare.records.collect import Period, period_records
from icare.records.service import agreement_or_404
from icare.storage import ZIP_TYPE, ObjectStore, export_key
from icare.workbooks import (
    MAX_RECORDS_PER_FILE,
    RejectedRow,
    export_zip,
    file_name,
    read_rejected,
    write_workbook,
)
from kit.audit import record_audit
from kit.auth import Principal
from kit.clock import today, utcnow
from kit.db import flush
from kit.errors import Conflict, Invalid, NotFound
from kit.logs import get_logger
from kit.messaging import add_event
from reference.icare import catalog

log = get_logger()

Trigger = Literal["manual", "scheduled"]


def out(export: Export) -> ExportOut:
    return ExportOut(
        id=export.id,
        funding_agreement_id=export.funding_agreement_id,
        period=export.period,
        trigger=export.trigger,
        status=export.status,
        requested_by=export.requested_by,
        created_at=export.created_at,
        completed_at=export.completed_at,
        record_count=export.record_count,
        size_bytes=export.size_bytes,
        files=[ExportFileOut.model_validate(f) for f in export.files],
        summary=export.summary,
        failure=export.failure,
    )


def entry_out(entry: LedgerEntry) -> LedgerEntryOut:
    return LedgerEntryOut.model_validate(entry, from_attributes=True)


def _safe_code(code: str | None, agency_id: uuid.UUID) -> str:
    cleaned = "".join(c for c in (code or "") if c.isalnum() or c in "-_")
    return cleaned or str(agency_id)[:8]


@dataclass(frozen=True)
class FilePart:
    """One workbook of an export: its name, which part of its template it is, and the
    records it holds (row `first_data_row + index` each)."""

    name: str
    template: str
    part: int
    parts: int
    planned: Sequence[Planned]

    def described(self) -> dict[str, object]:
        return {
            "name": self.name,
            "template": self.template,
            "part": self.part,
            "parts": self.parts,
            "rows": len(self.planned),
        }


def file_parts(
    groups: list[tuple[str, list[Planned]]], agency_code: str, period: str
) -> Iterator[FilePart]:
    """The files of an export in upload order, at most 2,500 records each."""
    for template_name, planned in groups:
        template = catalog.template(template_name)
        starts = range(0, len(planned), MAX_RECORDS_PER_FILE)
        for number, start in enumerate(starts, start=1):
            yield FilePart(
                name=file_name(template, agency_code, period, number, len(starts)),
                template=template_name,
                part=number,
                parts=len(starts),
                planned=planned[start : start + MAX_RECORDS_PER_FILE],
            )


def by_template(plan: Plan) -> list[tuple[str, list[Planned]]]:
    by_template: dict[str, list[Planned]] = {}
    for planned in plan.send:
        by_template.setdefault(planned.record.template, []).append(planned)
    return [(name, by_template[name]) for name in catalog.names() if name in by_template]


async def queue_export(
    db: AsyncSession,
    *,
    agency_id: uuid.UUID,
    agreement: AgreementCopy,
    period: Period,
    trigger: Trigger,
    requested_by: uuid.UUID | None,
) -> tuple[Export, bool]:
    """Record an export to run (`queued`; the worker builds it); (the export, whether it
    was queued now). A scheduled export of the agency, agreement and month that is
    queued, running or completed already is returned as it is."""
    if trigger == "scheduled":
        await repo.lock_agency(db, agency_id)  # two schedulers: one queues, one finds it
        existing = await repo.scheduled_export(db, agency_id, agreement.id, period.text)
        if existing is not None:
            return existing, False
    export = Export(
        id=uuid.uuid4(),
        agency_id=agency_id,
        funding_agreement_id=agreement.id,
        period=period.text,
        trigger=trigger,
        status="queued",
        requested_by=requested_by,
        created_at=utcnow(),
        record_count=0,
        attempts=0,
        files=[],
        summary={},
    )
    await repo.add(db, export)
    await record_audit(
        db,
        action="icare.export.requested",
        agency_id=agency_id,
        actor_id=requested_by,
        entity_type="icare_export",
        entity_id=export.id,
        detail={
            "trigger": trigger,
            "period": period.text,
            "funding_agreement_id": str(agreement.id),
        },
    )
    log.info("icare.export_queued", export_id=str(export.id), trigger=trigger)
    return export, True


def _entry(
    export: Export,
    now: dt.datetime,
    planned: Planned,
    row: dict[str, str | None],
    name: str,
    row_number: int,
) -> dict[str, object]:
    record = planned.record
    return {
        "id": uuid.uuid4(),
        "agency_id": export.agency_id,
        "export_id": export.id,
        "funding_agreement_id": export.funding_agreement_id,
        "period": export.period,
        "template": record.template,
        "record_kind": record.kind,
        "record_id": record.record_id,
        "record_version": record.version,
        "client_id": record.client_id,
        "worker_id": record.worker_id,
        "content_hash": record.content_hash,
        "cells": {k: v for k, v in row.items() if v is not None},
        "file_name": name,
        "row_number": row_number,
        "action": planned.action,
        "update_reason": planned.update_reason,
        "icare_record_id": planned.update_record_id,
        "status": "sent",
        "message": None,
        "status_at": now,
        "created_at": now,
    }


async def build_export(db: AsyncSession, store: ObjectStore, export: Export) -> None:
    """Build a claimed export (the worker's transaction, in the export's agency): the
    month's records planned against the ledger, one workbook at a time (its rows built,
    written in a thread, its ledger entries inserted, then let go), the zip put in the
    store, the run completed, audited and `icare.export.completed.v1` added; all of it
    commits together or not at all.

    One export of an agency builds at a time (an advisory lock): two at once would both
    see a record (a client's profile, a carried amendment) as unsent and send it twice.
    The lock is per agency, not per agreement and month, because a client's profile and
    a changed record of an earlier month belong to every agreement and later month."""
    agency_id = export.agency_id
    await repo.lock_agency(db, agency_id)
    agreement = await agreement_or_404(db, agency_id, export.funding_agreement_id)
    period = Period.parse(export.period)
    agency = await copies.agency(db, agency_id)
    agency_code = _safe_code(agency.code if agency else None, agency_id)
    carried = await repo.carried_record_ids(db, agency_id, agreement.id, period.text)
    records = await period_records(db, agency_id, agreement, period, today=today(), also=carried)
    previous = await repo.previous(db, agency_id, [(r.template, r.record_id) for r in records])
    plan = plan_export(records, previous)
    del records, previous  # from here only the records sent are held

    built_at = utcnow()
    files: list[tuple[str, bytes]] = []
    described: list[dict[str, object]] = []
    for part in file_parts(by_template(plan), agency_code, period.text):
        template = catalog.template(part.template)
        rows = [p.row() for p in part.planned]  # one file's rows at a time
        files.append((part.name, await asyncio.to_thread(write_workbook, template, rows)))
        described.append(part.described())
        await repo.add_entries(
            db,
            [
                _entry(export, built_at, p, row, part.name, template.first_data_row + index)
                for index, (p, row) in enumerate(zip(part.planned, rows, strict=True))
            ],
        )
        del rows
    object_key: str | None = None
    size: int | None = None
    if files:
        manifest = {
            "export_id": export.id,
            "agency_code": agency_code,
            "funding_agreement": agreement.agreement_number,
            "funder": agreement.funder_code,
            "period": period.text,
            "created_at": export.created_at,
            "upload_order": [d["name"] for d in described],
            "files": described,
        }
        archive = await asyncio.to_thread(export_zip, files, manifest)
        files.clear()
        object_key = export_key(agency_id, export.id)
        await store.put(object_key, archive, ZIP_TYPE)
        size = len(archive)

    export.status = "completed"
    export.completed_at = utcnow()
    export.failure = None
    export.object_key = object_key
    export.size_bytes = size
    export.record_count = len(plan.send)
    export.files = described
    export.summary = {name: t.as_dict() for name, t in plan.templates.items()}
    await flush(db)
    await record_audit(
        db,
        action="icare.export.created",
        agency_id=agency_id,
        actor_id=export.requested_by,
        entity_type="icare_export",
        entity_id=export.id,
        detail={
            "trigger": export.trigger,
            "period": period.text,
            "funding_agreement_id": str(agreement.id),
            "records": len(plan.send),
            "updates": plan.updates,
            "held_back": plan.held_back,
            "clients": len({r.record.client_id for r in plan.send if r.record.client_id}),
        },
    )
    await add_event(
        db,
        ExportCompleted(
            agency_id=agency_id,
            export_id=export.id,
            funding_agreement_id=agreement.id,
            period=period.text,
            trigger=export.trigger,
            requested_by=export.requested_by,
            record_count=len(plan.send),
            update_count=plan.updates,
            held_back_count=plan.held_back,
            files=[
                ExportFile(
                    name=str(d["name"]), template=str(d["template"]), rows=int(str(d["rows"]))
                )
                for d in described
            ],
        ),
    )
    log.info(
        "icare.export_completed",
        export_id=str(export.id),
        trigger=export.trigger,
        records=len(plan.send),
        files=len(described),
        held_back=plan.held_back,
    )


async def create_export(
    db: AsyncSession, actor: Principal, agreement_id: uuid.UUID, period_text: str
) -> ExportOut:
    """Queue an export of the month (the worker builds it; poll `GET /exports/{id}`)."""
    period = Period.parse(period_text)
    agreement = await agreement_or_404(db, actor.agency_id, agreement_id)
    if not period.overlaps(agreement):
        raise Invalid("period", "the funding agreement does not cover this month")
    export, _ = await queue_export(
        db,
        agency_id=actor.agency_id,
        agreement=agreement,
        period=period,
        trigger="manual",
        requested_by=actor.user_id,
    )
    return out(export)


async def _export_or_404(db: AsyncSession, actor: Principal, export_id: uuid.UUID) -> Export:
    found = await repo.export(db, actor.agency_id, export_id)
    if found is None:
        raise NotFound("no such export")
    return found


async def get_export(db: AsyncSession, actor: Principal, export_id: uuid.UUID) -> ExportOut:
    return out(await _export_or_404(db, actor, export_id))


async def list_exports(
    db: AsyncSession,
    actor: Principal,
    *,
    agreement_id: uuid.UUID | None,
    period: str | None,
    limit: int,
    offset: int,
) -> ExportPage:
    rows = await repo.exports(
        db,
        actor.agency_id,
        agreement_id=agreement_id,
        period=period,
        limit=limit + 1,
        offset=offset,
    )
    return ExportPage(
        items=[out(e) for e in rows[:limit]],
        next_offset=offset + limit if len(rows) > limit else None,
    )


async def download(
    db: AsyncSession, store: ObjectStore, actor: Principal, export_id: uuid.UUID, ttl: int
) -> DownloadOut:
    export = await _export_or_404(db, actor, export_id)
    if export.status != "completed":
        raise Conflict(
            f"this export is {export.status}: its files can be downloaded once it is completed",
            code="export_not_completed",
        )
    if export.object_key is None:
        raise Conflict("this export found nothing new to send: it has no files", code="no_files")
    agency = await copies.agency(db, actor.agency_id)
    name = (
        f"{_safe_code(agency.code if agency else None, actor.agency_id)}_{export.period}_icare.zip"
    )
    await record_audit(
        db,
        action="icare.export.downloaded",
        agency_id=actor.agency_id,
        actor_id=actor.user_id,
        entity_type="icare_export",
        entity_id=export.id,
        detail={"records": export.record_count},
    )
    log.info("icare.export_downloaded", export_id=str(export.id))
    return DownloadOut(
        url=store.download_url(export.object_key, ttl_seconds=ttl, filename=name),
        file_name=name,
        expires_in_seconds=ttl,
    )


# --- the ledger ---------------------------------------------------------------------------


async def list_entries(
    db: AsyncSession,
    actor: Principal,
    *,
    export_id: uuid.UUID | None,
    record_id: uuid.UUID | None,
    status: str | None,
    limit: int,
    offset: int,
) -> LedgerPage:
    rows = await repo.entries(
        db,
        actor.agency_id,
        export_id=export_id,
        record_id=record_id,
        status=status,
        limit=limit + 1,
        offset=offset,
    )
    return LedgerPage(
        items=[entry_out(e) for e in rows[:limit]],
        next_offset=offset + limit if len(rows) > limit else None,
    )


async def update_entry(
    db: AsyncSession, actor: Principal, entry_id: uuid.UUID, data: LedgerUpdate
) -> LedgerEntryOut:
    entry = await repo.entry(db, actor.agency_id, entry_id)
    if entry is None:
        raise NotFound("no such ledger entry")
    fields = data.model_fields_set
    if "icare_record_id" in fields:
        entry.icare_record_id = data.icare_record_id
        if data.icare_record_id and "status" not in fields:
            entry.status = "accepted"  # iCARE numbers only the records it accepted
    if data.status is not None:
        entry.status = data.status
    if "message" in fields:
        entry.message = data.message
    elif data.status == "accepted":
        entry.message = None
    entry.status_at = utcnow()
    await record_audit(
        db,
        action="icare.ledger.updated",
        agency_id=actor.agency_id,
        actor_id=actor.user_id,
        entity_type="icare_ledger_entry",
        entity_id=entry.id,
        detail={"status": entry.status, "icare_record_id_set": entry.icare_record_id is not None},
    )
    return entry_out(entry)


async def _link(
    db: AsyncSession,
    agency_id: uuid.UUID,
    template: str,
    row: RejectedRow,
    export_id: uuid.UUID | None,
) -> tuple[LedgerEntry | None, str]:
    for how, icare_id in (
        ("update_record_id", row.update_record_id),
        ("record_id", row.markers.get("RID")),
    ):
        if icare_id and icare_id.strip():
            found = await repo.by_icare_id(db, agency_id, template, icare_id.strip(), export_id)
            if found is not None:
                return found, how
    keys = matching.key_cells(row)
    if keys is None:
        return None, "the row names no client or course"
    best = matching.best_entry(row, await repo.by_cells(db, agency_id, template, keys, export_id))
    if best is None:
        if matching.COURSE_CODE in keys and len(keys) == 1:
            return None, "no course sent with this course code"
        return None, "no record sent with this identifier and date of birth"
    return best, "cells"


async def import_rejected(
    db: AsyncSession,
    actor: Principal,
    data: bytes,
    export_id: uuid.UUID | None,
    file_name: str | None = None,
) -> RejectedImportOut:
    try:
        template, rows = await asyncio.to_thread(read_rejected, data)
    except ValueError as exc:
        raise Invalid("file", str(exc), code="not_an_icare_file") from exc
    if export_id is not None:
        await _export_or_404(db, actor, export_id)
    result = RejectedImportOut(template=template.name, rows=len(rows))
    rejected: set[uuid.UUID] = set()
    now = utcnow()
    for row in rows:
        if not row.processing_details.strip() and not row.messages:
            continue  # a row iCARE did not annotate was not rejected
        entry, how = await _link(db, actor.agency_id, template.name, row, export_id)
        if entry is None:
            result.unlinked.append(
                UnlinkedRow(row_number=row.row_number, messages=row.messages, reason=how)
            )
            continue
        entry.status = "rejected"
        entry.message = "\n".join(row.messages) or row.processing_details or None
        entry.status_at = now
        rejected.add(entry.id)
        result.linked.append(
            LinkedRow(
                row_number=row.row_number,
                entry_id=entry.id,
                record_kind=entry.record_kind,
                record_id=entry.record_id,
                client_id=entry.client_id,
                worker_id=entry.worker_id,
                matched_by=how,
                messages=row.messages,
            )
        )
    if export_id is not None:
        result.accepted = await repo.mark_accepted(
            db, actor.agency_id, export_id, template.name, rejected, file_name
        )
    await record_audit(
        db,
        action="icare.rejected_imported",
        agency_id=actor.agency_id,
        actor_id=actor.user_id,
        entity_type="icare_export",
        entity_id=export_id,
        detail={
            "template": template.name,
            "rows": len(rows),
            "linked": len(result.linked),
            "unlinked": len(result.unlinked),
            "accepted": result.accepted,
        },
    )
    log.info(
        "icare.rejected_imported",
        template=template.name,
        linked=len(result.linked),
        unlinked=len(result.unlinked),
    )
    return result
