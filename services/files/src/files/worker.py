"""`python -m files.worker`: the outbox relay, clients' and sessions' events (local
copies), and the purge and sweep jobs."""

import asyncio

from files.attachments.jobs import purge_deleted, sweep_orphans
from files.known.consumers import SUBSCRIPTIONS
from files.settings import FilesSettings
from files.storage import MinioStore
from kit.db import Database
from kit.worker import run_worker


def main() -> None:
    settings = FilesSettings()
    store = MinioStore(settings)

    async def purge(database: Database) -> None:
        await purge_deleted(database, store, settings)

    async def sweep(database: Database) -> None:
        await sweep_orphans(database, store, settings)

    asyncio.run(
        run_worker(
            settings,
            subscriptions=SUBSCRIPTIONS,
            periodic=[
                ("files.purge", settings.files_purge_interval_seconds, purge),
                ("files.sweep", settings.files_sweep_interval_seconds, sweep),
            ],
        )
    )


if __name__ == "__main__":
    main()
