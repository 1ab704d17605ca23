"""Agencies, programs and staff: who may do what, in which agency, and what is published."""

import json
import uuid
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import jwt
import pytest

pytestmark = pytest.mark.integration

PASSWORD = "Correct-horse-2026"


async def outbox(admin_db: asyncpg.Connection, routing_key: str, entity_id: str) -> list[Any]:
    rows = await admin_db.fetch(
        "SELECT payload FROM outbox WHERE routing_key = $1 AND payload->>'id' = $2 ORDER BY seq",
        routing_key,
        entity_id,
    )
    return [
        json.loads(r["payload"]) if isinstance(r["payload"], str) else r["payload"] for r in rows
    ]


async def test_admin_creates_a_program_and_a_caseworker(
    api: Any, admin_db: asyncpg.Connection
) -> None:
    admin = await api.new_agency()
    program = await api.new_program(admin)
    assert program["active"] is True
    user, email = await api.new_user(admin, program_ids=[program["id"]])
    assert user["program_ids"] == [program["id"]]
    assert user["role"] == "caseworker"
    assert "password" not in json.dumps(user)

    listed = (await admin.get("/users", params={"program": program["id"]})).json()["items"]
    assert [u["id"] for u in listed] == [user["id"]]
    assert [
        u["id"] for u in (await admin.get("/users", params={"role": "caseworker"})).json()["items"]
    ] == [user["id"]]
    assert (await admin.get(f"/programs/{program['id']}")).json()["code"] == program["code"]

    worker = await api.sign_in(email, PASSWORD)
    me = (await worker.get("/me")).json()
    assert me["email"] == email
    assert me["program_ids"] == [program["id"]]
    assert (await worker.get("/agencies/current")).json()["id"] == admin.agency_id
    assert [p["id"] for p in (await worker.get("/programs")).json()["items"]] == [program["id"]]

    [event] = await outbox(admin_db, "identity.user.updated.v1", user["id"])
    assert event["agency_id"] == admin.agency_id
    assert event["email"] == email
    assert event["program_ids"] == [program["id"]]
    assert event["role"] == "caseworker"
    assert event["active"] is True
    assert await outbox(admin_db, "identity.program.updated.v1", program["id"])


