"""Row-level security is the backstop under every service's own checks."""

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar
from urllib.parse import urlsplit

import asyncpg
import pytest

from scripts.stack import StackInfo
from tests.e2e.demo import DEMO_PASSWORD, PLATFORM_ADMIN
from tests.e2e.gateway_client import GatewayClient

T = TypeVar("T")


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


def _run(url: str, work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
    async def go() -> T:
        conn = await asyncpg.connect(_dsn(url))
        try:
            return await work(conn)
        finally:
            await conn.close()

    return asyncio.run(go())


TENANT_TABLES = """
SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
  AND EXISTS (SELECT 1 FROM pg_attribute a
              WHERE a.attrelid = c.oid AND a.attname = 'agency_id' AND NOT a.attisdropped)
"""


def _services(stack: StackInfo) -> list[str]:
    return sorted(stack.db_urls)


def test_every_tenant_table_has_forced_rls(stack: StackInfo) -> None:
    for service in _services(stack):
        rows = _run(stack.db_urls[service]["owner"], lambda c: c.fetch(TENANT_TABLES))
        assert rows, f"{service}: no tenant tables found"
        for row in rows:
            assert row["relrowsecurity"] and row["relforcerowsecurity"], (service, row["relname"])


def test_application_role_cannot_bypass_rls_and_owns_nothing(stack: StackInfo) -> None:
    for service in _services(stack):
        app_role = urlsplit(stack.db_urls[service]["app"]).username

        async def check(
            conn: asyncpg.Connection, app_role: str | None = app_role
        ) -> tuple[bool, bool, int]:
            role = await conn.fetchrow(
                "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1", app_role
            )
            owned = await conn.fetchval(
                "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner"
                " WHERE r.rolname = $1",
                app_role,
            )
            return role["rolsuper"], role["rolbypassrls"], owned

        superuser, bypass, owned = _run(stack.db_urls[service]["app"], check)
        assert (superuser, bypass, owned) == (False, False, 0), service


def test_without_context_no_tenant_row_is_visible(stack: StackInfo) -> None:
    for service in _services(stack):

        async def counts(conn: asyncpg.Connection) -> dict[str, int]:
            tables = [r["relname"] for r in await conn.fetch(TENANT_TABLES)]
            return {t: await conn.fetchval(f'SELECT count(*) FROM "{t}"') for t in tables}

        visible = _run(stack.db_urls[service]["app"], counts)
        assert visible and all(n == 0 for n in visible.values()), (service, visible)


@pytest.fixture(scope="module")
def second_agency(stack: StackInfo) -> str:
    platform = GatewayClient(stack.gateway_url)
    assert platform.login(PLATFORM_ADMIN, DEMO_PASSWORD).status_code == 200
    suffix = uuid.uuid4().hex[:6].upper()
    created = platform.post(
        "/api/identity/agencies",
        json={
            "name": f"Harbour Newcomer Centre {suffix}",
            "code": f"HNC{suffix}",
            "admin": {
                "email": f"admin.{suffix.lower()}@harbour.example.org",
                "given_name": "Ines",
                "family_name": "Moreau",
                "initial_password": "harbour-Admin-2026",
            },
        },
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def test_one_agency_context_sees_none_of_another_agencys_rows(
    stack: StackInfo, second_agency: str
) -> None:
    async def counts(conn: asyncpg.Connection) -> tuple[int, int, str]:
        async with conn.transaction():
            await conn.execute("SELECT set_config('app.agency_id', $1, true)", second_agency)
            own = await conn.fetchval("SELECT count(*) FROM users")
            others = await conn.fetchval(
                "SELECT count(*) FROM users WHERE agency_id <> $1::uuid", second_agency
            )
            updated = await conn.execute(
                "UPDATE users SET given_name = given_name WHERE agency_id <> $1::uuid",
                second_agency,
            )
            return own, others, updated

    own, others, updated = _run(stack.db_urls["identity"]["app"], counts)
    assert own >= 1  # the new agency's admin
    assert others == 0
    assert updated == "UPDATE 0"


def test_a_row_cannot_be_written_into_another_agency(stack: StackInfo, second_agency: str) -> None:
    async def attempt(conn: asyncpg.Connection) -> str:
        async with conn.transaction():
            await conn.execute("SELECT set_config('app.agency_id', $1, true)", second_agency)
            try:
                await conn.execute(
                    "INSERT INTO programs (id, agency_id, name, code) VALUES ($1, $2, 'x', 'X1')",
                    uuid.uuid4(),
                    uuid.uuid4(),
                )
            except asyncpg.InsufficientPrivilegeError:
                return "refused"
            except asyncpg.PostgresError as exc:  # a NOT NULL column elsewhere, etc.
                return type(exc).__name__
            return "written"

    assert _run(stack.db_urls["identity"]["app"], attempt) == "refused"
