"""The login rate limiter against the real Redis, and how clients are keyed."""

import pytest
import redis.asyncio as aioredis

from gateway.ratelimit import RateLimiter, client_key


@pytest.mark.asyncio
async def test_fixed_window_allows_the_limit_then_says_how_long_to_wait(
    redis_prefix: str,
) -> None:
    client = aioredis.from_url("redis://127.0.0.1:6379/0")
    try:
        # 15 s into a window: all hits land in it, 45 s left.
        limiter = RateLimiter(
            client, prefix=redis_prefix, limit=3, window_seconds=60, clock=lambda: 6_000_015.0
        )

        answers = [await limiter.hit("192.0.2.1") for _ in range(5)]
        other = await limiter.hit("192.0.2.2")

        assert answers[:3] == [None, None, None]
        assert answers[3:] == [45, 45]
        assert other is None
        keys = [k async for k in client.scan_iter(match=redis_prefix + "*")]
        assert len(keys) == 2
        ttls = [await client.ttl(k) for k in keys]
        assert all(0 < ttl <= 61 for ttl in ttls)
    finally:
        await client.aclose()


@pytest.mark.asyncio
async def test_redis_down_lets_logins_through(redis_prefix: str) -> None:
    client = aioredis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    try:
        limiter = RateLimiter(client, prefix=redis_prefix, limit=0)
        assert await limiter.hit("192.0.2.1") is None
    finally:
        await client.aclose()


@pytest.mark.parametrize(
    ("ip", "key"),
    [
        ("192.0.2.1", "192.0.2.1"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("unknown", "unknown"),
    ],
)
def test_client_key(ip: str, key: str) -> None:
    assert client_key(ip) == key
