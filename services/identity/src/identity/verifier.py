"""Identity verifies its own tokens with the kit's TokenVerifier, fed from its database.

Its HTTP client's transport answers the JWKS request by reading the keys table
instead of going over the network: no dependency on `identity_url` pointing back at
this very process, no self-call through the middleware stack, and the same checks
(pinned algorithm, issuer, audience, refetch on an unknown kid) as every other service.
"""

from collections.abc import Callable

import httpx

from identity.keys import service as keys_service
from identity.settings import IdentitySettings
from kit.auth import TokenVerifier
from kit.db import Database

_JWKS_URL = "http://identity.local/.well-known/jwks.json"


class _DatabaseJwks(httpx.AsyncBaseTransport):
    def __init__(self, database: Callable[[], Database], settings: IdentitySettings) -> None:
        self._database = database
        self._settings = settings

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        async with self._database().transaction() as db:
            jwks = await keys_service.jwks(db, self._settings)
        return httpx.Response(200, json=jwks.model_dump(), request=request)


def local_verifier(database: Callable[[], Database], settings: IdentitySettings) -> TokenVerifier:
    """`database` is called per fetch: the app's Database exists only once it started."""
    return TokenVerifier(
        _JWKS_URL,
        issuer=settings.token_issuer,
        audience=settings.token_audience,
        http=httpx.AsyncClient(transport=_DatabaseJwks(database, settings)),
        # A database read, not a network call: a new kid may be looked up sooner.
        refresh_after_seconds=60.0,
        min_refetch_seconds=0.5,
    )
