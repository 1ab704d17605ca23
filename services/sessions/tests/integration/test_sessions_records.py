"""Sessions and service forms through the API against a migrated scratch database:
validation by the form catalog, program and private visibility, audit and the event."""

import asyncio
import json
import uuid
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]

from contracts.clients import ClientRegistered, Consent
from kit.clock import utcnow
from kit.testing import Actor, Agency, ScratchDatabase
from sessions.clients_copy.consumers import on_client_state
from sessions.forms import catalog

from .conftest import SessionsAgency


def complete_answers(form_key: str) -> dict[str, Any]:
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
        else:
            answers[q.key] = "x"
    return answers


def session_body(agency: Agency, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "direct_service",
        "date": "2026-11-20",
        "start_time": "10:00",
        "end_time": "11:00",
        "location": "Main office",
        "postal_code": "k1a 0b1",
        "delivery_mode": "in_person",
        "language_of_service": "English",
        "program_id": str(agency.settle),
        "funders": [{"name": "IRCC"}],
        "client_ids": [str(uuid.uuid4())],
    }
    body.update(overrides)
    return body


async def known_client(agency: Agency) -> str:
    """A client of the agency that sessions knows (see conftest.SessionsAgency)."""
    assert isinstance(agency, SessionsAgency)
    return str(await agency.client())


async def new_session(actor: Actor, agency: Agency, **overrides: Any) -> dict[str, Any]:
    if "client_ids" not in overrides:
        overrides["client_ids"] = [await known_client(agency)]
    response = await actor.post("/sessions", json=session_body(agency, **overrides))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def fields(response: Any) -> list[str]:
    return [f["field"] for f in response.json()["error"].get("fields", [])]


