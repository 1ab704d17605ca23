"""Merging two profiles of one person and undoing it, against a real PostgreSQL."""

import json
import uuid
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import pytest

from kit.testing import Actor, Agency

from .conftest import CONSENT, uci

pytestmark = pytest.mark.integration

QUESTIONS = "/questions/client-profile"
IDENTIFIER = "FOSS/GCMS Client ID"
# Columns an undo leaves moving forward (the profile's version and last change).
BOOKKEEPING = {"version", "updated_at", "updated_by"}


async def register(worker: Actor, given: str, family: str, **fields: Any) -> dict[str, Any]:
    body = {"consent": CONSENT, "given_name": given, "family_name": family, **fields}
    created = await worker.post("/clients", json=body)
    assert created.status_code == 201, created.text
    return dict(created.json())


async def row(admin_db: asyncpg.Connection, client_id: str) -> dict[str, Any]:
    found = await admin_db.fetchrow("SELECT * FROM clients WHERE id = $1", uuid.UUID(client_id))
    assert found is not None
    return {k: v for k, v in dict(found).items() if k not in BOOKKEEPING}


async def owned(admin_db: asyncpg.Connection, table: str, client_id: str) -> set[str]:
    rows = await admin_db.fetch(
        f"SELECT id FROM {table} WHERE client_id = $1",  # fixed table names
        uuid.UUID(client_id),
    )
    return {str(r["id"]) for r in rows}


async def keys(admin_db: asyncpg.Connection, client_id: str) -> set[str]:
    """Name keys and phone keys (`phone:<key>`) of the client."""
    rows = await admin_db.fetch(
        "SELECT key FROM client_name_keys WHERE client_id = $1"
        " UNION ALL SELECT 'phone:' || phone_key FROM client_phone_keys WHERE client_id = $1",
        uuid.UUID(client_id),
    )
    return {r["key"] for r in rows}


async def links(admin_db: asyncpg.Connection, *ids: str) -> set[tuple[str, str, str]]:
    rows = await admin_db.fetch(
        "SELECT client_id, related_client_id, relationship FROM family_links"
        " WHERE client_id = ANY($1::uuid[]) OR related_client_id = ANY($1::uuid[])",
        [uuid.UUID(i) for i in ids],
    )
    return {(str(r["client_id"]), str(r["related_client_id"]), r["relationship"]) for r in rows}


async def answers(admin_db: asyncpg.Connection, client_id: str) -> Any:
    found = await admin_db.fetchval(
        "SELECT answers FROM client_answers WHERE client_id = $1", uuid.UUID(client_id)
    )
    return json.loads(found) if isinstance(found, str) else found


async def events(admin_db: asyncpg.Connection, routing_key: str, merge_id: str) -> list[Any]:
    rows = await admin_db.fetch(
        "SELECT payload FROM outbox WHERE routing_key = $1 AND payload->>'merge_id' = $2",
        routing_key,
        merge_id,
    )
    return [json.loads(r["payload"]) if isinstance(r["payload"], str) else r["payload"]
            for r in rows]  # fmt: skip


