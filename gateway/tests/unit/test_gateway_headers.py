"""Header filtering in both directions, and the client address."""

import pytest
from starlette.requests import Request

from gateway.headers import (
    client_ip,
    downstream_response_headers,
    gateway_location,
    upstream_request_headers,
)


def _request(headers: list[tuple[str, str]], client: str = "192.0.2.10") -> Request:
    return Request(
        {
            "type": "http",
            "method": "GET",
            "scheme": "https",
            "path": "/api/clients/x",
            "query_string": b"",
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers],
            "client": (client, 1234),
            "server": ("gateway", 443),
        }
    )


def test_upstream_sees_no_browser_credentials_and_our_forwarding_headers() -> None:
    request = _request(
        [
            ("Cookie", "ocms_session=abc"),
            ("Authorization", "Basic Zm9vOmJhcg=="),
            ("X-Internal-Key", "guess"),
            ("Connection", "keep-alive, X-Secret-Hop"),
            ("X-Secret-Hop", "1"),
            ("Transfer-Encoding", "chunked"),
            ("Host", "ocms.example.org"),
            ("X-Forwarded-For", "6.6.6.6"),
            ("X-Request-ID", "theirs"),
            ("Accept-Language", "fr-CA"),
            ("Content-Type", "application/json"),
        ]
    )

    headers = upstream_request_headers(
        request, client_ip="192.0.2.10", request_id="ours", token="tkn"
    )

    names = [name.lower() for name, _ in headers]
    assert len(names) == len(set(names))
    as_dict = dict(headers)
    assert as_dict == {
        "accept-language": "fr-CA",
        "content-type": "application/json",
        "x-request-id": "ours",
        "x-forwarded-for": "192.0.2.10",
        "x-forwarded-proto": "https",
        "authorization": "Bearer tkn",
    }


def test_public_requests_carry_no_authorization() -> None:
    headers = upstream_request_headers(
        _request([("Authorization", "Bearer x")]), client_ip="c", request_id="r", token=None
    )
    assert "authorization" not in dict(headers)


def test_downstream_keeps_repeats_and_rewrites_own_location() -> None:
    headers = downstream_response_headers(
        [
            ("Content-Type", "text/csv"),
            ("Vary", "Accept"),
            ("Vary", "Accept-Encoding"),
            ("Set-Cookie", "ocms_session=planted"),
            ("Location", "http://clients:8002/clients/42"),
            ("Keep-Alive", "timeout=5"),
            ("Server", "uvicorn"),
        ],
        upstream_base="http://clients:8002",
        prefix="/api/clients",
    )

    assert headers == [
        ("Content-Type", "text/csv"),
        ("Vary", "Accept"),
        ("Vary", "Accept-Encoding"),
        ("Location", "/api/clients/clients/42"),
    ]


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("http://files:8005/attachments/9", "/api/files/attachments/9"),
        ("/attachments/9?x=1", "/api/files/attachments/9?x=1"),
        ("https://s3.example.org/bucket/key?sig=1", "https://s3.example.org/bucket/key?sig=1"),
        ("//evil.example/x", "//evil.example/x"),
        ("attachments/9", "attachments/9"),
    ],
)
def test_locations_on_the_upstream_become_gateway_paths(location: str, expected: str) -> None:
    assert gateway_location(location, "http://files:8005", "/api/files") == expected


def test_client_ip_trusts_forwarded_for_only_when_told() -> None:
    request = _request([("X-Forwarded-For", "6.6.6.6, 198.51.100.4")], client="10.0.0.2")

    assert client_ip(request, trust_forwarded_for=False) == "10.0.0.2"
    assert client_ip(request, trust_forwarded_for=True) == "198.51.100.4"
    assert client_ip(_request([], client="10.0.0.2"), trust_forwarded_for=True) == "10.0.0.2"