async def test_direct_service_with_a_completed_needs_assessment(
    agency: Agency, admin_db: asyncpg.Connection
) -> None:
    amal = agency.worker()
    session = await new_session(amal, agency)
    assert session["postal_code"] == "K1A0B1"
    assert session["worker_id"] == str(amal.id)
    assert session["funders"] == [{"id": None, "name": "IRCC"}]

    answers = complete_answers("needs_assessment")
    response = await amal.post(
        f"/sessions/{session['id']}/forms",
        json={"form_key": "needs_assessment", "answers": answers},
    )
    assert response.status_code == 201, response.text
    form = response.json()
    assert form["status"] == "completed"
    assert form["definition_version"] == 1
    assert form["answers"] == answers
    assert form["completed_at"] is not None

    fetched = await amal.get(f"/sessions/{session['id']}/forms/{form['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == form
    assert (await amal.get(f"/sessions/{session['id']}")).json() == session

    listed = await amal.get("/sessions", params={"client_id": session["client_ids"][0]})
    assert [s["id"] for s in listed.json()["items"]] == [session["id"]]
    other_client = await amal.get("/sessions", params={"client_id": str(uuid.uuid4())})
    assert other_client.json()["items"] == []

    rows = await admin_db.fetch(
        "SELECT routing_key, payload FROM outbox WHERE payload->'form'->>'id' = $1", form["id"]
    )
    assert [r["routing_key"] for r in rows] == ["sessions.service.recorded.v1"]
    payload = json.loads(rows[0]["payload"])
    assert payload["session"]["id"] == session["id"]
    assert payload["form"]["answers"] == answers
    assert payload["agency_id"] == str(agency.id)

    actions = {
        r["action"]
        for r in await admin_db.fetch(
            "SELECT action FROM audit_log WHERE entity_id = $1", session["id"]
        )
    }
    assert {"session.created", "service_form.added", "service_form.viewed", "session.viewed"} <= (
        actions
    )


async def test_a_form_the_session_type_does_not_allow_is_refused(agency: Agency) -> None:
    amal = agency.worker()
    session = await new_session(amal, agency)
    response = await amal.post(
        f"/sessions/{session['id']}/forms",
        json={"form_key": "jd_job_placement", "answers": {}},
    )
    assert response.status_code == 422
    assert fields(response) == ["form_key"]


async def test_a_missing_required_answer_is_named(agency: Agency) -> None:
    amal = agency.worker()
    session = await new_session(amal, agency)
    answers = complete_answers("needs_assessment")
    del answers["institution_type_id"]
    response = await amal.post(
        f"/sessions/{session['id']}/forms",
        json={"form_key": "needs_assessment", "answers": answers},
    )
    assert response.status_code == 422
    assert fields(response) == ["answers.institution_type_id"]

    outside = {**complete_answers("needs_assessment"), "institution_type_id": "nowhere"}
    response = await amal.post(
        f"/sessions/{session['id']}/forms",
        json={"form_key": "needs_assessment", "answers": outside},
    )
    assert response.status_code == 422
    assert fields(response) == ["answers.institution_type_id"]


async def test_a_draft_may_miss_required_answers_and_is_not_recorded(
    agency: Agency, admin_db: asyncpg.Connection
) -> None:
    amal = agency.worker()
    session = await new_session(amal, agency)
    response = await amal.post(
        f"/sessions/{session['id']}/forms",
        json={
            "form_key": "needs_assessment",
            "answers": {"institution_type_id": "public_library"},
            "draft": True,
        },
    )
    assert response.status_code == 201, response.text
    form = response.json()
    assert form["status"] == "draft"
    assert form["completed_at"] is None
    published = await admin_db.fetch(
        "SELECT routing_key FROM outbox WHERE payload->'form'->>'id' = $1", form["id"]
    )
    # Only the draft's own event (test_sessions_drafts.py), never a recorded service.
    assert [r["routing_key"] for r in published] == ["sessions.service.drafted.v1"]
    # A draft's answers are still checked for what they say.
    response = await amal.post(
        f"/sessions/{session['id']}/forms",
        json={"form_key": "needs_assessment", "answers": {"no_such": "x"}, "draft": True},
    )
    assert response.status_code == 422
    assert fields(response) == ["answers.no_such"]


async def test_session_fields_are_checked(agency: Agency) -> None:
    amal = agency.worker()
    bad: list[tuple[dict[str, Any], str]] = [
        ({"type": "coffee"}, "type"),
        ({"postal_code": "12345"}, "postal_code"),
        ({"delivery_mode": "pigeon"}, "delivery_mode"),
        ({"end_time": "09:00"}, "end_time"),
        # Times of day are local wall-clock times: a number (read as seconds since
        # midnight UTC) or a UTC offset is refused, not compared with a plain time.
        ({"start_time": 123}, "start_time"),
        ({"end_time": 123}, "end_time"),
        ({"start_time": "10:00+02:00"}, "start_time"),
        ({"client_ids": []}, "client_ids"),
        ({"client_ids": [str(uuid.uuid4()), str(uuid.uuid4())]}, "client_ids"),
    ]
    for override, field in bad:
        response = await amal.post("/sessions", json=session_body(agency, **override))
        assert response.status_code == 422, (override, response.text)
        assert fields(response) == [field], override
    # A group activity takes many clients (or none yet).
    group = await new_session(amal, agency, type="io_group_activity", client_ids=[])
    assert group["client_ids"] == []


async def test_programs_bound_what_a_worker_records_and_sees(agency: Agency) -> None:
    amal = agency.worker("settle")
    eve = agency.worker("employ")
    response = await amal.post(
        "/sessions", json=session_body(agency, program_id=str(agency.employ))
    )
    assert response.status_code == 403

    session = await new_session(amal, agency)
    assert (await eve.get(f"/sessions/{session['id']}")).status_code == 404
    assert (
        await eve.post(
            f"/sessions/{session['id']}/forms",
            json={"form_key": "needs_assessment", "answers": {}, "draft": True},
        )
    ).status_code == 404
    client_id = session["client_ids"][0]
    assert (await eve.get("/sessions", params={"client_id": client_id})).json()["items"] == []
    other_agency = Agency(amal.http, settle=agency.settle).worker()
    assert (await other_agency.get(f"/sessions/{session['id']}")).status_code == 404


async def test_private_sessions_and_their_forms(agency: Agency) -> None:
    amal = agency.worker()
    colleague = agency.worker()
    manager = agency.manager(amal)
    other_manager = agency.manager(colleague)
    session = await new_session(amal, agency, private=True)
    response = await amal.post(
        f"/sessions/{session['id']}/forms",
        json={"form_key": "needs_assessment", "answers": complete_answers("needs_assessment")},
    )
    form = response.json()
    assert form["private"] is True
    form_path = f"/sessions/{session['id']}/forms/{form['id']}"
    client_id = session["client_ids"][0]

    for actor in (amal, manager):
        assert (await actor.get(f"/sessions/{session['id']}")).status_code == 200
        assert (await actor.get(form_path)).status_code == 200
        listed = await actor.get("/sessions", params={"client_id": client_id})
        assert [s["id"] for s in listed.json()["items"]] == [session["id"]]
    for actor in (colleague, other_manager):
        assert (await actor.get(f"/sessions/{session['id']}")).status_code == 404
        assert (await actor.get(form_path)).status_code == 404
        listed = await actor.get("/sessions", params={"client_id": client_id})
        assert listed.json()["items"] == []

    # Not private: the same-program colleague sees it.
    shared = await new_session(amal, agency)
    assert (await colleague.get(f"/sessions/{shared['id']}")).status_code == 200


async def test_row_level_security_backs_the_rules(agency: Agency, scratch: ScratchDatabase) -> None:
    amal = agency.worker()
    colleague = agency.worker()
    private = await new_session(amal, agency, private=True)
    shared = await new_session(amal, agency)
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
            seen = {
                str(r["id"])
                for r in await conn.fetch(
                    "SELECT id FROM session_records WHERE id = ANY($1::uuid[])",
                    [private["id"], shared["id"]],
                )
            }
        assert seen == {shared["id"]}
        async with conn.transaction():
            # No context: nothing.
            assert await conn.fetchval("SELECT count(*) FROM session_records") == 0
    finally:
        await conn.close()


async def test_a_client_registered_a_moment_ago_is_waited_for(agency: Agency) -> None:
    """The copy of clients lags their registration by the event's trip: a session naming
    a client whose event arrives during the request is accepted, not refused."""
    assert isinstance(agency, SessionsAgency) and agency.database is not None
    amal = agency.worker()
    now = utcnow()
    late = ClientRegistered(
        agency_id=agency.id, id=uuid.uuid4(), kind="named", restricted=False,
        consent=Consent(status="given"), registered_at=now, registered_by=uuid.uuid4(),
        updated_at=now, version=1,
    )  # fmt: skip

    async def consumed_later() -> None:
        await asyncio.sleep(0.2)
        assert agency.database is not None
        async with agency.database.transaction(agency_id=agency.id) as db:
            await on_client_state(db, late)

    arriving = asyncio.create_task(consumed_later())
    response = await amal.post("/sessions", json=session_body(agency, client_ids=[str(late.id)]))
    await arriving
    assert response.status_code == 201, response.text
    assert response.json()["client_ids"] == [str(late.id)]
