"""FastAPI dependencies every clients router shares."""

from typing import Annotated

from kit.auth import Principal, Role, require_role

# Agency staff only: the platform administrator creates agencies and sees no clients.
STAFF_ROLES = (Role.CASEWORKER, Role.MANAGER, Role.AGENCY_ADMIN)
Staff = Annotated[Principal, require_role(*STAFF_ROLES)]
# Who may read a client's audit trail ("who viewed this client").
Supervisor = Annotated[Principal, require_role(Role.MANAGER, Role.AGENCY_ADMIN)]
