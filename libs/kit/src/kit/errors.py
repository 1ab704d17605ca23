"""One JSON error shape for every service.

    {"error": {"code": "...", "message": "...", "request_id": "...",
               "fields": [{"field": "email", "message": "...", "type": "..."}]}}

Domain code raises `DomainError` subclasses; handlers map them to HTTP. Nothing
unexpected reaches the client beyond a generic 500 with the request id.
"""

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kit.logs import get_logger
from kit.requestctx import current_request_id

log = get_logger()


class DomainError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fields: Sequence[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = list(fields or [])
        self.headers = headers


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class Unauthorized(DomainError):
    status_code = 401
    code = "unauthorized"


class Invalid(DomainError):
    """A value the domain refuses; name the field so the form can show it."""

    status_code = 422
    code = "invalid"

    def __init__(self, field: str, message: str, *, code: str | None = None) -> None:
        super().__init__(
            f"{field}: {message}", code=code, fields=[{"field": field, "message": message}]
        )


class InvalidFields(DomainError):
    """Several values the domain refuses at once, each named in `fields`
    (`{"field", "message"}` items, a `type` where one applies)."""

    status_code = 422
    code = "invalid"


class TooManyRequests(DomainError):
    status_code = 429
    code = "too_many_requests"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, headers={"Retry-After": str(max(1, retry_after))})
        self.retry_after = retry_after


class Unavailable(DomainError):
    status_code = 503
    code = "unavailable"


def error_body(
    code: str, message: str, fields: Sequence[dict[str, str]] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message, "request_id": current_request_id()}
    if fields:
        body["fields"] = list(fields)
    return {"error": body}


def error_response(
    status: int,
    code: str,
    message: str,
    fields: Sequence[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(error_body(code, message, fields), status_code=status, headers=headers)


def _field_name(loc: Sequence[Any]) -> str:
    # Drop the "body"/"query"/"path" prefix: the client thinks in field names.
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


async def _on_domain_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return error_response(exc.status_code, exc.code, exc.message, exc.fields, exc.headers)


async def _on_validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields = [
        {
            "field": _field_name(e.get("loc", ())),
            "message": str(e.get("msg")),
            "type": str(e.get("type")),
        }
        for e in exc.errors()
    ]
    names = ", ".join(sorted({f["field"] for f in fields}))
    return error_response(422, "validation_error", f"Invalid fields: {names}", fields)


async def _on_http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
    return error_response(
        exc.status_code,
        code.get(exc.status_code, "http_error"),
        str(exc.detail),
        headers=dict(exc.headers or {}),
    )


async def _on_unexpected(_: Request, exc: Exception) -> JSONResponse:
    log.error("request.failed", error_type=type(exc).__name__, exc_info=exc)
    return error_response(500, "internal_error", "Something went wrong; quote the request id.")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _on_domain_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)