async def test_merge_moves_everything_to_the_survivor_and_undo_puts_it_back(
    agency: Agency, admin_db: asyncpg.Connection
) -> None:
    worker = agency.worker("settle")
    other_worker = agency.worker("employ")
    manager = agency.manager(worker)
    admin = agency.admin()
    defined = await admin.request(
        "PUT",
        QUESTIONS,
        json={"questions": [
            {"key": "source", "type": "text", "label": {"en": "Source"}},
            {"key": "household", "type": "number", "integer": True, "label": {"en": "Size"}},
            {"key": "shelter", "type": "yes_no", "label": {"en": "Shelter"}},
        ]},
    )  # fmt: skip
    assert defined.status_code == 200, defined.text

    ident_a, ident_b = uci(), uci()
    survivor = await register(
        worker, "Olena", "Kovalenko", birth_date="1990-04-02", phones=["416-555-0101"],
        identifier_type=IDENTIFIER, identifier_value=ident_a, address={"city": "Toronto"},
    )  # fmt: skip
    absorbed = await register(
        worker, "Elena", "Kovalenko", birth_date="1990-04-02", phones=["647-555-0199"],
        identifier_type=IDENTIFIER, identifier_value=ident_b, email="olena@example.org",
        country_of_birth="Ukraine",
    )  # fmt: skip
    s_id, a_id = survivor["id"], absorbed["id"]
    child = await register(worker, "Mira", "Kovalenko")
    spouse = await register(worker, "Taras", "Kovalenko")
    for who, other, relation in ((s_id, a_id, "sibling"), (a_id, child["id"], "child"),
                                 (a_id, spouse["id"], "spouse"),
                                 (s_id, spouse["id"], "spouse")):  # fmt: skip
        linked = await worker.post(
            f"/clients/{who}/family", json={"client_id": other, "relationship": relation}
        )
        assert linked.status_code == 201, linked.text
    for client_id, values in ((s_id, {"source": "web"}),
                              (a_id, {"source": "friend", "household": 4})):  # fmt: skip
        saved = await worker.patch(f"/clients/{client_id}", json={"answers": {"values": values}})
        assert saved.status_code == 200, saved.text
    notes = []
    for author, body in ((worker, {"body": "Met at intake", "private": True}),
                         (other_worker, {"body": "Job fair",
                                         "program_id": str(agency.employ)})):  # fmt: skip
        note = await author.post(f"/clients/{a_id}/notes", json=body)
        assert note.status_code == 201, note.text
        notes.append(note.json()["id"])
    plan = await worker.post(f"/clients/{a_id}/plans", json={"title": "First year"})
    assert plan.status_code == 201, plan.text

    before = {cid: await row(admin_db, cid) for cid in (s_id, a_id)}
    before_keys = {cid: await keys(admin_db, cid) for cid in (s_id, a_id)}
    before_links = await links(admin_db, s_id, a_id)
    before_answers = {cid: await answers(admin_db, cid) for cid in (s_id, a_id)}
    before_rows = {
        (table, cid): await owned(admin_db, table, cid)
        for table in ("client_notes", "settlement_plans", "client_changes", "client_consents")
        for cid in (s_id, a_id)
    }
    assert before_keys[a_id] and len(before_rows[("client_notes", a_id)]) == 2
    assert any(k.startswith("phone:") for k in before_keys[a_id])

    # Caseworkers may not merge; another agency finds neither profile.
    body = {"absorbed_id": a_id, "reason": "Same person registered twice",
            "choices": {"identifier": "absorbed", "given_name": "survivor",
                        "phones": "absorbed", "answers.source": "absorbed"}}  # fmt: skip
    assert (await worker.post(f"/clients/{s_id}/merge", json=body)).status_code == 403
    stranger = Agency(agency.http).manager()
    assert (await stranger.post(f"/clients/{s_id}/merge", json=body)).status_code == 404

    merged = await manager.post(f"/clients/{s_id}/merge", json=body)
    assert merged.status_code == 200, merged.text
    out = merged.json()
    merge_id = out["merge_id"]
    assert out["identifier_value"] == ident_b  # chosen
    assert out["given_name"] == "Olena"  # chosen: the survivor's
    assert out["phones"] == ["647-555-0199"]  # chosen
    assert out["email"] == "olena@example.org"  # the survivor had none
    assert out["country_of_birth"] == "Ukraine"
    assert out["address"]["city"] == "Toronto"  # the survivor's, by default
    assert out["provenance"]["identifier"] == a_id
    assert out["provenance"]["email"] == a_id
    assert out["provenance"]["given_name"] == s_id
    assert out["provenance"]["address"] == s_id
    assert out["provenance"]["answers.source"] == a_id
    assert out["answers"]["values"] == {"source": "friend", "household": 4}
    assert {f["client_id"]: f["relationship"] for f in out["family"]} == {
        spouse["id"]: "spouse",
        child["id"]: "child",
    }

    shown = (await worker.get(f"/clients/{s_id}")).json()
    assert shown["provenance"] == out["provenance"]
    gone = await worker.get(f"/clients/{a_id}")
    assert gone.status_code == 200
    assert gone.json()["status"] == "merged" and gone.json()["merged_into"] == s_id
    refused = await worker.patch(f"/clients/{a_id}", json={"gender": "Female"})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "client_merged"

    # Every record of the absorbed profile follows the survivor (notes of every program).
    note_ids = {n["id"] for n in (await manager.get(f"/clients/{s_id}/notes")).json()["items"]}
    assert set(notes) <= note_ids
    plans = (await worker.get(f"/clients/{s_id}/plans")).json()["items"]
    assert plan.json()["id"] in {p["id"] for p in plans}
    for table in ("client_notes", "settlement_plans", "client_changes", "client_consents"):
        assert before_rows[(table, a_id)] <= await owned(admin_db, table, s_id)
    assert await owned(admin_db, "client_notes", a_id) == set()
    assert await links(admin_db, a_id) == set()
    assert await keys(admin_db, a_id) == set()

    # Gone from search, lists and duplicate suggestions.
    found = (await worker.get("/clients/search", params={"q": "Elena Kovalenko"})).json()
    assert a_id not in {h["id"] for h in found["items"]}
    assert s_id in {h["id"] for h in found["items"]}
    by_phone = (await worker.get("/clients", params={"phone": "647 555 0199"})).json()
    assert [c["id"] for c in by_phone["items"]] == [s_id]
    duplicates = await worker.post(
        "/clients/duplicates",
        json={"given_name": "Elena", "family_name": "Kovalenko", "birth_date": "1990-04-02"},
    )
    assert [d["id"] for d in duplicates.json()["items"]] == [s_id]

    # Merged profiles cannot be merged again, in either role.
    again = await manager.post(
        f"/clients/{s_id}/merge", json={"absorbed_id": a_id, "reason": "again"}
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_merged"
    into_merged = await manager.post(
        f"/clients/{a_id}/merge", json={"absorbed_id": child["id"], "reason": "again"}
    )
    assert into_merged.status_code == 409

    listed = (await worker.get(f"/clients/{a_id}/merges")).json()["items"]
    assert [m["id"] for m in listed] == [merge_id]
    assert listed[0]["moved"]["notes"] == 2 and listed[0]["moved"]["plans"] == 1

    [merged_event] = await events(admin_db, "clients.client.merged.v1", merge_id)
    assert merged_event["absorbed_id"] == a_id
    assert merged_event["survivor"]["id"] == s_id
    assert merged_event["survivor"]["identifier_value"] == ident_b
    assert merged_event["provenance"]["identifier"] == a_id

    # Undo: caseworkers may not; a manager restores both profiles exactly.
    assert (
        await worker.post(f"/merges/{merge_id}/undo", json={"reason": "Two people"})
    ).status_code == 403
    undone = await manager.post(f"/merges/{merge_id}/undo", json={"reason": "Two people"})
    assert undone.status_code == 200, undone.text
    assert undone.json()["restored"]["status"] == "active"
    assert undone.json()["survivor"]["provenance"] == {}
    for cid in (s_id, a_id):
        assert await row(admin_db, cid) == before[cid]
        assert await keys(admin_db, cid) == before_keys[cid]
        assert await answers(admin_db, cid) == before_answers[cid]
    assert await links(admin_db, s_id, a_id) == before_links
    for (table, cid), ids in before_rows.items():
        # History entries of the merge and its undo are added on both; nothing else moved.
        assert ids <= await owned(admin_db, table, cid)
        if table != "client_changes":
            assert await owned(admin_db, table, cid) == ids
    found = (await worker.get("/clients/search", params={"q": "Elena Kovalenko"})).json()
    assert a_id in {h["id"] for h in found["items"]}

    [unmerged_event] = await events(admin_db, "clients.client.unmerged.v1", merge_id)
    assert unmerged_event["survivor"]["identifier_value"] == ident_a
    assert unmerged_event["restored"]["id"] == a_id
    assert unmerged_event["restored"]["identifier_value"] == ident_b

    twice = await manager.post(f"/merges/{merge_id}/undo", json={"reason": "Two people"})
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "merge_undone"
    history = (await worker.get(f"/clients/{a_id}/history")).json()["items"]
    assert [h["action"] for h in history[:2]] == ["unmerged", "merged_into"]
    audit = await admin_db.fetch(
        "SELECT action, reason FROM audit_log WHERE entity_id = $1"
        " AND action IN ('client.merged', 'client.unmerged') ORDER BY at",
        s_id,
    )
    assert [(a["action"], a["reason"]) for a in audit] == [
        ("client.merged", "Same person registered twice"),
        ("client.unmerged", "Two people"),
    ]


async def test_anonymous_into_named_only(agency: Agency) -> None:
    worker = agency.worker()
    manager = agency.manager()
    named = await register(worker, "Amal", "Haddad")
    anonymous = await worker.post(
        "/clients/anonymous", json={"age_range": "25-34", "gender": "Female"}
    )
    assert anonymous.status_code == 201, anonymous.text
    anon_id = anonymous.json()["id"]

    refused = await manager.post(
        f"/clients/{anon_id}/merge", json={"absorbed_id": named["id"], "reason": "same"}
    )
    assert refused.status_code == 422
    merged = await manager.post(
        f"/clients/{named['id']}/merge", json={"absorbed_id": anon_id, "reason": "same"}
    )
    assert merged.status_code == 200, merged.text
    assert merged.json()["gender"] == "Female"
    assert merged.json()["age_range"] is None  # a named profile has a birth date instead


async def test_invalid_merges_are_refused(agency: Agency) -> None:
    worker = agency.worker()
    manager = agency.manager()
    one = await register(worker, "Ana", "Silva")
    two = await register(worker, "Ana", "Silva")
    itself = await manager.post(
        f"/clients/{one['id']}/merge", json={"absorbed_id": one["id"], "reason": "same"}
    )
    assert itself.status_code == 422
    unknown = await manager.post(
        f"/clients/{one['id']}/merge",
        json={"absorbed_id": two["id"], "reason": "same", "choices": {"shoe_size": "absorbed"}},
    )
    assert unknown.status_code == 422
    missing = await manager.post(
        f"/clients/{one['id']}/merge", json={"absorbed_id": str(uuid.uuid4()), "reason": "x y"}
    )
    assert missing.status_code == 404
    no_merge = await manager.post(f"/merges/{uuid.uuid4()}/undo", json={"reason": "oops"})
    assert no_merge.status_code == 404


async def test_undo_is_refused_once_the_survivor_changed(agency: Agency) -> None:
    worker = agency.worker()
    admin = agency.admin()
    one = await register(worker, "Ana", "Silva")
    two = await register(worker, "Ana", "Silva", gender="Female")
    merged = await admin.post(
        f"/clients/{one['id']}/merge", json={"absorbed_id": two["id"], "reason": "same"}
    )
    assert merged.status_code == 200, merged.text
    changed = await worker.patch(f"/clients/{one['id']}", json={"given_name": "Anna"})
    assert changed.status_code == 200
    undo = await admin.post(
        f"/merges/{merged.json()['merge_id']}/undo", json={"reason": "not the same"}
    )
    assert undo.status_code == 409 and undo.json()["error"]["code"] == "changed_since_merge"


async def test_the_merge_table_forces_row_level_security(admin_db: asyncpg.Connection) -> None:
    found = await admin_db.fetchrow(
        "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = 'client_merges'"
    )
    assert found is not None and found["relrowsecurity"] and found["relforcerowsecurity"]


async def test_an_agency_admin_outside_the_programs_moves_every_note(
    agency: Agency, admin_db: asyncpg.Connection
) -> None:
    """The notes backstop hides program notes from an admin outside the program; a
    merge still moves them all (and an undo moves them back)."""
    worker = agency.worker("employ")
    admin = agency.admin()
    one = await register(worker, "Ana", "Silva")
    two = await register(worker, "Ana", "Silva")
    note = await worker.post(
        f"/clients/{two['id']}/notes", json={"body": "x", "program_id": str(agency.employ)}
    )
    assert note.status_code == 201, note.text
    merged = await admin.post(
        f"/clients/{one['id']}/merge", json={"absorbed_id": two["id"], "reason": "same"}
    )
    assert merged.status_code == 200, merged.text
    assert await owned(admin_db, "client_notes", one["id"]) == {note.json()["id"]}
    undone = await admin.post(
        f"/merges/{merged.json()['merge_id']}/undo", json={"reason": "not the same"}
    )
    assert undone.status_code == 200, undone.text
    assert await owned(admin_db, "client_notes", two["id"]) == {note.json()["id"]}
