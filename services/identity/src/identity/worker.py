"""`python -m identity.worker`: the outbox relay and identity's housekeeping jobs."""

import asyncio
from collections.abc import Awaitable, Callable

from identity.auth import service as auth_service
from identity.keys import service as keys_service
from identity.settings import IdentitySettings
from kit.db import Database
from kit.worker import run_worker

PURGE_EVERY_SECONDS = 15 * 60.0


def purge_sign_in_data(settings: IdentitySettings) -> Callable[[Database], Awaitable[None]]:
    """Expired or revoked sessions, spent or expired set-password links, stale throttles."""

    async def job(database: Database) -> None:
        async with database.transaction() as db:
            await auth_service.purge_expired(db, settings=settings)

    return job


def purge_replaced_keys(settings: IdentitySettings) -> Callable[[Database], Awaitable[None]]:
    """Signing keys no longer published: every token they signed has expired."""

    async def job(database: Database) -> None:
        async with database.transaction() as db:
            await keys_service.purge_replaced(db, settings)

    return job


def main() -> None:
    settings = IdentitySettings()
    asyncio.run(
        run_worker(
            settings,
            periodic=[
                ("identity.purge_sign_in_data", PURGE_EVERY_SECONDS, purge_sign_in_data(settings)),
                (
                    "identity.purge_replaced_keys",
                    PURGE_EVERY_SECONDS,
                    purge_replaced_keys(settings),
                ),
            ],
        )
    )


if __name__ == "__main__":
    main()
