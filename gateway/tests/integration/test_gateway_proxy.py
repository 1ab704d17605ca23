"""Forwarding to upstream services: credentials, headers, failures, bodies."""

import hashlib
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from starlette.requests import Request

from gateway.identity_api import IdentityApi
from gateway.proxy import Proxy
from gateway.routing import Target
from gateway.settings import GatewaySettings

pytestmark = pytest.mark.asyncio

SignIn = Callable[..., Awaitable[str]]
ORIGIN = "http://127.0.0.1:8000"


def cookie(session: str) -> dict[str, str]:
    return {"Cookie": f"ocms_session={session}; theme=dark"}


async def test_proxy_trades_the_cookie_for_a_bearer_token_and_strips_browser_credentials(
    gateway: httpx.AsyncClient, identity_state: Any, sign_in: SignIn
) -> None:
    session = await sign_in(gateway)

    response = await gateway.get(
        "/api/clients/echo/a/b",
        params={"q": "Olena Shevchenko", "page": "2"},
        headers={
            **cookie(session),
            "Authorization": "Bearer forged-by-the-browser",
            "X-Internal-Key": identity_state.internal_key,
            "X-Request-ID": "req-abc.123",
            "X-Forwarded-For": "6.6.6.6",
            "Accept": "application/json",
        },
    )

    assert response.status_code == 200, response.text
    seen = response.json()
    headers = seen["headers"]
    token = headers["authorization"].removeprefix("Bearer ")
    assert token in identity_state.tokens  # freshly minted for this request
    assert identity_state.token_calls[-1] == session
    assert "cookie" not in headers
    assert "x-internal-key" not in headers
    assert headers["x-request-id"] == "req-abc.123"
    assert headers["x-forwarded-for"] == identity_state.browser_ip
    assert headers["accept"] == "application/json"
    assert seen["path"] == "/echo/a/b"  # the service sees its own path
    assert seen["query"] == "q=Olena+Shevchenko&page=2"
    assert response.headers["x-request-id"] == "req-abc.123"
    assert response.headers["cache-control"] == "no-store"


async def test_every_request_gets_its_own_token_and_a_request_id(
    gateway: httpx.AsyncClient, sign_in: SignIn
) -> None:
    session = await sign_in(gateway)

    first = await gateway.get("/api/clients/echo/x", headers=cookie(session))
    second = await gateway.get(
        "/api/clients/echo/x", headers={**cookie(session), "X-Request-ID": "bad id!\n"}
    )

    tokens = {r.json()["headers"]["authorization"] for r in (first, second)}
    assert len(tokens) == 2
    minted = second.json()["headers"]["x-request-id"]
    assert minted != "bad id!\n" and len(minted) == 32
    assert second.headers["x-request-id"] == minted


async def test_without_a_session_cookie_nothing_is_forwarded(
    gateway: httpx.AsyncClient, identity_state: Any
) -> None:
    exchanges = len(identity_state.token_calls)

    missing = await gateway.get("/api/clients/echo/x")
    garbage = await gateway.get("/api/clients/echo/x", headers={"Cookie": "ocms_session=%%"})

    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "not_authenticated"
    assert garbage.status_code == 401
    assert "ocms_session=" in garbage.headers["set-cookie"]
    assert len(identity_state.token_calls) == exchanges


async def test_a_deactivated_user_is_refused_on_the_very_next_request(
    gateway: httpx.AsyncClient, identity_state: Any, sign_in: SignIn
) -> None:
    address = f"bao.{uuid.uuid4().hex[:8]}@maple.example.org"
    session = await sign_in(gateway, address)
    assert (await gateway.get("/api/clients/echo/x", headers=cookie(session))).status_code == 200

    identity_state.active[address] = False
    refused = await gateway.get("/api/clients/echo/x", headers=cookie(session))

    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "session_invalid"
    set_cookie = refused.headers["set-cookie"]
    assert "ocms_session=" in set_cookie and "Max-Age=0" in set_cookie


