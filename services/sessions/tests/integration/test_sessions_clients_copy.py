"""The local copy of clients: unknown ids refused, versions never go back, merged
profiles followed to their survivor (and back on an unmerge)."""

import uuid

from contracts.clients import ClientMerged, ClientProfile, ClientUnmerged, ClientUpdated, Consent
from kit.clock import utcnow
from kit.db import Database
from kit.testing import Agency
from sessions.clients_copy import repository as repo
from sessions.clients_copy.consumers import on_client_merged, on_client_state, on_client_unmerged
from sessions.clients_copy.service import require_clients

from .conftest import SessionsAgency
from .test_sessions_records import fields, new_session


def profile(client_id: uuid.UUID, version: int, *, restricted: bool = False) -> ClientProfile:
    now = utcnow()
    return ClientProfile(
        id=client_id, kind="named", restricted=restricted, consent=Consent(status="given"),
        registered_at=now, registered_by=uuid.uuid4(), updated_at=now, version=version,
    )  # fmt: skip


async def test_an_unknown_client_is_refused(agency: Agency) -> None:
    amal = agency.worker()
    refused = await amal.post(
        "/sessions",
        json={"type": "direct_service", "date": "2026-11-20", "start_time": "10:00",
              "end_time": "11:00", "delivery_mode": "phone", "language_of_service": "English",
              "program_id": str(agency.settle), "client_ids": [str(uuid.uuid4())]},
    )  # fmt: skip
    assert refused.status_code == 422
    assert fields(refused) == ["client_ids"]
    # Another agency's client is unknown here too.
    other = SessionsAgency(agency.http, database=getattr(agency, "database", None))
    stranger = await other.client()
    refused = await amal.post(
        "/sessions",
        json={"type": "direct_service", "date": "2026-11-20", "start_time": "10:00",
              "end_time": "11:00", "delivery_mode": "phone", "language_of_service": "English",
              "program_id": str(agency.settle), "client_ids": [str(stranger)]},
    )  # fmt: skip
    assert refused.status_code == 422


async def test_versions_never_go_back_and_redelivery_changes_nothing(
    agency: Agency, copy_db: Database
) -> None:
    assert isinstance(agency, SessionsAgency)
    client_id = await agency.client()
    newer = ClientUpdated(
        agency_id=agency.id, **profile(client_id, 3, restricted=True).model_dump()
    )
    older = ClientUpdated(agency_id=agency.id, **profile(client_id, 2).model_dump())
    async with copy_db.transaction(agency_id=agency.id) as db:
        await on_client_state(db, newer)
        await on_client_state(db, older)
        await on_client_state(db, newer)
        copy = (await repo.by_id(db, agency.id, [client_id]))[client_id]
        assert (copy.version, copy.restricted) == (3, True)


async def test_merged_clients_follow_the_survivor(agency: Agency, copy_db: Database) -> None:
    assert isinstance(agency, SessionsAgency)
    amal = agency.worker()
    survivor, absorbed = await agency.client(), await agency.client()
    before = await new_session(amal, agency, client_ids=[str(absorbed)])

    merge_id = uuid.uuid4()
    merged = ClientMerged(
        agency_id=agency.id, merge_id=merge_id, survivor=profile(survivor, 2), absorbed_id=absorbed
    )
    async with copy_db.transaction(agency_id=agency.id) as db:
        await on_client_merged(db, merged)
        assert await require_clients(db, agency.id, [absorbed, survivor]) == [survivor]

    after = await new_session(amal, agency, client_ids=[str(absorbed)])
    assert after["client_ids"] == [str(survivor)]
    listed = await amal.get("/sessions", params={"client_id": str(survivor)})
    assert {s["id"] for s in listed.json()["items"]} == {before["id"], after["id"]}

    unmerged = ClientUnmerged(
        agency_id=agency.id, merge_id=merge_id, survivor=profile(survivor, 3),
        restored=profile(absorbed, 3),
    )  # fmt: skip
    async with copy_db.transaction(agency_id=agency.id) as db:
        await on_client_unmerged(db, unmerged)
        assert await require_clients(db, agency.id, [absorbed]) == [absorbed]
    listed = await amal.get("/sessions", params={"client_id": str(survivor)})
    assert [s["id"] for s in listed.json()["items"]] == [after["id"]]
