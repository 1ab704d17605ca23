"""The readiness report from the local copies: the defective records of a month, with
the field, the client, the service date and the worker who entered it."""

import datetime as dt
import uuid

import pytest

from kit.auth import Role

from .conftest import NEEDS_ASSESSMENT, World, feed


async def test_report_names_the_defective_records_and_their_workers(world: World) -> None:
    amal = await world.worker("Amal", "Haddad")
    bao = await world.worker("Bao", "Tran")
    good = await world.client(amal)
    no_postal = await world.client(bao, address={"city": "Toronto"})
    bad_uci = await world.client(amal, identifier_value="12AB")
    ok_service = await world.service(amal, good)
    klingon = await world.service(bao, good, language="Klingon")
    missing = await world.service(
        amal,
        good,
        answers={k: v for k, v in NEEDS_ASSESSMENT.items() if k != "settlement_plan_ind"},
    )
    of_no_postal = await world.service(bao, no_postal)
    await world.service(amal, bad_uci)
    # Another month, and another agreement's program: not in this report.
    await world.service(amal, good, date=dt.date(2026, 9, 30))

    manager = world.actor(Role.MANAGER)
    response = await manager.get(
        "/readiness", params={"funding_agreement_id": str(world.agreement), "period": "2026-10"}
    )
    assert response.status_code == 200, response.text
    report = response.json()
    counts = {t["template"]: t for t in report["templates"]}
    assert counts["client_profile"]["records"] == 3
    assert counts["client_profile"]["defective"] == 2
    assert counts["needs_assessment_referrals"]["records"] == 5
    assert counts["needs_assessment_referrals"]["ready"] == 1

    defective = {r["record_id"]: r for r in report["records"] if not r["ready"]}
    assert set(defective) == {
        str(no_postal),
        str(bad_uci),
        str(klingon),
        str(missing),
        str(of_no_postal),
    } | {
        r["record_id"]
        for r in report["records"]
        if r["client_id"] == str(bad_uci) and not r["ready"]
    }
    assert str(ok_service) not in defective
    assert [(p["field_id"], p["code"]) for p in defective[str(klingon)]["problems"]] == [
        ("assessment_language_id", "not_in_list")
    ]
    assert defective[str(klingon)]["worker_name"] == "Bao Tran"
    assert defective[str(klingon)]["service_date"] == "2026-10-20"
    assert [(p["field_id"], p["label"]) for p in defective[str(missing)]["problems"]] == [
        ("settlement_plan_ind", "Settlement Plan completed and shared with client")
    ]
    assert [p["code"] for p in defective[str(no_postal)]["problems"]] == ["missing"]
    assert [p["code"] for p in defective[str(of_no_postal)]["problems"]] == ["client_not_ready"]
    assert [p["code"] for p in defective[str(bad_uci)]["problems"]] == ["invalid_identifier"]

    # A caseworker sees the problems of the records they entered, no others.
    mine = await world.actor(Role.CASEWORKER, bao).get(
        "/readiness", params={"funding_agreement_id": str(world.agreement), "period": "2026-10"}
    )
    assert mine.status_code == 200
    assert {r["worker_id"] for r in mine.json()["records"]} == {str(bao)}


async def test_unknown_agreement_and_bad_period(world: World) -> None:
    manager = world.actor(Role.MANAGER)
    missing = await manager.get(
        "/readiness", params={"funding_agreement_id": str(uuid.uuid4()), "period": "2026-10"}
    )
    assert missing.status_code == 404
    bad = await manager.get(
        "/readiness", params={"funding_agreement_id": str(world.agreement), "period": "2026-13"}
    )
    assert bad.status_code == 422


async def test_events_are_applied_once_and_in_version_order(world: World) -> None:
    amal = await world.worker("Amal", "Haddad")
    client_id = await world.client(amal)
    from contracts.clients import ClientUpdated

    async def profile_event(version: int, postal: str) -> ClientUpdated:
        return ClientUpdated(
            agency_id=world.id,
            id=client_id,
            kind="named",
            restricted=False,
            consent={"status": "given"},
            identifier_type="FOSS/GCMS Client ID",
            identifier_value="12345678",
            birth_date=dt.date(1990, 1, 1),
            address={"postal_code": postal},
            official_language="English",
            research_consent="No",
            registered_at=world.clock,
            registered_by=amal,
            updated_at=world.clock,
            version=version,
        )

    newer = await profile_event(3, "K1A0B1")
    assert await feed(world.database, newer)
    assert not await feed(world.database, newer)  # redelivered: nothing happens
    assert await feed(world.database, await profile_event(2, "H0H0H0"))  # older: ignored
    await world.service(amal, client_id)
    report = (
        await world.actor(Role.AGENCY_ADMIN).get(
            "/readiness",
            params={"funding_agreement_id": str(world.agreement), "period": "2026-10"},
        )
    ).json()
    assert report["records"] == [] and report["templates"][0]["ready"] == 1


async def test_one_row_checked_on_demand(world: World) -> None:
    worker = world.actor(Role.CASEWORKER)
    row = {
        "client_validation_type_id": "FOSS/GCMS Client ID",
        "client_validation_id": "123",
        "client_birth_dt": "1990-05-01",
        "postal_txt": "M5V2T6",
        "official_language_id": "English",
        "consent_ind": "Maybe",
    }
    checked = await worker.post("/checks", json={"template": "client_profile", "cells": row})
    assert checked.status_code == 200, checked.text
    body = checked.json()
    assert body["ready"] is False
    assert [(p["field_id"], p["code"]) for p in body["problems"]] == [
        ("client_validation_id", "invalid_identifier"),
        ("consent_ind", "not_in_list"),
    ]
    unknown = await worker.post("/checks", json={"template": "nope", "cells": {}})
    assert unknown.status_code == 422
    field = await worker.post("/checks", json={"template": "client_profile", "cells": {"x": "1"}})
    assert field.status_code == 422


async def test_a_private_form_s_problems_are_listed_to_who_may_read_it(world: World) -> None:
    bao = await world.worker("Bao", "Tran")
    client_id = await world.client(bao)
    private = await world.service(bao, client_id, language="Klingon", private=True)
    params = {"funding_agreement_id": str(world.agreement), "period": "2026-10"}

    async def listed(role: Role, **kwargs: object) -> set[str]:
        response = await world.actor(role, **kwargs).get("/readiness", params=params)  # type: ignore[arg-type]
        return {r["record_id"] for r in response.json()["records"]}

    assert str(private) in await listed(Role.CASEWORKER, user_id=bao)
    assert str(private) in await listed(Role.MANAGER, manages=frozenset({bao}))
    assert str(private) in await listed(Role.AGENCY_ADMIN)
    assert str(private) not in await listed(Role.MANAGER)
    assert str(private) not in await listed(Role.CASEWORKER)


@pytest.mark.parametrize("period", ["9999-12", "3000-01", "1899-12", "2026-13", "2026-00"])
async def test_a_month_out_of_range_is_named_not_a_server_error(world: World, period: str) -> None:
    """The month after 9999-12 cannot be represented: such a period is refused as the
    field it is, for the readiness report and for an export alike."""
    params = {"funding_agreement_id": str(world.agreement), "period": period}
    readiness = await world.actor(Role.MANAGER).get("/readiness", params=params)
    export = await world.actor(Role.MANAGER).post("/exports", json=params)
    for response in (readiness, export):
        assert response.status_code == 422, response.text
        assert [f["field"] for f in response.json()["error"]["fields"]] == ["period"]
