"""Support services per client per session: iCARE's labels, whole-record replacement,
visibility with the session, and the event."""

import json
import uuid

import asyncpg  # type: ignore[import-untyped, unused-ignore]

from kit.testing import Agency

from .test_sessions_records import fields, new_session

SUPPORT = {
    "childminding": [
        {"age_group": "infant (6-18 months)", "care_type": "Short term"},
        {"age_group": "School age (more than 6 years)", "care_type": "long term"},
    ],
    "transportation": True,
    "translation": {"from_language": "arabic", "to_language": "English"},
    "crisis_counselling": True,
}


async def test_support_services_of_a_client_in_a_session(
    agency: Agency, admin_db: asyncpg.Connection
) -> None:
    amal = agency.worker()
    session = await new_session(amal, agency)
    client_id = session["client_ids"][0]
    path = f"/sessions/{session['id']}/support"

    wrong = await amal.put(
        f"{path}/{client_id}",
        json={"childminding": [{"age_group": "Teen", "care_type": "Short term"}],
              "interpretation": {"from_language": "Klingon", "to_language": "English"}},
    )  # fmt: skip
    assert wrong.status_code == 422
    assert fields(wrong) == ["childminding.0.age_group", "interpretation.from_language"]
    too_many = await amal.put(
        f"{path}/{client_id}",
        json={"childminding": [SUPPORT["childminding"][0]] * 6},  # type: ignore[index]
    )
    assert too_many.status_code == 422
    assert fields(too_many) == ["childminding"]
    stranger = await amal.put(f"{path}/{uuid.uuid4()}", json=SUPPORT)
    assert stranger.status_code == 422
    assert fields(stranger) == ["client_id"]

    saved = await amal.put(f"{path}/{client_id}", json=SUPPORT)
    assert saved.status_code == 200, saved.text
    record = saved.json()
    assert record["childminding"] == [
        {"age_group": "Infant (6-18 months)", "care_type": "Short term"},
        {"age_group": "School age (more than 6 years)", "care_type": "Long term"},
    ]
    assert record["translation"] == {"from_language": "Arabic", "to_language": "English"}
    assert record["received"] is True

    replaced = await amal.put(f"{path}/{client_id}", json={"transportation": False})
    assert replaced.json()["received"] is False
    listed = (await amal.get(path)).json()["items"]
    assert [(r["client_id"], r["received"]) for r in listed] == [(client_id, False)]
    assert (await agency.worker("employ").get(path)).status_code == 404

    rows = await admin_db.fetch(
        "SELECT payload FROM outbox WHERE routing_key = 'sessions.support.recorded.v1'"
        " AND payload->'support'->>'session_id' = $1 ORDER BY seq",
        session["id"],
    )
    payloads = [json.loads(r["payload"]) for r in rows]
    assert [p["support"]["crisis_counselling"] for p in payloads] == [True, False]
    assert payloads[0]["support"]["childminding"][0]["age_group"] == "Infant (6-18 months)"
    assert payloads[0]["session"]["id"] == session["id"]


async def test_support_value_lists(agency: Agency) -> None:
    lists = (await agency.worker().get("/support-services/values")).json()
    assert "Toddler (19-35 months)" in lists["age_groups"]
    assert lists["care_types"] == ["Short term", "Long term"]
    assert "French" in lists["languages"]
