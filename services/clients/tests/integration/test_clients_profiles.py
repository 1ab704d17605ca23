"""Registering, filling and reading profiles: named, anonymous, consent, conversion."""

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import pytest

from kit.testing import Agency

from .conftest import CONSENT, uci

pytestmark = pytest.mark.integration


async def test_named_profile_is_filled_over_time_and_completeness_follows(
    agency: Agency, admin_db: asyncpg.Connection
) -> None:
    worker = agency.worker()
    created = await worker.post(
        "/clients",
        json={"consent": CONSENT, "given_name": "Olena", "family_name": "Shevchenko"},
    )
    assert created.status_code == 201, created.text
    client = created.json()
    assert client["kind"] == "named" and client["restricted"] is False
    assert client["consent"]["status"] == "given"
    assert client["consent"]["given_by"] == str(worker.id)
    first = client["completeness"]
    assert "identifier_value" in first["missing_icare_required"]
    assert "given_name" not in first["missing_recommended"]

    saved = await worker.patch(
        f"/clients/{client['id']}",
        json={
            "identifier_type": "FOSS/GCMS Client ID",
            "identifier_value": "1234 5678",
            "birth_date": "1988-04-02",
            "phones": ["(416) 555 0199", "+1 647.555.0100", "+44 20 7946 0958"],
            "address": {"postal_code": "m6g 3a4", "province": "Ontario", "city": "Toronto"},
        },
    )
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["identifier_value"] == "12345678"
    assert body["phones"] == ["416-555-0199", "647-555-0100", "+44 20 7946 0958"]
    assert body["address"]["postal_code"] == "M6G3A4"
    assert body["completeness"]["percent"] > first["percent"]
    assert "identifier_value" not in body["completeness"]["missing_icare_required"]
    # A partial save leaves the rest alone.
    assert body["given_name"] == "Olena" and body["address"]["city"] == "Toronto"
    assert body["version"] == 2

    again = await worker.patch(f"/clients/{client['id']}", json={"address": {"unit": "12"}})
    assert again.json()["address"]["city"] == "Toronto"

    listed = await worker.get("/clients", params={"phone": "416.555.0199"})
    assert [c["id"] for c in listed.json()["items"]] == [client["id"]]
    by_id = await worker.get("/clients", params={"identifier": "12345678"})
    assert [c["id"] for c in by_id.json()["items"]] == [client["id"]]

    history = (await worker.get(f"/clients/{client['id']}/history")).json()["items"]
    assert [h["action"] for h in history] == ["updated", "updated", "registered"]
    assert "birth_date" in history[1]["fields"]
    routing_keys = await admin_db.fetch(
        "SELECT routing_key FROM outbox WHERE payload->>'id' = $1 ORDER BY seq", client["id"]
    )
    assert [r["routing_key"] for r in routing_keys] == [
        "clients.client.registered.v1",
        "clients.client.updated.v1",
        "clients.client.updated.v1",
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"address": {"province": "Ontari0"}}, "address.province"),
        ({"gender": "not-a-gender"}, "gender"),
        ({"identifier_type": "FOSS/GCMS Client ID", "identifier_value": "123"}, "identifier_value"),
        ({"address": {"postal_code": "12345"}}, "address.postal_code"),
        ({"research_consent": "yes"}, "research_consent"),
        ({"birth_date": "2999-01-01"}, "birth_date"),
        ({"email": "a@example.org", "has_email": False}, "has_email"),
        ({"citizenships": ["Atlantis"]}, "citizenships"),
        ({"email": "not an email"}, "email"),
    ],
)
async def test_invalid_values_are_refused_naming_the_field(
    agency: Agency, body: dict[str, object], field: str
) -> None:
    response = await agency.worker().post("/clients", json={"consent": CONSENT, **body})
    assert response.status_code == 422, response.text
    assert field in [f["field"] for f in response.json()["error"]["fields"]]


async def test_the_same_identifier_twice_in_an_agency_is_refused(agency: Agency) -> None:
    worker = agency.worker()
    ident = {"identifier_type": "FOSS/GCMS Client ID", "identifier_value": uci()}
    first = await worker.post("/clients", json={"consent": CONSENT, **ident})
    assert first.status_code == 201, first.text
    second = await worker.post("/clients", json={"consent": CONSENT, **ident})
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "identifier_taken"
    # Another agency may register the same person.
    other = Agency(agency.http).worker()
    assert (await other.post("/clients", json={"consent": CONSENT, **ident})).status_code == 201


