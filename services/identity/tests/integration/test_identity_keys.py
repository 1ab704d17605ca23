"""Signing keys: JWKS, rotation without failed requests, the rotation command."""

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import httpx
import jwt
import pytest

from kit.auth import TokenVerifier
from kit.testing import ScratchDatabase

pytestmark = pytest.mark.integration

SERVICE_DIR = Path(__file__).resolve().parents[2]
ROOT = SERVICE_DIR.parents[1]


def kid_of(token: str) -> str:
    kid: str = jwt.get_unverified_header(token)["kid"]
    return kid


def other_service_verifier(http: httpx.AsyncClient) -> TokenVerifier:
    """What another service does: fetch identity's JWKS over HTTP and verify."""
    return TokenVerifier(
        "http://identity/.well-known/jwks.json",
        issuer="ocms-identity",
        audience="ocms-services",
        http=httpx.AsyncClient(transport=http._transport, base_url="http://identity"),
    )


async def test_jwks_publishes_rsa_2048_public_keys_only(api: Any) -> None:
    await api.platform()  # at least one key exists once a token was made
    response = await api.http.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert "max-age" in response.headers["cache-control"]
    keys = response.json()["keys"]
    assert keys
    for key in keys:
        assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig"
        assert set(key) == {"kty", "n", "e", "kid", "alg", "use"}  # no private parts
        n = jwt.utils.base64url_decode(key["n"])
        assert len(n) * 8 == 2048


async def test_rotation_keeps_old_tokens_valid_and_new_tokens_use_the_new_key(
    api: Any, admin_db: asyncpg.Connection
) -> None:
    platform = await api.platform()
    old_kid = kid_of(platform.token)
    verifier = other_service_verifier(api.http)
    try:
        assert (await verifier.verify(platform.token)).user_id

        rotated = await platform.post("/keys/rotate")
        assert rotated.status_code == 201, rotated.text
        new_kid = rotated.json()["kid"]
        assert new_kid != old_kid
        published = {
            k["kid"] for k in (await api.http.get("/.well-known/jwks.json")).json()["keys"]
        }
        assert {old_kid, new_kid} <= published  # published before it signs

        # Until the activation delay passes, the old key still signs.
        assert kid_of((await api.exchange(platform.session_id)).json()["token"]) == old_kid
        await asyncio.sleep(2.6)
        fresh = (await api.exchange(platform.session_id)).json()["token"]
        assert kid_of(fresh) == new_kid

        # Both verify, at identity itself and at another service.
        assert (await platform.get("/me")).status_code == 200  # the old token
        assert (
            await api.http.get("/me", headers={"Authorization": f"Bearer {fresh}"})
        ).status_code == 200
        assert (await verifier.verify(platform.token)).user_id
        assert (await verifier.verify(fresh)).user_id

        # Once its tokens have all expired, the replaced key leaves the JWKS.
        await admin_db.execute(
            "UPDATE signing_keys SET active_from = now() - interval '1 hour' WHERE kid = $1",
            new_kid,
        )
        await admin_db.execute(
            "UPDATE signing_keys SET active_from = now() - interval '2 hours' WHERE kid = $1",
            old_kid,
        )
        published = {
            k["kid"] for k in (await api.http.get("/.well-known/jwks.json")).json()["keys"]
        }
        assert new_kid in published
        assert old_kid not in published
    finally:
        await verifier.aclose()


async def test_rotate_command(scratch: ScratchDatabase, api: Any) -> None:
    env = {
        **os.environ,
        "OCMS_DATABASE_URL": scratch.app_url,
        "OCMS_LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join(
            [str(ROOT / "libs/kit/src"), str(ROOT / "libs/contracts/src"), str(SERVICE_DIR / "src")]
        ),
    }
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "identity.keys", "rotate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    kid = done.stdout.split()[3].rstrip(",")
    published = {k["kid"] for k in (await api.http.get("/.well-known/jwks.json")).json()["keys"]}
    assert kid in published


async def test_a_token_from_a_foreign_key_is_refused(api: Any) -> None:
    from identity.tokens import new_key_pair, sign

    platform = await api.platform()
    claims = jwt.decode(platform.token, options={"verify_signature": False})
    forged_key = new_key_pair()
    forged = sign(claims, kid=kid_of(platform.token), private_pem=forged_key.private_pem)
    refused = await api.http.get("/me", headers={"Authorization": f"Bearer {forged}"})
    assert refused.status_code == 401
