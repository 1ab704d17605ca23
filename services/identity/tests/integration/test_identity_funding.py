"""Funders and funding agreements of an agency."""

from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import pytest

pytestmark = pytest.mark.integration


async def test_funding_agreement_lifecycle(api: Any, admin_db: asyncpg.Connection) -> None:
    admin = await api.new_agency()
    first, second = await api.new_program(admin), await api.new_program(admin)
    funder = await admin.post("/funders", json={"name": "IRCC", "code": "ircc"})
    assert funder.status_code == 201, funder.text
    assert funder.json()["code"] == "IRCC"
    assert (await admin.post("/funders", json={"name": "Again", "code": "IRCC"})).status_code == 409

    body = {
        "funder_id": funder.json()["id"],
        "agreement_number": "IRCC-2026-001",
        "title": "Settlement 2026",
        "program_ids": [first["id"]],
        "starts_on": "2026-04-01",
        "ends_on": "2027-03-31",
    }
    created = await admin.post("/funding-agreements", json=body)
    assert created.status_code == 201, created.text
    agreement = created.json()
    assert agreement["program_ids"] == [first["id"]]
    assert (await admin.post("/funding-agreements", json=body)).status_code == 409

    patched = await admin.patch(
        f"/funding-agreements/{agreement['id']}",
        json={"program_ids": [first["id"], second["id"]], "title": "Settlement 2026-27"},
    )
    assert patched.status_code == 200, patched.text
    assert sorted(patched.json()["program_ids"]) == sorted([first["id"], second["id"]])
    backwards = await admin.patch(
        f"/funding-agreements/{agreement['id']}", json={"ends_on": "2026-01-01"}
    )
    assert backwards.status_code == 422
    assert backwards.json()["error"]["fields"][0]["field"] == "ends_on"

    listed = (await admin.get("/funding-agreements")).json()["items"]
    assert [a["id"] for a in listed] == [agreement["id"]]
    assert (await admin.get(f"/funding-agreements/{agreement['id']}")).json()["title"] == (
        "Settlement 2026-27"
    )
    events = await admin_db.fetch(
        "SELECT payload FROM outbox WHERE routing_key = 'identity.funding_agreement.updated.v1'"
        " AND payload->>'id' = $1 ORDER BY seq",
        agreement["id"],
    )
    assert len(events) == 2

    other = await api.new_agency()
    assert (await other.get(f"/funding-agreements/{agreement['id']}")).status_code == 404
    assert (await other.get("/funders")).json()["items"] == []
    stolen = await other.post("/funding-agreements", json={**body, "agreement_number": "X-1"})
    assert stolen.status_code == 422
    assert stolen.json()["error"]["fields"][0]["field"] == "funder_id"
