"""The sessions API: `uvicorn sessions.main:create_app --factory`."""

from fastapi import FastAPI

from kit.app import create_service_app
from kit.auth import TokenVerifier
from sessions.courses.router import router as courses_router
from sessions.forms.router import router as forms_router
from sessions.groups.router import router as groups_router
from sessions.questions.router import router as questions_router
from sessions.records.router import router as records_router
from sessions.settings import SessionsSettings
from sessions.support.router import router as support_router


def create_app(
    settings: SessionsSettings | None = None, *, verifier: TokenVerifier | None = None
) -> FastAPI:
    settings = settings or SessionsSettings()
    return create_service_app(
        settings,
        title="OCMS sessions",
        routers=[
            records_router,
            forms_router,
            questions_router,
            support_router,
            groups_router,
            courses_router,
        ],
        verifier=verifier,
    )
