"""Forwarding one browser request to its upstream service.

`/api/<service>/<rest>` goes to the upstream's `/<rest>`. The session cookie is traded at
identity for a short-lived token on every request, with no cache: identity answers "no"
for a revoked session or a deactivated user, and that must hold from the very next
request. Bodies stream both ways, bounded on the way in.
"""

from collections.abc import AsyncIterator

import httpx
from prometheus_client import Counter
from starlette.background import BackgroundTask
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response, StreamingResponse

from gateway.errors import PayloadTooLarge, UpstreamTimeout, UpstreamUnavailable
from gateway.headers import client_ip, downstream_response_headers, upstream_request_headers
from gateway.identity_api import IdentityApi
from gateway.routing import Target
from gateway.sessions import clear_session_cookie, has_session_cookie, session_id_from
from gateway.settings import GatewaySettings
from kit.errors import Invalid, Unauthorized
from kit.logs import get_logger
from kit.requestctx import current_request_id, new_request_id

log = get_logger()

UPSTREAM_FAILURES = Counter(
    "ocms_gateway_upstream_failures_total", "Upstream calls that failed", ["service", "kind"]
)
UPSTREAM_RESPONSES = Counter(
    "ocms_gateway_upstream_responses_total", "Upstream answers", ["service", "status_class"]
)
SESSIONS_REFUSED = Counter(
    "ocms_gateway_sessions_refused_total", "Session cookies identity no longer honours"
)


class _BodyTooLarge(Exception):
    """Raised from inside the upstream upload to stop it."""


class Proxy:
    def __init__(
        self, http: httpx.AsyncClient, identity: IdentityApi, settings: GatewaySettings
    ) -> None:
        self._http = http
        self._identity = identity
        self._settings = settings

    async def aclose(self) -> None:
        await self._http.aclose()

    async def forward(self, request: Request, target: Target) -> Response:
        token = None if target.public else await self._service_token(request)
        content = self._request_body(request)
        url = target.base_url + target.path
        if request.url.query:
            url += "?" + request.url.query
        headers = upstream_request_headers(
            request,
            client_ip=client_ip(request, trust_forwarded_for=self._settings.trust_forwarded_for),
            request_id=current_request_id() or new_request_id(),
            token=token,
        )
        upstream_request = self._http.build_request(
            request.method, url, headers=headers, content=content
        )
        try:
            upstream = await self._http.send(upstream_request, stream=True)
        except _BodyTooLarge:
            raise PayloadTooLarge(self._settings.max_body_bytes) from None
        except ClientDisconnect:
            # The browser left mid-upload: nobody to answer, nothing went wrong here.
            log.info("gateway.client.disconnected", upstream=target.service)
            return Response(status_code=499)
        except httpx.TimeoutException as exc:
            UPSTREAM_FAILURES.labels(target.service, "timeout").inc()
            log.warning("gateway.upstream.timeout", upstream=target.service)
            raise UpstreamTimeout(target.service) from exc
        except httpx.TransportError as exc:
            UPSTREAM_FAILURES.labels(target.service, "unavailable").inc()
            log.warning(
                "gateway.upstream.unavailable",
                upstream=target.service,
                error_type=type(exc).__name__,
            )
            raise UpstreamUnavailable(target.service) from exc

        UPSTREAM_RESPONSES.labels(target.service, f"{upstream.status_code // 100}xx").inc()
        response = StreamingResponse(
            _relay(upstream, target.service),
            status_code=upstream.status_code,
            background=BackgroundTask(upstream.aclose),
        )
        # raw_headers keeps repeated headers (Vary, Link) that a dict would fold.
        response.raw_headers = [
            (name.encode("latin-1"), value.encode("latin-1"))
            for name, value in downstream_response_headers(
                upstream.headers.multi_items(), upstream_base=target.base_url, prefix=target.prefix
            )
        ]
        return response

    async def _service_token(self, request: Request) -> str:
        session_id = session_id_from(request, self._settings)
        if session_id is None:
            if has_session_cookie(request, self._settings):
                raise self._session_refused()
            raise Unauthorized("Sign in first.", code="not_authenticated")
        token = await self._identity.service_token(session_id)
        if token is None:
            SESSIONS_REFUSED.inc()
            raise self._session_refused()
        return token

    def _session_refused(self) -> Unauthorized:
        """401 that also makes the browser drop its dead cookie."""
        carrier = Response()
        clear_session_cookie(carrier, self._settings)
        return Unauthorized(
            "Your session has ended; sign in again.",
            code="session_invalid",
            headers={"set-cookie": carrier.headers["set-cookie"]},
        )

    def _request_body(self, request: Request) -> AsyncIterator[bytes] | None:
        length = request.headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                raise Invalid("content-length", "must be a number of bytes")
            if int(length) > self._settings.max_body_bytes:
                raise PayloadTooLarge(self._settings.max_body_bytes)
            if int(length) == 0:
                return None
        elif "transfer-encoding" not in request.headers:
            return None  # no body: don't make httpx send an empty chunked one
        return _bounded(request.stream(), self._settings.max_body_bytes)


async def _bounded(chunks: AsyncIterator[bytes], limit: int) -> AsyncIterator[bytes]:
    seen = 0
    async for chunk in chunks:
        seen += len(chunk)
        if seen > limit:
            raise _BodyTooLarge
        yield chunk


async def _relay(upstream: httpx.Response, service: str) -> AsyncIterator[bytes]:
    """The upstream body as it arrives, still encoded, so Content-Length stays true."""
    try:
        async for chunk in upstream.aiter_raw():
            yield chunk
    except httpx.HTTPError as exc:
        # Headers are gone already; the broken connection is the only honest signal left.
        UPSTREAM_FAILURES.labels(service, "body").inc()
        log.warning("gateway.upstream.body_failed", upstream=service, error_type=type(exc).__name__)
        raise
    finally:
        await upstream.aclose()
