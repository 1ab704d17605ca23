"""Reporting against a real PostgreSQL: a scratch database migrated with reporting's own
migrations, events fed to the consumers' handlers the way the worker applies them (one
transaction carrying the event's agency, the inbox row first), and the API in-process.

`Feed` makes contract events for one agency (clients, sessions, groups, courses,
referrals, identity) with sensible defaults; a test overrides what it checks.
"""

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import httpx
import pytest

from contracts.base import IntegrationEvent
from contracts.clients import ClientProfile, ClientRegistered, Consent
from contracts.identity import FundingAgreementUpdated, ProgramUpdated, UserUpdated
from contracts.referrals import ReferralCreated, ReferralRecord, TaskCreated, TaskRecord
from contracts.sessions import (
    AttendanceMark,
    AttendeeFormRecord,
    CourseAttendanceRecorded,
    CourseEnrolmentExited,
    CourseEnrolmentRecord,
    CourseEnrolmentRecorded,
    CourseExitRecord,
    CourseOpened,
    CourseRecord,
    EnrolmentFormRecord,
    GroupAttendanceUpdated,
    GroupAttendeeRecord,
    ServiceFormRecord,
    ServiceRecorded,
    SessionFunder,
    SessionRecord,
)
from kit.clock import utcnow
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
from reporting.main import create_app
from reporting.readmodel.consumers import SUBSCRIPTIONS
from reporting.settings import ReportingSettings

NAME = "ocms_reporting_unittest"
SERVICE_DIR = Path(__file__).resolve().parents[2]
HANDLERS = {s.routing_key: s.handler for s in SUBSCRIPTIONS}


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
def settings(scratch: ScratchDatabase) -> ReportingSettings:
    return ReportingSettings(
        database_url=scratch.app_url,
        migration_database_url=scratch.owner_url,
        db_pool_size=5,
        log_level="WARNING",
    )


@pytest.fixture(scope="session")
async def http(settings: ReportingSettings) -> AsyncIterator[httpx.AsyncClient]:
    async with in_process_api(
        create_app(settings, verifier=ClaimsVerifier()), "reporting"
    ) as client:
        yield client


@pytest.fixture(scope="session")
async def database(scratch: ScratchDatabase) -> AsyncIterator[Database]:
    db = Database(scratch.app_url, pool_size=2)
    yield db
    await db.dispose()


async def deliver(database: Database, event: IntegrationEvent) -> bool:
    """Apply `event` as the worker's consumer does: one transaction with the event's
    agency, the inbox row, then the handler. False when the event was applied before."""
    async with database.transaction(agency_id=event.agency_id) as db:
        if not await claim(db, "reporting", event.event_id):
            return False
        await HANDLERS[event.routing_key](db, event)
    return True


def at(day: str, hour: int = 12) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hour:02d}:00:00+00:00")


