"""The FastAPI application every service builds on."""

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any, TypeVar

import structlog
from fastapi import APIRouter, FastAPI, Request, Response

from kit import health, metrics
from kit.auth import TokenVerifier
from kit.db import Database
from kit.errors import install_error_handlers
from kit.http import make_client
from kit.inputs import refuse_nul_characters
from kit.logs import configure_logging, get_logger
from kit.requestctx import REQUEST_ID_HEADER, bind_request_id, clean_request_id
from kit.settings import ServiceSettings

S = TypeVar("S", bound=ServiceSettings)

log = get_logger()

Lifespan = Callable[[FastAPI], Any]  # an async context manager factory, like FastAPI's


def jwks_url(settings: ServiceSettings) -> str:
    return f"{settings.identity_url.rstrip('/')}/.well-known/jwks.json"


async def _request_context(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    structlog.contextvars.clear_contextvars()
    request_id = clean_request_id(request.headers.get(REQUEST_ID_HEADER))
    bind_request_id(request_id)
    response = await metrics.observe(request, call_next)
    response.headers[REQUEST_ID_HEADER] = request_id
    if request.url.path not in {"/healthz", "/readyz", "/metrics"}:
        log.info(
            "http.request",
            method=request.method,
            route=metrics.route_template(request),
            status=response.status_code,
        )
    return response


def create_service_app(
    settings: ServiceSettings,
    *,
    title: str,
    routers: Sequence[APIRouter],
    with_database: bool = True,
    with_broker: bool = True,
    verifier: TokenVerifier | None = None,
    lifespans: Sequence[Lifespan] = (),
) -> FastAPI:
    """Wire logging, request ids, errors, health, metrics, database and token checks.

    `lifespans` are extra async context managers (taking the app) entered at startup,
    for service-specific resources.
    """
    configure_logging(settings.service_name, settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if with_database:
                app.state.db = Database(settings.database_url, pool_size=settings.db_pool_size)
                stack.push_async_callback(app.state.db.dispose)
                app.state.readiness_checks["database"] = health.database_check(app.state.db)
            if with_broker:
                probe = health.broker_check(settings.amqp_url)
                stack.push_async_callback(probe.aclose)
                app.state.readiness_checks["broker"] = probe
            app.state.verifier = verifier or TokenVerifier(
                jwks_url(settings),
                issuer=settings.token_issuer,
                audience=settings.token_audience,
                http=make_client(timeout=settings.http_timeout_seconds),
            )
            stack.push_async_callback(app.state.verifier.aclose)
            for extra in lifespans:
                await stack.enter_async_context(extra(app))
            log.info("service.started")
            yield
        log.info("service.stopped")

    app = FastAPI(title=title, lifespan=lifespan)
    app.state.settings = settings
    app.state.readiness_checks = {}
    install_error_handlers(app)
    app.middleware("http")(refuse_nul_characters)
    app.middleware("http")(_request_context)  # outermost: the refusal carries a request id
    app.include_router(health.router)
    app.include_router(metrics.router)
    for router in routers:
        app.include_router(router)
    return app


def settings_of(kind: type[S]) -> Callable[[Request], S]:
    """A FastAPI dependency answering the app's settings (set by `create_service_app`)
    as the service's own settings class: `Annotated[X, Depends(settings_of(X))]`."""

    def current(request: Request) -> S:
        settings = request.app.state.settings
        if not isinstance(settings, kind):
            found = type(settings).__name__
            raise TypeError(f"the app's settings are {found}, not {kind.__name__}")
        return settings

    return current
