from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.datastructures import UploadFile

from clients.deps import Staff
from clients.imports import service
from clients.imports.schemas import ImportReport, Mode, TemplateFormat
from kit.db import DbSession
from kit.errors import Invalid, error_body

router = APIRouter(prefix="/clients/import", tags=["clients import"])

MEDIA_TYPES = {
    TemplateFormat.CSV: "text/csv; charset=utf-8",
    TemplateFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Multipart framing around the file.
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


@router.get("/template")
async def template(_: Staff, format: TemplateFormat = TemplateFormat.XLSX) -> Response:
    """The file to fill: one column per importable field (keys in the first row)."""
    content = await service.template(format)
    return Response(
        content,
        media_type=MEDIA_TYPES[format],
        headers={
            "Content-Disposition": f'attachment; filename="ocms-clients-import.{format.value}"'
        },
    )


async def _upload(request: Request) -> bytes:
    """The `file` part, refused (413) before it is read if the request says it is too big."""
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > service.MAX_BYTES + _ENVELOPE:
        raise service.FileTooLarge(f"The file is larger than {service.MAX_BYTES // 2**20} MB")
    form = await request.form(max_files=1, max_fields=5)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise Invalid("file", "send the filled template as the multipart part `file`")
        content = await upload.read(service.MAX_BYTES + 1)
    finally:
        await form.close()
    return content


@router.post(
    "",
    openapi_extra=_UPLOAD,
    responses={409: {"description": "all_or_nothing and some rows are rejected; the report"}},
)
async def import_clients(
    request: Request,
    db: DbSession,
    actor: Staff,
    mode: Annotated[Mode, Query()] = Mode.VALIDATE,
) -> ImportReport:
    """Check a filled template (CSV or XLSX) row by row and import per `mode`."""
    table = await service.read_table(await _upload(request))
    report, refused = await service.import_clients(db, actor, table, mode)
    if refused:
        # Not raised: the audit entry of the attempt commits; nothing else was written.
        body = error_body(
            "import_refused",
            f"{report.rejected} of {report.rows} rows are rejected; nothing was imported",
        )
        return JSONResponse(  # type: ignore[return-value]
            {**body, "report": report.model_dump(mode="json")}, status_code=409
        )
    return report
