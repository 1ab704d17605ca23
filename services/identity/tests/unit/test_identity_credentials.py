"""Password policy and hashing, TOTP replay protection, token signing."""

import asyncio
import time
from datetime import UTC, datetime

import jwt
import pyotp
import pytest

from identity import tokens, totp
from identity.passwords import Passwords, check_policy
from identity.settings import IdentitySettings
from kit.errors import Invalid

CHEAP = IdentitySettings(argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1)


@pytest.mark.parametrize(
    "password",
    ["short-1A", "onlylowercaseletters", "ONLYUPPERCASELETTERS", "123456789012345", "x" * 257],
)
def test_weak_passwords_are_refused_naming_the_field(password: str) -> None:
    with pytest.raises(Invalid) as refused:
        check_policy(password, field="initial_password")
    assert refused.value.fields[0]["field"] == "initial_password"


@pytest.mark.parametrize("password", ["ocms-demo-2026", "correct horse battery", "Abcdefghijkl"])
def test_reasonable_passwords_pass(password: str) -> None:
    check_policy(password)


def test_argon2id_hash_verifies_and_an_unknown_account_still_costs_a_verification() -> None:
    passwords = Passwords(CHEAP)

    async def run() -> None:
        hashed = await passwords.hash("Correct-horse-2026")
        assert hashed.startswith("$argon2id$")
        assert await passwords.verify(hashed, "Correct-horse-2026")
        assert not await passwords.verify(hashed, "correct-horse-2026")
        assert not await passwords.verify(None, "Correct-horse-2026")
        assert not await passwords.verify("not a hash", "x")
        assert not passwords.needs_rehash(hashed)
        assert Passwords(
            IdentitySettings(argon2_time_cost=2, argon2_memory_kib=1024, argon2_parallelism=1)
        ).needs_rehash(hashed)

    asyncio.run(run())


def test_a_totp_code_is_accepted_once_per_step_and_with_one_step_of_drift() -> None:
    secret = totp.new_secret()
    assert len(secret) == 32
    now = time.time()
    step = totp.current_step(now)
    code = pyotp.TOTP(secret).at(now)
    assert totp.matching_step(secret, code, last_step=None, now=now) == step
    assert totp.matching_step(secret, code, last_step=step, now=now) is None  # replay
    assert totp.matching_step(secret, f" {code[:3]} {code[3:]} ", last_step=None, now=now) == step
    late = pyotp.TOTP(secret).at(now - 30)
    assert totp.matching_step(secret, late, last_step=None, now=now) == step - 1
    ancient = pyotp.TOTP(secret).at(now - 120)
    if ancient not in {pyotp.TOTP(secret).at(now + d) for d in (-30, 0, 30)}:
        assert totp.matching_step(secret, ancient, last_step=None, now=now) is None
    assert totp.matching_step(secret, "12345", last_step=None, now=now) is None
    assert totp.matching_step(secret, "abcdef", last_step=None, now=now) is None


def test_tokens_are_rs256_with_the_kid_and_registered_claims() -> None:
    pair = tokens.new_key_pair(datetime(2026, 1, 5, tzinfo=UTC))
    assert pair.kid.startswith("20260105-")
    assert "d" not in pair.public_jwk  # public half only
    now = datetime.now(UTC)
    claims = tokens.service_claims(
        {"sub": "u"}, issuer="iss", audience="aud", now=now, ttl_seconds=300
    )
    token = tokens.sign(claims, kid=pair.kid, private_pem=pair.private_pem)
    assert jwt.get_unverified_header(token) == {"alg": "RS256", "kid": pair.kid, "typ": "JWT"}
    key = jwt.PyJWK.from_dict(pair.public_jwk)
    decoded = jwt.decode(token, key.key, algorithms=["RS256"], audience="aud", issuer="iss")
    assert decoded["exp"] - decoded["iat"] == 300
    assert decoded["jti"]
