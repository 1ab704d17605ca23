"""Principal claims and TokenVerifier against an in-process JWKS."""

import asyncio
import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from kit.auth import Principal, Role, TokenVerifier
from kit.errors import Unauthorized

ISSUER, AUDIENCE = "ocms-identity", "ocms-services"
JWKS_URL = "http://identity.test/.well-known/jwks.json"


@dataclass
class SigningKey:
    kid: str
    private: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )

    def jwk(self) -> dict[str, Any]:
        jwk = RSAAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        return {**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}

    def public_pem(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


# Key generation is slow; three keys serve every test.
KEY_1, KEY_2 = SigningKey("key-1"), SigningKey("key-2")
IMPOSTOR = SigningKey("key-1")  # another key claiming key-1's id


class Jwks:
    """What identity publishes; tests change it to play a rotation."""

    def __init__(self, *keys: SigningKey) -> None:
        self.keys = list(keys)
        self.fetches = 0

    def handle(self, request: httpx.Request) -> httpx.Response:
        assert str(request.url) == JWKS_URL
        self.fetches += 1
        return httpx.Response(200, json={"keys": [k.jwk() for k in self.keys]})


PRINCIPAL = Principal(
    user_id=uuid.uuid4(),
    agency_id=uuid.uuid4(),
    role=Role.MANAGER,
    programs=frozenset({uuid.uuid4(), uuid.uuid4()}),
    manages=frozenset({uuid.uuid4()}),
    session_id="sess-1",
)


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    return {
        **PRINCIPAL.to_claims(),
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + 300,
        **overrides,
    }


def sign(key: SigningKey, **overrides: Any) -> str:
    return jwt.encode(claims(**overrides), key.private, algorithm="RS256", headers={"kid": key.kid})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(header: dict[str, Any], secret: bytes | None) -> str:
    """A token built by hand, as an attacker would (PyJWT refuses to make these)."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims()).encode())}"
    signature = b""
    if secret is not None:
        signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


@pytest.fixture
def jwks() -> Jwks:
    return Jwks(KEY_1)


@pytest.fixture
async def verifier(jwks: Jwks) -> AsyncIterator[TokenVerifier]:
    verifier = TokenVerifier(
        JWKS_URL,
        issuer=ISSUER,
        audience=AUDIENCE,
        http=httpx.AsyncClient(transport=httpx.MockTransport(jwks.handle)),
        min_refetch_seconds=0.2,
    )
    yield verifier
    await verifier.aclose()


def test_principal_claims_round_trip() -> None:
    assert Principal.from_claims(PRINCIPAL.to_claims()) == PRINCIPAL
    minimal = Principal(user_id=uuid.uuid4(), agency_id=uuid.uuid4(), role=Role.CASEWORKER)
    assert Principal.from_claims(minimal.to_claims()) == minimal


@pytest.mark.parametrize(
    "broken",
    [{"sub": None}, {"agency": "not-a-uuid"}, {"role": "emperor"}, {"programs": ["x"]}],
)
def test_incomplete_claims_are_refused(broken: dict[str, Any]) -> None:
    raw = {**PRINCIPAL.to_claims(), **broken}
    with pytest.raises(Unauthorized):
        Principal.from_claims(raw)


async def test_a_valid_token_is_accepted(verifier: TokenVerifier) -> None:
    assert await verifier.verify(sign(KEY_1)) == PRINCIPAL


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(forge({"alg": "none", "kid": "key-1", "typ": "JWT"}, None), id="alg-none"),
        pytest.param(
            forge({"alg": "HS256", "kid": "key-1", "typ": "JWT"}, KEY_1.public_pem()),
            id="hs256-with-public-key",
        ),
        pytest.param(sign(IMPOSTOR), id="other-key-same-kid"),
        pytest.param(sign(KEY_1, exp=int(time.time()) - 60), id="expired"),
        pytest.param(sign(KEY_1, aud="another-audience"), id="wrong-audience"),
        pytest.param(sign(KEY_1, iss="someone-else"), id="wrong-issuer"),
        pytest.param("not.a.token", id="garbage"),
    ],
)
async def test_bad_tokens_are_refused(verifier: TokenVerifier, token: str) -> None:
    with pytest.raises(Unauthorized):
        await verifier.verify(token)


async def test_a_token_without_expiry_is_refused(verifier: TokenVerifier) -> None:
    raw = claims()
    del raw["exp"]
    token = jwt.encode(raw, KEY_1.private, algorithm="RS256", headers={"kid": "key-1"})
    with pytest.raises(Unauthorized):
        await verifier.verify(token)


async def test_unknown_kid_is_refused_and_refetches_are_throttled(
    verifier: TokenVerifier, jwks: Jwks
) -> None:
    await verifier.verify(sign(KEY_1))
    assert jwks.fetches == 1
    stranger = SigningKey("key-unknown", KEY_2.private)
    for _ in range(20):  # a flood of forged key ids
        with pytest.raises(Unauthorized):
            await verifier.verify(sign(stranger))
    assert jwks.fetches == 1  # within min_refetch_seconds of the last fetch: none
    await asyncio.sleep(0.25)
    for _ in range(20):
        with pytest.raises(Unauthorized):
            await verifier.verify(sign(stranger))
    assert jwks.fetches == 2  # one refetch per interval, however many tokens


async def test_a_rotation_is_accepted_without_failures(verifier: TokenVerifier, jwks: Jwks) -> None:
    old_token = sign(KEY_1)
    assert await verifier.verify(old_token) == PRINCIPAL
    await asyncio.sleep(0.25)
    # Identity publishes the new key beside the old one and starts signing with it.
    jwks.keys = [KEY_1, KEY_2]
    assert await verifier.verify(sign(KEY_2)) == PRINCIPAL
    assert await verifier.verify(old_token) == PRINCIPAL  # tokens already out stay valid
    assert jwks.fetches == 2
    # Later the old key is retired; tokens of the new one keep working.
    jwks.keys = [KEY_2]
    assert await verifier.verify(sign(KEY_2)) == PRINCIPAL


async def test_jwks_outage_before_any_fetch_is_unauthorized_not_a_crash() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503)

    verifier = TokenVerifier(
        JWKS_URL,
        issuer=ISSUER,
        audience=AUDIENCE,
        http=httpx.AsyncClient(transport=httpx.MockTransport(down)),
    )
    with pytest.raises(Unauthorized) as raised:
        await verifier.verify(sign(KEY_1))
    assert raised.value.code == "jwks_unavailable"
    await verifier.aclose()
