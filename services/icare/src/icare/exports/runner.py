"""The worker's export job: claim queued exports and build them, one at a time.

1. claim, under the `platform` scope (every agency), in its own committed transaction:
   the oldest `queued` export (or a `running` one whose claim is older than the claim
   timeout: its worker died) becomes `running`, `attempts` + 1 (`FOR UPDATE SKIP
   LOCKED`: two workers never claim the same one);
2. build, in the export's agency: the run's row locked for the whole build (`FOR
   UPDATE`; the claim is re-read, so a worker presumed dead whose run was claimed again
   drops it), then `exports.service.build_export` under the agency's export lock; the
   files, the ledger, `completed` and `icare.export.completed.v1` commit together;
3. a build that raises rolls back whole (no ledger entry, no event) and the run is
   recorded `failed` with the reason in a new transaction. A run interrupted
   `max_attempts` times (a worker killed while building it) fails too. A build
   cancelled (the worker stopping) rolls back and its run goes back to `queued`.

A live worker holds its run's row lock, so its claim never expires from under it
however long the build; only a dead worker's (its transaction gone) can be claimed
again. The zip of a run whose commit failed stays in the store unreferenced (its key is
the run's id; a retry overwrites it).
"""

import asyncio
import datetime as dt
import uuid
from dataclasses import dataclass

from icare.exports import repository as repo
from icare.exports.service import build_export
from icare.storage import ObjectStore
from kit.clock import utcnow
from kit.db import Database, Scope
from kit.errors import DomainError
from kit.logs import get_logger

log = get_logger()


@dataclass(frozen=True)
class Claim:
    export_id: uuid.UUID
    agency_id: uuid.UUID
    attempt: int


async def claim_next(
    database: Database, *, claim_timeout_seconds: float, max_attempts: int
) -> Claim | None:
    """Claim the next export to build (committed before it is built), or None."""
    now = utcnow()
    stale_before = now - dt.timedelta(seconds=claim_timeout_seconds)
    async with database.transaction(scope=Scope.PLATFORM) as db:
        for export_id, agency_id in await repo.fail_abandoned(
            db, stale_before=stale_before, max_attempts=max_attempts, now=now
        ):
            log.error("icare.export_abandoned", export_id=str(export_id), agency_id=str(agency_id))
        claimed = await repo.claim_next(db, now=now, stale_before=stale_before)
    if claimed is None:
        return None
    claim = Claim(*claimed)
    log.info("icare.export_claimed", export_id=str(claim.export_id), attempt=claim.attempt)
    return claim


def _reason(exc: Exception) -> str:
    """What staff see of a failure: a domain error's own message, else its kind only
    (an unexpected error's text may carry data; the log has the whole of it)."""
    if isinstance(exc, DomainError):
        return f"{exc.code}: {exc.message}"[:500]
    return f"unexpected error ({type(exc).__name__}); ask your administrator to check the logs"


async def build_claimed(database: Database, store: ObjectStore, claim: Claim) -> str:
    """Build one claimed export: "completed", "failed", or "lost" (claimed again by
    another worker meanwhile: not ours to build)."""
    try:
        async with database.transaction(agency_id=claim.agency_id) as db:
            export = await repo.claimed(db, claim.agency_id, claim.export_id, claim.attempt)
            if export is None:
                log.warning("icare.export_claim_lost", export_id=str(claim.export_id))
                return "lost"
            await build_export(db, store, export)
        return "completed"
    except asyncio.CancelledError:
        # The worker is stopping: the build rolled back; the run goes back to the queue
        # now rather than when its claim times out.
        await asyncio.shield(_release(database, claim))
        raise
    except Exception as exc:  # the build rolled back whole; the run is recorded failed
        log.error(
            "icare.export_failed",
            export_id=str(claim.export_id),
            error_type=type(exc).__name__,
            exc_info=exc,
        )
        reason = _reason(exc)
    async with database.transaction(agency_id=claim.agency_id) as db:
        export = await repo.claimed(db, claim.agency_id, claim.export_id, claim.attempt)
        if export is None:
            return "lost"
        export.status = "failed"
        export.failure = reason
        export.completed_at = utcnow()
    return "failed"


async def _release(database: Database, claim: Claim) -> None:
    try:
        async with database.transaction(agency_id=claim.agency_id) as db:
            released = await repo.release(db, claim.agency_id, claim.export_id, claim.attempt)
    except Exception as exc:  # its claim times out instead
        log.warning("icare.export_release_failed", error_type=type(exc).__name__)
        return
    if released:
        log.info("icare.export_released", export_id=str(claim.export_id))


async def run_queued(
    database: Database,
    store: ObjectStore,
    *,
    claim_timeout_seconds: float = 900.0,
    max_attempts: int = 3,
    limit: int | None = None,
) -> dict[uuid.UUID, str]:
    """Build queued exports until none is left (or `limit` were claimed): each one's
    outcome by id."""
    outcomes: dict[uuid.UUID, str] = {}
    while limit is None or len(outcomes) < limit:
        claim = await claim_next(
            database, claim_timeout_seconds=claim_timeout_seconds, max_attempts=max_attempts
        )
        if claim is None:
            break
        outcomes[claim.export_id] = await build_claimed(database, store, claim)
    return outcomes
