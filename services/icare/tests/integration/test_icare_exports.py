"""Exports through the API: workbooks per template in upload order in one zip, the
ledger, nothing sent twice, changed records as updates, iCARE's rejected file linked
back, fixes re-sent, and the monthly schedule running once."""

import datetime as dt
import io
import uuid
import zipfile
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from sqlalchemy import text

from contracts.clients import ClientUpdated
from contracts.icare import ExportCompleted, ExportFile
from contracts.sessions import ServiceAmended
from icare.exports.runner import run_queued
from icare.schedule.notify import subscription as export_mails
from icare.schedule.service import run_due
from icare.settings import IcareSettings
from icare.storage import MemoryStore, StorageUnavailable
from kit import mail
from kit.auth import Role
from kit.db import Database
from reference.icare import catalog
from reference.icare.keys import choice_keys, question_key

from .conftest import NEEDS_ASSESSMENT, World, export_now, feed

# IRCC's filled samples (../shared/icare/reference/samples), read-only reference data.
SAMPLES = (
    Path(__file__).parents[4] / ".." / "shared" / "icare" / "reference" / "samples"
).resolve()
HELD = {"processing_details", "update_record_id", "assessment_update_reason_id",
        "client_validation_type_id", "client_validation_id", "client_birth_dt", "postal_cd",
        "start_dttm", "service_language_id"}  # fmt: skip


def complete_answers(template: str) -> dict[str, Any]:
    """A form's answers to every required, unconditional field: its first choice."""
    answers: dict[str, Any] = {}
    for f in catalog.template(template).fields:
        if not f.required or f.conditional is not None or f.id in HELD:
            continue
        if f.values:
            answers[question_key(f.id)] = choice_keys(f.values)[0]
        elif f.kind == "date":
            answers[question_key(f.id)] = "2026-10-21"
        else:
            answers[question_key(f.id)] = "x"
    return answers


def sheet_rows(archive: bytes, name: str) -> list[dict[str, Any]]:
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        book = openpyxl.load_workbook(io.BytesIO(z.read(name)))
    sheet = book.worksheets[0]
    ids = [c.value for c in sheet[2]]
    return [
        {i: v for i, v in zip(ids, row, strict=False) if v not in (None, "")}
        for row in sheet.iter_rows(min_row=4, values_only=True)
        if any(v not in (None, "") for v in row)
    ]


async def export(world: World, period: str = "2026-10") -> dict[str, Any]:
    return await export_now(world, period)


