"""Liveness (`/healthz`: the process answers) and readiness (`/readyz`: its dependencies do)."""

import asyncio
from collections.abc import Awaitable, Callable

import aio_pika
from aio_pika.abc import AbstractConnection
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from kit.db import Database

Check = Callable[[], Awaitable[None]]

router = APIRouter(include_in_schema=False)


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    checks: dict[str, Check] = request.app.state.readiness_checks
    results: dict[str, str] = {}
    for name, check in checks.items():
        try:
            await asyncio.wait_for(check(), timeout=2.0)
            results[name] = "ok"
        except Exception as exc:  # any failure means "not ready"; the name says which
            results[name] = f"failed: {type(exc).__name__}"
    ready = all(v == "ok" for v in results.values())
    return JSONResponse(
        {"status": "ok" if ready else "unavailable", "checks": results},
        status_code=200 if ready else 503,
    )


def database_check(database: Database) -> Check:
    async def check() -> None:
        async with database.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    return check


class BrokerProbe:
    """Readiness of the broker over one shared connection.

    Opening an AMQP connection per probe costs a TCP and AMQP handshake every few
    seconds per pod and churns the broker's connection table; instead the probe keeps
    one connection and opens (then closes) a channel on it, which still proves the
    broker answers. A broken connection is replaced on the next probe.
    """

    def __init__(self, amqp_url: str) -> None:
        self._amqp_url = amqp_url
        self._connection: AbstractConnection | None = None
        self._lock = asyncio.Lock()

    async def __call__(self) -> None:
        async with self._lock:
            if self._connection is None or self._connection.is_closed:
                await self.aclose()
                self._connection = await aio_pika.connect(self._amqp_url, timeout=2)
            try:
                channel = await self._connection.channel(publisher_confirms=False)
                await channel.close()
            except Exception:
                await self.aclose()
                raise

    async def aclose(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                await connection.close()
            except Exception:  # already broken; nothing to release
                return


def broker_check(amqp_url: str) -> BrokerProbe:
    return BrokerProbe(amqp_url)
