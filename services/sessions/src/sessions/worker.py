"""`python -m sessions.worker`: the outbox relay."""

import asyncio

from kit.worker import run_worker
from sessions.settings import SessionsSettings


def main() -> None:
    asyncio.run(run_worker(SessionsSettings()))


if __name__ == "__main__":
    main()
