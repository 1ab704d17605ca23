"""The clients API: `uvicorn clients.main:create_app --factory`."""

from fastapi import FastAPI

from clients.audit.router import router as audit_router
from clients.history.router import router as history_router
from clients.imports.router import router as imports_router
from clients.merges.router import router as merges_router
from clients.notes.router import router as notes_router
from clients.plans.router import router as plans_router
from clients.profiles.router import router as profiles_router
from clients.questions.router import router as questions_router
from clients.search.router import router as search_router
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
        routers=[
            search_router,  # before profiles: /clients/search is not a client id
            imports_router,  # before profiles: /clients/import is not a client id
            profiles_router,
            notes_router,
            plans_router,
            history_router,
            audit_router,
            merges_router,
            questions_router,
        ],
        verifier=verifier,
    )
