"""FastAPI dependencies every sessions router shares."""

from typing import Annotated

from fastapi import Depends

from kit.app import settings_of
from kit.auth import Principal, Role, require_role
from sessions.settings import SessionsSettings

# Agency staff only: the platform administrator sees no services.
STAFF_ROLES = (Role.CASEWORKER, Role.MANAGER, Role.AGENCY_ADMIN)
Staff = Annotated[Principal, require_role(*STAFF_ROLES)]


Settings = Annotated[SessionsSettings, Depends(settings_of(SessionsSettings))]
