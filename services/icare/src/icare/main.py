"""The icare API: `uvicorn icare.main:create_app --factory`."""

from fastapi import FastAPI

from icare.settings import IcareSettings
from kit.app import create_service_app
from kit.auth import TokenVerifier


def create_app(
    settings: IcareSettings | None = None, *, verifier: TokenVerifier | None = None
) -> FastAPI:
    settings = settings or IcareSettings()
    return create_service_app(
        settings,
        title="OCMS icare",
        routers=[],
        verifier=verifier,
    )
