"""`python -m icare.worker`: the outbox relay, the local copies (clients', sessions' and
identity's events) and the monthly export scheduler."""

import asyncio

from icare.copies.consumers import SUBSCRIPTIONS
from icare.scheduling import scheduled_job
from icare.settings import IcareSettings
from kit.worker import run_worker


def main() -> None:
    settings = IcareSettings()
    asyncio.run(
        run_worker(settings, subscriptions=SUBSCRIPTIONS, periodic=[scheduled_job(settings)])
    )


if __name__ == "__main__":
    main()
