"""The monthly export: on its day, each agency's previous month is queued for export for
every funding agreement covering it, once (a second run finds the scheduled export
there); the worker's export job builds it like any other."""

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from icare.copies import repository as copies
from icare.exports.models import Export
from icare.exports.service import queue_export
from icare.records.collect import Period
from icare.schedule import repository as repo
from icare.schedule.models import ExportSchedule
from icare.schedule.schemas import ScheduleIn, ScheduleOut
from kit.audit import record_audit
from kit.auth import Principal
from kit.clock import utcnow
from kit.db import Database, Scope
from kit.logs import get_logger

log = get_logger()


async def get_schedule(db: AsyncSession, actor: Principal) -> ScheduleOut:
    found = await repo.schedule(db, actor.agency_id)
    if found is None:
        return ScheduleOut(day=None, enabled=False)
    return ScheduleOut(day=found.day, enabled=found.enabled)


async def set_schedule(db: AsyncSession, actor: Principal, data: ScheduleIn) -> ScheduleOut:
    found = await repo.schedule(db, actor.agency_id)
    if found is None:
        found = ExportSchedule(agency_id=actor.agency_id)
        db.add(found)
    found.day, found.enabled = data.day, data.enabled
    found.updated_by, found.updated_at = actor.user_id, utcnow()
    await record_audit(
        db,
        action="icare.schedule.set",
        agency_id=actor.agency_id,
        actor_id=actor.user_id,
        entity_type="icare_schedule",
        entity_id=actor.agency_id,
        detail={"day": data.day, "enabled": data.enabled},
    )
    return ScheduleOut(day=found.day, enabled=found.enabled)


def due_period(day: int, today: dt.date) -> Period | None:
    """The month to export today, or None before the agency's day of this month."""
    if today.day < day:
        return None
    return Period.parse(f"{today.year:04d}-{today.month:02d}").previous()


@dataclass(frozen=True)
class ScheduledRun:
    agency_id: uuid.UUID
    export_id: uuid.UUID
    period: str


async def run_agency(db: AsyncSession, agency_id: uuid.UUID, period: Period) -> list[Export]:
    """The agency's scheduled exports of `period` queued now (none when they exist)."""
    ran = []
    for agreement in await copies.agreements(db, agency_id):
        if not period.overlaps(agreement):
            continue
        export, now = await queue_export(
            db,
            agency_id=agency_id,
            agreement=agreement,
            period=period,
            trigger="scheduled",
            requested_by=None,
        )
        if now:
            ran.append(export)
    return ran


async def run_due(database: Database, *, today: dt.date) -> list[ScheduledRun]:
    """Every agency whose export day has come: its exports queued, one transaction per
    agency, so one agency's failure leaves the others' exports queued."""
    async with database.transaction(scope=Scope.PLATFORM) as db:
        schedules = [(s.agency_id, s.day) for s in await repo.enabled(db)]
    runs: list[ScheduledRun] = []
    failed = 0
    for agency_id, day in schedules:
        period = due_period(day, today)
        if period is None:
            continue
        try:
            async with database.transaction(agency_id=agency_id) as db:
                exports = await run_agency(db, agency_id, period)
        except Exception as exc:  # one agency's failure must not stop the others
            log.error(
                "icare.scheduled_export_failed",
                agency_id=str(agency_id),
                error_type=type(exc).__name__,
                exc_info=exc,
            )
            failed += 1
            continue
        runs += [ScheduledRun(agency_id, e.id, e.period) for e in exports]
    log.info("icare.schedule_checked", agencies=len(schedules), exports=len(runs), failed=failed)
    if failed:
        # The others are done; the run as a whole failed (a CronJob's exit status, the
        # worker's job log), and the next run tries the failed agencies again.
        raise ScheduleFailed(f"{failed} of {len(schedules)} agencies' exports failed")
    return runs


class ScheduleFailed(Exception):
    """Some agencies' scheduled exports failed (each was logged)."""
