"""Attachments through the API against a migrated scratch database and an in-memory
store: checks before anything is kept, visibility, audit, events, soft deletion, the
compensation when the metadata does not commit, and the purge and sweep jobs."""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import httpx
import pytest
from sqlalchemy import text

from contracts.clients import ClientMerged, ClientRegistered, ClientUnmerged
from contracts.sessions import ServiceAmended, ServiceRecorded
from files.attachments import jobs
from files.attachments import service as attachments_service
from files.known.consumers import (
    on_client_merged,
    on_client_state,
    on_client_unmerged,
    on_service_form,
)
from files.settings import FilesSettings
from files.storage import object_key
from kit.db import Database
from kit.testing import Actor, Agency

from .conftest import MAX_BYTES, MemoryStore
from .samples import GPS_JPEG, PDF, STRIPPED_JPEG, WINDOWS_EXE

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def profile(client_id: uuid.UUID, version: int = 1) -> dict[str, Any]:
    return {
        "id": client_id,
        "kind": "named",
        "restricted": False,
        "consent": {"status": "given"},
        "registered_at": NOW,
        "registered_by": uuid.uuid4(),
        "updated_at": NOW,
        "version": version,
    }


async def known_client(database: Database, agency: Agency) -> uuid.UUID:
    client_id = uuid.uuid4()
    event = ClientRegistered(agency_id=agency.id, **profile(client_id))
    async with database.transaction(agency_id=agency.id) as db:
        await on_client_state(db, event)
    return client_id


def session_and_form(
    agency: Agency,
    author: Actor,
    client_ids: list[uuid.UUID],
    *,
    private: bool = False,
    program: uuid.UUID | None = None,
) -> dict[str, Any]:
    session_id, form_id = uuid.uuid4(), uuid.uuid4()
    return {
        "session": {
            "id": session_id,
            "type": "direct_service",
            "date": "2026-11-20",
            "start_time": "10:00",
            "end_time": "11:00",
            "delivery_mode": "in_person",
            "language_of_service": "English",
            "worker_id": author.id,
            "program_id": program or agency.settle,
            "client_ids": client_ids,
            "private": private,
            "created_at": NOW,
        },
        "form": {
            "id": form_id,
            "session_id": session_id,
            "form_key": "needs_assessment",
            "definition_version": 1,
            "status": "completed",
            "author_id": author.id,
            "private": private,
            "created_at": NOW,
            "completed_at": NOW,
            "updated_at": NOW,
        },
    }


async def known_form(
    database: Database,
    agency: Agency,
    author: Actor,
    client_ids: list[uuid.UUID],
    **kwargs: Any,
) -> tuple[uuid.UUID, uuid.UUID]:
    body = session_and_form(agency, author, client_ids, **kwargs)
    async with database.transaction(agency_id=agency.id) as db:
        await on_service_form(db, ServiceRecorded(agency_id=agency.id, **body))
    return body["session"]["id"], body["form"]["id"]


def files_of(name: str, data: bytes, content_type: str = "application/octet-stream") -> Any:
    return {"file": (name, data, content_type)}


async def upload(actor: Actor, path: str, name: str, data: bytes, **kwargs: Any) -> httpx.Response:
    return await actor.post(path, files=files_of(name, data), **kwargs)


async def counts(admin_db: asyncpg.Connection, agency: Agency) -> tuple[int, int, int]:
    """(attachment rows, file.added audit entries, added events) of the agency."""
    rows = await admin_db.fetchval(
        "SELECT count(*) FROM attachments WHERE agency_id = $1", agency.id
    )
    audits = await admin_db.fetchval(
        "SELECT count(*) FROM audit_log WHERE agency_id = $1 AND action = 'file.added'",
        agency.id,
    )
    events = await admin_db.fetchval(
        "SELECT count(*) FROM outbox WHERE routing_key = 'files.attachment.added.v1'"
        " AND payload->>'agency_id' = $1",
        str(agency.id),
    )
    return rows, audits, events


def error_fields(response: httpx.Response) -> list[str]:
    return [f["field"] for f in response.json()["error"].get("fields", [])]


# --- upload, list, download on a profile -------------------------------------------------


