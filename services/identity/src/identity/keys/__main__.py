"""`python -m identity.keys rotate`: add a signing key (it signs after the activation delay)."""

import argparse
import asyncio

from identity.keys import service
from identity.settings import IdentitySettings
from kit.db import Database
from kit.logs import configure_logging


async def _rotate(settings: IdentitySettings) -> str:
    database = Database(settings.database_url, pool_size=1)
    try:
        async with database.transaction() as db:
            key = await service.rotate(db, None, settings)
    finally:
        await database.dispose()
    return f"new signing key {key.kid}, signing from {key.active_from.isoformat()}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m identity.keys")
    parser.add_argument("command", choices=["rotate"])
    parser.parse_args(argv)
    settings = IdentitySettings()
    configure_logging(settings.service_name, settings.log_level)
    print(asyncio.run(_rotate(settings)))  # noqa: T201  (the command's answer)


if __name__ == "__main__":
    main()
