"""The programs serving a client (`program_ids`): checked against the local program
copies, searched and listed by, merged as a union, carried by events."""

import json
import uuid
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import pytest

from clients.staff.consumers import on_program_updated
from contracts.identity import ProgramUpdated
from kit.db import Database
from kit.testing import Actor, Agency, ScratchDatabase

from .conftest import CONSENT

pytestmark = pytest.mark.integration


async def known_programs(
    scratch: ScratchDatabase, agency: Agency, *, inactive: uuid.UUID | None = None
) -> None:
    """identity's events for the agency's two programs (and one deactivated), as the
    worker would have consumed them."""
    programs = [(agency.settle, "Settlement", "SETTLE", True),
                (agency.employ, "Employment", "EMPLOY", True)]  # fmt: skip
    if inactive is not None:
        programs.append((inactive, "Closed", "CLOSED", False))
    database = Database(scratch.app_url, pool_size=1)
    try:
        async with database.transaction(agency_id=agency.id) as db:
            for program_id, name, code, active in programs:
                event = ProgramUpdated(
                    agency_id=agency.id, id=program_id, name=name, code=code, active=active
                )
                await on_program_updated(db, event)
    finally:
        await database.dispose()


async def register(worker: Actor, given: str, family: str, **fields: Any) -> dict[str, Any]:
    body = {"consent": CONSENT, "given_name": given, "family_name": family, **fields}
    created = await worker.post("/clients", json=body)
    assert created.status_code == 201, created.text
    return dict(created.json())


async def payloads(admin_db: asyncpg.Connection, routing_key: str, client_id: str) -> list[Any]:
    rows = await admin_db.fetch(
        "SELECT payload FROM outbox WHERE routing_key = $1 AND payload->>'id' = $2 ORDER BY seq",
        routing_key,
        client_id,
    )
    return [json.loads(r["payload"]) if isinstance(r["payload"], str) else r["payload"]
            for r in rows]  # fmt: skip


def refused_field(response: Any, code: str) -> None:
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert [f["field"] for f in error["fields"]] == ["program_ids"]
    assert error["code"] == code


async def test_programs_are_set_replaced_cleared_and_published(
    agency: Agency, scratch: ScratchDatabase, admin_db: asyncpg.Connection
) -> None:
    await known_programs(scratch, agency)
    worker = agency.worker()
    plain = await register(worker, "Amal", "Haddad")
    assert plain["program_ids"] == []  # the default on registration

    settle, employ = str(agency.settle), str(agency.employ)
    client = await register(worker, "Nadia", "Karimi", program_ids=[settle, settle])
    assert client["program_ids"] == [settle]  # no repeats
    registered = await payloads(admin_db, "clients.client.registered.v1", client["id"])
    assert registered[0]["program_ids"] == [settle]

    changed = await worker.patch(f"/clients/{client['id']}", json={"program_ids": [employ]})
    assert changed.status_code == 200, changed.text
    assert changed.json()["program_ids"] == [employ]  # replaced whole
    assert (await worker.get(f"/clients/{client['id']}")).json()["program_ids"] == [employ]
    updated = await payloads(admin_db, "clients.client.updated.v1", client["id"])
    assert updated[-1]["program_ids"] == [employ]
    assert updated[-1]["changed_fields"] == ["program_ids"]

    cleared = await worker.patch(f"/clients/{client['id']}", json={"program_ids": None})
    assert cleared.json()["program_ids"] == []
    history = (await worker.get(f"/clients/{client['id']}/history")).json()
    assert "program_ids" in json.dumps(history)

    # Not identifying: kept and shown while consent is withdrawn, and still editable.
    await worker.patch(f"/clients/{client['id']}", json={"program_ids": [settle]})
    withdrawn = await worker.delete(f"/clients/{client['id']}/consent")
    assert withdrawn.json()["restricted"] is True
    assert withdrawn.json()["program_ids"] == [settle]
    again = await worker.patch(f"/clients/{client['id']}", json={"program_ids": [settle, employ]})
    assert again.status_code == 200, again.text


