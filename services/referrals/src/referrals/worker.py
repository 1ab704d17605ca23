"""`python -m referrals.worker`: the outbox relay, the consumer of sessions', clients'
and identity's events, and the reminder scheduler."""

import asyncio

from kit.worker import run_worker
from referrals.copies.consumers import SUBSCRIPTIONS as COPIES
from referrals.followups.consumers import SUBSCRIPTIONS as FOLLOW_UPS
from referrals.notifications.delivery import scheduler_job
from referrals.settings import ReferralsSettings


def main() -> None:
    settings = ReferralsSettings()
    asyncio.run(
        run_worker(
            settings,
            subscriptions=[*FOLLOW_UPS, *COPIES],
            periodic=[
                (
                    "notifications.deliver",
                    settings.notification_tick_seconds,
                    scheduler_job(settings),
                )
            ],
        )
    )


if __name__ == "__main__":
    main()
