"""RS256 signing keys and service tokens (JWT)."""

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ALGORITHM = "RS256"
KEY_BITS = 2048


@dataclass(frozen=True)
class KeyPair:
    kid: str
    private_pem: str
    public_jwk: dict[str, Any]


def new_key_pair(now: datetime | None = None) -> KeyPair:
    """A fresh RSA key; the kid says when it was made, which helps whoever reads logs."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d")
    kid = f"{stamp}-{secrets.token_hex(6)}"
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    jwk: dict[str, Any] = RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
    jwk.pop("key_ops", None)  # RFC 7517: "use" or "key_ops", not both
    jwk.update({"kid": kid, "use": "sig", "alg": ALGORITHM})
    return KeyPair(kid=kid, private_pem=pem, public_jwk=jwk)


@lru_cache(maxsize=8)
def _load_private(pem: str) -> rsa.RSAPrivateKey:
    # Parsing a PEM costs more than signing; keys change only at rotation.
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def sign(claims: dict[str, Any], *, kid: str, private_pem: str) -> str:
    return jwt.encode(claims, _load_private(private_pem), algorithm=ALGORITHM, headers={"kid": kid})


def service_claims(
    base: dict[str, Any], *, issuer: str, audience: str, now: datetime, ttl_seconds: int
) -> dict[str, Any]:
    """Add the registered claims to the principal's (`Principal.to_claims()`)."""
    issued = int(now.timestamp())
    return {
        **base,
        "iss": issuer,
        "aud": audience,
        "iat": issued,
        "exp": issued + ttl_seconds,
        "jti": uuid.uuid4().hex,
    }
