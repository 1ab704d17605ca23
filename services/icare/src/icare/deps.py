"""FastAPI dependencies every icare router shares."""

from typing import Annotated

from fastapi import Depends, Request

from icare.settings import IcareSettings
from icare.storage import ObjectStore
from kit.app import settings_of
from kit.auth import Principal, Role, require_role

# Agency staff only: the platform administrator sees no services.
STAFF_ROLES = (Role.CASEWORKER, Role.MANAGER, Role.AGENCY_ADMIN)
Staff = Annotated[Principal, require_role(*STAFF_ROLES)]
# Who runs exports, reads the ledger and records what iCARE answered.
Coordinator = Annotated[Principal, require_role(Role.MANAGER, Role.AGENCY_ADMIN)]
Admin = Annotated[Principal, require_role(Role.AGENCY_ADMIN)]


def _store(request: Request) -> ObjectStore:
    store: ObjectStore = request.app.state.store
    return store


Store = Annotated[ObjectStore, Depends(_store)]
Settings = Annotated[IcareSettings, Depends(settings_of(IcareSettings))]