async def test_export_ledger_updates_and_rejections(world: World, store: MemoryStore) -> None:
    amal = await world.worker("Amal", "Haddad")
    first = await world.client(amal, identifier_value="12345678")
    second = await world.client(amal)
    na_first = await world.service(amal, first)
    await world.service(amal, second)
    await world.service(
        amal, first, form_key="information_orientation",
        answers=complete_answers("information_orientation"),
    )  # fmt: skip
    broken = await world.client(amal, address={})  # no postal code: held back
    await world.service(amal, broken)

    done = await export(world)
    assert done["record_count"] == 5
    names = [f["name"] for f in done["files"]]
    assert names == [
        f"{world.code}_2026-10_1-client_profile.xlsx",
        f"{world.code}_2026-10_2-needs_assessment_referrals.xlsx",
        f"{world.code}_2026-10_3-information_orientation.xlsx",
    ]
    assert done["summary"]["client_profile"]["held_back"] == {"not_ready": 1}
    assert done["summary"]["needs_assessment_referrals"]["held_back"] == {"not_ready": 1}
    archive = store.objects[f"icare/{world.id}/{done['id']}.zip"]
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        assert z.namelist() == [*names, "manifest.json"]
    profiles = sheet_rows(archive, names[0])
    mine = next(r for r in profiles if r["client_validation_id"] == "12345678")
    assert mine["phone_no"] == "416-555-0101" and mine["postal_txt"] == "M5V2T6"
    assert mine["client_validation_type_id"] == "FOSS/GCMS Client ID"
    needs = sheet_rows(archive, names[1])
    assert needs[0]["assessment_start_dt"] == "2026-10-20"
    assert needs[0]["assessment_language_id"] == "English"
    assert needs[0]["institution_type_id"] == "Settlement service provider"

    manager = world.actor(Role.MANAGER)
    ledger = (await manager.get("/ledger", params={"export_id": done["id"]})).json()["items"]
    assert sorted((e["file_name"], e["row_number"]) for e in ledger) == [
        (names[0], 4), (names[0], 5), (names[1], 4), (names[1], 5), (names[2], 4),
    ]  # fmt: skip

    # The same month again: nothing new.
    again = await export(world)
    assert again["record_count"] == 0 and again["files"] == []
    assert (await manager.get(f"/exports/{again['id']}/download")).status_code == 409

    # The needs assessment amended: held back until iCARE's id of it is recorded ...
    amended_answers = {**NEEDS_ASSESSMENT, "settlement_plan_ind": "yes"}
    entry = next(e for e in ledger if e["record_id"] == str(na_first))
    session = {
        "id": uuid.uuid4(), "type": "direct_service", "date": dt.date(2026, 10, 20),
        "start_time": dt.time(10), "end_time": dt.time(11), "postal_code": "M5V2T6",
        "delivery_mode": "in_person", "language_of_service": "English", "worker_id": amal,
        "program_id": world.program, "client_ids": [first], "created_at": world.tick(),
    }  # fmt: skip
    await feed(
        world.database,
        ServiceAmended(
            agency_id=world.id,
            session=session,
            form={
                "id": na_first,
                "session_id": session["id"],
                "form_key": "needs_assessment",
                "definition_version": 1,
                "status": "completed",
                "answers": amended_answers,
                "author_id": amal,
                "created_at": world.clock,
                "completed_at": world.clock,
                "version": 2,
            },
            amendment={
                "version": 2,
                "reason": "typo",
                "amended_by": amal,
                "amended_at": world.tick(),
                "changed_fields": ["answers.settlement_plan_ind"],
            },
        ),
    )
    waiting = await export(world)
    assert waiting["record_count"] == 0
    assert waiting["summary"]["needs_assessment_referrals"]["held_back"] == {
        "not_ready": 1, "icare_id_missing": 1,
    }  # fmt: skip
    recorded = await manager.put(f"/ledger/{entry['id']}", json={"icare_record_id": "10387104"})
    assert recorded.status_code == 200 and recorded.json()["status"] == "accepted"
    # ... then sent as an update of iCARE's record.
    update = await export(world)
    assert update["record_count"] == 1
    rows = sheet_rows(
        store.objects[f"icare/{world.id}/{update['id']}.zip"], update["files"][0]["name"]
    )
    assert rows[0]["update_record_id"] == "10387104"
    assert rows[0]["assessment_update_reason_id"] == "Amend record"
    assert rows[0]["settlement_plan_ind"] == "Yes"
    assert (await export(world))["record_count"] == 0

    # iCARE returns the Client Profile file with the first client rejected.
    book = openpyxl.load_workbook(io.BytesIO(_file(archive, names[0])))
    row = 4 + [r["client_validation_id"] for r in profiles].index("12345678")
    book.worksheets[0][f"A{row}"] = (
        "[BUID:1,RID:,ORP:4/5,DTS:2026-11-02 10:00:00][1] (Client) Unable to validate against"
        " database. / (Client) Impossible de valider dans la base de données."
    )
    returned = io.BytesIO()
    book.save(returned)
    imported = await manager.post(
        "/ledger/rejected",
        params={"export_id": done["id"], "file_name": names[0]},
        files={"file": ("rejected.xlsx", returned.getvalue())},
    )
    assert imported.status_code == 200, imported.text
    result = imported.json()
    assert [(r["record_id"], r["matched_by"]) for r in result["linked"]] == [(str(first), "cells")]
    assert result["unlinked"] == [] and result["accepted"] == 1
    assert "Unable to validate" in result["linked"][0]["messages"][0]
    statuses = {
        e["record_id"]: e["status"]
        for e in (await manager.get("/ledger", params={"export_id": done["id"]})).json()["items"]
        if e["template"] == "client_profile"
    }
    assert statuses == {str(first): "rejected", str(second): "accepted"}
    # The readiness report says so, with iCARE's message ...
    report = (
        await manager.get(
            "/readiness",
            params={"funding_agreement_id": str(world.agreement), "period": "2026-10"},
        )
    ).json()
    (flagged,) = [r for r in report["records"] if r["record_id"] == str(first)]
    assert not flagged["ready"]
    assert [p["code"] for p in flagged["problems"]] == ["rejected_by_icare"]
    assert "Unable to validate against database" in flagged["problems"][0]["message"]
    # ... unchanged, it is not sent again; fixed, it is.
    assert (await export(world))["summary"]["client_profile"]["held_back"] == {
        "not_ready": 1, "still_rejected": 1,
    }  # fmt: skip
    fixed = ClientUpdated(
        agency_id=world.id, id=first, kind="named", restricted=False,
        consent={"status": "given"}, identifier_type="FOSS/GCMS Client ID",
        identifier_value="12345679", birth_date=dt.date(1990, 5, 1),
        address={"postal_code": "M5V2T6"}, official_language="English", research_consent="Yes",
        registered_at=world.clock, registered_by=amal, updated_at=world.tick(), version=2,
    )  # fmt: skip
    await feed(world.database, fixed)
    resent = await export(world)
    assert resent["summary"]["client_profile"]["new"] == 1

    link = await manager.get(f"/exports/{done['id']}/download")
    assert link.status_code == 200
    assert link.json()["url"].startswith(f"memory://icare/{world.id}/")
    actions = await _audit_actions(world.database, world.id)
    assert actions.count("icare.export.downloaded") == 1
    assert {"icare.export.created", "icare.ledger.updated", "icare.rejected_imported"} <= set(
        actions
    )


