"""Identity against a real PostgreSQL: a scratch database migrated with identity's own
migrations, the app in-process (httpx + ASGI, lifespan entered), a local SMTP server.

`ocms_identity_unittest` is created fresh per session with an owner role (runs the
migrations) and an application role without BYPASSRLS (runs the app), so row-level
security applies as in production. The demo seed runs once; tests that change data
create their own agencies.
"""

import asyncio
import re
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import httpx
import pytest
from aiosmtpd.controller import Controller
from fastapi import FastAPI

from identity.main import create_app
from identity.seed import PLATFORM_ADMIN, seed
from identity.settings import IdentitySettings
from kit.testing import ScratchDatabase, migrated_scratch_database

NAME = "ocms_identity_unittest"
SERVICE_DIR = Path(__file__).resolve().parents[2]
INTERNAL_KEY = "identity-test-internal-key"
PASSWORD = "Correct-horse-2026"
DEMO_PASSWORD = "ocms-demo-2026"


# --- database ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def scratch() -> Iterator[ScratchDatabase]:
    with migrated_scratch_database(NAME, SERVICE_DIR / "alembic.ini") as db:
        yield db


@pytest.fixture
async def admin_db(scratch: ScratchDatabase) -> AsyncIterator[asyncpg.Connection]:
    """A superuser connection (RLS does not apply): to inspect and to age rows."""
    conn = await asyncpg.connect(scratch.admin_dsn)
    try:
        yield conn
    finally:
        await conn.close()


# --- email ---------------------------------------------------------------------------


@dataclass
class Inbox:
    """What the local SMTP server received."""

    port: int
    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]

    def link_token(self, address: str) -> str:
        """The token of the last set-password link sent to `address`."""
        mails = self.to(address)
        assert mails, f"no email to {address}"
        body = mails[-1].get_payload(decode=True)
        assert isinstance(body, bytes)
        found = re.search(r"reset-password\?token=([A-Za-z0-9_\-%]+)", body.decode())
        assert found, body
        return found.group(1)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def inbox() -> Iterator[Inbox]:
    box = Inbox(port=_free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


# --- the app -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def settings(scratch: ScratchDatabase, inbox: Inbox) -> IdentitySettings:
    return IdentitySettings(
        database_url=scratch.app_url,
        migration_database_url=scratch.owner_url,
        db_pool_size=5,
        smtp_host="127.0.0.1",
        smtp_port=inbox.port,
        public_url="http://ocms.test",
        internal_key=INTERNAL_KEY,
        log_level="WARNING",
        # Cheap hashing keeps the suite fast; the timing test makes its own costly app.
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        argon2_parallelism=1,
        login_free_failures=3,
        # Above the kit verifier's 2 s refetch floor, as the production default (10 s) is.
        key_activation_delay_seconds=2.5,
    )


@pytest.fixture(scope="session")
def seeded(settings: IdentitySettings) -> None:
    asyncio.run(seed(settings))


@pytest.fixture(scope="session")
async def app(settings: IdentitySettings, seeded: None) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="session")
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://identity") as client:
        yield client


# --- acting as someone ---------------------------------------------------------------


@dataclass
class Staff:
    """A signed-in staff member: their session (as the gateway holds it) and a token."""

    http: httpx.AsyncClient
    user: dict[str, Any]
    session_id: str
    token: str

    @property
    def id(self) -> str:
        return str(self.user["id"])

    @property
    def agency_id(self) -> str:
        return str(self.user["agency_id"])

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return await self.http.request(method, path, headers=self._headers(), **kwargs)

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.request("POST", path, **kwargs)

    async def patch(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.request("PATCH", path, **kwargs)

    async def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.request("PUT", path, **kwargs)


class Api:
    """The gateway's side of identity, plus shortcuts to set up agencies and staff."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.internal = {"X-Internal-Key": INTERNAL_KEY}

    async def login(
        self, email: str, password: str, *, totp: str | None = None, ip: str | None = None
    ) -> httpx.Response:
        body: dict[str, Any] = {
            "email": email,
            "password": password,
            "client_ip": ip or f"10.{uuid.uuid4().int % 250}.0.{uuid.uuid4().int % 250}",
            "user_agent": "pytest",
        }
        if totp is not None:
            body["totp_code"] = totp
        return await self.http.post("/internal/sessions", json=body, headers=self.internal)

    async def exchange(self, session_id: str) -> httpx.Response:
        return await self.http.post(
            "/internal/tokens", json={"session_id": session_id}, headers=self.internal
        )

    async def sign_in(self, email: str, password: str, *, totp: str | None = None) -> Staff:
        opened = await self.login(email, password, totp=totp)
        assert opened.status_code == 201, opened.text
        session_id = opened.json()["session_id"]
        token = await self.exchange(session_id)
        assert token.status_code == 200, token.text
        return Staff(self.http, opened.json()["user"], session_id, token.json()["token"])

    async def platform(self) -> Staff:
        return await self.sign_in(PLATFORM_ADMIN, DEMO_PASSWORD)

    async def new_agency(self) -> Staff:
        """A fresh agency; returns its admin, signed in."""
        suffix = uuid.uuid4().hex[:8]
        email = f"admin.{suffix}@agency.example.org"
        platform = await self.platform()
        created = await platform.post(
            "/agencies",
            json={
                "name": f"Agency {suffix}",
                "code": f"AG{suffix}".upper(),
                "admin": {
                    "email": email,
                    "given_name": "Ada",
                    "family_name": "Admin",
                    "initial_password": PASSWORD,
                },
            },
        )
        assert created.status_code == 201, created.text
        return await self.sign_in(email, PASSWORD)

    async def new_program(self, admin: Staff) -> dict[str, Any]:
        code = f"P{uuid.uuid4().hex[:8]}".upper()
        created = await admin.post("/programs", json={"name": f"Program {code}", "code": code})
        assert created.status_code == 201, created.text
        body: dict[str, Any] = created.json()
        return body

    async def new_user(
        self, admin: Staff, role: str = "caseworker", **fields: Any
    ) -> tuple[dict[str, Any], str]:
        """Create a user with a password; returns (user, email)."""
        email = f"{role}.{uuid.uuid4().hex[:8]}@agency.example.org"
        body = {
            "email": email,
            "given_name": "Sam",
            "family_name": "Worker",
            "role": role,
            "initial_password": PASSWORD,
            **fields,
        }
        created = await admin.post("/users", json=body)
        assert created.status_code == 201, created.text
        user: dict[str, Any] = created.json()
        return user, email


@pytest.fixture
def api(http: httpx.AsyncClient) -> Api:
    return Api(http)
