"""Forged service tokens are refused by the service itself, not only by the gateway."""

import asyncio
import json
import time
import uuid
from typing import Any

import asyncpg
import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from scripts.stack import StackInfo
from tests.e2e.demo import AGENCY_ADMIN, DEMO_PASSWORD


def _plain_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


@pytest.fixture(scope="module")
def real_token(stack: StackInfo) -> str:
    """A genuine token, obtained the way the gateway obtains one."""
    identity = stack.urls["identity"]
    headers = {"X-Internal-Key": stack.env["OCMS_INTERNAL_KEY"]}
    login = httpx.post(
        f"{identity}/internal/sessions",
        headers=headers,
        json={"email": AGENCY_ADMIN, "password": DEMO_PASSWORD, "client_ip": "127.0.0.9"},
    )
    assert login.status_code == 201, login.text
    token = httpx.post(
        f"{identity}/internal/tokens",
        headers=headers,
        json={"session_id": login.json()["session_id"]},
    )
    assert token.status_code == 200, token.text
    return str(token.json()["token"])


@pytest.fixture(scope="module")
def signing_key(stack: StackInfo, real_token: str) -> tuple[str, str]:
    """The kid and private key identity signs with (read from its database)."""
    kid = jwt.get_unverified_header(real_token)["kid"]

    async def read() -> str:
        conn = await asyncpg.connect(_plain_dsn(stack.db_urls["identity"]["owner"]))
        try:
            return str(
                await conn.fetchval("SELECT private_pem FROM signing_keys WHERE kid = $1", kid)
            )
        finally:
            await conn.close()

    return kid, asyncio.run(read())


def _claims(real_token: str, **changes: Any) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(real_token, options={"verify_signature": False})
    claims.update(changes)
    return claims


def _me(stack: StackInfo, token: str) -> httpx.Response:
    return httpx.get(f"{stack.urls['identity']}/me", headers={"Authorization": f"Bearer {token}"})


def test_the_genuine_token_is_accepted(stack: StackInfo, real_token: str) -> None:
    response = _me(stack, real_token)
    assert response.status_code == 200, response.text
    assert response.json()["email"] == AGENCY_ADMIN


def _unsigned(claims: dict[str, Any], kid: str) -> str:
    """An `alg: none` token, built by hand: PyJWT rightly refuses to make one."""
    header = {"alg": "none", "typ": "JWT", "kid": kid}
    parts = [json.dumps(part).encode() for part in (header, claims)]
    return ".".join(jwt.utils.base64url_encode(p).decode() for p in parts) + "."


def _other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def test_forgeries_are_refused(
    stack: StackInfo, real_token: str, signing_key: tuple[str, str]
) -> None:
    kid, private_pem = signing_key
    now = int(time.time())
    header, payload, _ = real_token.split(".")
    forgeries = {
        "alg none": _unsigned(_claims(real_token), kid),
        "signed by another key under the real kid": jwt.encode(
            _claims(real_token), _other_key(), algorithm="RS256", headers={"kid": kid}
        ),
        "expired": jwt.encode(
            _claims(real_token, iat=now - 900, exp=now - 600),
            private_pem,
            algorithm="RS256",
            headers={"kid": kid},
        ),
        "wrong audience": jwt.encode(
            _claims(real_token, aud="someone-else"),
            private_pem,
            algorithm="RS256",
            headers={"kid": kid},
        ),
        "wrong issuer": jwt.encode(
            _claims(real_token, iss="evil"), private_pem, algorithm="RS256", headers={"kid": kid}
        ),
        "unknown key id": jwt.encode(
            _claims(real_token),
            _other_key(),
            algorithm="RS256",
            headers={"kid": f"unknown-{uuid.uuid4().hex[:8]}"},
        ),
        "claims edited after signing": ".".join(
            [header, jwt.utils.base64url_encode(b'{"sub":"x"}').decode(), real_token.split(".")[2]]
        ),
        "garbage": "not.a.token",
    }
    for name, token in forgeries.items():
        response = _me(stack, token)
        assert response.status_code == 401, f"{name}: {response.status_code} {response.text}"
        assert response.json()["error"]["code"] in {"invalid_token", "not_authenticated"}, name
    assert payload  # the genuine token was split, not fabricated


def test_the_gateway_ignores_a_bearer_token_from_the_browser(
    stack: StackInfo, real_token: str
) -> None:
    response = httpx.get(
        f"{stack.gateway_url}/api/identity/me", headers={"Authorization": f"Bearer {real_token}"}
    )
    assert response.status_code == 401


def test_internal_endpoints_are_not_reachable_through_the_gateway(stack: StackInfo) -> None:
    response = httpx.post(
        f"{stack.gateway_url}/api/identity/internal/tokens", json={"session_id": "x"}
    )
    assert response.status_code == 404


def test_internal_endpoints_require_the_internal_key(stack: StackInfo) -> None:
    response = httpx.post(
        f"{stack.urls['identity']}/internal/sessions",
        headers={"X-Internal-Key": "wrong"},
        json={"email": AGENCY_ADMIN, "password": DEMO_PASSWORD, "client_ip": "127.0.0.9"},
    )
    assert response.status_code in {401, 403}
