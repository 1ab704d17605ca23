"""Liveness (`/healthz`: the process answers) and readiness (`/readyz`: its dependencies do)."""

import asyncio
from collections.abc import Awaitable, Callable

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
    return JSONResponse({"status": "ok" if ready else "unavailable", "checks": results},
                        status_code=200 if ready else 503)


def database_check(database: Database) -> Check:
    async def check() -> None:
        async with database.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    return check


def broker_check(amqp_url: str) -> Check:
    async def check() -> None:
        import aio_pika

        connection = await aio_pika.connect(amqp_url, timeout=2)
        await connection.close()

    return check
