"""Fake upstreams on real sockets (uvicorn in threads), and the gateway in-process.

Real servers, not mock transports: timeouts, refused connections and streamed bodies
behave here as they do in production.
"""

import asyncio
import hashlib
import secrets
import socket
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.cookies import Morsel, SimpleCookie
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import pytest_asyncio
import uvicorn
from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from gateway.main import create_app
from gateway.settings import GatewaySettings

INTERNAL_KEY = "test-internal-key"
PASSWORD = "correct horse battery staple"
BROWSER_IP = "203.0.113.7"


def _error(status: int, code: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": code.replace("_", " ")}},
        status_code=status,
        headers=headers,
    )


@dataclass
class IdentityState:
    """What the fake identity knows and what it was asked."""

    password: str = PASSWORD
    internal_key: str = INTERNAL_KEY
    browser_ip: str = BROWSER_IP

    active: dict[str, bool] = field(default_factory=dict)  # email -> active
    sessions: dict[str, str] = field(default_factory=dict)  # session id -> email
    login_calls: list[dict[str, Any]] = field(default_factory=list)
    token_calls: list[str] = field(default_factory=list)
    revoked: list[str] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)  # token -> email

    def user(self, email: str) -> dict[str, Any]:
        return {
            "id": "7d0c8d4e-0000-4000-8000-000000000001",
            "agency_id": "7d0c8d4e-0000-4000-8000-0000000000aa",
            "email": email,
            "given_name": "Amal",
            "family_name": "Worker",
            "role": "caseworker",
            "mfa_enabled": email.startswith("mfa"),
            # Not part of the contract: the gateway must not pass it on.
            "password_hash": "argon2id$leak",
        }


class User(BaseModel):
    id: str
    email: str


class ValidationError(BaseModel):  # same name as in the clients fake: must not collide
    loc: list[str]


def fake_identity(state: IdentityState) -> FastAPI:
    app = FastAPI()

    @app.post("/internal/sessions", status_code=201)
    async def create_session(
        body: dict[str, Any], x_internal_key: str | None = Header(default=None)
    ) -> Response:
        if x_internal_key != INTERNAL_KEY:
            return _error(401, "internal_key_required")
        state.login_calls.append(body)
        email = body.get("email", "")
        if email.startswith("throttled"):
            return _error(429, "too_many_attempts", {"Retry-After": "42"})
        if email not in state.active or body.get("password") != PASSWORD:
            return _error(401, "invalid_credentials")
        if email.startswith("mfa") and body.get("totp_code") is None:
            return _error(401, "mfa_required")
        session_id = secrets.token_urlsafe(32)
        state.sessions[session_id] = email
        expires = datetime.now(UTC) + timedelta(hours=8)
        return JSONResponse(
            {
                "session_id": session_id,
                "expires_at": expires.isoformat(),
                "user": state.user(email),
            },
            status_code=201,
        )

    @app.post("/internal/tokens")
    async def exchange(
        body: dict[str, Any], x_internal_key: str | None = Header(default=None)
    ) -> Response:
        if x_internal_key != INTERNAL_KEY:
            return _error(401, "internal_key_required")
        session_id = body["session_id"]
        state.token_calls.append(session_id)
        email = state.sessions.get(session_id)
        if email is None or not state.active.get(email):
            return _error(401, "session_invalid")
        token = f"svc-token-{secrets.token_hex(8)}"
        state.tokens[token] = email
        return JSONResponse({"token": token, "expires_in": 60})

    @app.post("/internal/sessions/revoke", status_code=204)
    async def revoke(
        body: dict[str, Any], x_internal_key: str | None = Header(default=None)
    ) -> Response:
        if x_internal_key != INTERNAL_KEY:
            return _error(401, "internal_key_required")
        state.revoked.append(body["session_id"])
        state.sessions.pop(body["session_id"], None)
        return Response(status_code=204)

    @app.get("/me", response_model=User)
    async def me(authorization: str | None = Header(default=None)) -> Response:
        token = (authorization or "").removeprefix("Bearer ")
        email = state.tokens.get(token)
        if email is None:
            return _error(401, "not_authenticated")
        return JSONResponse(state.user(email))

    @app.post("/password-reset/request", status_code=202)
    async def reset(request: Request) -> Response:
        return JSONResponse(
            {"authorization": request.headers.get("authorization")}, status_code=202
        )

    @app.get("/users/{user_id}", response_model=User)
    async def get_user(user_id: str, strict: bool = False) -> ValidationError:
        return ValidationError(loc=[user_id])

    @app.get("/.well-known/jwks.json")
    async def jwks() -> dict[str, list[str]]:
        return {"keys": []}

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


class Client(BaseModel):
    given_name: str
    errors: list[ValidationError] = []


