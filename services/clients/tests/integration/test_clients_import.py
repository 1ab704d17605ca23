"""Importing existing clients from a filled template, through the API in-process."""

import csv
import io
import json
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import httpx
import pytest
from openpyxl import load_workbook

from clients.imports import service
from clients.imports.parse import MAX_ROWS
from kit.testing import Actor, Agency

from .conftest import CONSENT, uci

pytestmark = pytest.mark.integration

UCI = "FOSS/GCMS Client ID"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROW_CONSENT = {
    "consent_statement_version": CONSENT["statement_version"],
    "consent_language": CONSENT["language"],
}


def _csv(rows: list[dict[str, str]], *, delimiter: str = ",", bom: bool = False) -> bytes:
    keys = list(dict.fromkeys(k for r in rows for k in r))
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(keys)
    writer.writerows([[r.get(k, "") for k in keys] for r in rows])
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


def _person(**cells: str) -> dict[str, str]:
    return {**ROW_CONSENT, **cells}


async def _import(
    actor: Actor, content: bytes, mode: str, name: str = "clients.csv"
) -> httpx.Response:
    return await actor.post(
        "/clients/import", params={"mode": mode}, files={"file": (name, content, "text/csv")}
    )


async def _count(admin_db: asyncpg.Connection, agency: Agency) -> int:
    return int(await admin_db.fetchval("SELECT count(*) FROM clients WHERE agency_id = $1",
                                       agency.id))  # fmt: skip


async def _audits(admin_db: asyncpg.Connection, agency: Agency) -> list[dict[str, Any]]:
    rows = await admin_db.fetch(
        "SELECT detail FROM audit_log WHERE agency_id = $1 AND action = 'clients.imported'"
        " ORDER BY at",
        agency.id,
    )
    return [json.loads(r["detail"]) if isinstance(r["detail"], str) else r["detail"] for r in rows]


def _statuses(report: dict[str, Any]) -> dict[int, str]:
    return {item["row"]: item["status"] for item in report["items"]}


async def test_csv_template_round_trip_imports_through_the_registration(
    agency: Agency, admin_db: asyncpg.Connection
) -> None:
    worker = agency.worker()
    template = await worker.get("/clients/import/template", params={"format": "csv"})
    assert template.status_code == 200, template.text
    assert template.headers["content-type"].startswith("text/csv")
    assert "attachment" in template.headers["content-disposition"]
    keys = next(csv.reader(io.StringIO(template.content.decode("utf-8-sig"))))
    ident = uci()
    filled = {
        "consent_statement_version": "2026-01", "consent_language": "English",
        "identifier_type": UCI, "identifier_value": ident, "given_name": "Olena",
        "family_name": "Shevchenko", "birth_date": "1988-04-02", "phones": "(416) 555 0199",
        "address_province": "Ontario", "address_postal_code": "m6g 3a4",
        "other_languages": "Ukrainian; Russian", "arrival_date": "2022-05-01",
    }  # fmt: skip
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(keys)
    writer.writerow([filled.get(k, "") for k in keys])
    writer.writerow([{"given_name": "Petro", **ROW_CONSENT}.get(k, "") for k in keys])
    response = await _import(worker, out.getvalue().encode("utf-8-sig"), "all_or_nothing")
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["format"], report["rows"], report["imported"]) == ("csv", 2, 2)
    assert _statuses(report) == {2: "valid", 3: "valid"}
    client_id = report["items"][0]["client_id"]

    profile = (await worker.get(f"/clients/{client_id}")).json()
    assert profile["identifier_value"] == ident and profile["phones"] == ["416-555-0199"]
    assert profile["address"]["postal_code"] == "M6G3A4"
    assert profile["consent"]["status"] == "given"
    assert profile["consent"]["given_by"] == str(worker.id)
    assert profile["other_languages"] == ["Ukrainian", "Russian"]
    events = await admin_db.fetch(
        "SELECT routing_key FROM outbox WHERE payload->>'agency_id' = $1", str(agency.id)
    )
    assert [e["routing_key"] for e in events] == ["clients.client.registered.v1"] * 2
    audits = await _audits(admin_db, agency)
    assert len(audits) == 1
    assert {k: audits[0][k] for k in ("mode", "rows", "valid", "rejected", "imported")} == {
        "mode": "all_or_nothing", "rows": 2, "valid": 2, "rejected": 0, "imported": 2
    }  # fmt: skip


