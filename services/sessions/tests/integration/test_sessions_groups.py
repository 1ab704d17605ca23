"""Group activities through the API against a migrated scratch database: named and
anonymous attendees, each named attendee's own form (validated by the catalog,
amended with every version kept), the session's clients kept in step, visibility,
row-level security, audit and the attendance event."""

import json
import uuid
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]

from kit.testing import Actor, Agency, ScratchDatabase
from sessions.forms import catalog
from sessions.groups.service import GROUP_FORMS

from .conftest import SessionsAgency


def answers_for(form_key: str) -> dict[str, Any]:
    """An answer to every required question asked unconditionally: its first choice."""
    answers: dict[str, Any] = {}
    for q in catalog.definition(form_key).questions:
        if not q.required or q.visible_when is not None:
            continue
        if q.choices:
            answers[q.key] = q.choices[0].key
        elif q.type.value == "date":
            answers[q.key] = "2026-11-20"
        elif q.type.value == "number":
            answers[q.key] = 1
        elif q.type.value == "yes_no":
            answers[q.key] = True
        else:
            answers[q.key] = "x"
    return answers


async def clients(agency: Agency, n: int) -> list[str]:
    assert isinstance(agency, SessionsAgency)
    return [str(await agency.client()) for _ in range(n)]


async def new_group(
    actor: Actor, agency: Agency, type_: str = "io_group_activity", **overrides: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": type_,
        "date": "2026-11-20",
        "start_time": "13:00",
        "end_time": "15:00",
        "location": "Community room",
        "postal_code": "K1A0B1",
        "delivery_mode": "in_person",
        "language_of_service": "English",
        "program_id": str(agency.settle),
        "funders": [{"name": "IRCC"}],
        "client_ids": [],
        **overrides,
    }
    response = await actor.post("/sessions", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def fields(response: Any) -> list[str]:
    return [f["field"] for f in response.json()["error"].get("fields", [])]


def test_each_group_type_has_its_forms_in_the_catalog() -> None:
    for session_type, (group_form, attendee_form) in GROUP_FORMS.items():
        assert {group_form, attendee_form} <= set(catalog.forms_for(session_type))


async def test_named_and_anonymous_attendees_with_their_forms(
    agency: Agency, admin_db: asyncpg.Connection
) -> None:
    amal = agency.worker()
    first, second, third = await clients(agency, 3)
    group = await new_group(amal, agency, client_ids=[first])
    path = f"/sessions/{group['id']}/attendees"

    added = await amal.post(path, json={"client_ids": [second, third]})
    assert added.status_code == 201, added.text
    state = added.json()
    assert state["group_form_key"] == "io_group"
    assert state["attendee_form_key"] == "group_attendee"
    assert [a["client_id"] for a in state["attendees"]] == [first, second, third]
    # Named when the session was recorded: added then, by its worker.
    assert state["attendees"][0]["added_by"] == str(amal.id)
    assert state["attendees"][0]["added_at"] == group["created_at"]
    assert (state["named_count"], state["anonymous_count"], state["total_count"]) == (3, 0, 3)

    anonymous = await amal.put(f"{path}/anonymous", json={"count": 4})
    assert anonymous.status_code == 200, anonymous.text
    assert (anonymous.json()["anonymous_count"], anonymous.json()["total_count"]) == (4, 7)
    assert (await amal.put(f"{path}/anonymous", json={"count": -1})).status_code == 422

    # Each named attendee's own form, validated like any form.
    answers = answers_for("group_attendee")
    saved = await amal.put(f"{path}/{second}/form", json={"answers": answers})
    assert saved.status_code == 200, saved.text
    form = saved.json()["form"]
    assert (form["form_key"], form["status"], form["answers"]) == (
        "group_attendee",
        "completed",
        answers,
    )
    assert [v["version"] for v in form["versions"]] == [1]
    # The attendee named at creation has a form too.
    assert (await amal.put(f"{path}/{first}/form", json={"answers": answers})).status_code == 200

    missing = {k: v for k, v in answers.items() if k != "attended"}
    refused = await amal.put(f"{path}/{third}/form", json={"answers": missing})
    assert refused.status_code == 422
    assert fields(refused) == ["answers.attended"]
    outside = {**answers, "support_received_ind": "maybe"}
    refused = await amal.put(f"{path}/{third}/form", json={"answers": outside})
    assert fields(refused) == ["answers.support_received_ind"]
    draft = await amal.put(f"{path}/{third}/form", json={"answers": missing, "draft": True})
    assert draft.status_code == 200 and draft.json()["form"]["status"] == "draft"
    assert draft.json()["form"]["versions"] == []

    # A completed form is amended, with a reason, and keeps every version.
    changed = {**answers, "attended": False}
    no_reason = await amal.put(f"{path}/{second}/form", json={"answers": changed})
    assert no_reason.status_code == 422 and fields(no_reason) == ["reason"]
    back_to_draft = await amal.put(
        f"{path}/{second}/form", json={"answers": changed, "draft": True, "reason": "x"}
    )
    assert fields(back_to_draft) == ["draft"]
    amended = await amal.put(
        f"{path}/{second}/form", json={"answers": changed, "reason": "did not come after all"}
    )
    assert amended.status_code == 200, amended.text
    versions = amended.json()["form"]["versions"]
    assert [(v["version"], v["answers"]["attended"], v["reason"]) for v in versions] == [
        (1, True, None),
        (2, False, "did not come after all"),
    ]

    fetched = await amal.get(f"{path}/{second}")
    assert fetched.status_code == 200 and fetched.json() == amended.json()

    # The session's clients are the named attendees: a client's sessions include it.
    assert (await amal.get(f"/sessions/{group['id']}")).json()["client_ids"] == [
        first,
        second,
        third,
    ]
    listed = await amal.get("/sessions", params={"client_id": third})
    assert [s["id"] for s in listed.json()["items"]] == [group["id"]]

    # Already attending, unknown clients and a twice-listed one are refused, by name.
    again = await amal.post(path, json={"client_ids": [second]})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_attending"
    assert fields(again) == ["client_ids"]
    unknown = await amal.post(path, json={"client_ids": [str(uuid.uuid4())]})
    assert unknown.status_code == 422 and fields(unknown) == ["client_ids"]
    [fourth] = await clients(agency, 1)
    twice = await amal.post(path, json={"client_ids": [fourth, fourth]})
    assert twice.status_code == 422 and fields(twice) == ["client_ids.1"]

    removed = await amal.delete(f"{path}/{third}")
    assert removed.status_code == 204
    assert (await amal.delete(f"{path}/{third}")).status_code == 404
    assert (await amal.get(f"{path}/{third}")).status_code == 404
    state = (await amal.get(path)).json()
    assert [a["client_id"] for a in state["attendees"]] == [first, second]
    assert (await amal.get(f"/sessions/{group['id']}")).json()["client_ids"] == [first, second]

    # The group's own form (presenter, evaluations, rating) is a service form.
    group_form = {
        **answers_for("io_group"),
        "presenter_name": "Dr. Okafor",
        "evaluations_distributed": 6,
        "evaluations_returned": 5,
        "service_rating": "4",
    }
    response = await amal.post(
        f"/sessions/{group['id']}/forms", json={"form_key": "io_group", "answers": group_form}
    )
    assert response.status_code == 201, response.text

    rows = await admin_db.fetch(
        "SELECT payload FROM outbox WHERE routing_key = 'sessions.group_attendance.updated.v1'"
        " AND payload->'session'->>'id' = $1 ORDER BY seq",
        group["id"],
    )
    # added, anonymous, two forms saved, a draft, an amendment, a removal
    assert len(rows) == 7
    last = json.loads(rows[-1]["payload"])
    assert last["anonymous_count"] == 4
    assert last["session"]["client_ids"] == [first, second]
    assert [a["client_id"] for a in last["attendees"]] == [first, second]
    assert last["attendees"][1]["form"]["answers"]["attended"] is False
    assert len(last["attendees"][1]["form"]["versions"]) == 2

    actions = {
        r["action"]
        for r in await admin_db.fetch(
            "SELECT action FROM audit_log WHERE entity_id = $1", group["id"]
        )
    }
    assert {
        "group.attendees.added",
        "group.anonymous.set",
        "group.attendee_form.saved",
        "group.attendee_form.amended",
        "group.attendee.viewed",
        "group.attendance.viewed",
        "group.attendee.removed",
    } <= actions


async def test_community_connections_take_their_own_attendee_form(agency: Agency) -> None:
    amal = agency.worker()
    [client] = await clients(agency, 1)
    group = await new_group(amal, agency, "cc_group_activity", client_ids=[client])
    path = f"/sessions/{group['id']}/attendees"
    state = (await amal.get(path)).json()
    assert (state["group_form_key"], state["attendee_form_key"]) == ("cc_group", "cc_attendee")
    wrong = await amal.put(f"{path}/{client}/form", json={"answers": answers_for("group_attendee")})
    assert wrong.status_code == 422
    assert "answers.attended" in fields(wrong)
    right = await amal.put(f"{path}/{client}/form", json={"answers": answers_for("cc_attendee")})
    assert right.status_code == 200, right.text
    assert right.json()["form"]["form_key"] == "cc_attendee"


async def test_only_group_activities_have_attendees(agency: Agency) -> None:
    amal = agency.worker()
    [client] = await clients(agency, 1)
    direct = await new_group(amal, agency, "direct_service", client_ids=[client])
    response = await amal.get(f"/sessions/{direct['id']}/attendees")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_a_group_activity"
    course_like = await new_group(amal, agency, "language_training")
    assert (await amal.get(f"/sessions/{course_like['id']}/attendees")).status_code == 409


async def test_who_sees_and_changes_a_group(agency: Agency) -> None:
    amal = agency.worker("settle")
    colleague = agency.worker("settle")
    eve = agency.worker("employ")
    manager = agency.manager(amal)
    [client, other] = await clients(agency, 2)
    shared = await new_group(amal, agency, client_ids=[client])
    path = f"/sessions/{shared['id']}/attendees"
    assert (await colleague.post(path, json={"client_ids": [other]})).status_code == 201
    assert (await eve.get(path)).status_code == 404
    assert (await eve.post(path, json={"client_ids": [str(uuid.uuid4())]})).status_code == 404
    assert (await eve.put(f"{path}/anonymous", json={"count": 2})).status_code == 404
    assert (await eve.delete(f"{path}/{client}")).status_code == 404
    stranger = Agency(amal.http, settle=agency.settle).worker()
    assert (await stranger.get(path)).status_code == 404
    assert (await stranger.get(f"{path}/{client}")).status_code == 404

    private = await new_group(amal, agency, client_ids=[client], private=True)
    private_path = f"/sessions/{private['id']}/attendees"
    saved = await amal.put(
        f"{private_path}/{client}/form", json={"answers": answers_for("group_attendee")}
    )
    assert saved.json()["form"]["private"] is True
    for actor in (amal, manager):
        assert (await actor.get(private_path)).status_code == 200
        assert (await actor.get(f"{private_path}/{client}")).status_code == 200
    assert (await colleague.get(private_path)).status_code == 404
    assert (await colleague.put(f"{private_path}/anonymous", json={"count": 1})).status_code == 404


async def test_row_level_security_backs_the_group_rules(
    agency: Agency, scratch: ScratchDatabase
) -> None:
    amal = agency.worker()
    colleague = agency.worker()
    [client] = await clients(agency, 1)
    private = await new_group(amal, agency, client_ids=[client], private=True)
    shared = await new_group(amal, agency, client_ids=[client])
    for group in (private, shared):
        path = f"/sessions/{group['id']}/attendees"
        await amal.put(f"{path}/{client}/form", json={"answers": answers_for("group_attendee")})
        await amal.put(f"{path}/anonymous", json={"count": 3})
    conn = await asyncpg.connect(scratch.app_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        async with conn.transaction():
            await conn.execute(
                "SELECT set_config('app.agency_id', $1, true), set_config('app.user_id', $2, true),"
                " set_config('app.role', 'caseworker', true), set_config('app.programs', $3, true)",
                str(agency.id),
                str(colleague.id),
                str(agency.settle),
            )
            for table in ("group_attendees", "group_activities"):
                seen = {
                    str(r["session_id"])
                    for r in await conn.fetch(
                        f"SELECT session_id FROM {table} WHERE session_id = ANY($1::uuid[])",
                        [private["id"], shared["id"]],
                    )
                }
                assert seen == {shared["id"]}, table
        async with conn.transaction():
            assert await conn.fetchval("SELECT count(*) FROM group_attendees") == 0
            assert await conn.fetchval("SELECT count(*) FROM group_activities") == 0
    finally:
        await conn.close()
