"""Export runs, downloads, and the ledger: what was sent, what iCARE made of it.

An export runs inside the request (or the scheduler's transaction) that asks for it:
the rows are built from the local copies, the workbooks written in a worker thread,
the zip put in the object store, and the ledger, the run and its event committed
together. A month of one agency is a few thousand rows, seconds of work; a store
failure fails the run whole (nothing is recorded as sent).
"""

import asyncio
import uuid
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
    RejectedRow,
    export_zip,
    file_name,
    read_rejected,
    split_rows,
    write_workbook,
)
from kit.audit import record_audit
from kit.auth import Principal
from kit.clock import today, utcnow
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
    )


def entry_out(entry: LedgerEntry) -> LedgerEntryOut:
    return LedgerEntryOut.model_validate(entry, from_attributes=True)


def _safe_code(code: str | None, agency_id: uuid.UUID) -> str:
    cleaned = "".join(c for c in (code or "") if c.isalnum() or c in "-_")
    return cleaned or str(agency_id)[:8]


def write_files(
    groups: list[tuple[str, list[Planned]]], agency_code: str, period: str
) -> tuple[list[tuple[str, bytes]], list[dict[str, object]], dict[uuid.UUID, tuple[str, int]]]:
    """The workbooks of an export (CPU work: runs in a thread), their descriptions, and
    where each record went (file name, sheet row)."""
    files: list[tuple[str, bytes]] = []
    described: list[dict[str, object]] = []
    placed: dict[uuid.UUID, tuple[str, int]] = {}
    for template_name, planned in groups:
        template = catalog.template(template_name)
        parts = split_rows([p.row() for p in planned])
        offset = 0
        for number, rows in enumerate(parts, start=1):
            name = file_name(template, agency_code, period, number, len(parts))
            files.append((name, write_workbook(template, rows)))
            described.append(
                {
                    "name": name,
                    "template": template_name,
                    "part": number,
                    "parts": len(parts),
                    "rows": len(rows),
                }
            )
            for index, p in enumerate(planned[offset : offset + len(rows)]):
                placed[p.record.record_id] = (name, template.first_data_row + index)
            offset += len(rows)
    return files, described, placed


def by_template(plan: Plan) -> list[tuple[str, list[Planned]]]:
    by_template: dict[str, list[Planned]] = {}
    for planned in plan.send:
        by_template.setdefault(planned.record.template, []).append(planned)
    return [(name, by_template[name]) for name in catalog.names() if name in by_template]


async def run_export(
    db: AsyncSession,
    store: ObjectStore,
    *,
    agency_id: uuid.UUID,
    agreement: AgreementCopy,
    period: Period,
    trigger: Trigger,
    requested_by: uuid.UUID | None,
) -> tuple[Export, bool]:
    """Run one export; (the export, whether it ran now). A scheduled export that exists
    already for the agency, agreement and month is returned as it is."""
    await repo.lock_agency(db, agency_id)
    if trigger == "scheduled":
        existing = await repo.scheduled_export(db, agency_id, agreement.id, period.text)
        if existing is not None:
            return existing, False
    agency = await copies.agency(db, agency_id)
    agency_code = _safe_code(agency.code if agency else None, agency_id)
    carried = await repo.carried_record_ids(db, agency_id, agreement.id, period.text)
    records = await period_records(db, agency_id, agreement, period, today=today(), also=carried)
    previous = await repo.previous(db, agency_id, [(r.template, r.record_id) for r in records])
    plan = plan_export(records, previous)

    export_id = uuid.uuid4()
    now = utcnow()
    groups = by_template(plan)
    files, described, placed = await asyncio.to_thread(
        write_files, groups, agency_code, period.text
    )
    object_key: str | None = None
    size: int | None = None
    if files:
        manifest = {
            "export_id": export_id,
            "agency_code": agency_code,
            "funding_agreement": agreement.agreement_number,
            "funder": agreement.funder_code,
            "period": period.text,
            "created_at": now,
            "upload_order": [d["name"] for d in described],
            "files": described,
        }
        archive = await asyncio.to_thread(export_zip, files, manifest)
        object_key = export_key(agency_id, export_id)
        await store.put(object_key, archive, ZIP_TYPE)
        size = len(archive)

    export = Export(
        id=export_id,
        agency_id=agency_id,
        funding_agreement_id=agreement.id,
        period=period.text,
        trigger=trigger,
        status="completed",
        requested_by=requested_by,
        created_at=now,
        completed_at=utcnow(),
        object_key=object_key,
        size_bytes=size,
        record_count=len(plan.send),
        files=described,
        summary={name: t.as_dict() for name, t in plan.templates.items()},
    )
    entries = []
    for planned in plan.send:
        record = planned.record
        name, row_number = placed[record.record_id]
        entries.append(
            LedgerEntry(
                id=uuid.uuid4(),
                agency_id=agency_id,
                export_id=export_id,
                funding_agreement_id=agreement.id,
                period=period.text,
                template=record.template,
                record_kind=record.kind,
                record_id=record.record_id,
                record_version=record.version,
                client_id=record.client_id,
                worker_id=record.worker_id,
                content_hash=record.content_hash,
                cells={k: v for k, v in planned.row().items() if v is not None},
                file_name=name,
                row_number=row_number,
                action=planned.action,
                update_reason=planned.update_reason,
                icare_record_id=planned.update_record_id,
                status="sent",
                message=None,
                status_at=now,
                created_at=now,
            )
        )
    await repo.add(db, export)
    if entries:
        await repo.add(db, *entries)
    await record_audit(
        db,
        action="icare.export.created",
        agency_id=agency_id,
        actor_id=requested_by,
        entity_type="icare_export",
        entity_id=export_id,
        detail={
            "trigger": trigger,
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
            export_id=export_id,
            funding_agreement_id=agreement.id,
            period=period.text,
            trigger=trigger,
            requested_by=requested_by,
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
        export_id=str(export_id),
        trigger=trigger,
        records=len(plan.send),
        files=len(described),
        held_back=plan.held_back,
    )
    return export, True


async def create_export(
    db: AsyncSession,
    store: ObjectStore,
    actor: Principal,
    agreement_id: uuid.UUID,
    period_text: str,
) -> ExportOut:
    period = Period.parse(period_text)
    agreement = await agreement_or_404(db, actor.agency_id, agreement_id)
    if not period.overlaps(agreement):
        raise Invalid("period", "the funding agreement does not cover this month")
    export, _ = await run_export(
        db,
        store,
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
