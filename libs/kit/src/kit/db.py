"""Async SQLAlchemy: the declarative base, engines, and one transaction per unit of work.

A unit of work (an HTTP request, a consumed message) runs in exactly one transaction.
The acting principal is written into that transaction with `set_config(..., true)`,
where row-level-security policies read it (see `kit.rls`). A transaction with no
context sees no tenant rows.
"""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import MetaData, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase

from kit.auth import OptionalPrincipal, Principal

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Scope(StrEnum):
    """Why a transaction runs without a tenant principal; RLS policies admit it explicitly."""

    # Sign-in, token exchange and password reset look a user up before any agency is known.
    AUTH = "auth"
    # Platform administration (creating agencies) spans agencies by definition.
    PLATFORM = "platform"


class Database:
    def __init__(self, url: str, *, pool_size: int = 10, echo: bool = False) -> None:
        self.engine: AsyncEngine = create_async_engine(
            url,
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_pre_ping=True,
            echo=echo,
            # Statement parameters hold personal data; errors must not carry them into logs.
            hide_parameters=True,
        )
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)

    async def dispose(self) -> None:
        await self.engine.dispose()

    @asynccontextmanager
    async def transaction(
        self,
        principal: Principal | None = None,
        *,
        agency_id: uuid.UUID | None = None,
        scope: Scope | None = None,
    ) -> AsyncIterator[AsyncSession]:
        """One transaction, committed when the block ends without error."""
        async with self.sessionmaker() as db, db.begin():
            await set_context(db, principal, agency_id=agency_id, scope=scope)
            yield db


async def set_context(
    db: AsyncSession,
    principal: Principal | None,
    *,
    agency_id: uuid.UUID | None = None,
    scope: Scope | None = None,
) -> None:
    """Write the tenant context into the current transaction (`is_local` = true)."""
    values = {
        "app.agency_id": str(principal.agency_id if principal else agency_id or ""),
        "app.user_id": str(principal.user_id) if principal else "",
        "app.role": principal.role.value if principal else "",
        "app.programs": ",".join(sorted(str(p) for p in principal.programs)) if principal else "",
        # The workers this user manages: a manager reads their private records.
        "app.manages": ",".join(sorted(str(u) for u in principal.manages)) if principal else "",
        "app.scope": scope.value if scope else "",
    }
    await db.execute(_SET_CONTEXT, {k.replace("app.", ""): v for k, v in values.items()})


_SET_CONTEXT = text(
    "SELECT set_config('app.agency_id', :agency_id, true),"
    " set_config('app.user_id', :user_id, true),"
    " set_config('app.role', :role, true), set_config('app.programs', :programs, true),"
    " set_config('app.manages', :manages, true), set_config('app.scope', :scope, true)"
)


async def _request_db(
    request: Request, principal: OptionalPrincipal
) -> AsyncIterator[AsyncSession]:
    database: Database = request.app.state.db
    async with database.transaction(principal) as db:
        yield db


# scope="function": the commit happens before the response is sent, so a failed
# commit is answered with an error, never with a 2xx.
DbSession = Annotated[AsyncSession, Depends(_request_db, scope="function")]


# Repositories turn a constraint violation into something a use case can read.
class ConstraintViolation(Exception):
    """A unique or foreign-key constraint refused the write; `constraint` names it."""

    def __init__(self, constraint: str | None) -> None:
        super().__init__(constraint or "unknown constraint")
        self.constraint = constraint


def _constraint_name(exc: IntegrityError) -> str | None:
    # asyncpg's exception travels as the DBAPI error's cause and names the constraint.
    for candidate in (exc.orig, getattr(exc.orig, "__cause__", None)):
        name = getattr(candidate, "constraint_name", None)
        if isinstance(name, str):
            return name
    return None


async def flush(db: AsyncSession) -> None:
    """Flush pending writes now, so a violated constraint surfaces at this line."""
    try:
        await db.flush()
    except IntegrityError as exc:
        raise ConstraintViolation(_constraint_name(exc)) from exc
