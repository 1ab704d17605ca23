"""Sign-in, sign-out and /api/auth/me through the gateway, against a fake identity."""

import uuid
from collections.abc import Awaitable, Callable
from http.cookies import Morsel
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.asyncio

CookieOf = Callable[[httpx.Response], Morsel[str]]
SignIn = Callable[..., Awaitable[str]]


def email() -> str:
    return f"amal.{uuid.uuid4().hex[:8]}@maple.example.org"


async def test_login_sets_a_strict_httponly_secure_cookie_and_no_token(
    gateway: httpx.AsyncClient, identity_state: Any, session_cookie: CookieOf
) -> None:
    address = email()
    identity_state.active[address] = True

    response = await gateway.post(
        "/api/auth/login",
        json={"email": address, "password": identity_state.password},
        headers={"User-Agent": "Firefox/140"},
    )

    assert response.status_code == 200, response.text
    morsel = session_cookie(response)
    assert morsel["httponly"] is True
    assert morsel["secure"] is True
    assert morsel["samesite"] == "strict"
    assert morsel["path"] == "/"
    assert 8 * 3600 - 60 <= int(morsel["max-age"]) <= 8 * 3600  # identity's expiry, not 12 h
    assert morsel.value in identity_state.sessions
    body = response.json()
    assert body["user"]["email"] == address
    # Only the contract's fields, and neither the session id nor any token.
    assert "password_hash" not in body["user"]
    assert morsel.value not in response.text
    assert "token" not in response.text.lower()
    assert response.headers["cache-control"] == "no-store"
    call = identity_state.login_calls[-1]
    assert call["client_ip"] == identity_state.browser_ip
    assert call["user_agent"] == "Firefox/140"
    assert "totp_code" not in call


async def test_identity_refusals_reach_the_browser_unchanged(
    gateway: httpx.AsyncClient, identity_state: Any
) -> None:
    address = f"mfa.{uuid.uuid4().hex[:8]}@maple.example.org"
    identity_state.active[address] = True
    password = identity_state.password

    wrong = await gateway.post("/api/auth/login", json={"email": address, "password": "nope"})
    mfa = await gateway.post("/api/auth/login", json={"email": address, "password": password})
    throttled = await gateway.post(
        "/api/auth/login", json={"email": "throttled@example.org", "password": password}
    )

    assert (wrong.status_code, wrong.json()["error"]["code"]) == (401, "invalid_credentials")
    assert (mfa.status_code, mfa.json()["error"]["code"]) == (401, "mfa_required")
    assert (throttled.status_code, throttled.json()["error"]["code"]) == (429, "too_many_attempts")
    assert throttled.headers["retry-after"] == "42"
    for response in (wrong, mfa, throttled):
        assert "set-cookie" not in response.headers
        assert response.json()["error"]["request_id"] == response.headers["x-request-id"]


async def test_login_body_is_validated_without_echoing_the_password(
    gateway: httpx.AsyncClient, identity_state: Any
) -> None:
    calls = len(identity_state.login_calls)

    response = await gateway.post(
        "/api/auth/login", json={"email": "a@example.org", "password": "", "extra": "x"}
    )

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert {f["field"] for f in error["fields"]} == {"password", "extra"}
    assert len(identity_state.login_calls) == calls


async def test_oversized_login_body_is_refused_before_reading_it(
    gateway: httpx.AsyncClient,
) -> None:
    response = await gateway.post("/api/auth/login", content=b"x" * 20_000)

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


async def test_login_is_rate_limited_per_client_address(
    make_gateway: Any, identity_state: Any
) -> None:
    async with make_gateway(login_rate_per_minute=3) as gateway:
        body = {"email": "nobody@example.org", "password": "guess"}
        answers = [await gateway.post("/api/auth/login", json=body) for _ in range(4)]

    assert [a.status_code for a in answers] == [401, 401, 401, 429]
    refused = answers[-1]
    assert refused.json()["error"]["code"] == "too_many_requests"
    assert refused.headers["retry-after"] == "30"  # the rest of the (pinned) minute
    assert refused.json()["error"]["request_id"] == refused.headers["x-request-id"]


async def test_forwarded_for_is_ignored_unless_trusted(make_gateway: Any) -> None:
    """A client that invents X-Forwarded-For values must not get a fresh budget each time."""
    async with make_gateway(login_rate_per_minute=2) as gateway:
        statuses = [
            (
                await gateway.post(
                    "/api/auth/login",
                    json={"email": "nobody@example.org", "password": "guess"},
                    headers={"X-Forwarded-For": f"198.51.100.{i}"},
                )
            ).status_code
            for i in range(3)
        ]
    assert statuses == [401, 401, 429]

    async with make_gateway(login_rate_per_minute=1, trust_forwarded_for=True) as gateway:
        statuses = [
            (
                await gateway.post(
                    "/api/auth/login",
                    json={"email": "nobody@example.org", "password": "guess"},
                    headers={"X-Forwarded-For": f"10.0.0.1, 198.51.100.{i}"},
                )
            ).status_code
            for i in range(3)
        ]
    assert statuses == [401, 401, 401]


async def test_me_is_identitys_answer_for_the_session(
    gateway: httpx.AsyncClient, sign_in: SignIn
) -> None:
    address = email()
    session = await sign_in(gateway, address)

    me = await gateway.get("/api/auth/me", headers={"Cookie": f"ocms_session={session}"})
    anonymous = await gateway.get("/api/auth/me")

    assert me.status_code == 200, me.text
    assert me.json()["email"] == address
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "not_authenticated"


async def test_logout_revokes_the_session_and_clears_the_cookie(
    gateway: httpx.AsyncClient, identity_state: Any, sign_in: SignIn, session_cookie: CookieOf
) -> None:
    session = await sign_in(gateway)
    cookie = {"Cookie": f"ocms_session={session}"}

    response = await gateway.post("/api/auth/logout", headers=cookie)
    after = await gateway.get("/api/identity/me", headers=cookie)

    assert response.status_code == 204
    assert session in identity_state.revoked
    cleared = session_cookie(response)
    assert cleared.value == ""
    assert cleared["max-age"] == "0"
    assert after.status_code == 401


async def test_a_new_login_ends_the_browsers_previous_session(
    gateway: httpx.AsyncClient, identity_state: Any, sign_in: SignIn
) -> None:
    first = await sign_in(gateway)
    address = email()
    identity_state.active[address] = True

    response = await gateway.post(
        "/api/auth/login",
        json={"email": address, "password": identity_state.password},
        headers={"Cookie": f"ocms_session={first}"},
    )

    assert response.status_code == 200
    assert first in identity_state.revoked