async def test_profile_round_trip(
    agency: Agency, database: Database, store: MemoryStore, admin_db: asyncpg.Connection
) -> None:
    amal = agency.worker()
    client_id = await known_client(database, agency)
    response = await upload(amal, f"/clients/{client_id}/files", "../../etc/lease.pdf", PDF)
    assert response.status_code == 201, response.text
    added = response.json()
    assert added["name"] == "lease.pdf"
    assert added["client_id"] == str(client_id)
    assert added["form_id"] is None and added["private"] is False
    assert added["added_by"] == str(amal.id)
    assert added["content_type"] == "application/pdf"
    assert added["size"] == len(PDF)

    key = object_key(agency.id, uuid.UUID(added["id"]))
    assert store.blobs[key][0] == PDF
    assert "lease" not in key and str(agency.id) in key
    row = await admin_db.fetchrow("SELECT * FROM attachments WHERE id = $1", uuid.UUID(added["id"]))
    assert row["object_key"] == key and row["sha256"] == added["sha256"]
    assert await counts(admin_db, agency) == (1, 1, 1)
    event = await admin_db.fetchval(
        "SELECT payload FROM outbox WHERE payload->'attachment'->>'id' = $1", added["id"]
    )
    assert json.loads(event)["attachment"]["client_id"] == str(client_id)

    # A colleague of another program sees the profile's files too.
    bao = agency.worker("employ")
    listed = await bao.get(f"/clients/{client_id}/files")
    assert listed.status_code == 200
    assert [i["id"] for i in listed.json()["items"]] == [added["id"]]

    link = await bao.get(f"/files/{added['id']}/download")
    assert link.status_code == 200, link.text
    assert link.json()["url"] == f"memory://{key}?ttl=60&name=lease.pdf"
    assert link.json()["expires_in"] == 60
    shorter = await bao.get(f"/files/{added['id']}/download", params={"expires_in": 5})
    assert shorter.json()["expires_in"] == 5
    longer = await bao.get(f"/files/{added['id']}/download", params={"expires_in": 3600})
    assert longer.json()["expires_in"] == 60
    downloads = await admin_db.fetchval(
        "SELECT count(*) FROM audit_log WHERE action = 'file.downloaded' AND entity_id = $1"
        " AND actor_id = $2",
        added["id"],
        bao.id,
    )
    assert downloads == 3


async def test_images_are_kept_without_their_location(
    agency: Agency, database: Database, store: MemoryStore
) -> None:
    amal = agency.worker()
    client_id = await known_client(database, agency)
    response = await upload(amal, f"/clients/{client_id}/files", "IMG_0042.JPG", GPS_JPEG)
    assert response.status_code == 201, response.text
    body, content_type, _ = store.blobs[object_key(agency.id, uuid.UUID(response.json()["id"]))]
    assert body == STRIPPED_JPEG and b"GPS" not in body
    assert content_type == "image/jpeg"
    assert response.json()["name"] == "IMG_0042.jpg"
    assert response.json()["size"] == len(STRIPPED_JPEG)


# --- refusals: nothing is kept --------------------------------------------------------------


