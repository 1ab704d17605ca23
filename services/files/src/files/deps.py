"""FastAPI dependencies every files router shares."""

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from files.settings import FilesSettings
from files.storage import ObjectStore
from kit.app import settings_of
from kit.auth import OptionalPrincipal, Principal, Role, require_role
from kit.db import Database
from kit.logs import get_logger

log = get_logger()

# Agency staff only: the platform administrator sees no services.
STAFF_ROLES = (Role.CASEWORKER, Role.MANAGER, Role.AGENCY_ADMIN)
Staff = Annotated[Principal, require_role(*STAFF_ROLES)]


def _store(request: Request) -> ObjectStore:
    store: ObjectStore = request.app.state.store
    return store


Store = Annotated[ObjectStore, Depends(_store)]
Settings = Annotated[FilesSettings, Depends(settings_of(FilesSettings))]

Undo = Callable[[], Awaitable[None]]


@dataclass
class UnitOfWork:
    """The request's transaction, and what to undo outside it if it does not commit
    (an object already put in the store)."""

    db: AsyncSession
    undo: list[Undo] = field(default_factory=list)

    def on_rollback(self, action: Undo) -> None:
        self.undo.append(action)


async def _unit_of_work(
    request: Request, principal: OptionalPrincipal
) -> AsyncIterator[UnitOfWork]:
    database: Database = request.app.state.db
    unit: UnitOfWork | None = None
    try:
        async with database.transaction(principal) as db:
            unit = UnitOfWork(db)
            yield unit
    except BaseException:
        # The use case failed or the commit did: the metadata is not there, so neither
        # may the object be. Best effort; the sweeper removes what this cannot.
        for action in reversed(unit.undo if unit else []):
            try:
                await action()
            except Exception as exc:
                log.warning("files.undo_failed", error_type=type(exc).__name__)
        raise


# One transaction per request, committed before the response (scope="function"), with
# compensation on failure.
Transaction = Annotated[UnitOfWork, Depends(_unit_of_work, scope="function")]
