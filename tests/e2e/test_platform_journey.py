"""The platform journey through the gateway, as a browser would make it."""

import time
import uuid
from collections.abc import Iterator

import pyotp
import pytest

from scripts.stack import StackInfo
from tests.e2e.demo import AGENCY_ADMIN, DEMO_PASSWORD
from tests.e2e.gateway_client import SESSION_COOKIE, GatewayClient


@pytest.fixture
def admin(stack: StackInfo) -> Iterator[GatewayClient]:
    client = GatewayClient(stack.gateway_url)
    assert client.login(AGENCY_ADMIN, DEMO_PASSWORD).status_code == 200
    yield client
    client.close()


def test_login_sets_an_httponly_cookie_and_gives_the_browser_no_token(stack: StackInfo) -> None:
    client = GatewayClient(stack.gateway_url)
    response = client.login(AGENCY_ADMIN, DEMO_PASSWORD)
    assert response.status_code == 200, response.text
    morsel = client.last_cookie[SESSION_COOKIE]
    assert morsel["httponly"] is True
    assert morsel["secure"] is True
    assert morsel["samesite"].lower() == "strict"
    assert "token" not in response.text.lower()
    assert response.headers["x-request-id"]
    me = client.get("/api/auth/me")
    assert me.status_code == 200
    assert me.json()["email"] == AGENCY_ADMIN

    assert client.post("/api/auth/logout").status_code == 204
    assert client.get("/api/identity/me").status_code == 401


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(stack: StackInfo) -> None:
    client = GatewayClient(stack.gateway_url)
    wrong = client.login(AGENCY_ADMIN, "not-the-password-at-all")
    unknown = client.login(f"nobody-{uuid.uuid4().hex[:6]}@example.org", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"]["code"] == unknown.json()["error"]["code"]
    assert client.session is None


def test_admin_creates_program_and_caseworker_who_enrols_totp(
    admin: GatewayClient, stack: StackInfo
) -> None:
    suffix = uuid.uuid4().hex[:6]
    program = admin.post(
        "/api/identity/programs",
        json={"name": f"Youth Services {suffix}", "code": f"YOUTH{suffix}".upper()},
    )
    assert program.status_code == 201, program.text
    program_id = program.json()["id"]

    email = f"new.worker.{suffix}@maple.example.org"
    password = "a-long-Secret-2026"
    worker = admin.post(
        "/api/identity/users",
        json={
            "email": email,
            "given_name": "Noor",
            "family_name": "Haddad",
            "role": "caseworker",
            "program_ids": [program_id],
            "initial_password": password,
        },
    )
    assert worker.status_code == 201, worker.text
    worker_id = worker.json()["id"]
    listed = admin.get("/api/identity/users", params={"program": program_id})
    assert [u["id"] for u in listed.json()["items"]] == [worker_id]

    caseworker = GatewayClient(stack.gateway_url)
    assert caseworker.login(email, password).status_code == 200
    # A caseworker manages no staff.
    forbidden = caseworker.post(
        "/api/identity/programs", json={"name": "Not mine", "code": f"NOPE{suffix}".upper()}
    )
    assert forbidden.status_code == 403

    enrolment = caseworker.post("/api/identity/me/mfa/totp")
    assert enrolment.status_code == 200, enrolment.text
    totp = pyotp.TOTP(enrolment.json()["secret"])
    confirmed = caseworker.post("/api/identity/me/mfa/totp/confirm", json={"code": totp.now()})
    assert confirmed.status_code == 204, confirmed.text
    assert caseworker.post("/api/auth/logout").status_code == 204

    needs_code = caseworker.login(email, password)
    assert needs_code.status_code == 401
    assert needs_code.json()["error"]["code"] == "mfa_required"

    # The code of the step that confirmed enrolment was used once; the next step's is fresh.
    next_code = totp.at(time.time() + 30)
    assert caseworker.login(email, password, next_code).status_code == 200
    assert caseworker.get("/api/identity/me").json()["mfa_enabled"] is True

    replay = GatewayClient(stack.gateway_url)
    reused = replay.login(email, password, next_code)
    assert reused.status_code == 401
    assert reused.json()["error"]["code"] == "invalid_totp"

    # Deactivation takes effect on the caseworker's very next request.
    assert admin.post(f"/api/identity/users/{worker_id}/deactivate").status_code == 200
    refused = caseworker.get("/api/identity/me")
    assert refused.status_code == 401
