"""kit.copies: a request waits a little for a copy kept from events, then gives up."""

import time

from kit.copies import wait_for_copy


async def test_returns_as_soon_as_the_copy_has_it() -> None:
    calls = 0

    async def lookup() -> str | None:
        nonlocal calls
        calls += 1
        return "client" if calls >= 3 else None

    started = time.monotonic()
    assert await wait_for_copy(lookup, 5.0, poll=0.01) == "client"
    assert calls == 3
    assert time.monotonic() - started < 1.0


async def test_gives_up_after_the_wait() -> None:
    calls = 0

    async def lookup() -> str | None:
        nonlocal calls
        calls += 1
        return None

    started = time.monotonic()
    assert await wait_for_copy(lookup, 0.2, poll=0.05) is None
    elapsed = time.monotonic() - started
    assert 0.2 <= elapsed < 1.0
    assert calls >= 3  # looked again until the end, and once at the deadline


async def test_no_wait_looks_once() -> None:
    calls = 0

    async def lookup() -> str | None:
        nonlocal calls
        calls += 1
        return None

    assert await wait_for_copy(lookup, 0.0) is None
    assert calls == 1
