"""Referrals against a real PostgreSQL: a scratch database migrated with referrals' own
migrations, the app in-process (httpx + ASGI, lifespan entered), a local SMTP server,
and the worker's consumers and scheduler called directly.

Tokens are not signed here (`kit.testing.ClaimsVerifier`): a test acts as anyone of any
agency through `kit.testing.Agency` / `Actor`.
"""

import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import httpx
import pytest
from aiosmtpd.controller import Controller

from contracts.base import IntegrationEvent
from contracts.clients import ClientRegistered, Consent
from contracts.identity import ProgramUpdated, UserUpdated
from kit.db import Database
from kit.messaging.inbox import claim
from kit.testing import (
    Actor,
    Agency,
    ClaimsVerifier,
    ScratchDatabase,
    in_process_api,
    migrated_scratch_database,
)
from referrals.copies.consumers import SUBSCRIPTIONS as COPIES
from referrals.followups.consumers import SUBSCRIPTIONS as FOLLOW_UPS
from referrals.main import create_app
from referrals.settings import ReferralsSettings

NAME = "ocms_referrals_unittest"
SERVICE_DIR = Path(__file__).resolve().parents[2]
HANDLERS = {s.routing_key: s.handler for s in (*FOLLOW_UPS, *COPIES)}


@dataclass
class Inbox:
    """What the local SMTP server received."""

    port: int
    messages: list[Message] = field(default_factory=list)
    refuse_next: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_next:
            self.refuse_next -= 1
            return "451 try again later"
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]


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


@pytest.fixture(scope="session")
def scratch() -> Iterator[ScratchDatabase]:
    with migrated_scratch_database(NAME, SERVICE_DIR / "alembic.ini") as db:
        yield db


@pytest.fixture
async def admin_db(scratch: ScratchDatabase) -> AsyncIterator[asyncpg.Connection]:
    """A superuser connection (RLS does not apply): to inspect what was written."""
    conn = await asyncpg.connect(scratch.admin_dsn)
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def settings(scratch: ScratchDatabase, inbox: Inbox) -> ReferralsSettings:
    return ReferralsSettings(
        database_url=scratch.app_url,
        migration_database_url=scratch.owner_url,
        db_pool_size=5,
        log_level="WARNING",
        smtp_host="127.0.0.1",
        smtp_port=inbox.port,
        notification_retry_base_seconds=0.1,
        notification_sending_timeout_seconds=30,
        notification_max_attempts=3,
        notification_unknown_client_grace_seconds=0,
    )


@pytest.fixture(scope="session")
async def http(settings: ReferralsSettings) -> AsyncIterator[httpx.AsyncClient]:
    async with in_process_api(
        create_app(settings, verifier=ClaimsVerifier()), "referrals"
    ) as client:
        yield client


@pytest.fixture
async def database(settings: ReferralsSettings) -> AsyncIterator[Database]:
    db = Database(settings.database_url, pool_size=2)
    try:
        yield db
    finally:
        await db.dispose()


@pytest.fixture
def agency(http: httpx.AsyncClient) -> Agency:
    return Agency(http)


class Events:
    """Apply events as the worker's consumer does: one transaction, inbox first."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def deliver(self, event: IntegrationEvent) -> bool:
        async with self.database.transaction(agency_id=event.agency_id) as db:
            if not await claim(db, "referrals", event.event_id):
                return False
            await HANDLERS[event.routing_key](db, event)
        return True

    async def staff(self, agency: Agency, actor: Actor, email: str | None = None) -> None:
        await self.deliver(
            UserUpdated(
                agency_id=agency.id,
                id=actor.id,
                email=email or f"{actor.id.hex[:8]}@staff.example.org",
                given_name="Sam",
                family_name="Worker",
                role=actor.principal.role.value,
                program_ids=list(actor.principal.programs),
                active=True,
            )
        )

    async def programs(self, agency: Agency) -> None:
        for program, name in ((agency.settle, "Settlement"), (agency.employ, "Employment")):
            await self.deliver(
                ProgramUpdated(
                    agency_id=agency.id, id=program, name=name, code=name[:4].upper(), active=True
                )
            )

    async def client(
        self,
        agency: Agency,
        by: Actor,
        *,
        email: str | None = "client@example.org",
        language: str | None = "English",
        consent: str = "given",
        given_name: str = "Nadia",
    ) -> uuid.UUID:
        client_id = uuid.uuid4()
        now = datetime.now(UTC)
        await self.deliver(
            ClientRegistered(
                agency_id=agency.id,
                id=client_id,
                kind="named",
                restricted=False,
                consent=Consent(status=consent),
                given_name=given_name,
                family_name="Haddad",
                has_email=email is not None,
                email=email,
                official_language=language,
                registered_at=now,
                registered_by=by.id,
                updated_at=now,
                version=1,
            )
        )
        return client_id


@pytest.fixture
def events(database: Database) -> Events:
    return Events(database)
