"""`python -m clients.worker`: the outbox relay and identity's events (staff, programs)."""

import asyncio

from clients.settings import ClientsSettings
from clients.staff.consumers import SUBSCRIPTIONS
from kit.worker import run_worker


def main() -> None:
    asyncio.run(run_worker(ClientsSettings(), subscriptions=SUBSCRIPTIONS))


if __name__ == "__main__":
    main()
