"""FastAPI dependencies every sessions router shares."""

from typing import Annotated

from fastapi import Depends, Request

from kit.auth import Principal, Role, require_role
from sessions.settings import SessionsSettings

# Agency staff only: the platform administrator sees no services.
STAFF_ROLES = (Role.CASEWORKER, Role.MANAGER, Role.AGENCY_ADMIN)
Staff = Annotated[Principal, require_role(*STAFF_ROLES)]


def _settings(request: Request) -> SessionsSettings:
    settings: SessionsSettings = request.app.state.settings
    return settings


Settings = Annotated[SessionsSettings, Depends(_settings)]
