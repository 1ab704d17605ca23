"""The Origin check's decision table."""

import pytest
from starlette.requests import Request

from gateway.security import origin_allowed
from gateway.settings import GatewaySettings

SETTINGS = GatewaySettings(allowed_origins=["https://ocms.example.org"])


def _request(method: str, path: str, headers: dict[str, str]) -> Request:
    return Request(
        {
            "type": "http",
            "method": method,
            "path": path,
            "query_string": b"",
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        }
    )


COOKIE = {"cookie": "ocms_session=abc"}


@pytest.mark.parametrize(
    ("method", "path", "headers", "allowed"),
    [
        ("POST", "/api/clients/x", {**COOKIE, "origin": "https://ocms.example.org"}, True),
        ("POST", "/api/clients/x", {**COOKIE, "origin": "https://OCMS.example.org/"}, True),
        ("POST", "/api/clients/x", {**COOKIE, "origin": "https://evil.example"}, False),
        ("POST", "/api/clients/x", {**COOKIE, "origin": "null"}, False),
        ("DELETE", "/api/clients/x", {**COOKIE, "sec-fetch-site": "cross-site"}, False),
        ("DELETE", "/api/clients/x", {**COOKIE, "sec-fetch-site": "same-site"}, False),
        ("PUT", "/api/clients/x", {**COOKIE, "sec-fetch-site": "same-origin"}, True),
        ("PATCH", "/api/clients/x", COOKIE, True),
        ("GET", "/api/clients/x", {**COOKIE, "origin": "https://evil.example"}, True),
        ("POST", "/api/clients/x", {"origin": "https://evil.example"}, True),  # no cookie
        ("POST", "/api/auth/login", {"origin": "https://evil.example"}, False),  # login CSRF
    ],
)
def test_origin_decisions(method: str, path: str, headers: dict[str, str], allowed: bool) -> None:
    assert origin_allowed(_request(method, path, headers), SETTINGS) is allowed
