"""Files through the gateway against SeaweedFS: attachments on a profile and on a service
form (a draft one too, while it is being filled), the checks before anything is kept,
who may fetch what, short-lived links, and an upload while the store is down."""

import asyncio
import io
import struct
import time
import uuid
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
import pytest

from files.attachments.jobs import purge_deleted, sweep_orphans
from files.settings import FilesSettings
from files.storage import MinioStore, object_key
from kit.db import Database
from scripts import stack as process_stack
from scripts.stack import StackInfo
from tests.e2e.demo import AGENCY_ADMIN
from tests.e2e.gateway_client import GatewayClient
from tests.e2e.journeys import new_agency_admin, register, signed_in

pytestmark = pytest.mark.e2e

FILES = "/api/files"
SESSIONS = "/api/sessions/sessions"
MAX_BYTES = 20 * 1024 * 1024  # the files service's default limit

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


_JPEG_HEAD = b"\xff\xd8" + _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
_JPEG_EXIF = _segment(0xE1, b"Exif\x00\x00MM\x00*\x00\x00\x00\x08GPSLatitude 43.6532 N")
_JPEG_BODY = (
    _segment(0xDB, b"\x00" + bytes(range(64)))
    + _segment(0xC0, b"\x08\x00\x01\x00\x01\x01\x01\x11\x00")
    + _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
    + b"\x12\xff\x00\x34\xff\xd9"
)

NEEDS_ASSESSMENT = {
    "preferred_official_language_id": "english",
    "institution_type_id": "settlement_service_provider",
    "assessment_referral_id": "family_friends",
    "intention_canadian_citizen_ind": "yes",
    "support_required_services_required": "no",
    "non_cic_program_needs_services_required": "no",
    "support_received_ind": "no",
    "settlement_plan_ind": "no",
    "assessment_completed_dt": "2026-11-20",
}


def upload(who: GatewayClient, path: str, name: str, data: bytes) -> httpx.Response:
    """Upload, once: files waits briefly itself for a client or form made a moment ago
    (its copies follow clients' and sessions' events), which is what is tested here."""
    return who.post(f"{FILES}{path}", files={"file": (name, data, "application/pdf")})


def fetch(url: str) -> httpx.Response:
    """What a browser does with the link: a plain GET, no cookie, no token."""
    return httpx.get(url, timeout=10.0)


def link(who: GatewayClient, file_id: str, **params: Any) -> httpx.Response:
    return who.get(f"{FILES}/files/{file_id}/download", params=params)


def _program(worker: GatewayClient) -> str:
    programs: list[str] = worker.get("/api/identity/me").json()["program_ids"]
    assert len(programs) == 1
    return programs[0]


def _completed_form(
    worker: GatewayClient, client_id: str, *, private: bool = False, draft: bool = False
) -> tuple[str, str]:
    """A session of the client with a needs assessment: completed, or a draft with
    none of its answers yet."""
    session = worker.post(
        SESSIONS,
        json={
            "type": "direct_service",
            "date": "2026-11-20",
            "start_time": "10:00",
            "end_time": "11:00",
            "delivery_mode": "in_person",
            "language_of_service": "English",
            "program_id": _program(worker),
            "client_ids": [client_id],
            "private": private,
        },
    )
    assert session.status_code == 201, session.text
    session_id = session.json()["id"]
    form = worker.post(
        f"{SESSIONS}/{session_id}/forms",
        json={"form_key": "needs_assessment", "answers": {} if draft else NEEDS_ASSESSMENT,
              "draft": draft},
    )  # fmt: skip
    assert form.status_code == 201, form.text
    return session_id, form.json()["id"]