@pytest.mark.parametrize(
    "path",
    [
        "/api/identity/internal/sessions",
        "/api/identity/internal/tokens",
        "/api/identity/%69nternal/tokens",
        "/api/identity/INTERNAL/tokens",
        "/api/identity//internal/tokens",
        "/api/identity/me/../internal/tokens",
        "/api/identity/%2e%2e/internal/tokens",
        "/api/clients/internal/rebuild",
        "/api/clients/metrics",
        "/api/identity/readyz/",
    ],
)
async def test_internal_and_operational_paths_are_never_proxied(
    gateway: httpx.AsyncClient, identity_state: Any, path: str
) -> None:
    exchanges = len(identity_state.token_calls)

    response = await gateway.post(path, json={"session_id": "x"})

    assert response.status_code == 404, path
    assert response.json()["error"]["code"] == "not_found"
    assert len(identity_state.token_calls) == exchanges


async def test_unknown_service_is_404(gateway: httpx.AsyncClient, sign_in: SignIn) -> None:
    session = await sign_in(gateway)

    response = await gateway.get("/api/nosuch/things", headers=cookie(session))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_service"


async def test_public_paths_need_no_session_and_carry_no_token(
    gateway: httpx.AsyncClient,
) -> None:
    reset = await gateway.post(
        "/api/identity/password-reset/request",
        json={"email": "a@example.org"},
        headers={"Authorization": "Bearer forged"},
    )
    jwks = await gateway.get("/api/identity/.well-known/jwks.json")

    assert reset.status_code == 202
    assert reset.json() == {"authorization": None}
    assert jwks.status_code == 200
    assert jwks.json() == {"keys": []}


async def test_unreachable_upstream_is_502_naming_it(
    gateway: httpx.AsyncClient, sign_in: SignIn
) -> None:
    session = await sign_in(gateway)

    response = await gateway.get("/api/down/anything", headers=cookie(session))

    assert response.status_code == 502
    error = response.json()["error"]
    assert error["code"] == "upstream_unavailable"
    assert "down" in error["message"]


async def test_slow_upstream_is_504_naming_it(gateway: httpx.AsyncClient, sign_in: SignIn) -> None:
    session = await sign_in(gateway)

    response = await gateway.get("/api/clients/slow", headers=cookie(session))

    assert response.status_code == 504
    error = response.json()["error"]
    assert error["code"] == "upstream_timeout"
    assert "clients" in error["message"]


async def test_identity_down_makes_login_and_proxy_502(make_gateway: Any, upstreams: Any) -> None:
    async with make_gateway(identity_url=upstreams.down_url) as gateway:
        login = await gateway.post(
            "/api/auth/login", json={"email": "a@example.org", "password": "x"}
        )
        proxied = await gateway.get(
            "/api/clients/echo/x", headers={"Cookie": f"ocms_session={'s' * 43}"}
        )
        ready = await gateway.get("/readyz")

    assert (login.status_code, login.json()["error"]["code"]) == (502, "upstream_unavailable")
    assert (proxied.status_code, proxied.json()["error"]["code"]) == (502, "upstream_unavailable")
    assert "identity" in proxied.json()["error"]["message"]
    assert ready.status_code == 503
    assert ready.json()["checks"]["identity"].startswith("failed")
    assert ready.json()["checks"]["redis"] == "ok"


async def test_upstream_response_passes_through_minus_hop_by_hop_and_cookies(
    gateway: httpx.AsyncClient, sign_in: SignIn
) -> None:
    session = await sign_in(gateway)

    response = await gateway.get("/api/clients/download", headers=cookie(session))

    assert response.status_code == 200
    assert response.content == b"a,b\n1,2\n"
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="clients.csv"'
    assert response.headers["x-upstream-kept"] == "yes"
    assert "x-upstream-private" not in response.headers  # named in Connection
    assert "set-cookie" not in response.headers  # an upstream cannot plant the session cookie
    assert response.headers["x-frame-options"] == "DENY"


async def test_upstream_redirects_point_at_the_gateway(
    gateway: httpx.AsyncClient, sign_in: SignIn
) -> None:
    session = await sign_in(gateway)

    moved = await gateway.get("/api/clients/moved", headers=cookie(session))
    created = await gateway.post(
        "/api/clients/items/7/copies", headers={**cookie(session), "Origin": ORIGIN}
    )

    assert moved.status_code == 303
    assert moved.headers["location"] == "/api/clients/echo/target"
    assert created.status_code == 201
    assert created.headers["location"] == "/api/clients/items/7-copy"


async def _chunks(total: int, size: int = 1 << 20) -> AsyncIterator[bytes]:
    sent = 0
    while sent < total:
        chunk = os.urandom(min(size, total - sent))
        sent += len(chunk)
        yield chunk


