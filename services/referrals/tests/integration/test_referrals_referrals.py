"""The partner directory, referrals through their status loop, events, and the tasks and
referrals service forms ask for (once per request)."""

import json
import uuid
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]

from contracts.sessions import FollowUpRequested
from kit.testing import Actor, Agency

from .conftest import Events

PARTNER = {
    "name": "Riverside Legal Clinic",
    "services_offered": ["Immigration legal advice", "Tenant rights"],
    "contact_name": "Joan Pratt",
    "email": "intake@riverside.example.org",
    "phone": "416-555-0100",
    "languages": ["English", "French", "Arabic"],
    "eligibility": "Low-income residents of the city",
}


async def _partner(manager: Actor, **overrides: Any) -> dict[str, Any]:
    response = await manager.post("/partners", json={**PARTNER, **overrides})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_the_partner_directory(agency: Agency) -> None:
    worker = agency.worker()
    manager = agency.manager()
    refused = await worker.post("/partners", json=PARTNER)
    assert refused.status_code == 403
    partner = await _partner(manager)
    duplicate = await manager.post("/partners", json={**PARTNER, "name": "riverside legal clinic"})
    assert duplicate.status_code == 409
    found = await worker.get("/partners", params={"language": "arabic", "service_offered": "legal"})
    assert [p["id"] for p in found.json()["items"]] == [partner["id"]]
    none = await worker.get("/partners", params={"language": "Spanish"})
    assert none.json()["items"] == []
    other = Agency(agency.http).manager()
    assert (await other.get(f"/partners/{partner['id']}")).status_code == 404
    assert (await other.get("/partners")).json()["items"] == []


async def test_an_external_referral_through_its_status_loop(
    agency: Agency, admin_db: asyncpg.Connection
) -> None:
    worker = agency.worker()
    partner = await _partner(agency.manager(), name=f"Clinic {uuid.uuid4().hex[:6]}")
    created = await worker.post(
        "/referrals",
        json={
            "client_id": str(uuid.uuid4()),
            "kind": "external",
            "partner_id": partner["id"],
            "need": "Legal advice on sponsorship",
            "follow_up_on": "2026-12-10",
        },
    )
    assert created.status_code == 201, created.text
    referral = created.json()
    assert referral["status"] == "sent"
    assert referral["partner_name"] == partner["name"]
    path = f"/referrals/{referral['id']}"

    early = await worker.post(f"{path}/status", json={"status": "service_started"})
    assert early.status_code == 409
    assert early.json()["error"]["message"] == (
        "the referral is sent; it cannot become service_started"
    )
    for status in ("accepted", "service_started"):
        moved = await worker.post(f"{path}/status", json={"status": status})
        assert moved.status_code == 200, moved.text
    no_outcome = await worker.post(f"{path}/status", json={"status": "completed"})
    assert no_outcome.status_code == 422
    done = await worker.post(
        f"{path}/status", json={"status": "completed", "outcome": "Sponsorship filed"}
    )
    assert done.status_code == 200
    final = done.json()
    assert final["outcome"] == "Sponsorship filed"
    assert [(h["from_status"], h["to_status"]) for h in final["history"]] == [
        (None, "sent"),
        ("sent", "accepted"),
        ("accepted", "service_started"),
        ("service_started", "completed"),
    ]
    closed = await worker.post(f"{path}/status", json={"status": "closed", "outcome": "x"})
    assert closed.status_code == 409
    assert "is completed" in closed.json()["error"]["message"]

    rows = await admin_db.fetch(
        "SELECT routing_key, payload FROM outbox WHERE payload->'referral'->>'id' = $1"
        " ORDER BY seq",
        referral["id"],
    )
    keys = [r["routing_key"] for r in rows]
    assert keys == ["referrals.referral.created.v1"] + ["referrals.referral.updated.v1"] * 3
    last = json.loads(rows[-1]["payload"])
    assert last["referral"]["status"] == "completed"
    assert last["previous_status"] == "service_started"
    assert last["referral"]["version"] == 4


