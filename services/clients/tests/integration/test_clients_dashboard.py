"""Notes (private ones above all), settlement plans, and the audit trail of a client."""

import uuid

import pytest

from kit.testing import Agency

from .conftest import CONSENT

pytestmark = pytest.mark.integration


async def _client(agency: Agency) -> str:
    created = await agency.worker().post("/clients", json={"consent": CONSENT})
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def test_a_private_note_is_seen_by_its_author_and_the_authors_manager_only(
    agency: Agency,
) -> None:
    client_id = await _client(agency)
    author = agency.worker("settle")
    colleague = agency.worker("settle")
    elsewhere = agency.worker("employ")
    manager = agency.manager(author)
    other_manager = agency.manager(colleague)

    private = await author.post(
        f"/clients/{client_id}/notes",
        json={
            "body": "Disclosed family violence",
            "private": True,
            "program_id": str(agency.settle),
        },
    )
    assert private.status_code == 201, private.text
    shared = await author.post(
        f"/clients/{client_id}/notes",
        json={"body": "Needs a housing referral", "program_id": str(agency.settle)},
    )
    agency_wide = await author.post(
        f"/clients/{client_id}/notes", json={"body": "Prefers mornings"}
    )
    ids = {k: r.json()["id"] for k, r in
           (("private", private), ("shared", shared), ("agency", agency_wide))}  # fmt: skip

    async def seen(actor: object) -> set[str]:
        response = await actor.get(f"/clients/{client_id}/notes")  # type: ignore[attr-defined]
        assert response.status_code == 200, response.text
        return {n["id"] for n in response.json()["items"]}

    assert await seen(author) == set(ids.values())
    assert await seen(manager) == set(ids.values())
    assert await seen(colleague) == {ids["shared"], ids["agency"]}
    assert await seen(other_manager) == {ids["shared"], ids["agency"]}
    assert await seen(elsewhere) == {ids["agency"]}

    not_mine = await author.post(
        f"/clients/{client_id}/notes", json={"body": "x", "program_id": str(agency.employ)}
    )
    assert not_mine.status_code == 422


async def test_settlement_plan_with_goals_reviews_and_follow_ups(agency: Agency) -> None:
    client_id = await _client(agency)
    worker = agency.worker()
    created = await worker.post(
        f"/clients/{client_id}/plans",
        json={
            "title": "First year in Canada",
            "next_follow_up_on": "2026-03-01",
            "goals": [
                {
                    "description": "Find stable housing",
                    "target_date": "2026-06-30",
                    "steps": [{"description": "Apply for subsidised housing"}],
                }
            ],
        },
    )
    assert created.status_code == 201, created.text
    plan = created.json()
    assert plan["status"] == "active" and plan["goals"][0]["steps"][0]["status"] == "to_do"
    plan_url = f"/clients/{client_id}/plans/{plan['id']}"

    review = await worker.post(
        f"{plan_url}/reviews",
        json={
            "progress": "some_progress",
            "body": "Application sent",
            "next_follow_up_on": "2026-04-01",
        },
    )
    assert review.status_code == 201, review.text
    follow_up = await worker.post(f"{plan_url}/follow-ups", json={"body": "Called the landlord"})
    assert follow_up.status_code == 201
    body = follow_up.json()
    assert [e["kind"] for e in body["entries"]] == ["review", "follow_up"]
    assert body["next_follow_up_on"] == "2026-04-01"

    goals = body["goals"]
    goals[0]["status"] = "achieved"
    goals[0]["steps"][0]["status"] = "done"
    patched = await worker.patch(plan_url, json={"goals": goals, "status": "completed"})
    assert patched.status_code == 200, patched.text
    assert patched.json()["goals"][0]["id"] == plan["goals"][0]["id"]
    assert patched.json()["status"] == "completed"
    listed = (await worker.get(f"/clients/{client_id}/plans")).json()["items"]
    assert [p["id"] for p in listed] == [plan["id"]]
    bad = await worker.patch(plan_url, json={"status": "paused"})
    assert bad.status_code == 422
    missing = await worker.get(f"/clients/{client_id}/plans/{uuid.uuid4()}")
    assert missing.status_code == 404


async def test_managers_see_who_viewed_a_client(agency: Agency) -> None:
    worker = agency.worker()
    created = await worker.post("/clients", json={"consent": CONSENT, "given_name": "Hana"})
    client_id = created.json()["id"]
    await worker.get(f"/clients/{client_id}")
    await worker.get("/clients", params={"kind": "named"})
    await worker.patch(f"/clients/{client_id}", json={"gender": "Female"})

    assert (await worker.get(f"/clients/{client_id}/audit")).status_code == 403
    trail = await agency.manager(worker).get(f"/clients/{client_id}/audit")
    assert trail.status_code == 200, trail.text
    entries = [(e["action"], e["actor_id"]) for e in trail.json()["items"]]
    assert entries[::-1] == [
        ("client.registered", str(worker.id)),
        ("client.viewed", str(worker.id)),
        ("client.listed", str(worker.id)),
        ("client.updated", str(worker.id)),
    ]
    admin_trail = await agency.admin().get(f"/clients/{client_id}/audit")
    assert "client.audit_viewed" in [e["action"] for e in admin_trail.json()["items"]]
