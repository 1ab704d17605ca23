"""Merging two profiles of one person through the gateway, and undoing it: a manager
merges (a caseworker may not), the survivor keeps the chosen values with their
provenance, notes and plans follow, the absorbed profile leaves search, the events are
published, and the undo restores both."""

import asyncio
import json
import time
import uuid
from typing import Any

import asyncpg
import pytest

from scripts.stack import StackInfo
from tests.e2e.gateway_client import GatewayClient
from tests.e2e.journeys import CLIENTS, new_agency_admin, register, uci

pytestmark = pytest.mark.e2e

MERGES = "/api/clients/merges"
IDENTIFIER = "FOSS/GCMS Client ID"


def _published(stack: StackInfo, routing_key: str, merge_id: str, within: float = 20.0) -> Any:
    """The merge's event once the relay published it (broker confirmed), else None."""

    async def check() -> Any:
        url = stack.db_urls["clients"]["owner"].replace("postgresql+asyncpg://", "postgresql://")
        conn = await asyncpg.connect(url)
        try:
            deadline = time.monotonic() + within
            while time.monotonic() < deadline:
                payload = await conn.fetchval(
                    "SELECT payload::text FROM outbox WHERE routing_key = $1"
                    " AND payload->>'merge_id' = $2 AND published_at IS NOT NULL",
                    routing_key,
                    merge_id,
                )
                if payload:
                    return json.loads(payload)
                await asyncio.sleep(0.2)
            return None
        finally:
            await conn.close()

    return asyncio.run(check())


def _search(worker: GatewayClient, text: str) -> set[str]:
    found = worker.get(f"{CLIENTS}/search", params={"q": text})
    assert found.status_code == 200, found.text
    return {hit["id"] for hit in found.json()["items"]}


def test_merge_two_profiles_of_one_person_and_undo_it(
    amal: GatewayClient, manager: GatewayClient, stack: StackInfo
) -> None:
    family = f"Bondarenko{uuid.uuid4().hex[:6]}"
    ident_a, ident_b = uci(), uci()
    survivor = register(
        amal, given_name="Olena", family_name=family, birth_date="1991-03-04",
        identifier_type=IDENTIFIER, identifier_value=ident_a, phones=["416-555-0142"],
    )  # fmt: skip
    absorbed = register(
        amal, given_name="Elena", family_name=family, birth_date="1991-03-04",
        identifier_type=IDENTIFIER, identifier_value=ident_b, email="elena@example.org",
    )  # fmt: skip
    s_id, a_id = survivor["id"], absorbed["id"]
    note = amal.post(f"{CLIENTS}/{a_id}/notes", json={"body": "Came with her sister"})
    assert note.status_code == 201, note.text
    plan = amal.post(f"{CLIENTS}/{a_id}/plans", json={"title": "Settle in"})
    assert plan.status_code == 201, plan.text
    assert {s_id, a_id} <= _search(amal, f"Olena {family}")

    body = {
        "absorbed_id": a_id,
        "reason": "Registered twice at two desks",
        "choices": {"identifier": "absorbed"},
    }
    forbidden = amal.post(f"{CLIENTS}/{s_id}/merge", json=body)
    assert forbidden.status_code == 403
    stranger = new_agency_admin(stack)
    assert stranger.post(f"{CLIENTS}/{s_id}/merge", json=body).status_code == 404
    stranger.close()

    merged = manager.post(f"{CLIENTS}/{s_id}/merge", json=body)
    assert merged.status_code == 200, merged.text
    out = merged.json()
    merge_id = out["merge_id"]
    assert out["identifier_value"] == ident_b and out["provenance"]["identifier"] == a_id
    assert out["email"] == "elena@example.org" and out["provenance"]["email"] == a_id
    assert out["phones"] == ["416-555-0142"] and out["provenance"]["phones"] == s_id

    shown = amal.get(f"{CLIENTS}/{s_id}").json()
    assert shown["provenance"] == out["provenance"]
    pointer = amal.get(f"{CLIENTS}/{a_id}")
    assert pointer.status_code == 200
    assert pointer.json()["status"] == "merged" and pointer.json()["merged_into"] == s_id
    notes = amal.get(f"{CLIENTS}/{s_id}/notes").json()["items"]
    assert note.json()["id"] in {n["id"] for n in notes}
    plans = amal.get(f"{CLIENTS}/{s_id}/plans").json()["items"]
    assert plan.json()["id"] in {p["id"] for p in plans}
    found = _search(amal, f"Elena {family}")
    assert s_id in found and a_id not in found

    again = manager.post(f"{CLIENTS}/{s_id}/merge", json=body)
    assert again.status_code == 409
    listed = amal.get(f"{CLIENTS}/{s_id}/merges").json()["items"]
    assert [m["id"] for m in listed] == [merge_id]

    event = _published(stack, "clients.client.merged.v1", merge_id)
    assert event is not None, "clients.client.merged.v1 was not published"
    assert event["absorbed_id"] == a_id and event["survivor"]["id"] == s_id

    assert amal.post(f"{MERGES}/{merge_id}/undo", json={"reason": "Twins"}).status_code == 403
    undone = manager.post(f"{MERGES}/{merge_id}/undo", json={"reason": "Twins, not one"})
    assert undone.status_code == 200, undone.text
    assert undone.json()["survivor"]["identifier_value"] == ident_a
    assert undone.json()["restored"]["identifier_value"] == ident_b
    assert undone.json()["restored"]["status"] == "active"
    assert {n["id"] for n in amal.get(f"{CLIENTS}/{a_id}/notes").json()["items"]} == {
        note.json()["id"]
    }
    assert {s_id, a_id} <= _search(amal, f"Elena {family}")
    twice = manager.post(f"{MERGES}/{merge_id}/undo", json={"reason": "Twins, not one"})
    assert twice.status_code == 409

    event = _published(stack, "clients.client.unmerged.v1", merge_id)
    assert event is not None, "clients.client.unmerged.v1 was not published"
    assert event["restored"]["id"] == a_id
