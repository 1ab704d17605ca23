"""FastAPI dependencies every reporting router shares."""

from typing import Annotated

from kit.auth import Principal, Role, require_role

# Reports are the managers' and agency administrators' (see reports/service.py);
# caseworkers and the platform administrator are refused (403).
REPORT_ROLES = (Role.MANAGER, Role.AGENCY_ADMIN)
ReportReader = Annotated[Principal, require_role(*REPORT_ROLES)]