async def test_anonymous_profiles_carry_programs(agency: Agency, scratch: ScratchDatabase) -> None:
    await known_programs(scratch, agency)
    worker = agency.worker()
    created = await worker.post(
        "/clients/anonymous", json={"age_range": "25-34", "program_ids": [str(agency.settle)]}
    )
    assert created.status_code == 201, created.text
    assert created.json()["program_ids"] == [str(agency.settle)]
    changed = await worker.patch(
        f"/clients/{created.json()['id']}", json={"program_ids": [str(agency.employ)]}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["program_ids"] == [str(agency.employ)]


async def test_unknown_other_agency_and_closed_programs_are_refused(
    agency: Agency, scratch: ScratchDatabase
) -> None:
    closed = uuid.uuid4()
    await known_programs(scratch, agency, inactive=closed)
    other = Agency(agency.http)
    await known_programs(scratch, other)
    worker = agency.worker()
    settle = str(agency.settle)

    refused_field(
        await worker.post(
            "/clients",
            json={"consent": CONSENT, "given_name": "Ana", "program_ids": [str(uuid.uuid4())]},
        ),
        "program_not_found",
    )
    client = await register(worker, "Ana", "Lima", program_ids=[settle])
    path = f"/clients/{client['id']}"
    for program_ids in ([settle, str(uuid.uuid4())], [str(other.settle)]):
        refused_field(await worker.patch(path, json={"program_ids": program_ids}),
                      "program_not_found")  # fmt: skip
    refused_field(await worker.patch(path, json={"program_ids": [str(closed)]}), "program_inactive")
    anonymous = await worker.post("/clients/anonymous", json={"program_ids": [str(other.employ)]})
    refused_field(anonymous, "program_not_found")
    not_an_id = await worker.patch(path, json={"program_ids": ["settlement"]})
    assert not_an_id.status_code == 422
    # Nothing changed.
    assert (await worker.get(path)).json()["program_ids"] == [settle]


async def test_search_and_list_by_program(agency: Agency, scratch: ScratchDatabase) -> None:
    await known_programs(scratch, agency)
    worker = agency.worker()
    settle, employ = str(agency.settle), str(agency.employ)
    in_settle = await register(worker, "Farida", "Rahimi", gender="Female", program_ids=[settle])
    in_both = await register(worker, "Farida", "Rahimi", gender="Male",
                             program_ids=[employ, settle])  # fmt: skip
    in_employ = await register(worker, "Farida", "Rahimi", program_ids=[employ])
    await register(worker, "Farida", "Rahimi")

    async def found(**params: Any) -> set[str]:
        response = await worker.get("/clients/search", params=params)
        assert response.status_code == 200, response.text
        return {hit["id"] for hit in response.json()["items"]}

    assert len(await found(q="Farida Rahimi")) == 4
    assert await found(q="Farida Rahimi", program=settle) == {in_settle["id"], in_both["id"]}
    assert await found(q="Farida Rahimi", program=employ) == {in_both["id"], in_employ["id"]}
    # With the other options.
    assert await found(q="Farida Rahimi", program=settle, gender="Female") == {in_settle["id"]}
    assert await found(q="Farida Rahimi", program=str(uuid.uuid4())) == set()
    hits = await worker.get("/clients/search", params={"q": "Farida Rahimi", "program": employ})
    assert all(employ in hit["program_ids"] for hit in hits.json()["items"])
    assert (await worker.get("/clients/search", params={"program": "x"})).status_code == 422

    # The plain list filters by program alone.
    listed = await worker.get("/clients", params={"program": settle})
    assert listed.status_code == 200, listed.text
    items = listed.json()["items"]
    assert {c["id"] for c in items} == {in_settle["id"], in_both["id"]}
    assert all(settle in c["program_ids"] for c in items)
    other = Agency(agency.http).worker()
    assert (await other.get("/clients", params={"program": settle})).json()["items"] == []


async def test_a_merge_keeps_the_programs_of_both(
    agency: Agency, scratch: ScratchDatabase, admin_db: asyncpg.Connection
) -> None:
    await known_programs(scratch, agency)
    worker = agency.worker()
    manager = agency.manager(worker)
    settle, employ = str(agency.settle), str(agency.employ)
    survivor = await register(worker, "Olena", "Kovalenko", program_ids=[settle])
    absorbed = await register(worker, "Olena", "Kovalenko", program_ids=[employ, settle])

    merged = await manager.post(
        f"/clients/{survivor['id']}/merge",
        json={"absorbed_id": absorbed["id"], "reason": "same person"},
    )
    assert merged.status_code == 200, merged.text
    assert merged.json()["program_ids"] == [settle, employ]
    assert (await worker.get(f"/clients/{survivor['id']}")).json()["program_ids"] == [
        settle,
        employ,
    ]
    event = await admin_db.fetchval(
        "SELECT payload FROM outbox WHERE routing_key = 'clients.client.merged.v1'"
        " AND payload->>'merge_id' = $1",
        merged.json()["merge_id"],
    )
    payload = json.loads(event) if isinstance(event, str) else event
    assert payload["survivor"]["program_ids"] == [settle, employ]

    # Undone: each profile has its own programs again.
    undone = await manager.post(
        f"/merges/{merged.json()['merge_id']}/undo", json={"reason": "not the same person"}
    )
    assert undone.status_code == 200, undone.text
    assert (await worker.get(f"/clients/{survivor['id']}")).json()["program_ids"] == [settle]
    assert (await worker.get(f"/clients/{absorbed['id']}")).json()["program_ids"] == [
        employ,
        settle,
    ]

    # A pick still takes one side only.
    one = await register(worker, "Ivan", "Petrenko", program_ids=[settle])
    two = await register(worker, "Ivan", "Petrenko", program_ids=[employ])
    picked = await manager.post(
        f"/clients/{one['id']}/merge",
        json={"absorbed_id": two["id"], "reason": "same", "choices": {"program_ids": "absorbed"}},
    )
    assert picked.status_code == 200, picked.text
    assert picked.json()["program_ids"] == [employ]
    assert picked.json()["provenance"]["program_ids"] == two["id"]
