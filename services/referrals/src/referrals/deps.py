"""FastAPI dependencies every referrals router shares."""

from typing import Annotated

from fastapi import Depends, Request

from kit.auth import Principal, Role, require_role
from referrals.settings import ReferralsSettings

# Agency staff only: the platform administrator sees no services.
STAFF_ROLES = (Role.CASEWORKER, Role.MANAGER, Role.AGENCY_ADMIN)
Staff = Annotated[Principal, require_role(*STAFF_ROLES)]


def _settings(request: Request) -> ReferralsSettings:
    settings: ReferralsSettings = request.app.state.settings
    return settings


SettingsDep = Annotated[ReferralsSettings, Depends(_settings)]
