"""Files on a draft service form: files knows the form from its first draft
(`sessions.service.drafted.v1`), with its author, program and privacy, follows each
save and the completion, and a draft event older than what it holds changes nothing."""

import uuid
from datetime import timedelta
from typing import Any

from contracts.sessions import DraftSaved, ServiceRecorded
from files.known.consumers import SUBSCRIPTIONS, on_service_form
from kit.db import Database
from kit.testing import Actor, Agency

from .samples import PDF
from .test_files_attachments import NOW, known_client, session_and_form, upload


def as_draft(body: dict[str, Any], minutes: int, *, private: bool = False) -> dict[str, Any]:
    form = body["form"] | {
        "status": "draft",
        "version": 0,
        "completed_at": None,
        "private": private,
        "updated_at": NOW + timedelta(minutes=minutes),
    }
    return body | {"form": form}


def as_recorded(body: dict[str, Any], minutes: int, *, private: bool = False) -> dict[str, Any]:
    at = NOW + timedelta(minutes=minutes)
    form = body["form"] | {
        "status": "completed",
        "version": 1,
        "completed_at": at,
        "private": private,
        "updated_at": at,
    }
    return body | {"form": form}


async def consume(database: Database, agency: Agency, event: DraftSaved | ServiceRecorded) -> None:
    async with database.transaction(agency_id=agency.id) as db:
        await on_service_form(db, event)


async def sees(actor: Actor, file_id: str) -> bool:
    response = await actor.get(f"/files/{file_id}")
    assert response.status_code in (200, 404), response.text
    return response.status_code == 200


def test_the_worker_consumes_drafts() -> None:
    assert "sessions.service.drafted.v1" in {s.routing_key for s in SUBSCRIPTIONS}


async def test_a_file_on_a_draft_follows_the_form_to_its_completion(
    agency: Agency, database: Database
) -> None:
    amal = agency.worker()
    colleague = agency.worker()  # same program
    manager = agency.manager(amal)
    bao = agency.worker("employ")
    client_id = await known_client(database, agency)
    body = session_and_form(agency, amal, [client_id])
    session_id, form_id = body["session"]["id"], body["form"]["id"]
    path = f"/sessions/{session_id}/forms/{form_id}/files"

    # Not known yet: refused (after the short wait), as any unknown form.
    unknown = await upload(amal, path, "early.pdf", PDF)
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "form_not_found"

    await consume(database, agency, DraftSaved(agency_id=agency.id, **as_draft(body, 0)))
    added = await upload(amal, path, "passport scan.pdf", PDF)
    assert added.status_code == 201, added.text
    file_id = added.json()["id"]
    assert (added.json()["form_id"], added.json()["client_id"]) == (str(form_id), str(client_id))
    assert added.json()["private"] is False
    listed = await amal.get(path)
    assert [(i["id"], i["form_key"]) for i in listed.json()["items"]] == [
        (file_id, "needs_assessment")
    ]
    # A colleague of the program sees and adds files on the draft, like on the form.
    assert await sees(colleague, file_id)
    assert (await upload(colleague, path, "lease.pdf", PDF)).status_code == 201
    assert not await sees(bao, file_id)

    # The author marks the draft private: its files follow.
    await consume(
        database, agency, DraftSaved(agency_id=agency.id, **as_draft(body, 5, private=True))
    )
    assert (await amal.get(f"/files/{file_id}")).json()["private"] is True
    assert not await sees(colleague, file_id)
    assert await sees(manager, file_id)
    assert (await upload(colleague, path, "x.pdf", PDF)).status_code == 404

    # Completed shared again; a draft event older than that, arriving late, changes nothing.
    recorded = as_recorded(body, 10, private=False)
    await consume(database, agency, ServiceRecorded(agency_id=agency.id, **recorded))
    assert await sees(colleague, file_id)
    await consume(
        database, agency, DraftSaved(agency_id=agency.id, **as_draft(body, 7, private=True))
    )
    assert await sees(colleague, file_id)
    assert (await amal.get(f"/files/{file_id}")).json()["private"] is False
    assert len((await amal.get(path)).json()["items"]) == 2


async def test_a_draft_of_another_agency_or_program_is_not_found(
    agency: Agency, database: Database
) -> None:
    amal = agency.worker()
    bao = agency.worker("employ")
    client_id = await known_client(database, agency)
    body = session_and_form(agency, amal, [client_id])
    await consume(database, agency, DraftSaved(agency_id=agency.id, **as_draft(body, 0)))
    path = f"/sessions/{body['session']['id']}/forms/{body['form']['id']}/files"
    assert (await upload(bao, path, "a.pdf", PDF)).status_code == 404
    stranger = Agency(agency.http).worker()
    assert (await upload(stranger, path, "a.pdf", PDF)).status_code == 404
    wrong_session = f"/sessions/{uuid.uuid4()}/forms/{body['form']['id']}/files"
    assert (await upload(amal, wrong_session, "a.pdf", PDF)).status_code == 404