async def test_an_internal_referral_is_seen_by_the_program_it_goes_to(
    agency: Agency, events: Events
) -> None:
    await events.programs(agency)
    amal = agency.worker("settle")
    bao = agency.worker("employ")
    to_own = await amal.post(
        "/referrals",
        json={
            "client_id": str(uuid.uuid4()),
            "kind": "internal",
            "to_program_id": str(agency.settle),
            "need": "x",
        },
    )
    assert to_own.status_code == 422
    unknown = await amal.post(
        "/referrals",
        json={
            "client_id": str(uuid.uuid4()),
            "kind": "internal",
            "to_program_id": str(uuid.uuid4()),
            "need": "x",
        },
    )
    assert unknown.status_code == 422
    created = await amal.post(
        "/referrals",
        json={
            "client_id": str(uuid.uuid4()),
            "kind": "internal",
            "to_program_id": str(agency.employ),
            "need": "Job search support",
        },
    )
    assert created.status_code == 201, created.text
    accepted = await bao.post(
        f"/referrals/{created.json()['id']}/status", json={"status": "accepted"}
    )
    assert accepted.status_code == 200
    mine = await amal.get("/referrals", params={"referred_by": str(amal.id)})
    assert [(r["id"], r["status"]) for r in mine.json()["items"]] == [
        (created.json()["id"], "accepted")
    ]


def _request(agency: Agency, worker: Actor, **fields: Any) -> FollowUpRequested:
    values: dict[str, Any] = {
        "agency_id": agency.id,
        "request_id": uuid.uuid4(),
        "kind": "referral",
        "session_id": uuid.uuid4(),
        "form_id": uuid.uuid4(),
        "form_key": "needs_assessment",
        "client_id": uuid.uuid4(),
        "program_id": agency.settle,
        "requested_by": worker.id,
        "need": "Housing search",
        "referral_kind": "external",
        "partner_name": "Housing Help Centre",
    }
    return FollowUpRequested(**(values | fields))


async def test_a_follow_up_request_creates_one_referral_however_delivered(
    agency: Agency, events: Events, admin_db: asyncpg.Connection
) -> None:
    worker = agency.worker()
    event = _request(agency, worker)
    assert await events.deliver(event)
    assert not await events.deliver(event)  # the same message again: the inbox
    again = event.model_copy(update={"event_id": uuid.uuid4()})
    assert await events.deliver(again)  # republished under a new id: the request id
    count = await admin_db.fetchval(
        "SELECT count(*) FROM referrals WHERE request_id = $1", event.request_id
    )
    assert count == 1
    listed = (await worker.get("/referrals", params={"client_id": str(event.client_id)})).json()
    assert len(listed["items"]) == 1
    referral = listed["items"][0]
    assert referral["partner_name"] == "Housing Help Centre"
    assert referral["request_id"] == str(event.request_id)
    assert referral["form_id"] == str(event.form_id)
    audited = await admin_db.fetch(
        "SELECT action, actor_id FROM audit_log WHERE entity_id = $1", referral["id"]
    )
    assert [(r["action"], r["actor_id"]) for r in audited] == [("referral.created", worker.id)]

    task = _request(agency, worker, kind="task", need="Call back about the lease")
    assert await events.deliver(task)
    assert await events.deliver(task.model_copy(update={"event_id": uuid.uuid4()}))
    tasks = (await worker.get("/tasks", params={"client_id": str(task.client_id)})).json()
    assert [(t["title"], t["assignee_id"]) for t in tasks["items"]] == [
        ("Call back about the lease", str(worker.id))
    ]


async def test_a_requested_referral_to_a_partner_not_in_the_directory_becomes_a_task(
    agency: Agency, events: Events, admin_db: asyncpg.Connection
) -> None:
    """Nothing the worker asked for is lost: the referral they must send by hand."""
    worker = agency.worker()
    unknown = uuid.uuid4()
    event = _request(agency, worker, partner_id=unknown, partner_name=None, note="Urgent")
    assert await events.deliver(event)
    assert await events.deliver(event.model_copy(update={"event_id": uuid.uuid4()}))
    referrals = await admin_db.fetchval(
        "SELECT count(*) FROM referrals WHERE request_id = $1", event.request_id
    )
    assert referrals == 0
    tasks = (await worker.get("/tasks", params={"client_id": str(event.client_id)})).json()
    [task] = tasks["items"]
    assert (task["title"], task["assignee_id"]) == (
        "Send a referral: Housing search",
        str(worker.id),
    )
    assert str(unknown) in task["description"] and task["description"].endswith("Urgent")
    assert task["form_id"] == str(event.form_id)