async def test_xlsx_template_round_trip(agency: Agency, admin_db: asyncpg.Connection) -> None:
    worker = agency.worker()
    template = await worker.get("/clients/import/template", params={"format": "xlsx"})
    assert template.status_code == 200, template.text
    assert template.headers["content-type"] == XLSX
    workbook = load_workbook(io.BytesIO(template.content))
    sheet = workbook.worksheets[0]
    column = {cell.value: cell.column for cell in sheet[1]}
    values = {
        **ROW_CONSENT, "given_name": "Amira", "family_name": "Haddad",
        "birth_date": "1991-07-15", "gender": "Female", "address_province": "Québec",
        "official_language": "French", "has_email": "Yes", "email": "Amira@Example.org",
    }  # fmt: skip
    for key, value in values.items():
        sheet.cell(row=3, column=column[key], value=value)
    sheet.cell(row=4, column=column["given_name"], value="No consent columns filled")
    out = io.BytesIO()
    workbook.save(out)
    response = await _import(worker, out.getvalue(), "valid_only", name="clients.xlsx")
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["format"] == "xlsx"
    assert _statuses(report) == {3: "valid", 4: "rejected"}, report["items"]
    assert {e["field"] for e in report["items"][1]["errors"]} == {
        "consent_statement_version", "consent_language"
    }  # fmt: skip
    assert report["imported"] == 1 and await _count(admin_db, agency) == 1
    profile = (await worker.get(f"/clients/{report['items'][0]['client_id']}")).json()
    assert profile["email"] == "amira@example.org" and profile["address"]["province"] == "Québec"


BAD_ROWS = [
    _person(given_name="Good", family_name="Row", birth_date="1980-01-01"),
    _person(given_name="Bad", birth_date="01/02/1980"),
    _person(given_name="Worse", gender="F", address_province="ON"),
]


async def test_a_file_with_errors_imports_nothing_in_all_or_nothing(
    agency: Agency, admin_db: asyncpg.Connection
) -> None:
    response = await _import(agency.worker(), _csv(BAD_ROWS), "all_or_nothing")
    assert response.status_code == 409, response.text
    body = response.json()
    assert body["error"]["code"] == "import_refused"
    report = body["report"]
    assert _statuses(report) == {2: "valid", 3: "rejected", 4: "rejected"}
    assert report["imported"] == 0 and await _count(admin_db, agency) == 0
    errors = {i["row"]: {e["field"]: e["message"] for e in i["errors"]} for i in report["items"]}
    assert "YYYY-MM-DD" in errors[3]["birth_date"]
    assert set(errors[4]) == {"gender", "address_province"}
    # The attempt is on the trail, with its counts.
    (audit,) = await _audits(admin_db, agency)
    assert audit["refused"] is True and audit["rejected"] == 2 and audit["imported"] == 0


async def test_valid_only_imports_only_the_valid_rows(
    agency: Agency, admin_db: asyncpg.Connection
) -> None:
    response = await _import(agency.worker(), _csv(BAD_ROWS), "valid_only")
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["valid"], report["rejected"], report["imported"]) == (1, 2, 1)
    assert [i["client_id"] is not None for i in report["items"]] == [True, False, False]
    assert await _count(admin_db, agency) == 1


async def test_validate_imports_nothing(agency: Agency, admin_db: asyncpg.Connection) -> None:
    response = await _import(agency.worker(), _csv(BAD_ROWS[:1]), "validate")
    assert response.status_code == 200, response.text
    assert response.json()["valid"] == 1 and response.json()["imported"] == 0
    assert await _count(admin_db, agency) == 0