async def test_oversize_is_refused_while_streaming(
    agency: Agency, database: Database, store: MemoryStore, admin_db: asyncpg.Connection
) -> None:
    amal = agency.worker()
    client_id = await known_client(database, agency)
    before = len(store.blobs)
    big = b"%PDF-1.7\n" + b"0" * MAX_BYTES
    declared = await upload(amal, f"/clients/{client_id}/files", "big.pdf", big)
    assert declared.status_code == 413, declared.text
    assert declared.json()["error"]["code"] == "file_too_large"
    assert "64 KB" not in declared.json()["error"]["message"]  # in MB, exactly
    assert error_fields(declared) == ["file"]

    # Chunked, with no length declared: refused as the bytes pass the limit.
    boundary = "ocms-boundary"

    async def body() -> AsyncIterator[bytes]:
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"'
            "\r\nContent-Type: application/pdf\r\n\r\n"
        ).encode()
        for _ in range(MAX_BYTES // 4096 + 2):
            yield b"0" * 4096
        yield f"\r\n--{boundary}--\r\n".encode()

    streamed = await amal.http.post(
        f"/clients/{client_id}/files",
        content=body(),
        headers={
            "Authorization": f"Bearer {json.dumps(amal.principal.to_claims())}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    assert streamed.status_code == 413, streamed.text

    exactly = await upload(amal, f"/clients/{client_id}/files", "fits.pdf", big[:MAX_BYTES])
    assert exactly.status_code == 201, exactly.text
    assert len(store.blobs) == before + 1
    assert (await counts(admin_db, agency))[0] == 1


async def test_a_disguised_executable_is_refused(
    agency: Agency, database: Database, store: MemoryStore, admin_db: asyncpg.Connection
) -> None:
    amal = agency.worker()
    client_id = await known_client(database, agency)
    before = len(store.blobs)
    refused = await upload(amal, f"/clients/{client_id}/files", "invoice.pdf", WINDOWS_EXE)
    assert refused.status_code == 415
    assert error_fields(refused) == ["file"]
    assert "Windows program" in refused.json()["error"]["message"]
    wrong_name = await upload(amal, f"/clients/{client_id}/files", "photo.png", PDF)
    assert wrong_name.status_code == 415
    assert len(store.blobs) == before
    assert await counts(admin_db, agency) == (0, 0, 0)


async def test_malformed_uploads_name_the_field(agency: Agency, database: Database) -> None:
    amal = agency.worker()
    client_id = await known_client(database, agency)
    as_json = await amal.post(f"/clients/{client_id}/files", json={"file": "x"})
    assert as_json.status_code == 422 and error_fields(as_json) == ["file"]
    no_file = await amal.post(f"/clients/{client_id}/files", files={"other": ("a.pdf", PDF)})
    assert no_file.status_code == 422 and error_fields(no_file) == ["file"]


async def test_storage_down_answers_503_and_keeps_nothing(
    agency: Agency, database: Database, store: MemoryStore, admin_db: asyncpg.Connection
) -> None:
    amal = agency.worker()
    client_id = await known_client(database, agency)
    store.down = True
    response = await upload(amal, f"/clients/{client_id}/files", "a.pdf", PDF)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "storage_unavailable"
    assert "nothing was saved" in response.json()["error"]["message"]
    assert await counts(admin_db, agency) == (0, 0, 0)
    # Listing works without the store.
    assert (await amal.get(f"/clients/{client_id}/files")).status_code == 200


async def test_an_object_whose_metadata_does_not_commit_is_removed(
    agency: Agency,
    database: Database,
    store: MemoryStore,
    admin_db: asyncpg.Connection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    amal = agency.worker()
    client_id = await known_client(database, agency)
    before = dict(store.blobs)

    async def broken(*_: Any) -> None:
        raise RuntimeError("the outbox write failed")

    monkeypatch.setattr(attachments_service, "add_event", broken)
    # The in-process transport re-raises what the app answered with a 500.
    with pytest.raises(RuntimeError, match="outbox write failed"):
        await upload(amal, f"/clients/{client_id}/files", "a.pdf", PDF)
    assert store.blobs == before
    assert store.removed and store.removed[-1].startswith(f"files/{agency.id}/")
    assert await counts(admin_db, agency) == (0, 0, 0)


async def test_unknown_clients_and_forms(agency: Agency, database: Database) -> None:
    amal = agency.worker()
    unknown = await upload(amal, f"/clients/{uuid.uuid4()}/files", "a.pdf", PDF)
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "client_not_found"
    form = await upload(amal, f"/sessions/{uuid.uuid4()}/forms/{uuid.uuid4()}/files", "a.pdf", PDF)
    assert form.status_code == 404
    assert form.json()["error"]["code"] == "form_not_found"

    # Another agency's client does not exist here.
    other = Agency(amal.http)
    theirs = await known_client(database, other)
    assert (await upload(amal, f"/clients/{theirs}/files", "a.pdf", PDF)).status_code == 404


async def test_a_client_registered_a_moment_ago_is_waited_for(
    agency: Agency, database: Database
) -> None:
    amal = agency.worker()
    client_id = uuid.uuid4()

    async def arrives_later() -> None:
        await asyncio.sleep(0.2)
        async with database.transaction(agency_id=agency.id) as db:
            await on_client_state(db, ClientRegistered(agency_id=agency.id, **profile(client_id)))

    response, _ = await asyncio.gather(
        upload(amal, f"/clients/{client_id}/files", "a.pdf", PDF), arrives_later()
    )
    assert response.status_code == 201, response.text


# --- forms and their privacy ---------------------------------------------------------------


async def test_files_on_a_form_are_listed_with_the_form_and_the_client(
    agency: Agency, database: Database
) -> None:
    amal = agency.worker()
    client_id = await known_client(database, agency)
    session_id, form_id = await known_form(database, agency, amal, [client_id])
    path = f"/sessions/{session_id}/forms/{form_id}/files"
    added = await upload(amal, path, "assessment.pdf", PDF)
    assert added.status_code == 201, added.text
    assert added.json()["form_id"] == str(form_id)
    assert added.json()["session_id"] == str(session_id)
    assert added.json()["client_id"] == str(client_id)
    on_profile = await upload(amal, f"/clients/{client_id}/files", "id.pdf", PDF)

    with_form = await amal.get(path)
    assert [i["id"] for i in with_form.json()["items"]] == [added.json()["id"]]
    assert with_form.json()["items"][0]["form_key"] == "needs_assessment"
    of_client = await amal.get(f"/clients/{client_id}/files")
    assert {i["id"] for i in of_client.json()["items"]} == {
        added.json()["id"],
        on_profile.json()["id"],
    }
    # The wrong session for the form: not found.
    assert (
        await upload(amal, f"/sessions/{uuid.uuid4()}/forms/{form_id}/files", "a.pdf", PDF)
    ).status_code == 404


async def test_a_group_session_form_names_its_client(agency: Agency, database: Database) -> None:
    amal = agency.worker()
    first, second = await known_client(database, agency), await known_client(database, agency)
    session_id, form_id = await known_form(database, agency, amal, [first, second])
    path = f"/sessions/{session_id}/forms/{form_id}/files"
    unnamed = await upload(amal, path, "a.pdf", PDF)
    assert unnamed.status_code == 422 and error_fields(unnamed) == ["client_id"]
    stranger = await upload(amal, path, "a.pdf", PDF, params={"client_id": str(uuid.uuid4())})
    assert stranger.status_code == 422
    named = await upload(amal, path, "a.pdf", PDF, params={"client_id": str(second)})
    assert named.status_code == 201 and named.json()["client_id"] == str(second)


async def test_a_file_on_a_private_form_is_as_private_as_the_form(
    agency: Agency, database: Database, admin_db: asyncpg.Connection
) -> None:
    amal = agency.worker()
    colleague = agency.worker()  # same program
    manager = agency.manager(amal)
    other_manager = agency.manager()  # manages someone else
    client_id = await known_client(database, agency)
    session_id, form_id = await known_form(database, agency, amal, [client_id], private=True)
    added = await upload(amal, f"/sessions/{session_id}/forms/{form_id}/files", "p.pdf", PDF)
    assert added.status_code == 201, added.text
    assert added.json()["private"] is True
    file_id = added.json()["id"]

    for who, sees in ((amal, True), (manager, True), (colleague, False), (other_manager, False)):
        listed = await who.get(f"/clients/{client_id}/files")
        assert [i["id"] for i in listed.json()["items"]] == ([file_id] if sees else []), who
        assert (await who.get(f"/files/{file_id}/download")).status_code == (200 if sees else 404)
        assert (await who.get(f"/files/{file_id}")).status_code == (200 if sees else 404)
    refused = await colleague.post(
        f"/sessions/{session_id}/forms/{form_id}/files", files=files_of("x.pdf", PDF)
    )
    assert refused.status_code == 404
    not_logged = await admin_db.fetchval(
        "SELECT count(*) FROM audit_log WHERE action = 'file.downloaded' AND entity_id = $1"
        " AND actor_id = $2",
        file_id,
        colleague.id,
    )
    assert not_logged == 0

    # The form made non-private by an amendment: its files follow.
    body = session_and_form(agency, amal, [client_id], private=False)
    body["session"]["id"], body["form"]["id"] = session_id, form_id
    body["form"]["session_id"] = session_id
    body["form"]["updated_at"] = NOW + timedelta(hours=1)
    amendment = {"version": 2, "reason": "r", "amended_by": amal.id, "amended_at": NOW}
    async with database.transaction(agency_id=agency.id) as db:
        await on_service_form(db, ServiceAmended(agency_id=agency.id, amendment=amendment, **body))
    assert (await colleague.get(f"/files/{file_id}/download")).status_code == 200
    assert (await colleague.get(f"/files/{file_id}")).json()["private"] is False


async def test_a_form_of_another_program_is_not_visible(agency: Agency, database: Database) -> None:
    amal = agency.worker()
    bao = agency.worker("employ")
    client_id = await known_client(database, agency)
    session_id, form_id = await known_form(database, agency, amal, [client_id])
    added = await upload(amal, f"/sessions/{session_id}/forms/{form_id}/files", "a.pdf", PDF)
    assert (await bao.get(f"/files/{added.json()['id']}")).status_code == 404
    assert (await bao.get(f"/clients/{client_id}/files")).json()["items"] == []


async def test_another_agency_gets_404(agency: Agency, database: Database) -> None:
    amal = agency.worker()
    client_id = await known_client(database, agency)
    added = await upload(amal, f"/clients/{client_id}/files", "a.pdf", PDF)
    stranger = Agency(amal.http).admin()
    for path in (f"/files/{added.json()['id']}", f"/files/{added.json()['id']}/download"):
        assert (await stranger.get(path)).status_code == 404
    assert (await stranger.request("DELETE", f"/files/{added.json()['id']}")).status_code == 404
    assert (await stranger.get(f"/clients/{client_id}/files")).json()["items"] == []


# --- deletion, merges, jobs ------------------------------------------------------------------


async def test_soft_deletion_is_audited_and_announced(
    agency: Agency, database: Database, store: MemoryStore, admin_db: asyncpg.Connection
) -> None:
    amal = agency.worker()
    colleague = agency.worker()
    client_id = await known_client(database, agency)
    added = (await upload(amal, f"/clients/{client_id}/files", "a.pdf", PDF)).json()
    assert (await colleague.request("DELETE", f"/files/{added['id']}")).status_code == 403
    assert (await amal.request("DELETE", f"/files/{added['id']}")).status_code == 204
    assert (await amal.get(f"/files/{added['id']}/download")).status_code == 404
    assert (await amal.get(f"/clients/{client_id}/files")).json()["items"] == []
    assert (await amal.request("DELETE", f"/files/{added['id']}")).status_code == 404
    row = await admin_db.fetchrow("SELECT * FROM attachments WHERE id = $1", uuid.UUID(added["id"]))
    assert row["deleted_at"] is not None and row["deleted_by"] == amal.id
    assert object_key(agency.id, uuid.UUID(added["id"])) in store.blobs  # until the purge
    assert (
        await admin_db.fetchval(
            "SELECT count(*) FROM audit_log WHERE action = 'file.deleted' AND entity_id = $1",
            added["id"],
        )
        == 1
    )
    assert (
        await admin_db.fetchval(
            "SELECT count(*) FROM outbox WHERE routing_key = 'files.attachment.removed.v1'"
            " AND payload->'attachment'->>'id' = $1",
            added["id"],
        )
        == 1
    )


async def test_files_follow_a_merge_and_its_undoing(agency: Agency, database: Database) -> None:
    amal = agency.worker()
    survivor, absorbed = await known_client(database, agency), await known_client(database, agency)
    added = (await upload(amal, f"/clients/{absorbed}/files", "a.pdf", PDF)).json()
    merge = {"merge_id": uuid.uuid4(), "survivor": profile(survivor, 2)}
    async with database.transaction(agency_id=agency.id) as db:
        await on_client_merged(db, ClientMerged(agency_id=agency.id, absorbed_id=absorbed, **merge))
    listed = await amal.get(f"/clients/{survivor}/files")
    assert [i["id"] for i in listed.json()["items"]] == [added["id"]]
    # A file added to the absorbed profile now lands on the survivor.
    late = await upload(amal, f"/clients/{absorbed}/files", "b.pdf", PDF)
    assert late.json()["client_id"] == str(survivor)

    async with database.transaction(agency_id=agency.id) as db:
        await on_client_unmerged(
            db,
            ClientUnmerged(
                agency_id=agency.id,
                merge_id=merge["merge_id"],
                survivor=profile(survivor, 3),
                restored=profile(absorbed, 3),
            ),
        )
    back = await amal.get(f"/clients/{absorbed}/files")
    assert [i["id"] for i in back.json()["items"]] == [added["id"]]


async def test_purge_removes_what_was_deleted_long_enough_ago(
    agency: Agency,
    database: Database,
    store: MemoryStore,
    settings: FilesSettings,
    admin_db: asyncpg.Connection,
) -> None:
    amal = agency.worker()
    client_id = await known_client(database, agency)
    old = (await upload(amal, f"/clients/{client_id}/files", "old.pdf", PDF)).json()
    recent = (await upload(amal, f"/clients/{client_id}/files", "recent.pdf", PDF)).json()
    kept = (await upload(amal, f"/clients/{client_id}/files", "kept.pdf", PDF)).json()
    for item in (old, recent):
        assert (await amal.request("DELETE", f"/files/{item['id']}")).status_code == 204
    long_ago = datetime.now(UTC) - timedelta(days=settings.files_retention_days + 1)
    await admin_db.execute(
        "UPDATE attachments SET deleted_at = $1 WHERE id = $2", long_ago, uuid.UUID(old["id"])
    )
    await jobs.purge_deleted(database, store, settings)
    remaining = {
        str(r["id"])
        for r in await admin_db.fetch("SELECT id FROM attachments WHERE agency_id = $1", agency.id)
    }
    assert remaining == {recent["id"], kept["id"]}
    assert object_key(agency.id, uuid.UUID(old["id"])) not in store.blobs
    assert object_key(agency.id, uuid.UUID(recent["id"])) in store.blobs
    assert (
        await admin_db.fetchval(
            "SELECT count(*) FROM audit_log WHERE action = 'file.purged' AND entity_id = $1",
            old["id"],
        )
        == 1
    )


async def test_sweeper_removes_old_objects_without_metadata(
    agency: Agency,
    database: Database,
    store: MemoryStore,
    settings: FilesSettings,
) -> None:
    amal = agency.worker()
    client_id = await known_client(database, agency)
    kept = (await upload(amal, f"/clients/{client_id}/files", "kept.pdf", PDF)).json()
    kept_key = object_key(agency.id, uuid.UUID(kept["id"]))
    old_orphan, young_orphan = (object_key(agency.id, uuid.uuid4()) for _ in range(2))
    long_ago = datetime.now(UTC) - timedelta(minutes=settings.files_orphan_grace_minutes + 5)
    store.blobs[old_orphan] = (b"x", "application/pdf", long_ago)
    store.blobs[young_orphan] = (b"x", "application/pdf", datetime.now(UTC))
    body, kind, _ = store.blobs[kept_key]
    store.blobs[kept_key] = (body, kind, long_ago)
    await jobs.sweep_orphans(database, store, settings)
    assert old_orphan not in store.blobs
    assert young_orphan in store.blobs and kept_key in store.blobs


@pytest.fixture(autouse=True)
def _no_leaks(store: MemoryStore) -> Iterator[None]:
    yield
    store.down = False


async def test_row_level_security_backs_the_private_rule(
    agency: Agency, database: Database
) -> None:
    """Even a query that forgot the application's checks sees only what the caller may."""
    amal = agency.worker()
    colleague = agency.worker()
    manager = agency.manager(amal)
    client_id = await known_client(database, agency)
    session_id, form_id = await known_form(database, agency, amal, [client_id], private=True)
    added = await upload(amal, f"/sessions/{session_id}/forms/{form_id}/files", "p.pdf", PDF)
    profile_file = await upload(amal, f"/clients/{client_id}/files", "id.pdf", PDF)
    ids = {uuid.UUID(added.json()["id"]), uuid.UUID(profile_file.json()["id"])}

    async def seen(principal: Any = None, agency_id: uuid.UUID | None = None) -> set[uuid.UUID]:
        async with database.transaction(principal, agency_id=agency_id) as db:
            rows = await db.execute(
                text("SELECT id FROM attachments WHERE id = ANY(:ids)"), {"ids": list(ids)}
            )
            return {r[0] for r in rows}

    assert await seen(amal.principal) == ids
    assert await seen(manager.principal) == ids
    assert await seen(colleague.principal) == {uuid.UUID(profile_file.json()["id"])}
    assert await seen(agency.manager().principal) == {uuid.UUID(profile_file.json()["id"])}
    assert await seen(Agency(amal.http).admin().principal) == set()
    assert await seen() == set()  # no context: nothing
    assert await seen(agency_id=agency.id) == ids  # the worker's jobs: the agency's rows
