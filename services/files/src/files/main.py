"""The files API: `uvicorn files.main:create_app --factory`."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from files.attachments.router import router as attachments_router
from files.settings import FilesSettings
from files.storage import MinioStore, ObjectStore, StorageUnavailable
from kit.app import create_service_app
from kit.auth import TokenVerifier
from kit.logs import get_logger

log = get_logger()


def create_app(
    settings: FilesSettings | None = None,
    *,
    verifier: TokenVerifier | None = None,
    store: ObjectStore | None = None,
) -> FastAPI:
    settings = settings or FilesSettings()

    @asynccontextmanager
    async def object_store(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = store or MinioStore(settings)
        try:
            await app.state.store.ensure_bucket()
        except StorageUnavailable:
            # Not fatal: the API serves lists without the store; uploads answer 503
            # until it is back, and the first put creates the bucket if still missing.
            log.warning("storage.unavailable_at_start")
        yield

    return create_service_app(
        settings,
        title="OCMS files",
        routers=[attachments_router],
        verifier=verifier,
        lifespans=[object_store],
    )
