"""The gateway application: `uvicorn gateway.main:create_app --factory`."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import httpx
import redis.asyncio as aioredis
from fastapi import FastAPI

from gateway import auth_router, openapi_docs, proxy_router, static
from gateway.identity_api import IdentityApi
from gateway.openapi_docs import OpenApiAggregator
from gateway.proxy import Proxy
from gateway.ratelimit import RateLimiter
from gateway.security import SecurityHeaders
from gateway.settings import GatewaySettings
from kit.app import create_service_app
from kit.http import make_client

# FastAPI's own docs routes would describe only the gateway's handful of endpoints and
# shadow web-app paths; the aggregated docs live under /api instead.
_FASTAPI_DOC_PATHS = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}


def create_app(
    settings: GatewaySettings | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """`transport` lets tests route every outbound call (identity, upstreams) in-process."""
    settings = settings or GatewaySettings()

    @asynccontextmanager
    async def resources(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            redis = aioredis.from_url(
                settings.redis_url, socket_timeout=2.0, socket_connect_timeout=2.0
            )
            stack.push_async_callback(redis.aclose)
            identity = IdentityApi(
                make_client(
                    settings.identity_url,
                    timeout=settings.http_timeout_seconds,
                    transport=transport,
                ),
                settings.internal_key,
            )
            stack.push_async_callback(identity.aclose)
            upstream_http = make_client(
                timeout=settings.upstream_timeout_seconds,
                transport=transport,
                limits=httpx.Limits(
                    max_connections=settings.upstream_max_connections,
                    max_keepalive_connections=settings.upstream_max_connections // 4,
                ),
            )
            app.state.proxy = Proxy(upstream_http, identity, settings)
            stack.push_async_callback(app.state.proxy.aclose)
            app.state.identity = identity
            app.state.login_limiter = RateLimiter(
                redis,
                prefix=f"{settings.redis_key_prefix}login:",
                limit=settings.login_rate_per_minute,
            )
            app.state.openapi = OpenApiAggregator(
                make_client(timeout=settings.http_timeout_seconds, transport=transport),
                settings.upstreams,
                own=app.openapi,
                cookie_name=settings.cookie_name,
                ttl_seconds=settings.openapi_cache_seconds,
            )
            stack.push_async_callback(app.state.openapi.aclose)

            async def redis_ready() -> None:
                await redis.ping()

            app.state.readiness_checks["redis"] = redis_ready
            app.state.readiness_checks["identity"] = identity.ping
            yield

    app = create_service_app(
        settings,
        title="OCMS gateway",
        # Order matters: the gateway's own /api paths before the catch-all proxy, and the
        # web app's catch-all last of all.
        routers=[auth_router.router, openapi_docs.router, proxy_router.router, static.router],
        with_database=False,
        with_broker=False,
        lifespans=[resources],
    )
    app.router.routes[:] = [
        route
        for route in app.router.routes
        if getattr(route, "path", None) not in _FASTAPI_DOC_PATHS
    ]
    app.add_middleware(SecurityHeaders, hsts=settings.cookie_secure)
    return app
