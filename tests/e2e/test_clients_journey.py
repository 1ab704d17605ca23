"""A caseworker's client journey through the gateway, as the browser makes it."""

import asyncio
import time
import uuid

import asyncpg
import pytest

from scripts.stack import StackInfo
from tests.e2e.demo import (
    AGENCY_ADMIN,
)
from tests.e2e.gateway_client import GatewayClient
from tests.e2e.journeys import CLIENTS, CONSENT, new_agency_admin, register, signed_in, uci

pytestmark = pytest.mark.e2e


def _published(stack: StackInfo, client_id: str, routing_key: str, within: float = 20.0) -> bool:
    """Whether the relay published (broker confirmed) the client's event in time."""

    async def check() -> bool:
        url = stack.db_urls["clients"]["owner"].replace("postgresql+asyncpg://", "postgresql://")
        conn = await asyncpg.connect(url)
        try:
            deadline = time.monotonic() + within
            while time.monotonic() < deadline:
                found = await conn.fetchval(
                    "SELECT count(*) FROM outbox WHERE routing_key = $1"
                    " AND payload->>'id' = $2 AND published_at IS NOT NULL",
                    routing_key,
                    client_id,
                )
                if found:
                    return True
                await asyncio.sleep(0.2)
            return False
        finally:
            await conn.close()

    return asyncio.run(check())


def test_register_fill_in_and_find_a_named_client(amal: GatewayClient, stack: StackInfo) -> None:
    client = register(amal, given_name="Olena", family_name="Shevchenko")
    assert client["completeness"]["missing_icare_required"]
    ident = uci()
    saved = amal.patch(
        f"{CLIENTS}/{client['id']}",
        json={
            "identifier_type": "FOSS/GCMS Client ID",
            "identifier_value": ident,
            "birth_date": "1990-09-12",
            "phones": ["(416) 384 0918"],
            "address": {"postal_code": "l4b 2p9", "province": "Ontario", "city": "Markham"},
            "official_language": "English",
            "research_consent": "Yes",
        },
    )
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["phones"] == ["416-384-0918"] and body["address"]["postal_code"] == "L4B2P9"
    assert body["completeness"]["missing_icare_required"] == []
    assert body["completeness"]["percent"] > client["completeness"]["percent"]

    invalid = amal.patch(f"{CLIENTS}/{client['id']}", json={"address": {"province": "Ontari0"}})
    assert invalid.status_code == 422
    assert [f["field"] for f in invalid.json()["error"]["fields"]] == ["address.province"]

    duplicate = amal.post(
        CLIENTS,
        json={"consent": CONSENT, "identifier_type": "FOSS/GCMS Client ID",
              "identifier_value": ident},
    )  # fmt: skip
    assert duplicate.status_code == 409
    assert duplicate.json()["error"]["code"] == "identifier_taken"

    found = amal.get(CLIENTS, params={"phone": "416.384.0918"})
    assert client["id"] in [c["id"] for c in found.json()["items"]]
    assert _published(stack, client["id"], "clients.client.updated.v1")


def test_anonymous_client_converted_then_consent_withdrawn(amal: GatewayClient) -> None:
    anonymous = amal.post(f"{CLIENTS}/anonymous", json={"age_range": "25-34", "postal_area": "M6G"})
    assert anonymous.status_code == 201, anonymous.text
    client_id = anonymous.json()["id"]
    assert amal.patch(f"{CLIENTS}/{client_id}", json={"given_name": "Amira"}).status_code == 422

    converted = amal.post(
        f"{CLIENTS}/{client_id}/convert",
        json={"consent": CONSENT, "profile": {"given_name": "Amira", "family_name": "Haddad"}},
    )
    assert converted.status_code == 200, converted.text
    assert converted.json()["id"] == client_id and converted.json()["kind"] == "named"

    withdrawn = amal.request("DELETE", f"{CLIENTS}/{client_id}/consent")
    assert withdrawn.status_code == 200, withdrawn.text
    read = amal.get(f"{CLIENTS}/{client_id}").json()
    assert read["restricted"] is True and read["given_name"] is None
    history = amal.get(f"{CLIENTS}/{client_id}/history").json()["items"]
    assert [h["action"] for h in history] == ["consent_withdrawn", "converted", "registered"]


def _settlement_colleague(stack: StackInfo) -> GatewayClient:
    """A second caseworker in amal's program, made by the agency admin."""
    admin = signed_in(stack, AGENCY_ADMIN)
    programs = admin.get("/api/identity/programs").json()["items"]
    settle = next(p["id"] for p in programs if p["code"] == "SETTLE")
    email = f"colleague.{uuid.uuid4().hex[:8]}@maple.example.org"
    password = "Colleague-Secret-2026"
    created = admin.post(
        "/api/identity/users",
        json={"email": email, "given_name": "Kofi", "family_name": "Mensah",
              "role": "caseworker", "program_ids": [settle], "initial_password": password},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    admin.close()
    return signed_in(stack, email, password)


def test_private_note_other_agency_and_who_viewed(
    amal: GatewayClient, manager: GatewayClient, stack: StackInfo
) -> None:
    client_id = register(amal, given_name="Hana")["id"]
    note = amal.post(
        f"{CLIENTS}/{client_id}/notes", json={"body": "Disclosed a health issue", "private": True}
    )
    assert note.status_code == 201, note.text
    note_id = note.json()["id"]

    def note_ids(who: GatewayClient) -> list[str]:
        response = who.get(f"{CLIENTS}/{client_id}/notes")
        assert response.status_code == 200, response.text
        return [n["id"] for n in response.json()["items"]]

    assert note_ids(amal) == [note_id]
    assert note_ids(manager) == [note_id]
    colleague = _settlement_colleague(stack)
    assert note_ids(colleague) == []
    colleague.close()

    stranger = new_agency_admin(stack)
    assert stranger.get(f"{CLIENTS}/{client_id}").status_code == 404
    assert stranger.get(f"{CLIENTS}/{client_id}/notes").status_code == 404
    stranger.close()

    assert amal.get(f"{CLIENTS}/{client_id}").status_code == 200
    assert amal.get(f"{CLIENTS}/{client_id}/audit").status_code == 403
    trail = manager.get(f"{CLIENTS}/{client_id}/audit")
    assert trail.status_code == 200, trail.text
    amal_id = amal.get("/api/auth/me").json()["id"]
    viewed = [e for e in trail.json()["items"] if e["action"] == "client.viewed"]
    assert [e["actor_id"] for e in viewed] == [amal_id]
    assert _published(stack, client_id, "clients.client.registered.v1")
