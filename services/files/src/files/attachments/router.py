import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from files.attachments import service
from files.attachments.schemas import AttachmentList, AttachmentOut, DownloadLink
from files.attachments.upload import UploadedFile
from files.deps import Settings, Staff, Store, Transaction
from kit.db import DbSession

router = APIRouter(tags=["files"])

# The body is read by `files.attachments.upload` (streamed and bounded), not by FastAPI:
# described here for the API docs.
MULTIPART_FILE: dict[str, Any] = {
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

FORM_FILES = "/sessions/{session_id}/forms/{form_id}/files"

# The parameter order is the order of work: who is asking, then the body (streamed,
# bounded and checked), and only then a database transaction.


@router.post("/clients/{client_id}/files", status_code=201, openapi_extra=MULTIPART_FILE)
async def add_to_profile(
    client_id: uuid.UUID,
    actor: Staff,
    upload: UploadedFile,
    unit: Transaction,
    store: Store,
    settings: Settings,
) -> AttachmentOut:
    """Attach a file (multipart field `file`) to the client's profile."""
    target = service.Target(client_id=client_id)
    return await service.add_attachment(unit, store, settings, actor, target, upload)


@router.post(FORM_FILES, status_code=201, openapi_extra=MULTIPART_FILE)
async def add_to_form(
    session_id: uuid.UUID,
    form_id: uuid.UUID,
    actor: Staff,
    upload: UploadedFile,
    unit: Transaction,
    store: Store,
    settings: Settings,
    client_id: Annotated[uuid.UUID | None, Query()] = None,
) -> AttachmentOut:
    """Attach a file to a service form; `client_id` only when the session has several."""
    target = service.Target(client_id=client_id, session_id=session_id, form_id=form_id)
    return await service.add_attachment(unit, store, settings, actor, target, upload)


@router.get("/clients/{client_id}/files")
async def list_for_client(client_id: uuid.UUID, db: DbSession, actor: Staff) -> AttachmentList:
    """Every file of the client: on the profile and on service forms, newest first."""
    return await service.list_for_client(db, actor, client_id)


@router.get(FORM_FILES)
async def list_for_form(
    session_id: uuid.UUID, form_id: uuid.UUID, db: DbSession, actor: Staff
) -> AttachmentList:
    return await service.list_for_form(db, actor, session_id, form_id)


@router.get("/files/{file_id}")
async def get_file(file_id: uuid.UUID, db: DbSession, actor: Staff) -> AttachmentOut:
    return await service.get_attachment(db, actor, file_id)


@router.get("/files/{file_id}/download")
async def download(
    file_id: uuid.UUID,
    db: DbSession,
    actor: Staff,
    store: Store,
    settings: Settings,
    expires_in: Annotated[int | None, Query(ge=1)] = None,
) -> DownloadLink:
    """A short-lived link to the file itself (seconds; at most the configured time)."""
    return await service.download_link(db, store, settings, actor, file_id, expires_in)


@router.delete("/files/{file_id}", status_code=204)
async def delete_file(file_id: uuid.UUID, db: DbSession, actor: Staff) -> Response:
    await service.delete_attachment(db, actor, file_id)
    return Response(status_code=204)
