"""Password change, reset by emailed link, and invitations."""

import uuid
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import pytest

pytestmark = pytest.mark.integration

PASSWORD = "Correct-horse-2026"
NEW_PASSWORD = "Brand-new-secret-77"


async def test_change_password_keeps_this_session_and_ends_the_others(api: Any) -> None:
    admin = await api.new_agency()
    _, email = await api.new_user(admin)
    here = await api.sign_in(email, PASSWORD)
    elsewhere = await api.sign_in(email, PASSWORD)

    wrong = await here.post(
        "/me/password", json={"current_password": "Not-it-at-all-1", "new_password": NEW_PASSWORD}
    )
    assert wrong.status_code == 422
    assert wrong.json()["error"]["fields"][0]["field"] == "current_password"
    weak = await here.post(
        "/me/password", json={"current_password": PASSWORD, "new_password": "short"}
    )
    assert weak.status_code == 422
    assert weak.json()["error"]["fields"][0]["field"] == "new_password"
    one_class = await here.post(
        "/me/password", json={"current_password": PASSWORD, "new_password": "onlylowercaseletters"}
    )
    assert one_class.status_code == 422

    changed = await here.post(
        "/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert changed.status_code == 204, changed.text
    assert (await api.exchange(here.session_id)).status_code == 200
    assert (await api.exchange(elsewhere.session_id)).status_code == 401
    assert (await api.login(email, PASSWORD)).status_code == 401
    assert (await api.login(email, NEW_PASSWORD)).status_code == 201


async def test_reset_by_emailed_link_is_single_use(api: Any, inbox: Any) -> None:
    admin = await api.new_agency()
    _, email = await api.new_user(admin)
    signed_in = await api.sign_in(email, PASSWORD)

    asked = await api.http.post("/password-reset/request", json={"email": email.upper()})
    assert asked.status_code == 202
    mail = inbox.to(email)[-1]
    assert mail["Subject"] == "Reset your OCMS password"
    token = inbox.link_token(email)
    assert "http://ocms.test/reset-password?token=" in mail.get_payload(decode=True).decode()

    weak = await api.http.post(
        "/password-reset/confirm", json={"token": token, "new_password": "tooshort"}
    )
    assert weak.status_code == 422
    confirmed = await api.http.post(
        "/password-reset/confirm", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert confirmed.status_code == 204, confirmed.text
    assert (await api.login(email, NEW_PASSWORD)).status_code == 201
    assert (await api.exchange(signed_in.session_id)).status_code == 401  # sessions revoked

    again = await api.http.post(
        "/password-reset/confirm", json={"token": token, "new_password": "Another-one-2026"}
    )
    assert again.status_code == 422
    assert again.json()["error"]["code"] == "invalid_reset_token"
    trail = (await admin.get("/audit", params={"action": "auth.password_reset"})).json()
    assert len(trail["items"]) == 1


async def test_reset_request_answers_the_same_for_an_unknown_email(api: Any, inbox: Any) -> None:
    before = len(inbox.messages)
    unknown = await api.http.post(
        "/password-reset/request", json={"email": f"ghost.{uuid.uuid4().hex[:6]}@example.org"}
    )
    assert unknown.status_code == 202
    assert unknown.content in (b"", b"null")
    assert len(inbox.messages) == before


async def test_an_expired_reset_link_is_refused(
    api: Any, inbox: Any, admin_db: asyncpg.Connection
) -> None:
    admin = await api.new_agency()
    user, email = await api.new_user(admin)
    await api.http.post("/password-reset/request", json={"email": email})
    token = inbox.link_token(email)
    stored = await admin_db.fetch(
        "SELECT secret_hash, expires_at - created_at AS ttl FROM password_tokens"
        " WHERE user_id = $1",
        uuid.UUID(user["id"]),
    )
    assert len(stored) == 1
    assert stored[0]["secret_hash"] != token  # only the hash is kept
    assert stored[0]["ttl"].total_seconds() == 3600
    await admin_db.execute(
        "UPDATE password_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1",
        uuid.UUID(user["id"]),
    )
    expired = await api.http.post(
        "/password-reset/confirm", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert expired.status_code == 422
    assert (await api.login(email, PASSWORD)).status_code == 201


async def test_a_user_created_without_password_is_invited_by_email(api: Any, inbox: Any) -> None:
    admin = await api.new_agency()
    email = f"invited.{uuid.uuid4().hex[:8]}@agency.example.org"
    created = await admin.post(
        "/users",
        json={"email": email, "given_name": "Ines", "family_name": "Vite", "role": "caseworker"},
    )
    assert created.status_code == 201, created.text
    assert inbox.to(email)[-1]["Subject"] == "Your OCMS account"
    # No password yet: nothing signs in.
    assert (await api.login(email, "Anything-at-all-1")).status_code == 401
    chosen = await api.http.post(
        "/password-reset/confirm",
        json={"token": inbox.link_token(email), "new_password": NEW_PASSWORD},
    )
    assert chosen.status_code == 204, chosen.text
    assert (await api.login(email, NEW_PASSWORD)).status_code == 201
