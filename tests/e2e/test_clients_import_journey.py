"""A caseworker imports existing clients through the gateway: download the template,
fill it, check it, import it; a file with bad rows imports nothing unless asked."""

import csv
import io
import uuid
from typing import Any

import pytest
from openpyxl import load_workbook

from scripts.stack import StackInfo
from tests.e2e.demo import MANAGER
from tests.e2e.gateway_client import GatewayClient
from tests.e2e.journeys import CLIENTS, signed_in, uci

pytestmark = pytest.mark.e2e

IMPORT = f"{CLIENTS}/import"
UCI = "FOSS/GCMS Client ID"
CONSENT = {"consent_statement_version": "2026-01", "consent_language": "English"}


def _family() -> str:
    """A family name no demo client has (letters only, unique per run)."""
    return "Imp" + "".join(chr(ord("a") + int(d)) for d in f"{uuid.uuid4().int % 10**8:08d}")


def _upload(worker: GatewayClient, content: bytes, mode: str, name: str = "clients.csv") -> Any:
    return worker.post(IMPORT, params={"mode": mode}, files={"file": (name, content)})


def _csv(rows: list[dict[str, str]], *, delimiter: str = ",") -> bytes:
    keys = list(dict.fromkeys(k for r in rows for k in r))
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(keys)
    writer.writerows([[r.get(k, "") for k in keys] for r in rows])
    return out.getvalue().encode("utf-8-sig")


def test_download_fill_and_import_the_xlsx_template(amal: GatewayClient) -> None:
    template = amal.get(f"{IMPORT}/template", params={"format": "xlsx"})
    assert template.status_code == 200, template.text
    workbook = load_workbook(io.BytesIO(template.content))
    sheet = workbook.worksheets[0]
    column = {cell.value: cell.column for cell in sheet[1]}
    family, ident = _family(), uci()
    people = [
        {**CONSENT, "given_name": "Olena", "family_name": family, "identifier_type": UCI,
         "identifier_value": ident, "birth_date": "1988-04-02", "address_province": "Ontario",
         "phones": "(416) 555 0199"},
        {**CONSENT, "given_name": "Petro", "family_name": family, "birth_date": "1986-11-30"},
    ]  # fmt: skip
    for row, person in enumerate(people, start=3):
        for key, value in person.items():
            sheet.cell(row=row, column=column[key], value=value)
    out = io.BytesIO()
    workbook.save(out)

    checked = _upload(amal, out.getvalue(), "validate", "clients.xlsx")
    assert checked.status_code == 200, checked.text
    assert (checked.json()["valid"], checked.json()["imported"]) == (2, 0)
    assert amal.get(CLIENTS, params={"identifier": ident}).json()["items"] == []

    imported = _upload(amal, out.getvalue(), "all_or_nothing", "clients.xlsx")
    assert imported.status_code == 200, imported.text
    report = imported.json()
    assert report["imported"] == 2 and {i["row"] for i in report["items"]} == {3, 4}
    found = amal.get(CLIENTS, params={"identifier": ident}).json()["items"]
    assert [c["id"] for c in found] == [report["items"][0]["client_id"]]
    profile = amal.get(f"{CLIENTS}/{found[0]['id']}").json()
    assert profile["phones"] == ["416-555-0199"] and profile["consent"]["status"] == "given"

    # The same file again: the identifier is known now, the names and birth dates too.
    again = _upload(amal, out.getvalue(), "valid_only", "clients.xlsx").json()
    statuses = {i["row"]: i["status"] for i in again["items"]}
    assert statuses == {3: "rejected", 4: "duplicate"}
    assert (
        again["items"][1]["possible_duplicates"][0]["client_id"]
        == (report["items"][1]["client_id"])
    )


def test_a_file_with_bad_rows_imports_nothing_unless_only_valid_rows_are_asked(
    amal: GatewayClient, stack: StackInfo
) -> None:
    family = _family()
    rows = [
        {**CONSENT, "given_name": "Good", "family_name": family, "birth_date": "1990-01-02"},
        {**CONSENT, "given_name": "Bad", "family_name": family, "birth_date": "02/01/1990"},
        {**CONSENT, "given_name": "Worse", "family_name": family, "gender": "F"},
    ]
    content = _csv(rows, delimiter=";")
    refused = _upload(amal, content, "all_or_nothing")
    assert refused.status_code == 409, refused.text
    report = refused.json()["report"]
    errors = {i["row"]: [e["field"] for e in i["errors"]] for i in report["items"]}
    assert errors == {2: [], 3: ["birth_date"], 4: ["gender"]}
    assert report["imported"] == 0

    partial = _upload(amal, content, "valid_only")
    assert partial.status_code == 200, partial.text
    assert (partial.json()["imported"], partial.json()["rejected"]) == (1, 2)

    unknown = _upload(amal, _csv([{**CONSENT, "nickname": "x"}]), "validate")
    assert unknown.status_code == 422
    assert [f["field"] for f in unknown.json()["error"]["fields"]] == ["nickname"]

    # The manager sees the import on the imported client's trail.
    manager = signed_in(stack, MANAGER)
    try:
        client_id = partial.json()["items"][0]["client_id"]
        trail = manager.get(f"{CLIENTS}/{client_id}/audit")
        assert trail.status_code == 200, trail.text
        assert "client.registered" in [e["action"] for e in trail.json()["items"]]
    finally:
        manager.close()
