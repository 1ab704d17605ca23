"""Service-token checks: who is calling, for which agency, in which programs.

Identity signs short-lived tokens with asymmetric keys and publishes them as JWKS;
every service verifies tokens itself. Keys are cached by key id and re-fetched when
an unknown id appears, so a rotation never fails requests.
"""

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any

import httpx
import jwt
from fastapi import Depends, Request

from kit.errors import Forbidden, Unauthorized
from kit.logs import get_logger

log = get_logger()

ALGORITHMS = ["RS256"]  # pinned: "none" and HMAC tricks are refused by construction


class Role(StrEnum):
    CASEWORKER = "caseworker"
    MANAGER = "manager"
    AGENCY_ADMIN = "agency_admin"
    PLATFORM_ADMIN = "platform_admin"


@dataclass(frozen=True)
class Principal:
    """The acting staff member, as the token states it."""

    user_id: uuid.UUID
    agency_id: uuid.UUID
    role: Role
    programs: frozenset[uuid.UUID] = field(default_factory=frozenset)
    # Workers who report to this user: a manager sees their private forms.
    manages: frozenset[uuid.UUID] = field(default_factory=frozenset)
    session_id: str | None = None

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> "Principal":
        try:
            return cls(
                user_id=uuid.UUID(claims["sub"]),
                agency_id=uuid.UUID(claims["agency"]),
                role=Role(claims["role"]),
                programs=frozenset(uuid.UUID(p) for p in claims.get("programs", [])),
                manages=frozenset(uuid.UUID(u) for u in claims.get("manages", [])),
                session_id=claims.get("sid"),
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise Unauthorized("Token claims are incomplete", code="invalid_token") from exc

    def to_claims(self) -> dict[str, Any]:
        return {
            "sub": str(self.user_id),
            "agency": str(self.agency_id),
            "role": self.role.value,
            "programs": sorted(str(p) for p in self.programs),
            "manages": sorted(str(u) for u in self.manages),
            "sid": self.session_id,
        }


class TokenVerifier:
    def __init__(
        self,
        jwks_url: str,
        *,
        issuer: str,
        audience: str,
        http: httpx.AsyncClient | None = None,
        refresh_after_seconds: float = 300.0,
        min_refetch_seconds: float = 2.0,
    ) -> None:
        self._jwks_url = jwks_url
        self._issuer = issuer
        self._audience = audience
        self._http = http or httpx.AsyncClient(timeout=5.0)
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = 0.0
        self._refresh_after = refresh_after_seconds
        self._min_refetch = min_refetch_seconds
        self._lock = asyncio.Lock()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _refresh(self, *, force: bool) -> None:
        async with self._lock:
            age = time.monotonic() - self._fetched_at
            # An unknown kid may be a rotation; still, a flood of forged kids must not
            # turn into a flood of JWKS fetches.
            if (force and age < self._min_refetch) or (not force and age < self._refresh_after):
                return
            try:
                response = await self._http.get(self._jwks_url)
                response.raise_for_status()
                keyset = jwt.PyJWKSet.from_dict(response.json())
            except (httpx.HTTPError, jwt.PyJWTError, ValueError) as exc:
                log.warning("jwks.fetch_failed", error_type=type(exc).__name__)
                if not self._keys:
                    raise Unauthorized(
                        "Cannot verify tokens right now", code="jwks_unavailable"
                    ) from exc
                return
            self._keys = {k.key_id: k for k in keyset.keys if k.key_id}
            self._fetched_at = time.monotonic()

    async def _key_for(self, kid: str) -> jwt.PyJWK:
        await self._refresh(force=False)
        if kid not in self._keys:
            await self._refresh(force=True)
        try:
            return self._keys[kid]
        except KeyError:
            raise Unauthorized("Token signed by an unknown key", code="invalid_token") from None

    async def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Unauthorized("Malformed token", code="invalid_token") from exc
        if header.get("alg") not in ALGORITHMS or not isinstance(header.get("kid"), str):
            raise Unauthorized("Token algorithm or key id not accepted", code="invalid_token")
        key = await self._key_for(header["kid"])
        try:
            claims = jwt.decode(
                token,
                key=key.key,
                algorithms=ALGORITHMS,
                audience=self._audience,
                issuer=self._issuer,
                options={"require": ["exp", "iat", "sub", "aud", "iss"]},
                leeway=5,
            )
        except jwt.PyJWTError as exc:
            raise Unauthorized("Token refused", code="invalid_token") from exc
        return Principal.from_claims(claims)


def _bearer(request: Request) -> str | None:
    value = request.headers.get("authorization")
    if not value:
        return None
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("Authorization header must be a bearer token", code="invalid_token")
    return token


async def optional_principal(request: Request) -> Principal | None:
    """The caller, when a token is present; a bad token is refused, never ignored."""
    cached: Principal | None = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    token = _bearer(request)
    if token is None:
        return None
    verifier: TokenVerifier = request.app.state.verifier
    principal = await verifier.verify(token)
    request.state.principal = principal
    return principal


async def current_principal(
    principal: Annotated[Principal | None, Depends(optional_principal)],
) -> Principal:
    if principal is None:
        raise Unauthorized("Sign in first", code="not_authenticated")
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]


def require_role(*roles: Role) -> Any:
    """Dependency: the caller must hold one of `roles`."""

    async def check(principal: CurrentPrincipal) -> Principal:
        if principal.role in roles:
            return principal
        raise Forbidden("Your role does not allow this", code="role_required")

    return Depends(check)