def _settlement_colleague(stack: StackInfo) -> GatewayClient:
    """A second caseworker in amal's program, made by the agency admin."""
    admin = signed_in(stack, AGENCY_ADMIN)
    programs = admin.get("/api/identity/programs").json()["items"]
    settle = next(p["id"] for p in programs if p["code"] == "SETTLE")
    email = f"files.colleague.{uuid.uuid4().hex[:8]}@maple.example.org"
    password = "Colleague-Secret-2026"
    created = admin.post(
        "/api/identity/users",
        json={"email": email, "given_name": "Kofi", "family_name": "Mensah",
              "role": "caseworker", "program_ids": [settle], "initial_password": password},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    admin.close()
    return signed_in(stack, email, password)


def _listed(who: GatewayClient, client_id: str) -> list[dict[str, Any]]:
    response = who.get(f"{FILES}/clients/{client_id}/files")
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _rows(stack: StackInfo, agency_id: str, client_id: str) -> tuple[int, int]:
    """(attachment rows, file.added audit entries) of the client, read in the database."""

    async def count() -> tuple[int, int]:
        url = stack.db_urls["files"]["owner"].replace("postgresql+asyncpg://", "postgresql://")
        conn = await asyncpg.connect(url)
        try:
            async with conn.transaction():
                # RLS is forced on the owner too: name the agency.
                await conn.execute("SELECT set_config('app.agency_id', $1, true)", agency_id)
                rows = await conn.fetchval(
                    "SELECT count(*) FROM attachments WHERE client_id = $1", uuid.UUID(client_id)
                )
                audits = await conn.fetchval(
                    "SELECT count(*) FROM audit_log WHERE action = 'file.added'"
                    " AND detail->>'client_id' = $1",
                    client_id,
                )
            return int(rows), int(audits)
        finally:
            await conn.close()

    return asyncio.run(count())


# --- a profile ------------------------------------------------------------------------------


def test_profile_round_trip_with_a_cleaned_name(
    amal: GatewayClient, manager: GatewayClient
) -> None:
    client_id = register(amal, given_name="Yusuf")["id"]
    added = upload(amal, f"/clients/{client_id}/files", "../../etc/passwd.pdf", PDF)
    assert added.status_code == 201, added.text
    body = added.json()
    assert body["name"] == "passwd.pdf"
    assert body["client_id"] == str(client_id) and body["form_id"] is None

    me = amal.get("/api/identity/me").json()
    listed = _listed(manager, client_id)
    assert [(i["id"], i["name"], i["added_by"]) for i in listed] == [
        (body["id"], "passwd.pdf", me["id"])
    ]
    assert listed[0]["added_at"] == body["added_at"]

    issued = link(manager, body["id"])
    assert issued.status_code == 200, issued.text
    assert issued.json()["expires_in"] == 60
    got = fetch(issued.json()["url"])
    assert got.status_code == 200
    assert got.content == PDF
    assert "passwd.pdf" in got.headers.get("content-disposition", "")


def test_photos_lose_their_location(amal: GatewayClient) -> None:
    client_id = register(amal, given_name="Mariam")["id"]
    added = upload(
        amal, f"/clients/{client_id}/files", "IMG_2041.JPG", _JPEG_HEAD + _JPEG_EXIF + _JPEG_BODY
    )
    assert added.status_code == 201, added.text
    assert added.json()["content_type"] == "image/jpeg"
    got = fetch(link(amal, added.json()["id"]).json()["url"])
    assert got.status_code == 200
    assert got.content == _JPEG_HEAD + _JPEG_BODY
    assert b"GPS" not in got.content


# --- a service form -------------------------------------------------------------------------


def test_form_round_trip_listed_with_the_form_and_the_client(amal: GatewayClient) -> None:
    client_id = register(amal, given_name="Tariq")["id"]
    session_id, form_id = _completed_form(amal, client_id)
    form_files = f"/sessions/{session_id}/forms/{form_id}/files"
    added = upload(amal, form_files, "assessment notes.pdf", PDF)
    assert added.status_code == 201, added.text
    assert added.json()["form_id"] == form_id and added.json()["session_id"] == session_id
    on_profile = upload(amal, f"/clients/{client_id}/files", "permit.pdf", PDF)
    assert on_profile.status_code == 201, on_profile.text

    with_form = amal.get(f"{FILES}{form_files}")
    assert with_form.status_code == 200, with_form.text
    assert [i["id"] for i in with_form.json()["items"]] == [added.json()["id"]]
    assert with_form.json()["items"][0]["form_key"] == "needs_assessment"
    everything = {i["id"] for i in _listed(amal, client_id)}
    assert everything == {added.json()["id"], on_profile.json()["id"]}

    got = fetch(link(amal, added.json()["id"]).json()["url"])
    assert got.status_code == 200 and got.content == PDF


def test_a_file_on_a_draft_form_stays_with_the_form_once_completed(
    amal: GatewayClient, bao: GatewayClient, stack: StackInfo
) -> None:
    """A caseworker attaches a file while filling a form (a draft: sessions publishes
    it, files learns the form from that), then completes the form."""
    client_id = register(amal, given_name="Hana")["id"]
    session_id, form_id = _completed_form(amal, client_id, draft=True)
    form_files = f"/sessions/{session_id}/forms/{form_id}/files"
    added = upload(amal, form_files, "residence permit.pdf", PDF)
    assert added.status_code == 201, added.text
    file_id = added.json()["id"]
    assert (added.json()["form_id"], added.json()["client_id"]) == (form_id, client_id)
    assert added.json()["private"] is False
    # A colleague of the program sees it (as the draft); another program does not.
    colleague = _settlement_colleague(stack)
    try:
        assert colleague.get(f"{FILES}/files/{file_id}").status_code == 200
    finally:
        colleague.close()
    assert bao.get(f"{FILES}/files/{file_id}").status_code == 404

    form = f"{SESSIONS}/{session_id}/forms/{form_id}"
    done = amal.patch(form, json={"answers": NEEDS_ASSESSMENT, "draft": False})
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "completed"
    second = upload(amal, form_files, "signed plan.pdf", PDF)
    assert second.status_code == 201, second.text
    listed = amal.get(f"{FILES}{form_files}").json()["items"]
    assert {i["id"] for i in listed} == {file_id, second.json()["id"]}
    assert {i["form_key"] for i in listed} == {"needs_assessment"}
    got = fetch(link(amal, file_id).json()["url"])
    assert got.status_code == 200 and got.content == PDF


def test_a_private_form_file_is_for_its_author_and_their_manager(
    amal: GatewayClient, manager: GatewayClient, stack: StackInfo
) -> None:
    client_id = register(amal, given_name="Leila")["id"]
    session_id, form_id = _completed_form(amal, client_id, private=True)
    added = upload(amal, f"/sessions/{session_id}/forms/{form_id}/files", "private.pdf", PDF)
    assert added.status_code == 201, added.text
    file_id = added.json()["id"]
    assert added.json()["private"] is True

    colleague = _settlement_colleague(stack)
    try:
        assert link(colleague, file_id).status_code == 404
        assert colleague.get(f"{FILES}/files/{file_id}").status_code == 404
        assert _listed(colleague, client_id) == []
    finally:
        colleague.close()
    issued = link(manager, file_id)
    assert issued.status_code == 200, issued.text
    assert fetch(issued.json()["url"]).content == PDF
    assert [i["id"] for i in _listed(manager, client_id)] == [file_id]


# --- refusals -------------------------------------------------------------------------------


def test_oversize_and_disguised_executables_are_refused(amal: GatewayClient) -> None:
    client_id = register(amal, given_name="Omar")["id"]
    big = b"%PDF-1.7\n" + b"0" * MAX_BYTES
    too_large = upload(amal, f"/clients/{client_id}/files", "scan.pdf", big)
    assert too_large.status_code == 413, too_large.text
    assert too_large.json()["error"]["code"] == "file_too_large"
    assert "20 MB" in too_large.json()["error"]["message"]

    disguised = upload(amal, f"/clients/{client_id}/files", "invoice.pdf", WINDOWS_EXE)
    assert disguised.status_code == 415, disguised.text
    assert [f["field"] for f in disguised.json()["error"]["fields"]] == ["file"]
    assert "Windows program" in disguised.json()["error"]["message"]
    assert _listed(amal, client_id) == []


def test_another_agency_gets_404(amal: GatewayClient, stack: StackInfo) -> None:
    client_id = register(amal, given_name="Sami")["id"]
    added = upload(amal, f"/clients/{client_id}/files", "lease.pdf", PDF)
    assert added.status_code == 201, added.text
    stranger = new_agency_admin(stack)
    try:
        file_id = added.json()["id"]
        assert stranger.get(f"{FILES}/files/{file_id}").status_code == 404
        assert link(stranger, file_id).status_code == 404
        assert stranger.request("DELETE", f"{FILES}/files/{file_id}").status_code == 404
        assert _listed(stranger, client_id) == []
        assert upload(stranger, f"/clients/{client_id}/files", "x.pdf", PDF).status_code == 404
    finally:
        stranger.close()


def test_an_expired_link_is_refused(amal: GatewayClient) -> None:
    client_id = register(amal, given_name="Ines")["id"]
    added = upload(amal, f"/clients/{client_id}/files", "short.pdf", PDF)
    assert added.status_code == 201, added.text
    issued = link(amal, added.json()["id"], expires_in=1)
    assert issued.json()["expires_in"] == 1
    time.sleep(3)
    expired = fetch(issued.json()["url"])
    assert expired.status_code == 403
    assert PDF not in expired.content
    # A tampered link (a longer expiry than was signed) is refused too.
    fresh = link(amal, added.json()["id"]).json()["url"]
    assert fetch(fresh.replace("X-Amz-Expires=60", "X-Amz-Expires=600")).status_code == 403


def test_deletion_hides_the_file_and_its_link(amal: GatewayClient, manager: GatewayClient) -> None:
    client_id = register(amal, given_name="Nadia")["id"]
    added = upload(amal, f"/clients/{client_id}/files", "old.pdf", PDF)
    file_id = added.json()["id"]
    assert amal.request("DELETE", f"{FILES}/files/{file_id}").status_code == 204
    assert link(manager, file_id).status_code == 404
    assert _listed(manager, client_id) == []


# --- the worker's jobs against the real store ------------------------------------------------


def test_purge_and_sweep_against_the_store(amal: GatewayClient, stack: StackInfo) -> None:
    """The jobs as the worker runs them (no grace, no retention: every orphan and every
    deleted file goes now), on SeaweedFS and the files database."""
    client_id = register(amal, given_name="Aziz")["id"]
    kept = upload(amal, f"/clients/{client_id}/files", "kept.pdf", PDF).json()
    deleted = upload(amal, f"/clients/{client_id}/files", "deleted.pdf", PDF).json()
    assert amal.request("DELETE", f"{FILES}/files/{deleted['id']}").status_code == 204
    agency_id = uuid.UUID(amal.get("/api/identity/me").json()["agency_id"])
    env = stack.service_env("files")
    settings = FilesSettings(
        s3_endpoint=env["OCMS_S3_ENDPOINT"],
        s3_access_key=env["OCMS_S3_ACCESS_KEY"],
        s3_secret_key=env["OCMS_S3_SECRET_KEY"],
        s3_bucket=env["OCMS_S3_BUCKET"],
        files_retention_days=0,
        files_orphan_grace_minutes=0,
    )
    store = MinioStore(settings)
    orphan = object_key(agency_id, uuid.uuid4())  # as if the commit never happened

    async def run() -> tuple[bool, bool, bool, int]:
        await store.put(orphan, io.BytesIO(PDF), len(PDF), "application/pdf")
        assert agency_id in await store.agencies()
        database = Database(stack.db_urls["files"]["app"], pool_size=1)
        try:
            purged = await purge_deleted(database, store, settings)
            await sweep_orphans(database, store, settings)
        finally:
            await database.dispose()
        return (
            await store.exists(orphan),
            await store.exists(object_key(agency_id, uuid.UUID(deleted["id"]))),
            await store.exists(object_key(agency_id, uuid.UUID(kept["id"]))),
            purged,
        )

    orphan_left, deleted_left, kept_left, purged = asyncio.run(run())
    assert (orphan_left, deleted_left, kept_left) == (False, False, True)
    assert purged >= 1
    assert _rows(stack, str(agency_id), client_id) == (1, 2)  # the audit trail stays
    assert fetch(link(amal, kept["id"]).json()["url"]).content == PDF


# --- the store down -------------------------------------------------------------------------


@pytest.fixture
def store_stopped(stack: StackInfo) -> Iterator[None]:
    """SeaweedFS of this slot stopped for the test, started again afterwards."""
    profile = process_stack.profile_of(stack.profile)
    weed = next(p for p in process_stack.helper_procs(profile) if p.name == "seaweedfs")
    assert process_stack.stop(profile, "seaweedfs")
    try:
        yield
    finally:
        process_stack.start(profile, weed)
        process_stack.wait_ready(profile, [weed], timeout=60)


def test_storage_down_gives_503_and_nothing_half_saved(
    amal: GatewayClient, stack: StackInfo, store_stopped: None
) -> None:
    client_id = register(amal, given_name="Karim")["id"]
    started = time.monotonic()
    response = upload(amal, f"/clients/{client_id}/files", "scan.pdf", PDF)
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "storage_unavailable"
    assert "nothing was saved" in response.json()["error"]["message"]
    assert time.monotonic() - started < 10
    assert _listed(amal, client_id) == []
    agency_id = amal.get("/api/identity/me").json()["agency_id"]
    assert _rows(stack, agency_id, client_id) == (0, 0)


def test_uploads_work_again_once_the_store_is_back(amal: GatewayClient, stack: StackInfo) -> None:
    client_id = register(amal, given_name="Rania")["id"]
    added = upload(amal, f"/clients/{client_id}/files", "back.pdf", PDF)
    assert added.status_code == 201, added.text
    assert fetch(link(amal, added.json()["id"]).json()["url"]).content == PDF
    agency_id = amal.get("/api/identity/me").json()["agency_id"]
    assert _rows(stack, agency_id, client_id) == (1, 1)
