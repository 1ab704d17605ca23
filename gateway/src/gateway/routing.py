"""Where `/api/<service>/<rest>` goes upstream, and which of those need no session.

A service serves its API at its own root; the gateway gives it the `/api/<service>`
prefix: `/api/identity/me` is identity's `/me`. Service-to-service endpoints
(`/internal/...`) are never reachable from the browser.
"""

from dataclasses import dataclass
from urllib.parse import quote

from kit.errors import NotFound

# (service, path after /api/<service>/) reachable without a session.
PUBLIC_ROUTES: frozenset[tuple[str, str]] = frozenset(
    {
        ("identity", "password-reset/request"),
        ("identity", "password-reset/confirm"),
        ("identity", ".well-known/jwks.json"),
    }
)

# Every service's operational endpoints (kit): for the cluster, not for browsers.
_OPERATIONAL = frozenset({"healthz", "readyz", "metrics"})

_PATH_SAFE = "/:@!$&'()*+,;=~"


@dataclass(frozen=True)
class Target:
    service: str
    base_url: str
    path: str  # percent-encoded path on the upstream
    public: bool

    @property
    def prefix(self) -> str:
        return f"/api/{self.service}"


def _first_segment(segments: list[str]) -> str:
    first = next((s for s in segments if s), "")
    return first.split(";", 1)[0].strip().lower()


def resolve(upstreams: dict[str, str], service: str, rest: str) -> Target:
    """The upstream target of `/api/<service>/<rest>` (`rest` already percent-decoded).

    Dot segments are refused outright: an HTTP client upstream might collapse them and
    land somewhere the checks here never saw.
    """
    base_url = upstreams.get(service)
    if base_url is None:
        raise NotFound(f"No service called {service!r}", code="unknown_service")
    segments = rest.split("/")
    if any(s in (".", "..") for s in segments) or any(ord(c) < 0x20 for c in rest):
        raise NotFound("No such path")
    if _first_segment(segments) == "internal" or rest.strip("/").lower() in _OPERATIONAL:
        raise NotFound("No such path")
    path = quote(f"/{rest}", safe=_PATH_SAFE)
    return Target(service, base_url, path, (service, rest) in PUBLIC_ROUTES)


def gateway_path(service: str, upstream_path: str) -> str | None:
    """The gateway path serving an upstream path, or None when the browser cannot reach it."""
    if not upstream_path.startswith("/"):
        return None
    if (
        _first_segment(upstream_path.split("/")) == "internal"
        or upstream_path.strip("/").lower() in _OPERATIONAL
    ):
        return None
    return f"/api/{service}{upstream_path}"
