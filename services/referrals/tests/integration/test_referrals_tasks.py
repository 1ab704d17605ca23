"""Tasks: create, read, list, update and comment, who sees them, status rules, audit."""

import datetime as dt
import json
import uuid
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]

from contracts.sessions import FollowUpRequested
from kit.testing import Agency

from .conftest import Events


async def test_a_task_lifecycle_with_comments(
    agency: Agency, events: Events, admin_db: asyncpg.Connection
) -> None:
    amal = agency.worker()
    colleague = agency.worker()
    await events.staff(agency, colleague)
    client_id = uuid.uuid4()

    created = await amal.post(
        "/tasks",
        json={
            "client_id": str(client_id),
            "title": "Book the language assessment",
            "assignee_id": str(colleague.id),
            "due_date": "2026-12-01",
            "priority": "high",
        },
    )
    assert created.status_code == 201, created.text
    task = created.json()
    assert task["status"] == "open"
    assert task["program_id"] == str(agency.settle)
    assert task["created_by"] == str(amal.id)

    started = await colleague.patch(f"/tasks/{task['id']}", json={"status": "in_progress"})
    assert started.status_code == 200, started.text
    comment = await colleague.post(
        f"/tasks/{task['id']}/comments", json={"body": "Called the centre, waiting."}
    )
    assert comment.status_code == 201
    done = await amal.patch(f"/tasks/{task['id']}", json={"status": "done"})
    assert done.json()["status"] == "done"
    assert done.json()["completed_at"] is not None

    illegal = await amal.patch(f"/tasks/{task['id']}", json={"status": "in_progress"})
    assert illegal.status_code == 409
    assert illegal.json()["error"]["code"] == "illegal_transition"
    assert "is done" in illegal.json()["error"]["message"]

    read = (await amal.get(f"/tasks/{task['id']}")).json()
    assert [c["body"] for c in read["comments"]] == ["Called the centre, waiting."]
    listed = await amal.get("/tasks", params={"client_id": str(client_id)})
    assert [t["id"] for t in listed.json()["items"]] == [task["id"]]

    actions = [
        r["action"]
        for r in await admin_db.fetch(
            "SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY at", task["id"]
        )
    ]
    assert actions[0] == "task.created"
    assert {"task.updated", "task.commented", "task.viewed"} <= set(actions)


async def test_who_sees_a_task(agency: Agency) -> None:
    amal = agency.worker("settle")
    same_program = agency.worker("settle")
    bao = agency.worker("employ")
    their_manager = agency.manager(amal)
    admin = agency.admin()
    other_agency = Agency(agency.http).worker()

    shared = (
        await amal.post("/tasks", json={"client_id": str(uuid.uuid4()), "title": "Shared"})
    ).json()
    private = (
        await amal.post(
            "/tasks", json={"client_id": str(uuid.uuid4()), "title": "Mine", "private": True}
        )
    ).json()

    for viewer, sees_shared, sees_private in (
        (amal, True, True),
        (same_program, True, False),
        (bao, False, False),
        (their_manager, True, True),
        (admin, True, True),
        (other_agency, False, False),
    ):
        assert (await viewer.get(f"/tasks/{shared['id']}")).status_code == (
            200 if sees_shared else 404
        )
        assert (await viewer.get(f"/tasks/{private['id']}")).status_code == (
            200 if sees_private else 404
        )
    # Row-level security agrees for another agency's worker even without the app's filter.
    listed = await other_agency.get("/tasks")
    assert listed.json()["items"] == []


