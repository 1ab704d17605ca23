"""`python -m files.worker`: the outbox relay."""

import asyncio

from files.settings import FilesSettings
from kit.worker import run_worker


def main() -> None:
    asyncio.run(run_worker(FilesSettings()))


if __name__ == "__main__":
    main()
