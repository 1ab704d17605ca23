"""Which headers cross the gateway, in each direction."""

from collections.abc import Iterable

from starlette.requests import Request

# RFC 9110 §7.6.1: meaningful for one connection only, never forwarded.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)

# Browser headers an upstream must never see: the session cookie stays at the edge, the
# only credential upstream is the token the gateway adds, and forwarding headers are
# rebuilt by the gateway instead of trusted.
_REQUEST_DROP = frozenset(
    {
        "host",
        "expect",  # 100-continue was already settled between the browser and us
        "cookie",
        "authorization",
        "x-internal-key",
        "x-request-id",
        "x-forwarded-for",
        "x-forwarded-host",
        "x-forwarded-proto",
        "x-real-ip",
        "forwarded",
    }
)

# The gateway sets its own request id and server headers; upstreams may not set cookies
# on the gateway's origin (one could otherwise overwrite the session cookie).
_RESPONSE_DROP = frozenset({"set-cookie", "x-request-id", "server", "date"})


def _connection_tokens(headers: Iterable[tuple[str, str]]) -> set[str]:
    """Headers named in `Connection` are hop-by-hop for this message too."""
    tokens: set[str] = set()
    for name, value in headers:
        if name.lower() == "connection":
            tokens.update(t.strip().lower() for t in value.split(",") if t.strip())
    return tokens


def _filter(headers: list[tuple[str, str]], drop: frozenset[str]) -> list[tuple[str, str]]:
    extra = _connection_tokens(headers)
    return [
        (name, value)
        for name, value in headers
        if (low := name.lower()) not in HOP_BY_HOP and low not in drop and low not in extra
    ]


def upstream_request_headers(
    request: Request, *, client_ip: str, request_id: str, token: str | None
) -> list[tuple[str, str]]:
    headers = _filter(list(request.headers.items()), _REQUEST_DROP)
    headers.append(("x-request-id", request_id))
    headers.append(("x-forwarded-for", client_ip))
    headers.append(("x-forwarded-proto", request.url.scheme))
    if token is not None:
        headers.append(("authorization", f"Bearer {token}"))
    return headers


def downstream_response_headers(
    headers: list[tuple[str, str]], *, upstream_base: str, prefix: str
) -> list[tuple[str, str]]:
    kept = _filter(headers, _RESPONSE_DROP)
    return [
        (name, gateway_location(value, upstream_base, prefix))
        if name.lower() == "location"
        else (name, value)
        for name, value in kept
    ]


def gateway_location(location: str, upstream_base: str, prefix: str) -> str:
    """A Location naming the upstream (its address, or a path on it) becomes the gateway
    path that reaches it; any other address is left alone."""
    if location.startswith(upstream_base + "/"):
        location = location[len(upstream_base) :]
    if location.startswith("/") and not location.startswith("//"):
        return prefix + location
    return location


def client_ip(request: Request, *, trust_forwarded_for: bool) -> str:
    """The browser's address. Behind a trusted proxy, the last X-Forwarded-For hop is the
    one that proxy appended; anything to its left was written by the client."""
    if trust_forwarded_for:
        forwarded = request.headers.get("x-forwarded-for", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.client.host if request.client else "unknown"
