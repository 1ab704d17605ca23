"""The icare API: `uvicorn icare.main:create_app --factory`."""

from fastapi import FastAPI

from icare.exports.router import router as exports_router
from icare.records.router import router as readiness_router
from icare.schedule.router import router as schedule_router
from icare.settings import IcareSettings
from icare.storage import MinioStore, ObjectStore
from kit.app import create_service_app
from kit.auth import TokenVerifier


def create_app(
    settings: IcareSettings | None = None,
    *,
    verifier: TokenVerifier | None = None,
    store: ObjectStore | None = None,
) -> FastAPI:
    settings = settings or IcareSettings()
    app = create_service_app(
        settings,
        title="OCMS icare",
        routers=[readiness_router, exports_router, schedule_router],
        verifier=verifier,
    )
    app.state.store = store or MinioStore(settings)
    return app
