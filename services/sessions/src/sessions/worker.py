"""`python -m sessions.worker`: the outbox relay and clients' events (the local copy)."""

import asyncio

from kit.worker import run_worker
from sessions.clients_copy.consumers import SUBSCRIPTIONS
from sessions.settings import SessionsSettings


def main() -> None:
    asyncio.run(run_worker(SessionsSettings(), subscriptions=SUBSCRIPTIONS))


if __name__ == "__main__":
    main()
