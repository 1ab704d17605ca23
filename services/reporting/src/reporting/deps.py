"""FastAPI dependencies every reporting router shares."""

from typing import Annotated

from kit.auth import Principal, Role, require_role

# Agency staff only: the platform administrator sees no services.
STAFF_ROLES = (Role.CASEWORKER, Role.MANAGER, Role.AGENCY_ADMIN)
Staff = Annotated[Principal, require_role(*STAFF_ROLES)]
