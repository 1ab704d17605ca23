"""`python -m icare.worker`: the outbox relay, the local copies (clients', sessions' and
identity's events), the builder of queued exports, the monthly export scheduler and its
emails to the agency's administrators."""

import asyncio

from icare.copies.consumers import SUBSCRIPTIONS
from icare.schedule.notify import subscription as export_mails
from icare.scheduling import exports_job, scheduled_job
from icare.settings import IcareSettings
from kit.worker import run_worker


def main() -> None:
    settings = IcareSettings()
    asyncio.run(
        run_worker(
            settings,
            subscriptions=[*SUBSCRIPTIONS, export_mails(settings)],
            periodic=[exports_job(settings), scheduled_job(settings)],
        )
    )


if __name__ == "__main__":
    main()