async def test_an_assignee_is_a_staff_member_of_the_agency(agency: Agency) -> None:
    amal = agency.worker()
    stranger = uuid.uuid4()
    refused = await amal.post(
        "/tasks",
        json={"client_id": str(uuid.uuid4()), "title": "X", "assignee_id": str(stranger)},
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"][0]["field"] == "assignee_id"
    not_mine = await amal.post(
        "/tasks",
        json={"client_id": str(uuid.uuid4()), "title": "X", "program_id": str(agency.employ)},
    )
    assert not_mine.status_code == 422


async def _task_events(admin_db: asyncpg.Connection, task_id: str) -> list[tuple[str, Any]]:
    rows = await admin_db.fetch(
        "SELECT routing_key, payload FROM outbox WHERE payload->'task'->>'id' = $1 ORDER BY seq",
        task_id,
    )
    return [(r["routing_key"], json.loads(r["payload"])) for r in rows]


async def test_every_task_change_publishes_the_whole_task(
    agency: Agency, events: Events, admin_db: asyncpg.Connection
) -> None:
    amal = agency.worker()
    colleague = agency.worker()
    await events.staff(agency, colleague)
    created = await amal.post(
        "/tasks",
        json={
            "client_id": str(uuid.uuid4()),
            "title": "Book the language assessment",
            "description": "Ask for the evening slot",
            "due_date": "2026-12-01",
        },
    )
    task = created.json()
    path = f"/tasks/{task['id']}"
    assert (await amal.patch(path, json={"assignee_id": str(colleague.id)})).status_code == 200
    assert (await amal.patch(path, json={"title": task["title"]})).status_code == 200  # no change
    assert (await colleague.post(f"{path}/comments", json={"body": "Called."})).status_code == 201
    assert (await colleague.patch(path, json={"status": "done"})).status_code == 200
    assert (await colleague.patch(path, json={"status": "open"})).status_code == 200
    assert (await colleague.patch(path, json={"status": "cancelled"})).status_code == 200

    published = await _task_events(admin_db, task["id"])
    assert [key for key, _ in published] == ["referrals.task.created.v1"] + [
        "referrals.task.updated.v1"
    ] * 4
    first = published[0][1]["task"]
    assert first == {
        "id": task["id"],
        "client_id": task["client_id"],
        "form_id": None,
        "session_id": None,
        "request_id": None,
        "assignee_id": str(amal.id),
        "created_by": str(amal.id),
        "program_id": str(agency.settle),
        "due_date": "2026-12-01",
        "priority": "normal",
        "status": "open",
        "private": False,
        "completed_at": None,
        "cancelled_at": None,
        "created_at": first["created_at"],
        "updated_at": first["updated_at"],
        "version": 1,
    }
    # No free text travels: neither the title, the description nor a comment.
    text = json.dumps([payload for _, payload in published])
    for free in ("Book the language", "evening slot", "Called."):
        assert free not in text
    reassigned, done, reopened, cancelled = (p for _, p in published[1:])
    assert reassigned["changed_fields"] == ["assignee_id"]
    assert reassigned["previous_status"] is None
    assert reassigned["task"]["assignee_id"] == str(colleague.id)
    assert done["changed_fields"] == ["status"] and done["previous_status"] == "open"
    assert done["task"]["completed_at"] is not None
    assert reopened["task"]["completed_at"] is None and reopened["task"]["status"] == "open"
    assert cancelled["task"]["cancelled_at"] is not None
    assert [p["task"]["version"] for _, p in published] == [1, 2, 3, 4, 5]
    read = await admin_db.fetchrow("SELECT version FROM tasks WHERE id = $1", uuid.UUID(task["id"]))
    assert read is not None and read["version"] == 5


async def test_a_refused_change_publishes_nothing(
    agency: Agency, admin_db: asyncpg.Connection
) -> None:
    amal = agency.worker()
    task = (await amal.post("/tasks", json={"client_id": str(uuid.uuid4()), "title": "T"})).json()
    assert (await amal.patch(f"/tasks/{task['id']}", json={"status": "done"})).status_code == 200
    refused = await amal.patch(f"/tasks/{task['id']}", json={"status": "in_progress"})
    assert refused.status_code == 409
    unknown = await amal.patch(f"/tasks/{task['id']}", json={"assignee_id": str(uuid.uuid4())})
    assert unknown.status_code == 422
    assert len(await _task_events(admin_db, task["id"])) == 2


async def test_a_task_from_a_follow_up_request_is_published_once(
    agency: Agency, events: Events, admin_db: asyncpg.Connection
) -> None:
    worker = agency.worker()
    request = FollowUpRequested(
        agency_id=agency.id,
        request_id=uuid.uuid4(),
        kind="task",
        session_id=uuid.uuid4(),
        form_id=uuid.uuid4(),
        form_key="needs_assessment",
        client_id=uuid.uuid4(),
        program_id=agency.settle,
        requested_by=worker.id,
        need="Call back about the lease",
        due_date=dt.date(2026, 12, 3),
    )
    assert await events.deliver(request)
    assert await events.deliver(request.model_copy(update={"event_id": uuid.uuid4()}))
    task_id = await admin_db.fetchval(
        "SELECT id FROM tasks WHERE request_id = $1", request.request_id
    )
    published = await _task_events(admin_db, str(task_id))
    assert [key for key, _ in published] == ["referrals.task.created.v1"]
    record = published[0][1]["task"]
    assert record["request_id"] == str(request.request_id)
    assert record["form_id"] == str(request.form_id)
    assert record["session_id"] == str(request.session_id)
    assert record["assignee_id"] == str(worker.id)
    assert record["due_date"] == "2026-12-03"
    assert published[0][1]["agency_id"] == str(agency.id)
