import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from starlette.datastructures import UploadFile

from icare.deps import Coordinator, Settings, Store
from icare.exports import service
from icare.exports.schemas import (
    DownloadOut,
    ExportCreate,
    ExportOut,
    ExportPage,
    LedgerEntryOut,
    LedgerPage,
    LedgerUpdate,
    RejectedImportOut,
)
from kit.db import DbSession
from kit.errors import DomainError, Invalid

router = APIRouter(tags=["exports"])

_ENVELOPE = 64 * 1024
_UPLOAD = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}


class FileTooLarge(DomainError):
    status_code = 413
    code = "file_too_large"


@router.post("/exports", status_code=202)
async def create_export(
    body: ExportCreate, db: DbSession, actor: Coordinator, response: Response
) -> ExportOut:
    """Queue an export of the month: new records, and updates of records changed since
    they were sent, as workbooks per template (Client Profile first) in one zip. The
    worker builds it; `GET /exports/{id}` (the `Location`) shows it `completed` (or
    `failed`, with why)."""
    export = await service.create_export(db, actor, body.funding_agreement_id, body.period)
    response.headers["Location"] = f"exports/{export.id}"
    return export


@router.get("/exports")
async def list_exports(
    db: DbSession,
    actor: Coordinator,
    funding_agreement_id: uuid.UUID | None = None,
    period: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> ExportPage:
    return await service.list_exports(
        db, actor, agreement_id=funding_agreement_id, period=period, limit=limit, offset=offset
    )


@router.get("/exports/{export_id}")
async def get_export(export_id: uuid.UUID, db: DbSession, actor: Coordinator) -> ExportOut:
    return await service.get_export(db, actor, export_id)


@router.get("/exports/{export_id}/download")
async def download(
    export_id: uuid.UUID, db: DbSession, actor: Coordinator, store: Store, settings: Settings
) -> DownloadOut:
    """A short-lived link to the export's zip (the download is audited); 409 until the
    export is completed."""
    return await service.download(db, store, actor, export_id, settings.icare_download_ttl_seconds)


@router.get("/ledger")
async def list_ledger(
    db: DbSession,
    actor: Coordinator,
    export_id: uuid.UUID | None = None,
    record_id: uuid.UUID | None = None,
    status: Literal["sent", "accepted", "rejected"] | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> LedgerPage:
    """Which record went into which file and row, and what iCARE made of it."""
    return await service.list_entries(
        db,
        actor,
        export_id=export_id,
        record_id=record_id,
        status=status,
        limit=limit,
        offset=offset,
    )


@router.put("/ledger/{entry_id}")
async def update_entry(
    entry_id: uuid.UUID, body: LedgerUpdate, db: DbSession, actor: Coordinator
) -> LedgerEntryOut:
    """Record iCARE's id of a record (it is then accepted) or its outcome."""
    return await service.update_entry(db, actor, entry_id, body)


@router.post("/ledger/rejected", openapi_extra=_UPLOAD)
async def import_rejected(
    request: Request,
    db: DbSession,
    actor: Coordinator,
    settings: Settings,
    export_id: uuid.UUID | None = None,
    file_name: Annotated[str | None, Query(max_length=200)] = None,
) -> RejectedImportOut:
    """iCARE's returned rejected-records workbook: each row linked back to the record
    sent, with iCARE's message. With `export_id`, the rows of that export's file(s) of
    the template iCARE did not return are marked accepted (of the one file `file_name`
    names, when a month's template was split into parts processed apart)."""
    limit = settings.icare_max_upload_bytes
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limit + _ENVELOPE:
        raise FileTooLarge(f"The file is larger than {limit // 2**20} MB")
    form = await request.form(max_files=1, max_fields=5)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise Invalid("file", "send iCARE's workbook as the multipart part `file`")
        data = await upload.read(limit + 1)
    finally:
        await form.close()
    if len(data) > limit:
        raise FileTooLarge(f"The file is larger than {limit // 2**20} MB")
    return await service.import_rejected(db, actor, data, export_id, file_name)
