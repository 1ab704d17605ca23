"""The scheduler component: the worker's periodic job, and the one-shot run a
Kubernetes CronJob starts (`python -m icare.scheduled_export`). Both run the same use
case; a second run of the same day finds the month's scheduled exports there."""

from icare.schedule.service import run_due
from icare.settings import IcareSettings
from icare.storage import MinioStore, ObjectStore
from kit.clock import today
from kit.db import Database
from kit.worker import Periodic


def scheduled_job(settings: IcareSettings, store: ObjectStore | None = None) -> Periodic:
    store = store or MinioStore(settings)

    async def job(database: Database) -> None:
        await run_due(database, store, today=today())

    return ("icare.monthly_export", settings.icare_schedule_interval_seconds, job)
