"""Sign-in for the gateway: sessions, token exchange, throttling, MFA, deactivation."""

import asyncio
import statistics
import time
import uuid
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import httpx
import jwt
import pyotp
import pytest
from fastapi import FastAPI

from identity.main import create_app
from identity.settings import IdentitySettings

pytestmark = pytest.mark.integration

PASSWORD = "Correct-horse-2026"


async def test_login_opens_a_session_whose_token_carries_the_principal(api: Any) -> None:
    admin = await api.new_agency()
    program = await api.new_program(admin)
    manager, manager_email = await api.new_user(admin, "manager", program_ids=[program["id"]])
    worker, _ = await api.new_user(admin, program_ids=[program["id"]], manager_id=manager["id"])

    opened = await api.login(manager_email, PASSWORD, ip="192.0.2.10")
    assert opened.status_code == 201, opened.text
    body = opened.json()
    assert len(body["session_id"]) >= 43  # 32 random bytes, url-safe
    assert body["user"] == {
        "id": manager["id"],
        "agency_id": admin.agency_id,
        "email": manager_email,
        "given_name": "Sam",
        "family_name": "Worker",
        "role": "manager",
        "mfa_enabled": False,
    }

    exchanged = await api.exchange(body["session_id"])
    assert exchanged.status_code == 200, exchanged.text
    assert exchanged.json()["expires_in"] == 300
    token = exchanged.json()["token"]
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256"
    assert header["kid"]
    jwks = (await api.http.get("/.well-known/jwks.json")).json()
    key = jwt.PyJWKSet.from_dict(jwks)[header["kid"]]
    claims = jwt.decode(
        token, key.key, algorithms=["RS256"], audience="ocms-services", issuer="ocms-identity"
    )
    assert claims["sub"] == manager["id"]
    assert claims["agency"] == admin.agency_id
    assert claims["role"] == "manager"
    assert claims["programs"] == [program["id"]]
    assert claims["manages"] == [worker["id"]]
    assert claims["exp"] - claims["iat"] == 300
    assert claims["sid"] and claims["jti"]
    assert body["session_id"] not in token  # the session secret never travels in a token


async def test_the_session_secret_is_stored_only_as_a_hash(
    api: Any, admin_db: asyncpg.Connection
) -> None:
    admin = await api.new_agency()
    stored = await admin_db.fetch(
        "SELECT secret_hash FROM login_sessions WHERE user_id = $1", uuid.UUID(admin.id)
    )
    assert len(stored) == 1
    assert stored[0]["secret_hash"] != admin.session_id
    assert len(stored[0]["secret_hash"]) == 64


async def test_wrong_password_and_unknown_email_get_the_same_answer(api: Any) -> None:
    admin = await api.new_agency()
    _, email = await api.new_user(admin)
    wrong = await api.login(email, "Not-the-password-1")
    unknown = await api.login(f"nobody.{uuid.uuid4().hex[:6]}@example.org", "Not-the-password-1")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"]["code"] == unknown.json()["error"]["code"] == "invalid_credentials"
    assert wrong.json()["error"]["message"] == unknown.json()["error"]["message"]
    assert set(wrong.json()["error"]) == set(unknown.json()["error"])


@pytest.fixture(scope="module")
async def costly_app(settings: IdentitySettings, app: FastAPI) -> Any:
    """The same database, with production-like argon2 cost: timing becomes measurable."""
    heavy = settings.model_copy(
        update={"argon2_time_cost": 2, "argon2_memory_kib": 19456, "argon2_parallelism": 1}
    )
    application = create_app(heavy)
    async with application.router.lifespan_context(application):
        yield application


