"""`python -m referrals.worker`: the outbox relay."""

import asyncio

from kit.worker import run_worker
from referrals.settings import ReferralsSettings


def main() -> None:
    asyncio.run(run_worker(ReferralsSettings()))


if __name__ == "__main__":
    main()
