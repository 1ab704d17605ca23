"""Browser-facing defences: the Origin check on unsafe requests and the security headers."""

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.sessions import has_session_cookie
from gateway.settings import GatewaySettings
from kit.errors import Forbidden

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
LOGIN_PATH = "/api/auth/login"


def origin_allowed(request: Request, settings: GatewaySettings) -> bool:
    """CSRF defence beyond SameSite=Strict (which older browsers and same-site subdomains
    do not cover): an unsafe request that carries the session cookie, and the login itself
    (login CSRF), must come from one of our origins when the browser says where it is from."""
    if request.method in SAFE_METHODS:
        return True
    if not has_session_cookie(request, settings) and request.url.path != LOGIN_PATH:
        return True
    origin = request.headers.get("origin")
    if origin is not None:
        return origin.rstrip("/").lower() in settings.allowed_origins
    # No Origin (older browsers, non-browser clients): trust the fetch metadata if present.
    return request.headers.get("sec-fetch-site", "same-origin") in {"same-origin", "none"}


async def check_origin(request: Request) -> None:
    """Router dependency: runs after the request id is bound, so errors carry it."""
    if not origin_allowed(request, request.app.state.settings):
        raise Forbidden("This request did not come from the OCMS web app.", code="bad_origin")


# The web app loads only its own scripts, styles and images, and talks only to us.
APP_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# JSON is never a document: nothing may load or run from it.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# The docs page pulls Swagger UI from its CDN; its own script is served by us (no inline).
DOCS_CSP = (
    "default-src 'none'; script-src 'self' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; frame-ancestors 'none'"
)
DOCS_PATH = "/api/docs"


def _csp_for(path: str) -> str:
    if path == DOCS_PATH or path.startswith(DOCS_PATH + "/"):
        return DOCS_CSP
    if path.startswith("/api/"):
        return API_CSP
    return APP_CSP


class SecurityHeaders:
    """Pure ASGI middleware (streams untouched) that sets the headers on every response,
    errors and upstream answers included, replacing whatever an upstream sent."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self._app = app
        self._hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        path: str = scope["path"]
        fixed: dict[bytes, bytes] = {
            b"x-content-type-options": b"nosniff",
            b"referrer-policy": b"no-referrer",
            b"x-frame-options": b"DENY",
            b"cross-origin-opener-policy": b"same-origin",
            b"permissions-policy": b"camera=(), microphone=(), geolocation=()",
            b"content-security-policy": _csp_for(path).encode(),
        }
        if self._hsts:
            fixed[b"strict-transport-security"] = b"max-age=31536000"
        # API answers hold personal data: no browser or shared cache may keep them.
        if path == "/api" or path.startswith("/api/"):
            fixed[b"cache-control"] = b"no-store"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in fixed]
                message["headers"] = headers + list(fixed.items())
            await send(message)

        await self._app(scope, receive, send_with_headers)
