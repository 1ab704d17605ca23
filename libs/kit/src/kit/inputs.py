"""Refuse values PostgreSQL cannot store faithfully before they reach a query.

A NUL inside a JSON string or a query parameter would otherwise surface as a database
error, i.e. a 500; here it is a 422 naming the field, like any other bad value.
Dates at the ends of Python's calendar are stored by asyncpg as -infinity / infinity,
which date arithmetic (a report's "days overdue") then fails on: a `CalendarDate` field
takes the days a record of this domain can carry.
"""

import datetime as dt
import json
from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import Request, Response
from pydantic import AfterValidator

from kit.errors import error_response

EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2999, 12, 31)


def _calendar_date(value: dt.date) -> dt.date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(f"a date from {EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}")
    return value


CalendarDate = Annotated[dt.date, AfterValidator(_calendar_date)]


def _calendar_datetime(value: dt.datetime) -> dt.datetime:
    # Near the ends, adding or taking a few minutes (a reminder's lead) would overflow.
    _calendar_date(value.date())
    return value


CalendarDateTime = Annotated[dt.datetime, AfterValidator(_calendar_datetime)]

# JSON bodies larger than this are uploads or imports; they are not scanned here.
_MAX_SCANNED_BODY = 1_000_000


def _nul_paths(value: Any, path: str = "") -> Iterator[str]:
    if isinstance(value, str):
        if "\x00" in value:
            yield path or "body"
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _nul_paths(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_paths(item, f"{path}[{index}]" if path else f"[{index}]")


def _refusal(fields: list[str]) -> Response:
    message = "contains a NUL character"
    return error_response(
        422,
        "invalid_character",
        f"Invalid fields: {', '.join(fields)}",
        [{"field": f, "message": message, "type": "invalid_character"} for f in fields],
    )


async def refuse_nul_characters(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    query = [key for key, value in parse_qsl(request.url.query) if "\x00" in value]
    if query:
        return _refusal(query)
    content_type = request.headers.get("content-type", "")
    length = int(request.headers.get("content-length") or 0)
    if content_type.startswith("application/json") and 0 < length <= _MAX_SCANNED_BODY:
        body = await request.body()
        if b"\\u0000" in body:
            try:
                fields = list(_nul_paths(json.loads(body)))
            except ValueError:
                fields = []  # malformed JSON: FastAPI's own validation answers it
            if fields:
                return _refusal(fields)
    return await call_next(request)
