"""Waiting briefly for a local copy kept from another service's events.

A service keeps its own copy of what it needs from others ("event-carried state"), so
a record made elsewhere a moment ago may not be here yet: the producer's outbox relay
and this service's consumer usually pass it on within milliseconds. A request that
names such a record waits for it a little (`ServiceSettings.copy_wait_seconds`)
instead of refusing at once, and never calls the producer: recording here must not
depend on the producer being up.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

POLL_SECONDS = 0.1


async def wait_for_copy(
    lookup: Callable[[], Awaitable[T | None]], wait: float, *, poll: float = POLL_SECONDS
) -> T | None:
    """`lookup()` until it finds something or `wait` seconds have passed.

    Safe inside the request's transaction: under READ COMMITTED each statement sees
    what committed before it, so a later lookup sees the consumer's upsert.
    """
    deadline = time.monotonic() + wait
    while True:
        found = await lookup()
        if found is not None or time.monotonic() >= deadline:
            return found
        await asyncio.sleep(min(poll, max(0.0, deadline - time.monotonic())))
