"""The reporting API: `uvicorn reporting.main:create_app --factory`.

Stateless: everything it answers comes from its database (the read model the worker
keeps), so any number of replicas serve the same answers.
"""

from fastapi import FastAPI

from kit.app import create_service_app
from kit.auth import TokenVerifier
from reporting.reports.router import router as reports_router
from reporting.settings import ReportingSettings


def create_app(
    settings: ReportingSettings | None = None, *, verifier: TokenVerifier | None = None
) -> FastAPI:
    settings = settings or ReportingSettings()
    return create_service_app(
        settings,
        title="OCMS reporting",
        routers=[reports_router],
        verifier=verifier,
    )
