"""Identity's internal endpoints, which only the gateway calls (with the internal key)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from gateway.errors import UpstreamTimeout, UpstreamUnavailable
from kit.logs import get_logger

log = get_logger()

SERVICE = "identity"


def _error_code(response: httpx.Response) -> str | None:
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return None


@dataclass(frozen=True)
class NewSession:
    session_id: str
    expires_at: str | None
    user: dict[str, Any]


@dataclass(eq=False)
class IdentityRefusal(Exception):
    """Identity said no (wrong password, MFA needed, throttled...): the browser is told why."""

    status: int
    code: str
    message: str
    fields: Sequence[dict[str, str]] = field(default_factory=list)
    retry_after: str | None = None

    @classmethod
    def from_response(cls, response: httpx.Response) -> "IdentityRefusal":
        try:
            error = response.json()["error"]
            code, message = str(error["code"]), str(error["message"])
            fields = error.get("fields") or []
        except (ValueError, KeyError, TypeError):
            code, message, fields = "refused", "Identity refused the request.", []
        return cls(response.status_code, code, message, fields, response.headers.get("retry-after"))


class IdentityApi:
    def __init__(self, http: httpx.AsyncClient, internal_key: str) -> None:
        self._http = http
        self._headers = {"X-Internal-Key": internal_key}

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        try:
            response = await self._http.post(path, json=body, headers=self._headers)
        except httpx.TimeoutException as exc:
            log.warning("gateway.identity.timeout", path=path)
            raise UpstreamTimeout(SERVICE) from exc
        except httpx.TransportError as exc:
            log.warning("gateway.identity.unreachable", path=path, error_type=type(exc).__name__)
            raise UpstreamUnavailable(SERVICE) from exc
        if response.status_code == 401 and _error_code(response) == "internal_key_required":
            # Our configuration, not the user's session: never log anyone out over it.
            log.error("gateway.identity.internal_key_rejected", path=path)
            raise UpstreamUnavailable(SERVICE)
        return response

    @staticmethod
    def _unexpected(response: httpx.Response, path: str) -> UpstreamUnavailable:
        log.error("gateway.identity.unexpected_status", path=path, status=response.status_code)
        return UpstreamUnavailable(SERVICE)

    async def create_session(
        self,
        *,
        email: str,
        password: str,
        totp_code: str | None,
        client_ip: str,
        user_agent: str | None,
    ) -> NewSession:
        path = "/internal/sessions"
        body: dict[str, Any] = {"email": email, "password": password, "client_ip": client_ip}
        if totp_code is not None:
            body["totp_code"] = totp_code
        if user_agent is not None:
            body["user_agent"] = user_agent[:512]
        response = await self._post(path, body)
        if response.status_code in (200, 201):
            try:
                data = response.json()
                return NewSession(str(data["session_id"]), data.get("expires_at"), data["user"])
            except (ValueError, KeyError, TypeError):
                raise self._unexpected(response, path) from None
        if 400 <= response.status_code < 500:
            raise IdentityRefusal.from_response(response)
        raise self._unexpected(response, path)

    async def service_token(self, session_id: str) -> str | None:
        """A fresh short-lived token, or None when identity no longer honours the session
        (expired, revoked, user deactivated)."""
        path = "/internal/tokens"
        response = await self._post(path, {"session_id": session_id})
        if response.status_code == 401:
            return None
        if response.status_code == 200:
            try:
                return str(response.json()["token"])
            except (ValueError, KeyError, TypeError):
                raise self._unexpected(response, path) from None
        raise self._unexpected(response, path)

    async def revoke_session(self, session_id: str) -> None:
        path = "/internal/sessions/revoke"
        response = await self._post(path, {"session_id": session_id})
        # 401/404: already gone, which is what was asked.
        if response.status_code not in (200, 204, 401, 404):
            raise self._unexpected(response, path)

    async def ping(self) -> None:
        response = await self._http.get("/healthz")
        response.raise_for_status()