def _file(archive: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        return z.read(name)


async def test_unlinked_rows_and_not_an_icare_file(world: World) -> None:
    manager = world.actor(Role.MANAGER)
    sample = SAMPLES.joinpath("client_profile.xlsx").read_bytes()
    imported = await manager.post("/ledger/rejected", files={"file": ("s.xlsx", sample)})
    assert imported.status_code == 200, imported.text
    assert imported.json()["linked"] == [] and len(imported.json()["unlinked"]) == 7
    junk = await manager.post("/ledger/rejected", files={"file": ("x.xlsx", b"not a workbook")})
    assert junk.status_code == 422
    caseworker = await world.actor(Role.CASEWORKER).post(
        "/exports", json={"funding_agreement_id": str(world.agreement), "period": "2026-10"}
    )
    assert caseworker.status_code == 403


async def test_monthly_schedule_runs_once(
    world: World, database: Database, store: MemoryStore
) -> None:
    amal = await world.worker("Amal", "Haddad")
    await world.service(amal, await world.client(amal))
    admin = world.actor(Role.AGENCY_ADMIN)
    assert (await admin.get("/schedule")).json() == {"day": None, "enabled": False}
    assert (await admin.put("/schedule", json={"day": 5})).json() == {"day": 5, "enabled": True}
    assert (await world.actor(Role.MANAGER).put("/schedule", json={"day": 5})).status_code == 403

    assert await run_due(database, today=dt.date(2026, 11, 4)) == []  # before the day
    runs = [
        r for r in await run_due(database, today=dt.date(2026, 11, 26)) if r.agency_id == world.id
    ]
    assert [r.period for r in runs] == ["2026-10"]
    listed = (await admin.get("/exports", params={"period": "2026-10"})).json()["items"]
    assert [(e["trigger"], e["status"]) for e in listed] == [("scheduled", "queued")]
    # Queued (not built yet) or built, the month's scheduled export is there: not again.
    again = await run_due(database, today=dt.date(2026, 11, 27))
    assert [r for r in again if r.agency_id == world.id] == []
    assert (await run_queued(database, store))[runs[0].export_id] == "completed"
    again = await run_due(database, today=dt.date(2026, 11, 28))
    assert [r for r in again if r.agency_id == world.id] == []
    listed = (await admin.get("/exports", params={"period": "2026-10"})).json()["items"]
    assert [(e["trigger"], e["status"], e["record_count"]) for e in listed] == [
        ("scheduled", "completed", 2)
    ]
    assert "icare.export.created" in await _audit_actions(database, world.id)
    async with database.transaction(agency_id=world.id) as db:
        events = await db.execute(
            text(
                "SELECT payload FROM outbox WHERE routing_key = 'icare.export.completed.v1'"
                " AND payload->>'agency_id' = :agency"
            ),
            {"agency": str(world.id)},
        )
        payloads = [r[0] for r in events]
    assert [(p["trigger"], p["period"], p["record_count"]) for p in payloads] == [
        ("scheduled", "2026-10", 2)
    ]
    assert [f["template"] for f in payloads[0]["files"]] == [
        "client_profile",
        "needs_assessment_referrals",
    ]


async def _audit_actions(database: Database, agency_id: uuid.UUID) -> list[str]:
    async with database.transaction(agency_id=agency_id) as db:
        rows = await db.execute(text("SELECT action FROM audit_log ORDER BY at"))
        return [r[0] for r in rows]


async def test_admins_are_mailed_when_a_scheduled_export_is_ready(
    world: World, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[mail.Mail] = []

    async def capture(settings: object, message: mail.Mail) -> None:
        sent.append(message)

    monkeypatch.setattr(mail, "send", capture)
    await world.worker("Ines", "Moreau", role="agency_admin")
    await world.worker("Amal", "Haddad")
    handler = export_mails(IcareSettings(public_url="https://ocms.example.org")).handler
    files = [
        ExportFile(
            name=f"{world.code}_2026-10_1-client_profile.xlsx", template="client_profile", rows=2
        )
    ]
    for trigger in ("manual", "scheduled"):
        event = ExportCompleted(
            agency_id=world.id, export_id=uuid.uuid4(), funding_agreement_id=world.agreement,
            period="2026-10", trigger=trigger, record_count=2, held_back_count=1, files=files,
        )  # fmt: skip
        async with database.transaction(agency_id=world.id) as db:
            await handler(db, event)
    (message,) = sent
    assert message.to == "ines@example.org"
    assert message.subject == "iCARE export 2026-10 ready"
    assert f"{world.code}_2026-10_1-client_profile.xlsx (2 records)" in message.body
    assert f"https://ocms.example.org/icare/exports/{event.export_id}" in message.body
    assert "1 records were held back" in message.body


class DeadStore(MemoryStore):
    async def put(self, key: str, data: bytes, content_type: str) -> None:
        raise StorageUnavailable("the file store cannot be reached")


async def test_a_failed_build_records_nothing_as_sent_and_the_schedule_tries_again(
    world: World, http: httpx.AsyncClient, database: Database, store: MemoryStore
) -> None:
    amal = await world.worker("Amal", "Haddad")
    await world.service(amal, await world.client(amal))  # needs its zip stored: fails
    quiet = World(http, database, store=store)  # nothing to send: no zip, no store
    await quiet.setup()
    for agency in (world, quiet):
        assert (
            await agency.actor(Role.AGENCY_ADMIN).put("/schedule", json={"day": 2})
        ).status_code == 200
    queued = {r.agency_id: r.export_id for r in await run_due(database, today=dt.date(2026, 11, 3))}
    outcomes = await run_queued(database, DeadStore())
    assert outcomes[queued[world.id]] == "failed"
    assert outcomes[queued[quiet.id]] == "completed"
    admin = world.actor(Role.AGENCY_ADMIN)
    (failed,) = (await admin.get("/exports")).json()["items"]
    assert failed["status"] == "failed" and failed["record_count"] == 0
    assert failed["failure"] == "storage_unavailable: the file store cannot be reached"
    assert (await admin.get("/ledger", params={"export_id": failed["id"]})).json()["items"] == []
    assert (await admin.get(f"/exports/{failed['id']}/download")).status_code == 409
    async with database.transaction(agency_id=world.id) as db:
        events = await db.scalar(
            text(
                "SELECT count(*) FROM outbox WHERE routing_key = 'icare.export.completed.v1'"
                " AND payload->>'agency_id' = :agency"
            ),
            {"agency": str(world.id)},
        )
    assert events == 0
    listed = (await quiet.actor(Role.AGENCY_ADMIN).get("/exports")).json()["items"]
    assert [(e["trigger"], e["status"], e["record_count"]) for e in listed] == [
        ("scheduled", "completed", 0)
    ]
    # The next scheduled run queues the failed month again (the quiet agency's is done).
    again = await run_due(database, today=dt.date(2026, 11, 4))
    (retry,) = [r for r in again if r.agency_id in (world.id, quiet.id)]
    assert retry.agency_id == world.id
    assert (await run_queued(database, store))[retry.export_id] == "completed"
    done = (await admin.get(f"/exports/{retry.export_id}")).json()
    assert done["status"] == "completed" and done["record_count"] == 2