@dataclass
class Feed:
    """One agency's events, applied to the read model."""

    database: Database
    agency: Agency
    sent: list[IntegrationEvent] = field(default_factory=list)

    @property
    def id(self) -> uuid.UUID:
        return self.agency.id

    async def send(self, event: IntegrationEvent) -> IntegrationEvent:
        await deliver(self.database, event)
        self.sent.append(event)
        return event

    # --- identity -------------------------------------------------------------------

    async def program(self, program_id: uuid.UUID, name: str) -> None:
        await self.send(
            ProgramUpdated(agency_id=self.id, id=program_id, name=name, code=name[:6].upper(),
                           active=True)
        )  # fmt: skip

    async def staff(self, actor: Actor, given: str, family: str) -> None:
        await self.send(
            UserUpdated(
                agency_id=self.id, id=actor.id, email=f"{given.lower()}@example.org",
                given_name=given, family_name=family, role=actor.principal.role.value,
                program_ids=list(actor.principal.programs), active=True,
            )
        )  # fmt: skip

    async def agreement(
        self, funder_id: uuid.UUID, programs: list[uuid.UUID], **extra: Any
    ) -> uuid.UUID:
        values: dict[str, Any] = {
            "id": uuid.uuid4(), "funder_id": funder_id, "funder_code": "IRCC",
            "funder_name": "Immigration, Refugees and Citizenship Canada",
            "agreement_number": "IRCC-2026", "title": "Settlement 2026-2027",
            "program_ids": programs, "starts_on": dt.date(2026, 4, 1),
            "ends_on": dt.date(2027, 3, 31),
        } | extra  # fmt: skip
        await self.send(FundingAgreementUpdated(agency_id=self.id, **values))
        return uuid.UUID(str(values["id"]))

    # --- clients --------------------------------------------------------------------

    def profile(self, client_id: uuid.UUID | None = None, **fields: Any) -> ClientProfile:
        now = utcnow()
        values: dict[str, Any] = {
            "id": client_id or uuid.uuid4(), "kind": "named", "restricted": False,
            "consent": Consent(status="given"), "registered_at": now,
            "registered_by": uuid.uuid4(), "updated_at": now, "version": 1,
        } | fields  # fmt: skip
        return ClientProfile(**values)

    async def client(self, **fields: Any) -> uuid.UUID:
        profile = self.profile(**fields)
        await self.send(ClientRegistered(agency_id=self.id, **profile.model_dump()))
        return profile.id

    # --- sessions -------------------------------------------------------------------

    def session(self, worker: Actor, program: uuid.UUID, **fields: Any) -> SessionRecord:
        values: dict[str, Any] = {
            "id": uuid.uuid4(), "type": "direct_service", "date": dt.date(2026, 5, 12),
            "start_time": dt.time(10), "end_time": dt.time(11), "delivery_mode": "in_person",
            "language_of_service": "English", "worker_id": worker.id, "program_id": program,
            "funders": [SessionFunder(name="IRCC")], "client_ids": [], "created_at": utcnow(),
        } | fields  # fmt: skip
        return SessionRecord(**values)

    def form(self, session: SessionRecord, worker: Actor, **fields: Any) -> ServiceFormRecord:
        values: dict[str, Any] = {
            "id": uuid.uuid4(), "session_id": session.id, "form_key": "needs_assessment",
            "definition_version": 1, "status": "completed", "answers": {},
            "author_id": worker.id, "created_at": utcnow(), "version": 1,
        } | fields  # fmt: skip
        return ServiceFormRecord(**values)

    async def service(
        self,
        worker: Actor,
        program: uuid.UUID,
        clients: list[uuid.UUID],
        *,
        form_key: str = "needs_assessment",
        **session_fields: Any,
    ) -> ServiceRecorded:
        session = self.session(worker, program, client_ids=clients, **session_fields)
        event = ServiceRecorded(
            agency_id=self.id, session=session, form=self.form(session, worker, form_key=form_key)
        )
        await self.send(event)
        return event

    async def group(
        self,
        worker: Actor,
        program: uuid.UUID,
        attendees: dict[uuid.UUID, bool | None],
        anonymous: int,
        **session_fields: Any,
    ) -> GroupAttendanceUpdated:
        fields = {"type": "io_group_activity", **session_fields}
        session = self.session(worker, program, client_ids=list(attendees), **fields)
        now = utcnow()
        records = [
            GroupAttendeeRecord(
                client_id=client_id, added_by=worker.id, added_at=now,
                form=None if attended is None else AttendeeFormRecord(
                    form_key="group_attendee", definition_version=1, status="completed",
                    answers={"attended": attended}, author_id=worker.id,
                    updated_by=worker.id, updated_at=now,
                ),
            )
            for client_id, attended in attendees.items()
        ]  # fmt: skip
        event = GroupAttendanceUpdated(
            agency_id=self.id, session=session, attendee_form_key="group_attendee",
            attendees=records, anonymous_count=anonymous,
        )  # fmt: skip
        await self.send(event)
        return event

    # --- language courses -----------------------------------------------------------

    async def course(self, worker: Actor, program: uuid.UUID, code: str) -> CourseRecord:
        now = utcnow()
        course = CourseRecord(
            id=uuid.uuid4(), program_id=program, code=code, teacher="Marie Tremblay",
            capacity=20, start_date=dt.date(2026, 9, 7), end_date=dt.date(2026, 12, 18),
            definition_version=1, created_by=worker.id, created_at=now, updated_by=worker.id,
            updated_at=now,
        )  # fmt: skip
        await self.send(CourseOpened(agency_id=self.id, course=course))
        return course

    def enrolment(
        self, course: CourseRecord, worker: Actor, client_id: uuid.UUID, **fields: Any
    ) -> CourseEnrolmentRecord:
        values: dict[str, Any] = {
            "id": uuid.uuid4(), "course_id": course.id, "course_code": course.code,
            "program_id": course.program_id, "client_id": client_id, "status": "enrolled",
            "enrolled_by": worker.id, "enrolled_at": at("2026-09-03"),
            "form": EnrolmentFormRecord(
                definition_version=1, status="completed", answers={}, updated_by=worker.id,
                updated_at=utcnow(),
            ),
        } | fields  # fmt: skip
        return CourseEnrolmentRecord(**values)

    async def enrol(
        self, course: CourseRecord, worker: Actor, client_id: uuid.UUID
    ) -> CourseEnrolmentRecord:
        enrolment = self.enrolment(course, worker, client_id)
        await self.send(CourseEnrolmentRecorded(agency_id=self.id, enrolment=enrolment))
        return enrolment

    async def exit(
        self, enrolment: CourseEnrolmentRecord, worker: Actor, status: str, **answers: Any
    ) -> None:
        exit_ = CourseExitRecord(
            definition_version=1, answers={"training_status_id": status, **answers},
            training_status=status, exit_date=dt.date(2026, 12, 18), exited_by=worker.id,
            exited_at=utcnow(),
        )  # fmt: skip
        exited = enrolment.model_copy(update={"status": "exited", "exit": exit_})
        await self.send(CourseEnrolmentExited(agency_id=self.id, enrolment=exited))

    async def attendance(
        self,
        course: CourseRecord,
        worker: Actor,
        day: dt.date,
        marks: dict[uuid.UUID, str],
        recorded_at: dt.datetime | None = None,
        hours: dict[uuid.UUID, float] | None = None,
    ) -> CourseAttendanceRecorded:
        event = CourseAttendanceRecorded(
            agency_id=self.id, course_id=course.id, course_code=course.code,
            program_id=course.program_id, class_date=day, definition_version=1,
            marks=[
                AttendanceMark(client_id=c, status=s, hours_attended=(hours or {}).get(c))
                for c, s in marks.items()
            ],
            recorded_by=worker.id, recorded_at=recorded_at or utcnow(),
        )  # fmt: skip
        await self.send(event)
        return event

    # --- referrals ------------------------------------------------------------------

    def referral(self, worker: Actor, client_id: uuid.UUID, **fields: Any) -> ReferralRecord:
        now = utcnow()
        values: dict[str, Any] = {
            "id": uuid.uuid4(), "client_id": client_id, "kind": "external",
            "partner_name": "Food Bank", "need": "Food security", "status": "sent",
            "referred_by": worker.id, "program_id": self.agency.settle,
            "created_at": at("2026-06-01"), "updated_at": now, "version": 1,
        } | fields  # fmt: skip
        return ReferralRecord(**values)

    async def refer(self, worker: Actor, client_id: uuid.UUID, **fields: Any) -> ReferralRecord:
        referral = self.referral(worker, client_id, **fields)
        await self.send(ReferralCreated(agency_id=self.id, referral=referral))
        return referral

    # --- tasks ----------------------------------------------------------------------

    def task(self, assignee: Actor, **fields: Any) -> TaskRecord:
        """A task assigned to `assignee`, created on `created` (a day, default
        2026-05-01), closed on `done` or `cancelled` (days) when given."""
        created = at(fields.pop("created", "2026-05-01"))
        done, cancelled = fields.pop("done", None), fields.pop("cancelled", None)
        status = "done" if done else "cancelled" if cancelled else "open"
        values: dict[str, Any] = {
            "id": uuid.uuid4(), "client_id": uuid.uuid4(), "assignee_id": assignee.id,
            "created_by": assignee.id, "program_id": self.agency.settle, "priority": "normal",
            "status": status, "completed_at": at(done) if done else None,
            "cancelled_at": at(cancelled) if cancelled else None, "created_at": created,
            "updated_at": at(done or cancelled) if done or cancelled else created,
            "version": 1 if status == "open" else 2,
        } | fields  # fmt: skip
        return TaskRecord(**values)

    async def assign(self, assignee: Actor, **fields: Any) -> TaskRecord:
        task = self.task(assignee, **fields)
        await self.send(TaskCreated(agency_id=self.id, task=task))
        return task


@pytest.fixture
def agency(http: httpx.AsyncClient) -> Agency:
    return Agency(http)


@pytest.fixture
async def feed(agency: Agency, database: Database) -> Feed:
    """A fresh agency with its two programs known to reporting."""
    fed = Feed(database, agency)
    await fed.program(agency.settle, "Settlement Services")
    await fed.program(agency.employ, "Employment Services")
    return fed


YEAR = {"date_from": "2026-04-01", "date_to": "2027-03-31"}


async def run(actor: Actor, key: str, **criteria: Any) -> dict[str, Any]:
    """POST a report run; the JSON result (asserting 200)."""
    response = await actor.post(f"/reports/{key}/run", json={**YEAR, **criteria})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def table(result: dict[str, Any], key: str, measure: str) -> dict[str | None, Any]:
    """One breakdown of a result as {label: value of `measure`}."""
    found = [t for t in result["tables"] if t["key"] == key]
    assert found, f"no table {key} in {[t['key'] for t in result['tables']]}"
    return {row["label"]: row[measure] for row in found[0]["rows"]}
