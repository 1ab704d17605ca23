"""Reconnect backoff shared by the relay and the consumer."""

import asyncio
import random


class Backoff:
    """Exponential delays with jitter, so many workers don't reconnect in lockstep."""

    def __init__(self, *, initial: float = 0.2, maximum: float = 15.0, factor: float = 2.0) -> None:
        self._initial = initial
        self._maximum = maximum
        self._factor = factor
        self._next = initial

    def reset(self) -> None:
        self._next = self._initial

    def next_delay(self) -> float:
        delay = self._next
        self._next = min(self._maximum, self._next * self._factor)
        return delay * random.uniform(0.5, 1.0)  # jitter, not cryptography


async def sleep_unless(event: asyncio.Event, seconds: float) -> bool:
    """Sleep up to `seconds`, returning early (True) when `event` is set."""
    try:
        await asyncio.wait_for(event.wait(), timeout=seconds)
    except TimeoutError:
        return False
    return True