async def test_an_unknown_email_takes_as_long_as_a_wrong_password(
    api: Any, costly_app: FastAPI
) -> None:
    admin = await api.new_agency()
    transport = httpx.ASGITransport(app=costly_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://identity") as heavy:
        email = f"timed.{uuid.uuid4().hex[:8]}@agency.example.org"
        created = await heavy.post(
            "/users",
            headers={"Authorization": f"Bearer {admin.token}"},
            json={
                "email": email,
                "given_name": "Tim",
                "family_name": "Ing",
                "role": "caseworker",
                "initial_password": PASSWORD,  # hashed at the costly settings
            },
        )
        assert created.status_code == 201, created.text

        async def attempt(address: str) -> float:
            started = time.perf_counter()
            answer = await heavy.post(
                "/internal/sessions",
                headers=api.internal,
                json={
                    "email": address,
                    "password": "Wrong-password-99",
                    "client_ip": str(uuid.uuid4()),
                },
            )
            assert answer.status_code == 401
            return time.perf_counter() - started

        await attempt(email)  # warm-up
        # Interleaved, so a busy machine slows both kinds alike.
        known: list[float] = []
        unknown: list[float] = []
        for _ in range(7):
            known.append(await attempt(email))
            unknown.append(await attempt(f"ghost.{uuid.uuid4().hex[:8]}@example.org"))
    ratio = statistics.median(unknown) / statistics.median(known)
    # Skipping the hash for an unknown email would make the ratio ~0.02; the band leaves
    # room for a loaded machine and still catches that.
    assert 0.4 < ratio < 2.5, (known, unknown)
    assert statistics.median(known) > 0.005  # argon2 really ran: the comparison means something


async def test_failures_from_one_address_throttle_only_that_address(api: Any) -> None:
    admin = await api.new_agency()
    _, email = await api.new_user(admin)
    attacker, user_ip = "198.51.100.66", "203.0.113.7"
    for _ in range(3):  # login_free_failures in the test settings
        assert (await api.login(email, "Wrong-password-1", ip=attacker)).status_code == 401

    blocked = await api.login(email, PASSWORD, ip=attacker)  # even the right password
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "too_many_attempts"
    assert int(blocked.headers["Retry-After"]) >= 1

    # The real user, elsewhere, is not locked out.
    assert (await api.login(email, PASSWORD, ip=user_ip)).status_code == 201

    # The delay is short at first, then doubles with each further failure; never a lock.
    await asyncio.sleep(1.1)
    assert (await api.login(email, "Wrong-password-1", ip=attacker)).status_code == 401
    again = await api.login(email, PASSWORD, ip=attacker)
    assert again.status_code == 429
    assert int(again.headers["Retry-After"]) == 2


async def test_totp_enrolment_then_login_needs_a_fresh_code(api: Any) -> None:
    admin = await api.new_agency()
    _, email = await api.new_user(admin)
    worker = await api.sign_in(email, PASSWORD)

    enrolment = await worker.post("/me/mfa/totp")
    assert enrolment.status_code == 200, enrolment.text
    assert enrolment.json()["otpauth_uri"].startswith("otpauth://totp/")
    totp = pyotp.TOTP(enrolment.json()["secret"])
    wrong = await worker.post("/me/mfa/totp/confirm", json={"code": "000000"})
    if totp.now() != "000000":
        assert wrong.status_code == 422
        assert wrong.json()["error"]["fields"][0]["field"] == "code"
    confirmed = await worker.post("/me/mfa/totp/confirm", json={"code": totp.now()})
    assert confirmed.status_code == 204, confirmed.text
    assert (await worker.get("/me")).json()["mfa_enabled"] is True

    needs_code = await api.login(email, PASSWORD)
    assert needs_code.status_code == 401
    assert needs_code.json()["error"]["code"] == "mfa_required"

    # The confirming code's step is spent; the next step's code is fresh.
    code = totp.at(time.time() + 30)
    opened = await api.login(email, PASSWORD, totp=code)
    assert opened.status_code == 201, opened.text
    assert opened.json()["user"]["mfa_enabled"] is True

    replayed = await api.login(email, PASSWORD, totp=code)
    assert replayed.status_code == 401
    assert replayed.json()["error"]["code"] == "invalid_totp"


async def test_deactivation_ends_access_at_once(api: Any, admin_db: asyncpg.Connection) -> None:
    admin = await api.new_agency()
    user, email = await api.new_user(admin)
    worker = await api.sign_in(email, PASSWORD)
    assert (await worker.get("/me")).status_code == 200

    deactivated = await admin.post(f"/users/{user['id']}/deactivate")
    assert deactivated.status_code == 200, deactivated.text
    assert deactivated.json()["active"] is False

    refused = await api.exchange(worker.session_id)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "session_invalid"
    # A token minted before the deactivation is refused by identity at once, too.
    assert (await worker.get("/me")).status_code == 401
    assert (await api.login(email, PASSWORD)).json()["error"]["code"] == "invalid_credentials"
    revoked = await admin_db.fetchval(
        "SELECT count(*) FROM login_sessions WHERE user_id = $1 AND revoked_at IS NULL",
        uuid.UUID(user["id"]),
    )
    assert revoked == 0

    assert (await admin.post(f"/users/{user['id']}/reactivate")).json()["active"] is True
    assert (await api.login(email, PASSWORD)).status_code == 201


async def test_an_admin_cannot_deactivate_themselves(api: Any) -> None:
    admin = await api.new_agency()
    refused = await admin.post(f"/users/{admin.id}/deactivate")
    assert refused.status_code == 409


async def test_logout_revokes_the_session(api: Any) -> None:
    admin = await api.new_agency()
    revoked = await api.http.post(
        "/internal/sessions/revoke", json={"session_id": admin.session_id}, headers=api.internal
    )
    assert revoked.status_code == 204
    assert (await api.exchange(admin.session_id)).status_code == 401
    assert (await admin.get("/me")).status_code == 401
    unknown = await api.http.post(
        "/internal/sessions/revoke", json={"session_id": "no-such-session"}, headers=api.internal
    )
    assert unknown.status_code == 204


async def test_idle_and_expired_sessions_are_refused(
    api: Any, admin_db: asyncpg.Connection
) -> None:
    admin = await api.new_agency()
    idle = await api.sign_in(admin.user["email"], PASSWORD)
    old = await api.sign_in(admin.user["email"], PASSWORD)
    await admin_db.execute(
        "UPDATE login_sessions SET last_seen_at = now() - interval '31 minutes'"
        " WHERE id = (SELECT id FROM login_sessions WHERE user_id = $1"
        " ORDER BY created_at DESC OFFSET 1 LIMIT 1)",
        uuid.UUID(admin.id),
    )
    await admin_db.execute(
        "UPDATE login_sessions SET expires_at = now() - interval '1 second'"
        " WHERE id = (SELECT id FROM login_sessions WHERE user_id = $1"
        " ORDER BY created_at DESC LIMIT 1)",
        uuid.UUID(admin.id),
    )
    assert (await api.exchange(idle.session_id)).status_code == 401
    assert (await api.exchange(old.session_id)).status_code == 401
    assert (await api.exchange(admin.session_id)).status_code == 200


async def test_internal_endpoints_need_the_internal_key(api: Any) -> None:
    body = {"email": "x@example.org", "password": "whatever-123", "client_ip": "192.0.2.1"}
    missing = await api.http.post("/internal/sessions", json=body)
    wrong = await api.http.post("/internal/sessions", json=body, headers={"X-Internal-Key": "no"})
    assert missing.status_code == wrong.status_code == 401
    assert missing.json()["error"]["code"] == "internal_key_required"
    assert (await api.http.post("/internal/tokens", json={"session_id": "x"})).status_code == 401


async def test_sign_in_events_are_audited_for_the_agency(api: Any) -> None:
    admin = await api.new_agency()
    _, email = await api.new_user(admin)
    await api.login(email, "Wrong-password-1")
    await api.sign_in(email, PASSWORD)
    trail = await admin.get("/audit", params={"limit": 100})
    assert trail.status_code == 200, trail.text
    actions = [e["action"] for e in trail.json()["items"]]
    assert "auth.login_failed" in actions
    assert "auth.login_succeeded" in actions
    assert "user.created" in actions
    assert all(email not in str(e) for e in trail.json()["items"])  # ids only

    other = await api.new_agency()
    theirs = (await other.get("/audit", params={"limit": 100})).json()["items"]
    assert {e["entity_id"] for e in theirs}.isdisjoint(
        {e["entity_id"] for e in trail.json()["items"]}
    )
