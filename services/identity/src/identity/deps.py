"""FastAPI dependencies every identity router shares."""

import hmac
from typing import Annotated

from fastapi import Depends, Header, Request

from identity.auth import service as auth_service
from identity.errors import InternalKeyRequired
from identity.passwords import Passwords
from identity.settings import IdentitySettings
from kit.app import settings_of
from kit.auth import CurrentPrincipal, Principal
from kit.db import DbSession


def _passwords(request: Request) -> Passwords:
    passwords: Passwords = request.app.state.passwords
    return passwords


Settings = Annotated[IdentitySettings, Depends(settings_of(IdentitySettings))]
PasswordsDep = Annotated[Passwords, Depends(_passwords)]


async def _internal_caller(
    settings: Settings, x_internal_key: Annotated[str | None, Header()] = None
) -> None:
    expected = settings.internal_key.encode()
    if x_internal_key is None or not hmac.compare_digest(x_internal_key.encode(), expected):
        raise InternalKeyRequired()


# On /internal/* routes: only the gateway, holding the shared key, gets through.
internal_only = Depends(_internal_caller)


async def _live_principal(db: DbSession, principal: CurrentPrincipal) -> Principal:
    """The caller, refused at once when deactivated or signed out (tokens live 5 minutes)."""
    await auth_service.ensure_live(db, principal)
    return principal


Actor = Annotated[Principal, Depends(_live_principal)]
