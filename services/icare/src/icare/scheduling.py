"""The worker's periodic jobs: the monthly schedule (which queues the month's exports),
and the export job (which builds queued exports). The one-shot run a Kubernetes CronJob
starts (`python -m icare.scheduled_export`) runs the same schedule use case; a second
run of the same day finds the month's scheduled exports there."""

import os
import socket

from icare.exports.runner import run_queued
from icare.schedule.service import run_due
from icare.settings import IcareSettings
from icare.storage import MinioStore, ObjectStore
from kit.clock import today
from kit.db import Database
from kit.worker import Periodic


def scheduled_job(settings: IcareSettings) -> Periodic:
    async def job(database: Database) -> None:
        await run_due(database, today=today())

    return ("icare.monthly_export", settings.icare_schedule_interval_seconds, job)


def exports_job(settings: IcareSettings, store: ObjectStore | None = None) -> Periodic:
    """Build queued exports (drained each run). The job is named per worker process:
    the kit's per-job lock would otherwise let one replica build at a time; here every
    replica builds, and the claims (`FOR UPDATE SKIP LOCKED`) keep two from building
    the same export."""
    store = store or MinioStore(settings)

    async def job(database: Database) -> None:
        await run_queued(
            database,
            store,
            claim_timeout_seconds=settings.icare_export_claim_timeout_seconds,
            max_attempts=settings.icare_export_max_attempts,
        )

    name = f"icare.exports.{socket.gethostname()}.{os.getpid()}"
    return (name, settings.icare_export_poll_seconds, job)
