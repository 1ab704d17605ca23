"""`python -m reporting.worker`: the outbox relay and every service's events (the read
model, see `readmodel/consumers.py`)."""

import asyncio

from kit.worker import run_worker
from reporting.readmodel.consumers import SUBSCRIPTIONS
from reporting.settings import ReportingSettings


def main() -> None:
    asyncio.run(run_worker(ReportingSettings(), subscriptions=SUBSCRIPTIONS))


if __name__ == "__main__":
    main()
