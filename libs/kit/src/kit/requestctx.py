"""Request and correlation ids carried across HTTP calls and AMQP messages."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import structlog

REQUEST_ID_HEADER = "X-Request-ID"

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    return _request_id.get()


def bind_request_id(request_id: str) -> None:
    """Make `request_id` the id of the current task: logs, outgoing calls and events carry it."""
    _request_id.set(request_id)
    structlog.contextvars.bind_contextvars(request_id=request_id)


def clean_request_id(raw: str | None) -> str:
    """Accept a caller's id only when it is short and plain; otherwise mint one."""
    if raw and len(raw) <= 64 and all(c.isalnum() or c in "-_." for c in raw):
        return raw
    return new_request_id()


@contextmanager
def bound_request_id(request_id: str) -> Iterator[None]:
    """`request_id` is the current id inside the block only (a consumed message, a job)."""
    token = _request_id.set(request_id)
    try:
        with structlog.contextvars.bound_contextvars(request_id=request_id):
            yield
    finally:
        _request_id.reset(token)
