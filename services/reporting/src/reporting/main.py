"""The reporting API: `uvicorn reporting.main:create_app --factory`."""

from fastapi import FastAPI

from kit.app import create_service_app
from kit.auth import TokenVerifier
from reporting.settings import ReportingSettings


def create_app(
    settings: ReportingSettings | None = None, *, verifier: TokenVerifier | None = None
) -> FastAPI:
    settings = settings or ReportingSettings()
    return create_service_app(
        settings,
        title="OCMS reporting",
        routers=[],
        verifier=verifier,
    )
