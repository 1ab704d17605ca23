"""The reports API: the catalog, a run (JSON tables) and its export (CSV, XLSX)."""

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response

from kit.db import DbSession
from reporting.deps import ReportReader
from reporting.reports import export, service
from reporting.reports.schemas import Catalog, Criteria, ReportResult

router = APIRouter(prefix="/reports", tags=["reports"])

Format = Literal["json", "csv", "xlsx"]
FileFormat = Literal["csv", "xlsx"]
Lang = Literal["en", "fr"]
CONTROL_PARAMS = {"format", "lang"}
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report as a file (CSV or XLSX), or as JSON for format=json",
        "content": {media: {} for media in export.MEDIA_TYPES.values()},
    }
}


@router.get("")
async def list_reports(actor: ReportReader) -> Catalog:
    return service.catalog()


async def _file(result: ReportResult, fmt: FileFormat, lang: Lang) -> Response:
    if fmt == "csv":
        body = export.to_csv(result, lang)
    else:
        body = await asyncio.to_thread(export.to_xlsx, result, lang)
    name = export.file_name(result, fmt)
    return Response(
        content=body,
        media_type=export.MEDIA_TYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/{key}/run", response_model=ReportResult, responses=FILE_RESPONSES)
async def run_report(
    key: str,
    criteria: Criteria,
    db: DbSession,
    actor: ReportReader,
    format: Annotated[Format, Query()] = "json",
    lang: Annotated[Lang, Query()] = "en",
) -> ReportResult | Response:
    result = await service.run(db, actor, key, criteria, output=format, lang=lang)
    if format == "json":
        return result
    return await _file(result, format, lang)


@router.get("/{key}/export", response_class=Response, responses=FILE_RESPONSES)
async def export_report(
    key: str,
    request: Request,
    db: DbSession,
    actor: ReportReader,
    format: Annotated[FileFormat, Query()] = "csv",
    lang: Annotated[Lang, Query()] = "en",
) -> Response:
    """The criteria as query parameters (`date_from`, `date_to`, ..., the additional
    options repeated: `gender=Female&gender=Male`), so the file is a plain link."""
    service.report_of(key)
    items = [(k, v) for k, v in request.query_params.multi_items() if k not in CONTROL_PARAMS]
    criteria = service.parse_criteria(service.criteria_from_query(items))
    result = await service.run(db, actor, key, criteria, output=format, lang=lang)
    return await _file(result, format, lang)