async def test_duplicates_in_the_file_and_in_the_agency(
    agency: Agency, admin_db: asyncpg.Connection
) -> None:
    worker = agency.worker()
    known, twice, elsewhere = uci(), uci(), uci()
    existing = await worker.post(
        "/clients",
        json={"consent": CONSENT, "identifier_type": UCI, "identifier_value": known,
              "given_name": "Nguyễn", "family_name": "Thị Mai", "birth_date": "1975-03-09"},
    )  # fmt: skip
    assert existing.status_code == 201, existing.text
    other_agency = Agency(agency.http).worker()
    assert (await other_agency.post("/clients", json={
        "consent": CONSENT, "identifier_type": UCI, "identifier_value": elsewhere,
    })).status_code == 201  # fmt: skip
    rows = [
        _person(identifier_type=UCI, identifier_value=known[:4] + " " + known[4:]),  # row 2
        _person(identifier_type=UCI, identifier_value=twice, given_name="A"),  # row 3
        _person(identifier_type=UCI, identifier_value=twice, given_name="B"),  # row 4
        # Same person as the existing client, spelled differently: flagged, not rejected.
        _person(given_name="THI MAI", family_name="Nguyen", birth_date="1975-03-09"),  # row 5
        _person(given_name="Sam", family_name="Lee", birth_date="2001-02-03"),  # row 6
        _person(given_name="Sam", family_name="Lee", birth_date="2001-02-03"),  # row 7
        # Another agency's identifier is no business of this one.
        _person(identifier_type=UCI, identifier_value=elsewhere),  # row 8
    ]
    response = await _import(worker, _csv(rows), "valid_only")
    assert response.status_code == 200, response.text
    report = response.json()
    assert _statuses(report) == {
        2: "rejected", 3: "rejected", 4: "rejected", 5: "duplicate", 6: "duplicate",
        7: "duplicate", 8: "valid",
    }  # fmt: skip
    items = {i["row"]: i for i in report["items"]}
    assert "already has this identifier" in items[2]["errors"][0]["message"]
    assert items[3]["errors"] == [
        {"field": "identifier_value", "message": "the same identifier is also in row 4"}
    ]
    assert items[5]["possible_duplicates"] == [{"client_id": existing.json()["id"], "row": None}]
    assert items[6]["possible_duplicates"] == [{"client_id": None, "row": 7}]
    assert (report["duplicates"], report["rejected"], report["imported"]) == (3, 3, 4)
    assert await _count(admin_db, agency) == 1 + 4
    # The existing client was shown in the report: it is on that client's trail.
    trail = await agency.manager().get(f"/clients/{existing.json()['id']}/audit")
    assert "clients.imported" in [e["action"] for e in trail.json()["items"]]


async def test_semicolon_csv_with_a_bom(agency: Agency, admin_db: asyncpg.Connection) -> None:
    rows = [_person(given_name="José", family_name="Muñoz", other_languages="Spanish;English",
                    country_of_birth="Mexico")]  # fmt: skip
    response = await _import(agency.worker(), _csv(rows, delimiter=";", bom=True), "valid_only")
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["imported"] == 1, report
    profile = (await agency.worker().get(f"/clients/{report['items'][0]['client_id']}")).json()
    assert profile["given_name"] == "José" and profile["other_languages"] == ["Spanish", "English"]


async def test_unknown_columns_are_refused_naming_them(agency: Agency) -> None:
    content = _csv([_person(given_name="A", nickname="Al", shoe_size="9")])
    response = await _import(agency.worker(), content, "validate")
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "unknown_columns"
    assert [f["field"] for f in error["fields"]] == ["nickname", "shoe_size"]
    assert "nickname" in error["message"]


async def test_oversized_files_and_too_many_rows_are_413(
    agency: Agency, admin_db: asyncpg.Connection
) -> None:
    worker = agency.worker()
    header = b"consent_statement_version,consent_language,given_name\n"
    just_over = header + b"x" * (service.MAX_BYTES + 1 - len(header))
    for content in (just_over, just_over + b"x" * service.MAX_BYTES):
        response = await _import(worker, content, "valid_only")
        assert response.status_code == 413, response.text
        assert response.json()["error"]["code"] == "file_too_large"
    many = _csv([_person(given_name="A")] * (MAX_ROWS + 1))
    response = await _import(worker, many, "valid_only")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_many_rows"
    assert await _count(admin_db, agency) == 0


async def test_the_file_part_is_required(agency: Agency) -> None:
    response = await agency.worker().post(
        "/clients/import", params={"mode": "validate"}, files={"other": ("a.csv", b"x")}
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "file"