async def test_large_uploads_stream_through_intact(
    gateway: httpx.AsyncClient, sign_in: SignIn
) -> None:
    session = await sign_in(gateway)
    body = os.urandom(20 * 1024 * 1024)

    response = await gateway.put(
        "/api/clients/echo/upload",
        content=body,
        headers={**cookie(session), "Content-Type": "application/octet-stream"},
    )

    assert response.status_code == 200, response.text
    seen = response.json()
    assert seen["body_bytes"] == len(body)
    assert seen["sha256"] == hashlib.sha256(body).hexdigest()
    assert seen["headers"]["content-length"] == str(len(body))


async def test_bodies_over_the_limit_are_refused(make_gateway: Any, sign_in: SignIn) -> None:
    async with make_gateway(max_body_bytes=1024 * 1024) as gateway:
        session = await sign_in(gateway)
        declared = await gateway.post(
            "/api/clients/echo/upload", content=b"x" * (2 * 1024 * 1024), headers=cookie(session)
        )
        chunked = await gateway.post(
            "/api/clients/echo/upload",
            content=_chunks(3 * 1024 * 1024, size=256 * 1024),
            headers=cookie(session),
        )
        fits = await gateway.post(
            "/api/clients/echo/upload", content=_chunks(512 * 1024), headers=cookie(session)
        )

    assert declared.status_code == 413
    assert declared.json()["error"]["code"] == "payload_too_large"
    assert chunked.status_code == 413
    assert fits.status_code == 200
    assert fits.json()["body_bytes"] == 512 * 1024


async def test_unsafe_request_from_a_foreign_origin_is_403(
    gateway: httpx.AsyncClient, sign_in: SignIn
) -> None:
    session = await sign_in(gateway)

    foreign = await gateway.post(
        "/api/clients/echo/x", headers={**cookie(session), "Origin": "https://evil.example"}
    )
    null_origin = await gateway.delete(
        "/api/clients/echo/x", headers={**cookie(session), "Origin": "null"}
    )
    cross_site = await gateway.post(
        "/api/clients/echo/x", headers={**cookie(session), "Sec-Fetch-Site": "cross-site"}
    )
    own = await gateway.post("/api/clients/echo/x", headers={**cookie(session), "Origin": ORIGIN})
    no_origin = await gateway.patch("/api/clients/echo/x", headers=cookie(session))
    safe = await gateway.get(
        "/api/clients/echo/x", headers={**cookie(session), "Origin": "https://evil.example"}
    )
    login = await gateway.post(
        "/api/auth/login",
        json={"email": "a@example.org", "password": "x"},
        headers={"Origin": "https://evil.example"},
    )

    for refused in (foreign, null_origin, cross_site, login):
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "bad_origin"
    assert [own.status_code, no_origin.status_code, safe.status_code] == [200, 200, 200]


async def test_a_rejected_internal_key_is_a_gateway_fault_not_a_logout(
    make_gateway: Any, sign_in: SignIn
) -> None:
    async with make_gateway() as good:
        session = await sign_in(good)
    async with make_gateway(internal_key="wrong-key") as gateway:
        proxied = await gateway.get("/api/clients/echo/x", headers=cookie(session))
        login = await gateway.post(
            "/api/auth/login", json={"email": "a@example.org", "password": "x"}
        )

    for response in (proxied, login):
        assert response.status_code == 502
        assert response.json()["error"]["code"] == "upstream_unavailable"
        assert "set-cookie" not in response.headers


async def test_a_browser_leaving_mid_upload_is_not_an_error(upstreams: Any) -> None:
    chunks = iter([{"type": "http.request", "body": b"x" * 1000, "more_body": True}])

    async def receive() -> dict[str, Any]:
        return next(chunks, {"type": "http.disconnect"})

    request = Request(
        {
            "type": "http",
            "method": "POST",
            "path": "/api/clients/echo/upload",
            "query_string": b"",
            "headers": [(b"transfer-encoding", b"chunked")],
            "client": ("192.0.2.1", 1),
            "scheme": "http",
            "server": ("gateway", 80),
        },
        receive,
    )
    settings = GatewaySettings(upstreams={"clients": upstreams.clients_url})
    async with httpx.AsyncClient() as http:
        proxy = Proxy(http, IdentityApi(http, "unused"), settings)
        target = Target("clients", upstreams.clients_url, "/echo/upload", public=True)

        response = await proxy.forward(request, target)

    assert response.status_code == 499
