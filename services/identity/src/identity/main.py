"""The identity API: `uvicorn identity.main:create_app --factory`."""

from fastapi import FastAPI

from identity.agencies.router import router as agencies_router
from identity.audit.router import router as audit_router
from identity.auth.router import internal as internal_router
from identity.auth.router import router as auth_router
from identity.funding.router import router as funding_router
from identity.keys.router import router as keys_router
from identity.partnerships.router import router as partnerships_router
from identity.passwords import Passwords
from identity.programs.router import router as programs_router
from identity.settings import IdentitySettings
from identity.staff.router import router as staff_router
from identity.verifier import local_verifier
from kit.app import create_service_app


def create_app(settings: IdentitySettings | None = None) -> FastAPI:
    settings = settings or IdentitySettings()
    # The verifier reads keys through the app's Database, which exists once it started.
    verifier = local_verifier(lambda: app.state.db, settings)
    app = create_service_app(
        settings,
        title="OCMS identity",
        routers=[
            internal_router,
            keys_router,
            auth_router,
            staff_router,
            agencies_router,
            programs_router,
            funding_router,
            partnerships_router,
            audit_router,
        ],
        verifier=verifier,
    )
    app.state.passwords = Passwords(settings)
    return app
