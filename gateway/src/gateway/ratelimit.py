"""Login throttling per client address: a fixed one-minute window counted in Redis, so
every gateway replica shares the count."""

import ipaddress
import math
import time
from collections.abc import Callable

import redis.asyncio as aioredis
from prometheus_client import Counter
from redis.exceptions import RedisError

from kit.logs import get_logger

log = get_logger()

LOGIN_THROTTLED = Counter("ocms_gateway_login_throttled_total", "Login attempts refused by rate")
LIMITER_ERRORS = Counter("ocms_gateway_ratelimit_errors_total", "Rate-limit checks Redis failed")


def client_key(ip: str) -> str:
    """One key per IPv4 address; per /64 for IPv6, since one host holds the whole /64."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip[:64]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


class RateLimiter:
    def __init__(
        self,
        redis: "aioredis.Redis",
        *,
        prefix: str,
        limit: int,
        window_seconds: int = 60,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._redis = redis
        self._clock = clock or time.time
        self._prefix = prefix
        self._limit = limit
        self._window = window_seconds

    async def hit(self, key: str) -> int | None:
        """Count one attempt; return the seconds to wait when over the limit, else None.

        Refused attempts count too, so hammering does not shorten the wait. If Redis fails
        the attempt is let through: identity still throttles failed logins per account, and
        /readyz reports Redis down.
        """
        now = self._clock()
        window = int(now // self._window)
        redis_key = f"{self._prefix}{key}:{window}"
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(redis_key)
                pipe.expire(redis_key, self._window + 1)
                count, _ = await pipe.execute()
        except (RedisError, OSError) as exc:
            LIMITER_ERRORS.inc()
            log.warning("gateway.ratelimit.unavailable", error_type=type(exc).__name__)
            return None
        if int(count) <= self._limit:
            return None
        LOGIN_THROTTLED.inc()
        return max(1, math.ceil((window + 1) * self._window - now))