def fake_clients() -> FastAPI:
    app = FastAPI()

    @app.api_route(
        "/echo/{rest:path}",
        methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        include_in_schema=False,
    )
    async def echo(rest: str, request: Request) -> dict[str, Any]:
        digest, size = hashlib.sha256(), 0
        async for chunk in request.stream():
            digest.update(chunk)
            size += len(chunk)
        return {
            "method": request.method,
            "path": request.url.path,
            "query": request.url.query,
            "headers": dict(request.headers.items()),
            "body_bytes": size,
            "sha256": digest.hexdigest(),
        }

    @app.get("/slow")
    async def slow() -> dict[str, str]:
        await asyncio.sleep(3)
        return {"status": "late"}

    @app.get("/download")
    async def download() -> Response:
        response = Response(
            b"a,b\n1,2\n",
            media_type="text/csv",
            headers={
                "Content-Disposition": 'attachment; filename="clients.csv"',
                "Connection": "x-upstream-private",
                "X-Upstream-Private": "hop",
                "X-Upstream-Kept": "yes",
                "X-Frame-Options": "ALLOWALL",
            },
        )
        response.set_cookie("ocms_session", "planted-by-upstream")
        return response

    @app.get("/moved")
    async def moved(request: Request) -> Response:
        # Absolute, as FastAPI's own slash redirects are.
        return Response(status_code=303, headers={"Location": f"{request.base_url}echo/target"})

    @app.post("/items/{item_id}/copies")
    async def copy(item_id: str) -> Response:
        return Response(status_code=201, headers={"Location": f"/items/{item_id}-copy"})

    @app.post("/items", response_model=Client, status_code=201)
    async def create(item: Client) -> Client:
        return item

    @app.post("/internal/rebuild")
    async def internal_rebuild() -> dict[str, str]:
        return {"status": "rebuilt"}

    return app


@dataclass
class Upstreams:
    identity_url: str
    clients_url: str
    down_url: str
    identity: IdentityState


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


class _Server:
    """A uvicorn server on its own thread and event loop."""

    def __init__(self, app: FastAPI) -> None:
        self._sock = _free_socket()
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        config = uvicorn.Config(
            app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake upstream did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)
        self._sock.close()


@pytest.fixture(scope="session")
def upstreams() -> Iterator[Upstreams]:
    state = IdentityState()
    identity, clients = _Server(fake_identity(state)), _Server(fake_clients())
    identity.start()
    clients.start()
    dead = _free_socket()  # bound, never listening: connections are refused
    try:
        yield Upstreams(
            identity.url, clients.url, f"http://127.0.0.1:{dead.getsockname()[1]}", state
        )
    finally:
        identity.stop()
        clients.stop()
        dead.close()


@pytest.fixture
def identity_state(upstreams: Upstreams) -> IdentityState:
    return upstreams.identity


GatewayFactory = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def make_gateway(
    upstreams: Upstreams, redis_prefix: str, monkeypatch: pytest.MonkeyPatch
) -> GatewayFactory:
    """Start a gateway (lifespan included) with test settings, overridable per test."""
    # Mid-window, so a minute boundary cannot split a test's login attempts.
    monkeypatch.setattr("gateway.ratelimit.time", SimpleNamespace(time=lambda: 6_000_030.0))

    @asynccontextmanager
    async def start(**overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
        values: dict[str, Any] = {
            "upstreams": {
                "identity": upstreams.identity_url,
                "clients": upstreams.clients_url,
                "down": upstreams.down_url,
            },
            "identity_url": upstreams.identity_url,
            "internal_key": INTERNAL_KEY,
            "redis_url": "redis://127.0.0.1:6379/0",
            "redis_key_prefix": redis_prefix,
            "upstream_timeout_seconds": 0.5,
            "login_rate_per_minute": 5,
            "openapi_cache_seconds": 0,
            "web_dist": None,
            "log_level": "WARNING",
        }
        values.update(overrides)
        app = create_app(GatewaySettings(**values))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, client=(BROWSER_IP, 50000))
            async with httpx.AsyncClient(
                transport=transport, base_url="http://127.0.0.1:8000"
            ) as client:
                yield client

    return start


@pytest_asyncio.fixture
async def gateway(make_gateway: GatewayFactory) -> AsyncIterator[httpx.AsyncClient]:
    async with make_gateway() as client:
        yield client


def _session_cookie(response: httpx.Response, name: str = "ocms_session") -> Morsel[str]:
    for raw in response.headers.get_list("set-cookie"):
        cookie: SimpleCookie = SimpleCookie()
        cookie.load(raw)
        if name in cookie:
            return cookie[name]
    raise AssertionError("no session cookie was set")


@pytest.fixture
def session_cookie() -> Callable[[httpx.Response], Morsel[str]]:
    """The session cookie's morsel as the browser would store it."""
    return _session_cookie


SignIn = Callable[..., Awaitable[str]]


@pytest.fixture
def sign_in(identity_state: IdentityState) -> SignIn:
    """Sign a fresh active user in; returns the session id (httpx keeps no Secure cookie
    over http, so tests send it back in an explicit Cookie header)."""

    async def sign_in(client: httpx.AsyncClient, email: str | None = None) -> str:
        email = email or unique_email()
        identity_state.active[email] = True
        response = await client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert response.status_code == 200, response.text
        client.cookies.clear()
        return _session_cookie(response).value

    return sign_in


def unique_email(prefix: str = "amal") -> str:
    return f"{prefix}.{secrets.token_hex(4)}@maple.example.org"
