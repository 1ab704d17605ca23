"""Trusted partnerships between agencies, as both agencies (and a third) see them."""

import uuid
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import pytest

pytestmark = pytest.mark.integration


def proposal(partner: Any, **extra: Any) -> dict[str, Any]:
    return {
        "partner_agency_id": partner.agency_id,
        "shares": ["client_profile", "referrals"],
        "starts_on": "2026-01-01",
        **extra,
    }


async def test_propose_accept_revoke_seen_by_both_agencies(
    api: Any, admin_db: asyncpg.Connection
) -> None:
    a, b, c = await api.new_agency(), await api.new_agency(), await api.new_agency()
    proposed = await a.post("/partnerships", json=proposal(b, ends_on="2026-12-31"))
    assert proposed.status_code == 201, proposed.text
    p = proposed.json()
    assert p["status"] == "proposed"
    assert p["shares"] == ["client_profile", "referrals"]
    assert p["agency_id"] == a.agency_id and p["partner_agency_id"] == b.agency_id

    # The invited agency sees it, with the proposer's name; a third agency does not.
    [seen] = (await b.get("/partnerships")).json()["items"]
    assert seen["id"] == p["id"]
    assert seen["agency_name"] == p["agency_name"] and seen["agency_name"]
    assert seen["partner_agency_name"]
    assert (await c.get("/partnerships")).json()["items"] == []
    assert (await c.post(f"/partnerships/{p['id']}/accept")).status_code == 404

    # Only the invited agency answers.
    assert (await a.post(f"/partnerships/{p['id']}/accept")).status_code == 403
    accepted = await b.post(f"/partnerships/{p['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "active"
    assert (await a.get("/partnerships")).json()["items"][0]["status"] == "active"
    assert (await b.post(f"/partnerships/{p['id']}/decline")).status_code == 409

    revoked = await a.post(f"/partnerships/{p['id']}/revoke")
    assert revoked.json()["status"] == "revoked"
    assert (await b.get("/partnerships")).json()["items"][0]["status"] == "revoked"
    assert (await b.post(f"/partnerships/{p['id']}/revoke")).status_code == 409

    events = await admin_db.fetch(
        "SELECT payload->>'status' AS status, payload->>'partner_agency_id' AS partner"
        " FROM outbox WHERE routing_key = 'identity.partnership.updated.v1'"
        " AND payload->>'id' = $1 ORDER BY seq",
        p["id"],
    )
    assert [e["status"] for e in events] == ["proposed", "active", "revoked"]
    assert {e["partner"] for e in events} == {b.agency_id}


async def test_a_declined_proposal_can_be_made_again(api: Any) -> None:
    a, b = await api.new_agency(), await api.new_agency()
    first = (await a.post("/partnerships", json=proposal(b))).json()
    # One open partnership per pair of agencies, whichever proposed it.
    assert (await b.post("/partnerships", json=proposal(a))).status_code == 409
    assert (await b.post(f"/partnerships/{first['id']}/decline")).json()["status"] == "declined"
    assert (await b.post("/partnerships", json=proposal(a))).status_code == 201


async def test_proposals_are_checked(api: Any) -> None:
    a = await api.new_agency()
    _, email = await api.new_user(a, "manager")
    manager = await api.sign_in(email, "Correct-horse-2026")
    unknown = await a.post(
        "/partnerships",
        json={
            "partner_agency_id": str(uuid.uuid4()),
            "shares": ["referrals"],
            "starts_on": "2026-01-01",
        },
    )
    assert unknown.status_code == 422
    assert unknown.json()["error"]["fields"][0]["field"] == "partner_agency_id"
    assert (await a.post("/partnerships", json=proposal(a))).status_code == 422
    bad_share = await a.post("/partnerships", json=proposal(a, shares=["everything"]))
    assert bad_share.status_code == 422
    assert bad_share.json()["error"]["fields"][0]["field"].startswith("shares")
    b = await api.new_agency()
    backwards = await a.post("/partnerships", json=proposal(b, ends_on="2025-01-01"))
    assert backwards.status_code == 422
    assert (await manager.post("/partnerships", json=proposal(b))).status_code == 403
    assert (await manager.get("/partnerships")).status_code == 200
