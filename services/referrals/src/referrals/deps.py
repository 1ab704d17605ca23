"""FastAPI dependencies every referrals router shares."""

from typing import Annotated

from fastapi import Depends

from kit.app import settings_of
from kit.auth import Principal, Role, require_role
from referrals.settings import ReferralsSettings

# Agency staff only: the platform administrator sees no services.
STAFF_ROLES = (Role.CASEWORKER, Role.MANAGER, Role.AGENCY_ADMIN)
Staff = Annotated[Principal, require_role(*STAFF_ROLES)]


Settings = Annotated[ReferralsSettings, Depends(settings_of(ReferralsSettings))]
