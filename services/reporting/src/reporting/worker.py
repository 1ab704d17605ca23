"""`python -m reporting.worker`: the outbox relay."""

import asyncio

from kit.worker import run_worker
from reporting.settings import ReportingSettings


def main() -> None:
    asyncio.run(run_worker(ReportingSettings()))


if __name__ == "__main__":
    main()
