"""Where /api/<service>/<rest> goes, and what the browser can never reach."""

import pytest

from gateway.routing import gateway_path, resolve
from kit.errors import NotFound

UPSTREAMS = {"identity": "http://identity:8001", "clients": "http://clients:8002"}


def test_the_service_prefix_is_dropped_and_the_rest_re_encoded() -> None:
    target = resolve(UPSTREAMS, "clients", "search/Olena Shevchenko")

    assert target.base_url == "http://clients:8002"
    assert target.path == "/search/Olena%20Shevchenko"
    assert target.prefix == "/api/clients"
    assert target.public is False


def test_public_paths() -> None:
    reset = resolve(UPSTREAMS, "identity", "password-reset/confirm")
    jwks = resolve(UPSTREAMS, "identity", ".well-known/jwks.json")

    assert reset.public and reset.path == "/password-reset/confirm"
    assert jwks.public and jwks.path == "/.well-known/jwks.json"
    # Same name under another service is not public.
    assert not resolve(UPSTREAMS, "clients", "password-reset/request").public


@pytest.mark.parametrize(
    "rest",
    [
        "internal/tokens",
        "Internal/x",
        "/internal/x",
        "internal;v=1/x",
        "me/../internal",
        "./me",
        "a\x00",
    ],
)
def test_internal_operational_and_dot_segment_paths_are_refused(rest: str) -> None:
    with pytest.raises(NotFound):
        resolve(UPSTREAMS, "identity", rest)


def test_unknown_service_is_not_found() -> None:
    with pytest.raises(NotFound) as raised:
        resolve(UPSTREAMS, "billing", "x")
    assert raised.value.code == "unknown_service"


@pytest.mark.parametrize(
    ("upstream_path", "expected"),
    [
        ("/me", "/api/identity/me"),
        ("/users/{user_id}", "/api/identity/users/{user_id}"),
        ("/.well-known/jwks.json", "/api/identity/.well-known/jwks.json"),
        ("/internal/sessions", None),
        ("/internal", None),
        ("/healthz", None),
        ("/metrics", None),
    ],
)
def test_gateway_path_is_the_inverse_of_the_routing(
    upstream_path: str, expected: str | None
) -> None:
    assert gateway_path("identity", upstream_path) == expected