async def test_every_user_change_publishes_the_whole_new_state(
    api: Any, admin_db: asyncpg.Connection
) -> None:
    admin = await api.new_agency()
    first, second = await api.new_program(admin), await api.new_program(admin)
    manager, _ = await api.new_user(admin, "manager")
    user, _ = await api.new_user(admin, program_ids=[first["id"]])

    patched = await admin.patch(
        f"/users/{user['id']}", json={"family_name": "Nguyen", "manager_id": manager["id"]}
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["manager_id"] == manager["id"]
    moved = await admin.put(f"/users/{user['id']}/programs", json={"program_ids": [second["id"]]})
    assert moved.json()["program_ids"] == [second["id"]]
    promoted = await admin.patch(f"/users/{user['id']}", json={"role": "manager"})
    assert promoted.json()["role"] == "manager"
    cleared = await admin.patch(f"/users/{user['id']}", json={"manager_id": None})
    assert cleared.json()["manager_id"] is None
    await admin.post(f"/users/{user['id']}/deactivate")

    events = await outbox(admin_db, "identity.user.updated.v1", user["id"])
    assert [e["family_name"] for e in events] == [
        "Worker",
        "Nguyen",
        "Nguyen",
        "Nguyen",
        "Nguyen",
        "Nguyen",
    ]
    assert events[1]["manager_id"] == manager["id"]
    assert events[2]["program_ids"] == [second["id"]]
    assert events[3]["role"] == "manager"
    assert events[4]["manager_id"] is None
    assert events[5]["active"] is False
    [gone] = await outbox(admin_db, "identity.user.deactivated.v1", user["id"])
    assert gone["active"] is False and gone["email"] == events[0]["email"]

    trail = (await admin.get("/audit", params={"entity_id": user["id"]})).json()["items"]
    assert {"user.role_changed", "user.deactivated", "user.created"} <= {e["action"] for e in trail}
    changed = next(e for e in trail if e["action"] == "user.role_changed")
    assert changed["detail"] == {"old": "caseworker", "new": "manager"}
    assert changed["actor_id"] == admin.id


async def test_program_rename_and_deactivation(api: Any, admin_db: asyncpg.Connection) -> None:
    admin = await api.new_agency()
    program = await api.new_program(admin)
    _, email = await api.new_user(admin, program_ids=[program["id"]])
    renamed = await admin.patch(
        f"/programs/{program['id']}", json={"name": "Youth Services", "active": False}
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == "Youth Services" and renamed.json()["active"] is False
    events = await outbox(admin_db, "identity.program.updated.v1", program["id"])
    assert events[-1]["active"] is False and events[-1]["name"] == "Youth Services"
    # An inactive program no longer counts in tokens, and cannot be given to anyone.
    worker = await api.sign_in(email, PASSWORD)
    assert jwt.decode(worker.token, options={"verify_signature": False})["programs"] == []
    refused = await admin.post(
        "/users",
        json={
            "email": f"x.{uuid.uuid4().hex[:6]}@agency.example.org",
            "given_name": "X",
            "family_name": "Y",
            "role": "caseworker",
            "program_ids": [program["id"]],
        },
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"][0]["field"] == "program_ids"


async def test_roles_decide_who_manages_staff(api: Any) -> None:
    admin = await api.new_agency()
    _, worker_email = await api.new_user(admin)
    _, manager_email = await api.new_user(admin, "manager")
    worker = await api.sign_in(worker_email, PASSWORD)
    manager = await api.sign_in(manager_email, PASSWORD)
    new_user = {
        "email": f"n.{uuid.uuid4().hex[:6]}@agency.example.org",
        "given_name": "N",
        "family_name": "U",
        "role": "caseworker",
        "initial_password": PASSWORD,
    }

    assert (await worker.post("/users", json=new_user)).status_code == 403
    assert (await worker.get("/users")).status_code == 403
    assert (await worker.post("/programs", json={"name": "P", "code": "PX"})).status_code == 403
    assert (await worker.get("/audit")).status_code == 403
    assert (await manager.get("/users")).status_code == 200
    assert (await manager.post("/users", json=new_user)).status_code == 403
    assert (await admin.get("/agencies")).status_code == 403
    assert (await admin.post("/keys/rotate")).status_code == 403
    assert (await api.http.get("/me")).status_code == 401
    promote = {**new_user, "role": "platform_admin"}
    refused = await admin.post("/users", json=promote)
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"][0]["field"] == "role"


async def test_another_agency_is_invisible(api: Any) -> None:
    a, b = await api.new_agency(), await api.new_agency()
    program = await api.new_program(a)
    user, _ = await api.new_user(a, program_ids=[program["id"]])

    assert (await b.get(f"/users/{user['id']}")).status_code == 404
    assert (await b.patch(f"/users/{user['id']}", json={"given_name": "Evil"})).status_code == 404
    assert (await b.post(f"/users/{user['id']}/deactivate")).status_code == 404
    assert (
        await b.put(f"/users/{user['id']}/programs", json={"program_ids": []})
    ).status_code == 404
    assert (await b.get(f"/programs/{program['id']}")).status_code == 404
    assert (await b.patch(f"/programs/{program['id']}", json={"active": False})).status_code == 404
    assert user["id"] not in {u["id"] for u in (await b.get("/users")).json()["items"]}
    assert (await b.get("/programs")).json()["items"] == []
    borrowed = await b.post(
        "/users",
        json={
            "email": f"b.{uuid.uuid4().hex[:6]}@agency.example.org",
            "given_name": "B",
            "family_name": "B",
            "role": "caseworker",
            "program_ids": [program["id"]],
            "manager_id": a.id,
        },
    )
    assert borrowed.status_code == 422
    assert (await a.get(f"/users/{user['id']}")).json()["given_name"] == "Sam"


async def test_duplicates_conflict(api: Any) -> None:
    a, b = await api.new_agency(), await api.new_agency()
    program = await api.new_program(a)
    _, email = await api.new_user(a)
    again = await b.post(
        "/users",
        json={"email": email.upper(), "given_name": "D", "family_name": "U", "role": "manager"},
    )
    assert again.status_code == 409
    assert again.json()["error"]["fields"][0]["field"] == "email"
    same_code = await a.post("/programs", json={"name": "Dup", "code": program["code"].lower()})
    assert same_code.status_code == 409
    # Codes are per agency.
    assert (
        await b.post("/programs", json={"name": "Dup", "code": program["code"]})
    ).status_code == 201


async def test_bad_input_names_the_field(api: Any) -> None:
    admin = await api.new_agency()
    bad = await admin.post(
        "/users",
        json={"email": "not-an-email", "given_name": "", "family_name": "F", "role": "chief"},
    )
    assert bad.status_code == 422
    fields = {f["field"] for f in bad.json()["error"]["fields"]}
    assert {"email", "given_name", "role"} <= fields
    weak = await admin.post(
        "/users",
        json={
            "email": f"w.{uuid.uuid4().hex[:6]}@agency.example.org",
            "given_name": "W",
            "family_name": "P",
            "role": "caseworker",
            "initial_password": "123456789012",
        },
    )
    assert weak.status_code == 422
    assert weak.json()["error"]["fields"][0]["field"] == "initial_password"
    assert (await admin.get(f"/users/{uuid.uuid4()}")).status_code == 404
    assert (await admin.get("/users/not-a-uuid")).status_code == 422


async def test_platform_admin_creates_and_lists_agencies(
    api: Any, admin_db: asyncpg.Connection
) -> None:
    platform = await api.platform()
    assert platform.user["role"] == "platform_admin"
    admin = await api.new_agency()
    agencies = (await platform.get("/agencies")).json()["items"]
    codes = {a["code"] for a in agencies}
    assert {"OCMS", "MAPLE"} <= codes
    assert admin.agency_id in {a["id"] for a in agencies}
    [created] = await admin_db.fetch(
        "SELECT payload FROM outbox WHERE routing_key = 'identity.agency.created.v1'"
        " AND payload->>'agency_id' = $1",
        admin.agency_id,
    )
    assert created["payload"]
    dup = await platform.post(
        "/agencies",
        json={
            "name": "Again",
            "code": "MAPLE",
            "admin": {"email": "a@b.example.org", "given_name": "A", "family_name": "B"},
        },
    )
    assert dup.status_code == 409
    # An agency admin sees their own agency only.
    assert (await admin.get("/agencies/current")).json()["id"] == admin.agency_id
