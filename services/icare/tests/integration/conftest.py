"""icare against a real PostgreSQL: a scratch database migrated with icare's own
migrations, the app in-process (httpx + ASGI, lifespan entered) with an in-memory
object store, and other services' events fed to icare's consumers the way the
worker's consumer applies them (one transaction in the event's agency, inbox first).
"""

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from contracts.clients import ClientRegistered
from contracts.identity import AgencyCreated, FundingAgreementUpdated, UserUpdated
from contracts.sessions import ServiceRecorded
from icare.copies.consumers import SUBSCRIPTIONS
from icare.exports.runner import run_queued
from icare.main import create_app
from icare.settings import IcareSettings
from icare.storage import MemoryStore
from kit.auth import Principal, Role
from kit.db import Database
from kit.messaging.events import EventLike
from kit.messaging.inbox import claim
from kit.testing import (
    Actor,
    ClaimsVerifier,
    ScratchDatabase,
    in_process_api,
    migrated_scratch_database,
)
from reference.icare import catalog
from reference.icare.keys import choice_keys, question_key

NAME = "ocms_icare_unittest"
SERVICE_DIR = Path(__file__).resolve().parents[2]
HANDLERS = {s.routing_key: s.handler for s in SUBSCRIPTIONS}
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)

NEEDS_ASSESSMENT = {
    "preferred_official_language_id": "english",
    "institution_type_id": "settlement_service_provider",
    "assessment_referral_id": "family_friends",
    "intention_canadian_citizen_ind": "yes",
    "support_required_services_required": "no",
    "non_cic_program_needs_services_required": "no",
    "support_received_ind": "no",
    "settlement_plan_ind": "no",
    "assessment_completed_dt": "2026-10-20",
}


# Fields a form never asks: the session, the client profile or the upload fills them.
HELD = frozenset(
    {"processing_details", "update_record_id", "assessment_update_reason_id",
     "client_validation_type_id", "client_validation_id", "client_birth_dt", "postal_cd",
     "assessment_start_dt", "start_dttm", "assessment_language_id", "service_language_id",
     "service_lang_id", "session_service_lang_id"}
)  # fmt: skip
SAMPLE_TEXT = {"postal_code": "M5V2T6", "phone": "416-555-0101", "email": "info@example.org",
               "integer": "50", "date": "2026-10-21", "text": "x"}  # fmt: skip


def valid_answers(
    template: str, *, only: frozenset[str] | None = None, keep: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """A form's answers to every required, unconditional field of a template (its first
    choice, or a valid text), keyed as sessions keys them."""
    answers: dict[str, Any] = {}
    for f in catalog.template(template).fields:
        if not f.required or f.conditional is not None or (f.id in HELD and f.id not in keep):
            continue
        if only is not None and f.id not in only:
            continue
        if f.values:
            answers[question_key(f.id)] = choice_keys(f.values)[0]
        else:
            answers[question_key(f.id)] = SAMPLE_TEXT.get(f.kind, "x")
    return answers


@pytest.fixture(scope="session")
def scratch() -> Iterator[ScratchDatabase]:
    with migrated_scratch_database(NAME, SERVICE_DIR / "alembic.ini") as db:
        yield db


@pytest.fixture(scope="session")
def settings(scratch: ScratchDatabase) -> IcareSettings:
    return IcareSettings(
        database_url=scratch.app_url,
        migration_database_url=scratch.owner_url,
        db_pool_size=5,
        log_level="WARNING",
    )


@pytest.fixture(scope="session")
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture(scope="session")
async def http(settings: IcareSettings, store: MemoryStore) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, verifier=ClaimsVerifier(), store=store)
    async with in_process_api(app, "icare") as client:
        yield client


@pytest.fixture(scope="session")
async def database(settings: IcareSettings) -> AsyncIterator[Database]:
    db = Database(settings.database_url, pool_size=2)
    yield db
    await db.dispose()


@pytest.fixture(scope="session")
async def settings_db(settings: IcareSettings) -> AsyncIterator[Database]:
    """A second pool: another worker replica."""
    db = Database(settings.database_url, pool_size=2)
    yield db
    await db.dispose()


async def feed(database: Database, event: EventLike) -> bool:
    """Apply one event as the worker's consumer does; False when it was applied before."""
    async with database.transaction(agency_id=event.agency_id) as db:
        if not await claim(db, "icare", event.event_id):
            return False
        await HANDLERS[type(event).routing_key](db, event)
    return True


async def export_now(world: "World", period: str = "2026-10") -> dict[str, Any]:
    """Ask for an export (queued: 202), let the worker's job build it, and read it back
    (completed)."""
    manager = world.actor(Role.MANAGER)
    body = {"funding_agreement_id": str(world.agreement), "period": period}
    queued = await manager.post("/exports", json=body)
    assert queued.status_code == 202, queued.text
    assert queued.json()["status"] == "queued"
    assert queued.headers["location"] == f"exports/{queued.json()['id']}"
    assert world.store is not None
    await run_queued(world.database, world.store)
    done = await manager.get(f"/exports/{queued.json()['id']}")
    assert done.status_code == 200, done.text
    result: dict[str, Any] = done.json()
    assert result["status"] == "completed", result
    return result


