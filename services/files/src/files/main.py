"""The files API: `uvicorn files.main:create_app --factory`."""

from fastapi import FastAPI

from files.settings import FilesSettings
from kit.app import create_service_app
from kit.auth import TokenVerifier


def create_app(
    settings: FilesSettings | None = None, *, verifier: TokenVerifier | None = None
) -> FastAPI:
    settings = settings or FilesSettings()
    return create_service_app(
        settings,
        title="OCMS files",
        routers=[],
        verifier=verifier,
    )
