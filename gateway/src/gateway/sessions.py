"""The browser's session cookie: the only credential the browser ever holds.

Its value is identity's opaque session id. HttpOnly keeps it from scripts; SameSite=Strict
keeps it off cross-site requests; the gateway trades it for a short-lived service token
on every request, so the token never reaches the browser.
"""

import re
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response

from gateway.settings import GatewaySettings

# Identity mints url-safe ids; anything else is not worth a call to identity.
_PLAUSIBLE_ID = re.compile(r"^[A-Za-z0-9_\-.]{16,256}$")


def session_id_from(request: Request, settings: GatewaySettings) -> str | None:
    value = request.cookies.get(settings.cookie_name)
    if value and _PLAUSIBLE_ID.match(value):
        return value
    return None


def has_session_cookie(request: Request, settings: GatewaySettings) -> bool:
    return settings.cookie_name in request.cookies


def cookie_max_age(settings: GatewaySettings, expires_at: str | None, now: datetime) -> int:
    """The cookie dies with the session, and never later than the configured maximum."""
    limit = settings.session_max_age_seconds
    if not expires_at:
        return limit
    try:
        expiry = datetime.fromisoformat(expires_at)
    except ValueError:
        return limit
    if expiry.tzinfo is None:
        expiry = expiry.replace(tzinfo=UTC)
    return max(0, min(limit, int((expiry - now).total_seconds())))


def set_session_cookie(
    response: Response, settings: GatewaySettings, session_id: str, max_age: int
) -> None:
    response.set_cookie(
        settings.cookie_name,
        session_id,
        max_age=max_age,
        path="/",
        secure=settings.cookie_secure,
        httponly=True,
        samesite="strict",
    )


def clear_session_cookie(response: Response, settings: GatewaySettings) -> None:
    response.delete_cookie(
        settings.cookie_name,
        path="/",
        secure=settings.cookie_secure,
        httponly=True,
        samesite="strict",
    )
