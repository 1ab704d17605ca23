"""Outbound HTTP: timeouts always, and the request id travels with every call."""

import httpx

from kit.requestctx import REQUEST_ID_HEADER, current_request_id


async def _add_request_id(request: httpx.Request) -> None:
    request_id = current_request_id()
    if request_id and REQUEST_ID_HEADER not in request.headers:
        request.headers[REQUEST_ID_HEADER] = request_id


def make_client(base_url: str = "", *, timeout: float = 5.0, **kwargs: object) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=base_url,
        timeout=httpx.Timeout(timeout),
        event_hooks={"request": [_add_request_id]},
        **kwargs,  # type: ignore[arg-type]
    )