@dataclass
class World:
    """An agency as identity, clients and sessions announced it to icare."""

    http: httpx.AsyncClient
    database: Database
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    code: str = field(default_factory=lambda: f"AG{uuid.uuid4().hex[:6].upper()}")
    program: uuid.UUID = field(default_factory=uuid.uuid4)
    agreement: uuid.UUID = field(default_factory=uuid.uuid4)
    clock: dt.datetime = NOW
    # The app's object store (where the worker's job puts the zips).
    store: MemoryStore | None = None

    def tick(self) -> dt.datetime:
        self.clock += dt.timedelta(seconds=1)
        return self.clock

    def actor(
        self,
        role: Role,
        user_id: uuid.UUID | None = None,
        manages: frozenset[uuid.UUID] = frozenset(),
    ) -> Actor:
        principal = Principal(
            user_id=user_id or uuid.uuid4(),
            agency_id=self.id,
            role=role,
            programs=frozenset({self.program}),
            manages=manages,
        )
        return Actor(self.http, principal)

    async def setup(self) -> None:
        await feed(
            self.database,
            AgencyCreated(agency_id=self.id, name="Harbour", code=self.code, active=True),
        )
        await feed(
            self.database,
            FundingAgreementUpdated(
                agency_id=self.id,
                id=self.agreement,
                funder_id=uuid.uuid4(),
                funder_code="IRCC",
                funder_name="IRCC",
                agreement_number="IRCC-1",
                title="Settlement",
                program_ids=[self.program],
                starts_on=dt.date(2018, 1, 1),
                ends_on=dt.date(2027, 3, 31),
            ),
        )

    async def worker(self, given: str, family: str, role: str = "caseworker") -> uuid.UUID:
        user_id = uuid.uuid4()
        await feed(
            self.database,
            UserUpdated(
                agency_id=self.id,
                id=user_id,
                email=f"{given.lower()}@example.org",
                given_name=given,
                family_name=family,
                role=role,
                program_ids=[self.program],
                active=True,
            ),
        )
        return user_id

    async def client(self, worker: uuid.UUID, **fields: Any) -> uuid.UUID:
        client_id = uuid.uuid4()
        profile: dict[str, Any] = {
            "id": client_id,
            "kind": "named",
            "restricted": False,
            "consent": {"status": "given"},
            "research_consent": "Yes",
            "identifier_type": "FOSS/GCMS Client ID",
            "identifier_value": f"{uuid.uuid4().int % 10**8:08d}",
            "birth_date": dt.date(1990, 5, 1),
            "given_name": "Ana",
            "family_name": "Lima",
            "phones": ["416 555 0101"],
            "has_email": False,
            "address": {"city": "Toronto", "province": "Ontario", "postal_code": "M5V2T6"},
            "official_language": "English",
            "registered_at": self.tick(),
            "registered_by": worker,
            "updated_at": self.clock,
            "version": 1,
        }
        profile.update(fields)
        await feed(self.database, ClientRegistered(agency_id=self.id, **profile))
        return client_id

    async def service(
        self,
        worker: uuid.UUID,
        client_id: uuid.UUID,
        *,
        form_key: str = "needs_assessment",
        answers: dict[str, Any] | None = None,
        date: dt.date = dt.date(2026, 10, 20),
        language: str = "English",
        postal_code: str | None = "M5V2T6",
        form_id: uuid.UUID | None = None,
        version: int = 1,
        private: bool = False,
    ) -> uuid.UUID:
        form_id = form_id or uuid.uuid4()
        at = self.tick()
        session = {
            "id": uuid.uuid4(),
            "type": "direct_service",
            "date": date,
            "start_time": dt.time(10),
            "end_time": dt.time(11),
            "postal_code": postal_code,
            "delivery_mode": "in_person",
            "language_of_service": language,
            "worker_id": worker,
            "program_id": self.program,
            "client_ids": [client_id],
            "created_at": at,
        }
        form = {
            "id": form_id,
            "session_id": session["id"],
            "form_key": form_key,
            "definition_version": 1,
            "status": "completed",
            "answers": NEEDS_ASSESSMENT if answers is None else answers,
            "author_id": worker,
            "created_at": at,
            "completed_at": at,
            "version": version,
            "private": private,
        }
        await feed(
            self.database,
            ServiceRecorded(agency_id=self.id, session=session, form=form),
        )
        return form_id


@pytest.fixture
async def world(http: httpx.AsyncClient, database: Database, store: MemoryStore) -> World:
    w = World(http, database, store=store)
    await w.setup()
    return w