async def test_anonymous_client_holds_no_identity_until_converted(agency: Agency) -> None:
    worker = agency.worker()
    created = await worker.post(
        "/clients/anonymous",
        json={"age_range": "25-34", "gender": "Female", "postal_area": "m6g 3a4",
              "other_languages": ["Arabic"]},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    client = created.json()
    assert client["kind"] == "anonymous" and client["postal_area"] == "M6G"
    assert client["consent"]["status"] == "none"

    refused = await worker.patch(f"/clients/{client['id']}", json={"given_name": "Amira"})
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"][0]["field"] == "given_name"
    assert (
        await worker.post(f"/clients/{client['id']}/notes", json={"body": "Came in"})
    ).status_code == 201

    converted = await worker.post(
        f"/clients/{client['id']}/convert",
        json={"consent": CONSENT, "profile": {"given_name": "Amira", "family_name": "Haddad"}},
    )
    assert converted.status_code == 200, converted.text
    named = converted.json()
    assert named["id"] == client["id"] and named["kind"] == "named"
    assert named["given_name"] == "Amira" and named["consent"]["status"] == "given"
    notes = (await worker.get(f"/clients/{client['id']}/notes")).json()["items"]
    assert len(notes) == 1  # what was recorded before conversion stays
    actions = [
        h["action"] for h in (await worker.get(f"/clients/{client['id']}/history")).json()["items"]
    ]
    assert actions == ["converted", "registered"]
    twice = await worker.post(f"/clients/{client['id']}/convert", json={"consent": CONSENT})
    assert twice.status_code == 409


async def test_withdrawn_consent_restricts_the_profile_without_deleting_it(
    agency: Agency, admin_db: asyncpg.Connection
) -> None:
    worker = agency.worker()
    created = await worker.post(
        "/clients",
        json={"consent": CONSENT, "given_name": "Bao", "family_name": "Nguyen",
              "address": {"postal_code": "K1A0B1"}, "gender": "Male",
              "phones": ["416-555-0142"]},
    )  # fmt: skip
    client_id = created.json()["id"]
    found = await worker.get("/clients", params={"phone": "416 555 0142"})
    assert [c["id"] for c in found.json()["items"]] == [client_id]
    withdrawn = await worker.delete(f"/clients/{client_id}/consent")
    assert withdrawn.status_code == 200, withdrawn.text
    body = withdrawn.json()
    assert body["restricted"] is True and body["consent"]["status"] == "withdrawn"
    assert body["given_name"] is None and "given_name" in body["hidden_fields"]
    assert body["gender"] == "Male" and body["postal_area"] == "K1A"

    read = (await worker.get(f"/clients/{client_id}")).json()
    assert read["given_name"] is None and read["address"]["postal_code"] is None
    by_phone = await worker.get("/clients", params={"phone": "416 555 0142"})
    assert by_phone.json()["items"] == []  # hidden fields find nobody
    stored = await admin_db.fetchval(
        "SELECT given_name FROM clients WHERE id = $1::uuid", client_id
    )
    assert stored == "Bao"  # kept, only hidden
    frozen = await worker.patch(f"/clients/{client_id}", json={"family_name": "Tran"})
    assert frozen.status_code == 409
    assert frozen.json()["error"]["code"] == "consent_withdrawn"

    assert (await worker.get(f"/clients/{client_id}", params={"reveal": "true"})).status_code == 403
    admin = agency.admin()
    revealed = await admin.get(
        f"/clients/{client_id}", params={"reveal": "true", "reason": "court order 2026-17"}
    )
    assert revealed.json()["given_name"] == "Bao"

    event = await admin_db.fetchrow(
        "SELECT payload FROM outbox WHERE routing_key = 'clients.client.consent_changed.v1'"
        " AND payload->>'id' = $1",
        client_id,
    )
    assert event is not None and '"given_name": null' in event["payload"]

    again = await worker.post(f"/clients/{client_id}/consent", json=CONSENT)
    assert again.json()["restricted"] is False and again.json()["given_name"] == "Bao"
    records = await admin_db.fetch(
        "SELECT action FROM client_consents WHERE client_id = $1::uuid ORDER BY at", client_id
    )
    assert [r["action"] for r in records] == ["given", "withdrawn", "given"]


async def test_family_links_go_both_ways_within_the_agency(agency: Agency) -> None:
    worker = agency.worker()
    parent = (await worker.post("/clients", json={"consent": CONSENT})).json()["id"]
    child = (await worker.post("/clients", json={"consent": CONSENT})).json()["id"]
    linked = await worker.post(
        f"/clients/{parent}/family", json={"client_id": child, "relationship": "child"}
    )
    assert linked.status_code == 201, linked.text
    assert linked.json() == [{"client_id": child, "relationship": "child"}]
    child_view = (await worker.get(f"/clients/{child}")).json()
    assert child_view["family"] == [{"client_id": parent, "relationship": "parent"}]

    stranger = await Agency(agency.http).worker().post("/clients", json={"consent": CONSENT})
    refused = await worker.post(
        f"/clients/{parent}/family",
        json={"client_id": stranger.json()["id"], "relationship": "sibling"},
    )
    assert refused.status_code == 422
    assert (await worker.delete(f"/clients/{parent}/family/{child}")).status_code == 204
    assert (await worker.get(f"/clients/{child}")).json()["family"] == []


async def test_another_agency_sees_nothing(agency: Agency) -> None:
    client_id = (await agency.worker().post("/clients", json={"consent": CONSENT})).json()["id"]
    other = Agency(agency.http)
    for path in ("", "/notes", "/plans", "/history"):
        assert (await other.worker().get(f"/clients/{client_id}{path}")).status_code == 404
    assert (await other.manager().get(f"/clients/{client_id}/audit")).status_code == 404
    patched = await other.worker().patch(f"/clients/{client_id}", json={"gender": "Female"})
    assert patched.status_code == 404
    assert (await other.worker().get("/clients")).json()["items"] == []
