"""The clients API: `uvicorn clients.main:create_app --factory`."""

from fastapi import FastAPI

from clients.audit.router import router as audit_router
from clients.history.router import router as history_router
from clients.notes.router import router as notes_router
from clients.plans.router import router as plans_router
from clients.profiles.router import router as profiles_router
from clients.settings import ClientsSettings
from kit.app import create_service_app
from kit.auth import TokenVerifier


def create_app(
    settings: ClientsSettings | None = None, *, verifier: TokenVerifier | None = None
) -> FastAPI:
    settings = settings or ClientsSettings()
    return create_service_app(
        settings,
        title="OCMS clients",
        routers=[profiles_router, notes_router, plans_router, history_router, audit_router],
        verifier=verifier,
    )
