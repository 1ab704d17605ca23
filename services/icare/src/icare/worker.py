"""`python -m icare.worker`: the outbox relay."""

import asyncio

from icare.settings import IcareSettings
from kit.worker import run_worker


def main() -> None:
    asyncio.run(run_worker(IcareSettings()))


if __name__ == "__main__":
    main()
