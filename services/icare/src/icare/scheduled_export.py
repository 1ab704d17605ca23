"""`python -m icare.scheduled_export`: one run of the monthly export scheduler, then exit
(a Kubernetes CronJob). It queues the month's exports; the icare worker builds them.
Idempotent: one scheduled export per agency, funding agreement and month, however often
it runs; the job's advisory lock keeps two runs from overlapping."""

import asyncio
import sys

from icare.scheduling import scheduled_job
from icare.settings import IcareSettings
from kit.db import Database
from kit.logs import configure_logging
from kit.worker import JobOutcome, run_job_once


async def run(settings: IcareSettings) -> JobOutcome:
    name, _, job = scheduled_job(settings)
    database = Database(settings.database_url, pool_size=2)
    try:
        return await run_job_once(name, job, database)
    finally:
        await database.dispose()


def main() -> None:
    settings = IcareSettings()
    configure_logging(settings.service_name, settings.log_level)
    # A run skipped because another holds the lock is not a failure of the CronJob.
    sys.exit(1 if asyncio.run(run(settings)) == "failed" else 0)


if __name__ == "__main__":
    main()
