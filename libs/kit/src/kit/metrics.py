"""Prometheus metrics: request counts and latency, plus gauges other kit parts update."""

import time
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

REQUESTS = Counter("ocms_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram("ocms_http_request_seconds", "HTTP request latency", ["method", "route"])
OUTBOX_PENDING = Gauge("ocms_outbox_pending", "Outbox events not yet confirmed by the broker")
OUTBOX_OLDEST_AGE = Gauge(
    "ocms_outbox_oldest_age_seconds", "Age of the oldest pending outbox event"
)
OUTBOX_PUBLISHED = Counter("ocms_outbox_published_total", "Outbox events confirmed by the broker")
CONSUMED = Counter(
    "ocms_consumer_messages_total", "Consumed messages by outcome", ["queue", "outcome"]
)


def route_template(request: Request) -> str:
    """The route's path template, so ids don't explode label cardinality."""
    route = request.scope.get("route")
    return getattr(route, "path", "unmatched")


async def observe(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    started = time.perf_counter()
    status = 500
    try:
        response = await call_next(request)
        status = response.status_code
        return response
    finally:
        route = route_template(request)
        REQUESTS.labels(request.method, route, str(status)).inc()
        LATENCY.labels(request.method, route).observe(time.perf_counter() - started)


router = APIRouter(include_in_schema=False)


@router.get("/metrics")
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
