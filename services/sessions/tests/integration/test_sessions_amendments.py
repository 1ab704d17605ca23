"""Drafts changed and completed, amendments keeping every version, private forms (in
queries and row-level security), tasks and referrals a form asks for, and the
agency's own questions on a form: through the API against a migrated scratch database."""

import json
import uuid
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]

from kit.testing import Actor, Agency, ScratchDatabase
from sessions.forms import catalog

from .test_sessions_records import complete_answers, fields, new_session


async def payloads(admin_db: asyncpg.Connection, routing_key: str, form_id: str) -> list[Any]:
    rows = await admin_db.fetch(
        "SELECT payload FROM outbox WHERE routing_key = $1"
        " AND (payload->'form'->>'id' = $2 OR payload->>'form_id' = $2) ORDER BY seq",
        routing_key,
        form_id,
    )
    return [json.loads(r["payload"]) if isinstance(r["payload"], str) else r["payload"]
            for r in rows]  # fmt: skip


async def add_form(actor: Actor, session: dict[str, Any], **body: Any) -> dict[str, Any]:
    response = await actor.post(f"/sessions/{session['id']}/forms", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_a_draft_is_changed_then_completed(
    agency: Agency, admin_db: asyncpg.Connection
) -> None:
    amal = agency.worker()
    session = await new_session(amal, agency)
    answers = complete_answers("needs_assessment")
    first = dict(list(answers.items())[:2])
    draft = await add_form(amal, session, form_key="needs_assessment", answers=first, draft=True)
    path = f"/sessions/{session['id']}/forms/{draft['id']}"
    assert draft["version"] == 0

    still = await amal.patch(path, json={"answers": {"nope": "x"}})
    assert still.status_code == 422
    assert fields(still) == ["answers.nope"]
    incomplete = await amal.patch(path, json={"draft": False})
    assert incomplete.status_code == 422
    assert fields(incomplete) == [f"answers.{k}" for k in list(answers)[2:]]

    done = await amal.patch(path, json={"answers": answers, "draft": False})
    assert done.status_code == 200, done.text
    form = done.json()
    assert (form["status"], form["version"], form["answers"]) == ("completed", 1, answers)
    assert len(await payloads(admin_db, "sessions.service.recorded.v1", form["id"])) == 1

    again = await amal.patch(path, json={"answers": {}})
    assert again.status_code == 409


async def test_amendments_keep_every_version(agency: Agency, admin_db: asyncpg.Connection) -> None:
    amal = agency.worker()
    colleague = agency.worker()
    session = await new_session(amal, agency)
    answers = complete_answers("needs_assessment")
    form = await add_form(amal, session, form_key="needs_assessment", answers=answers)
    path = f"/sessions/{session['id']}/forms/{form['id']}"

    no_reason = await amal.post(f"{path}/amendments", json={"answers": {}})
    assert no_reason.status_code == 422
    assert fields(no_reason) == ["reason"]
    nothing = await amal.post(f"{path}/amendments", json={"reason": "typo", "answers": answers})
    assert nothing.status_code == 422
    key = "institution_type_id"
    question = catalog.definition("needs_assessment").question(key)
    assert question is not None and question.choices
    question_choices = [c.key for c in question.choices if c.key != answers[key]]
    amended = await colleague.post(
        f"{path}/amendments",
        json={"reason": "wrong institution", "answers": {key: question_choices[0]}},
    )
    assert amended.status_code == 201, amended.text
    assert amended.json()["version"] == 2
    assert amended.json()["answers"][key] == question_choices[0]

    history = (await amal.get(f"{path}/versions")).json()["items"]
    assert [(h["version"], h["change"], h["reason"]) for h in history] == [
        (1, "completed", None),
        (2, "amended", "wrong institution"),
    ]
    assert history[0]["answers"] == answers
    assert history[0]["changed_by"] == str(amal.id)
    assert history[1]["changed_by"] == str(colleague.id)
    events = await payloads(admin_db, "sessions.service.amended.v1", form["id"])
    assert len(events) == 1
    assert events[0]["amendment"]["changed_fields"] == [f"answers.{key}"]
    assert events[0]["amendment"]["version"] == 2
    assert events[0]["session"]["id"] == session["id"]
    assert events[0]["form"]["answers"][key] == question_choices[0]

    other_program = agency.worker("employ")
    assert (await other_program.get(f"{path}/versions")).status_code == 404


async def test_private_forms_in_queries_and_row_level_security(
    agency: Agency, scratch: ScratchDatabase
) -> None:
    amal = agency.worker()
    colleague = agency.worker()
    manager = agency.manager(amal)
    other_manager = agency.manager(colleague)
    session = await new_session(amal, agency)
    answers = complete_answers("needs_assessment")
    private = await add_form(
        amal, session, form_key="needs_assessment", answers=answers, private=True
    )
    shared = await add_form(amal, session, form_key="needs_assessment", answers=answers)
    path = f"/sessions/{session['id']}/forms"
    for actor in (amal, manager):
        assert (await actor.get(f"{path}/{private['id']}")).status_code == 200
        listed = (await actor.get(path)).json()["items"]
        assert {f["id"] for f in listed} == {private["id"], shared["id"]}
    for actor in (colleague, other_manager):
        assert (await actor.get(f"{path}/{private['id']}")).status_code == 404
        assert (await actor.get(f"{path}/{private['id']}/versions")).status_code == 404
        listed = (await actor.get(path)).json()["items"]
        assert [f["id"] for f in listed] == [shared["id"]]
    refused = await colleague.post(
        f"{path}/{private['id']}/amendments", json={"reason": "x", "answers": {}}
    )
    assert refused.status_code == 404

    conn = await asyncpg.connect(scratch.app_url.replace("postgresql+asyncpg", "postgresql"))

    async def seen_by(user: Actor) -> set[str]:
        async with conn.transaction():
            await conn.execute(
                "SELECT set_config('app.agency_id', $1, true),"
                " set_config('app.user_id', $2, true), set_config('app.role', $3, true),"
                " set_config('app.programs', $4, true), set_config('app.manages', $5, true)",
                str(agency.id),
                str(user.id),
                user.principal.role.value,
                ",".join(str(p) for p in user.principal.programs),
                ",".join(str(m) for m in user.principal.manages),
            )
            forms = await conn.fetch(
                "SELECT id FROM service_forms WHERE session_id = $1", uuid.UUID(session["id"])
            )
            versions = await conn.fetch(
                "SELECT form_id AS id FROM service_form_versions WHERE form_id = ANY($1::uuid[])",
                [uuid.UUID(private["id"]), uuid.UUID(shared["id"])],
            )
            return {str(r["id"]) for r in forms} | {f"v:{r['id']}" for r in versions}

    try:
        both = {private["id"], shared["id"], f"v:{private['id']}", f"v:{shared['id']}"}
        assert await seen_by(amal) == both
        assert await seen_by(manager) == both
        assert await seen_by(colleague) == {shared["id"], f"v:{shared['id']}"}
        assert await seen_by(other_manager) == {shared["id"], f"v:{shared['id']}"}
    finally:
        await conn.close()


async def test_a_form_asks_for_a_task_and_referrals(
    agency: Agency, admin_db: asyncpg.Connection
) -> None:
    amal = agency.worker()
    session = await new_session(amal, agency)
    answers = complete_answers("needs_assessment")
    bad = await amal.post(
        f"/sessions/{session['id']}/forms",
        json={"form_key": "needs_assessment", "answers": answers, "follow_ups": [
            {"kind": "task", "need": ""},
            {"kind": "referral", "need": "Housing"},
            {"kind": "referral", "need": "Jobs", "referral_kind": "internal"},
            {"kind": "referral", "need": "Food", "referral_kind": "external"},
            {"kind": "task", "need": "Call", "client_id": str(uuid.uuid4())},
        ]},
    )  # fmt: skip
    assert bad.status_code == 422
    assert fields(bad) == ["follow_ups.0.need"]
    bad = await amal.post(
        f"/sessions/{session['id']}/forms",
        json={"form_key": "needs_assessment", "answers": answers, "follow_ups": [
            {"kind": "referral", "need": "Housing"},
            {"kind": "referral", "need": "Jobs", "referral_kind": "internal"},
            {"kind": "referral", "need": "Food", "referral_kind": "external"},
            {"kind": "task", "need": "Call", "client_id": str(uuid.uuid4())},
        ]},
    )  # fmt: skip
    assert bad.status_code == 422
    assert fields(bad) == [
        "follow_ups.0.referral_kind",
        "follow_ups.1.to_program_id",
        "follow_ups.2.partner_name",
        "follow_ups.3.client_id",
    ]

    draft = await add_form(
        amal, session, form_key="needs_assessment", answers={}, draft=True,
        follow_ups=[{"kind": "task", "need": "Call back", "due_date": "2026-12-01"}],
    )  # fmt: skip
    assert draft["follow_ups"][0]["requested_at"] is None
    assert await payloads(admin_db, "sessions.follow_up.requested.v1", draft["id"]) == []
    path = f"/sessions/{session['id']}/forms/{draft['id']}"
    done = await amal.patch(
        path,
        json={"answers": answers, "draft": False, "follow_ups": [
            {"kind": "task", "need": "Call back", "due_date": "2026-12-01"},
            {"kind": "referral", "need": "Employment counselling", "referral_kind": "internal",
             "to_program_id": str(agency.employ)},
        ]},
    )  # fmt: skip
    assert done.status_code == 200, done.text
    requested = done.json()["follow_ups"]
    events = await payloads(admin_db, "sessions.follow_up.requested.v1", draft["id"])
    assert [(e["kind"], e["request_id"]) for e in events] == [
        ("task", requested[0]["id"]),
        ("referral", requested[1]["id"]),
    ]
    assert events[1]["to_program_id"] == str(agency.employ)
    assert events[1]["client_id"] == session["client_ids"][0]
    assert events[1]["program_id"] == str(agency.settle)

    amended = await amal.post(
        f"{path}/amendments",
        json={"reason": "partner referral", "follow_ups": [
            {"kind": "referral", "need": "Legal aid", "referral_kind": "external",
             "partner_name": "Community Legal Clinic"},
        ]},
    )  # fmt: skip
    assert amended.status_code == 201, amended.text
    assert [f["position"] for f in amended.json()["follow_ups"]] == [0, 1, 2]
    events = await payloads(admin_db, "sessions.follow_up.requested.v1", draft["id"])
    # The amendment sends only the new one; the first two keep their request ids.
    assert [e["request_id"] for e in events[:2]] == [r["id"] for r in requested]
    assert len(events) == 3
    assert events[2]["partner_name"] == "Community Legal Clinic"


async def test_agency_questions_on_a_form(agency: Agency) -> None:
    admin = agency.admin()
    amal = agency.worker()
    questions: list[dict[str, Any]] = [
        {"key": "met_before", "type": "yes_no", "label": {"en": "Met before?"}, "required": True},
        {"key": "how_heard", "type": "single_choice", "label": {"en": "How heard"},
         "choices": [{"key": "friend", "label": {"en": "A friend"}},
                     {"key": "web", "label": {"en": "Web"}}]},
    ]  # fmt: skip
    refused = await amal.put("/form-questions/needs_assessment", json={"questions": questions})
    assert refused.status_code == 403
    unknown = await admin.put("/form-questions/no_such_form", json={"questions": questions})
    assert unknown.status_code == 404
    defined = await admin.put("/form-questions/needs_assessment", json={"questions": questions})
    assert defined.status_code == 200, defined.text
    assert defined.json()["version"] == 1
    assert (await amal.get("/form-questions/needs_assessment")).json()["version"] == 1
    assert (await amal.get("/form-questions/employment")).json()["version"] == 0

    session = await new_session(amal, agency)
    answers = complete_answers("needs_assessment")
    missing = await amal.post(
        f"/sessions/{session['id']}/forms",
        json={"form_key": "needs_assessment", "answers": answers,
              "agency_answers": {"how_heard": "tv"}},
    )  # fmt: skip
    assert missing.status_code == 422
    assert sorted(fields(missing)) == ["agency_answers.how_heard", "agency_answers.met_before"]
    form = await add_form(
        amal, session, form_key="needs_assessment", answers=answers,
        agency_answers={"met_before": True, "how_heard": "web"},
    )  # fmt: skip
    assert form["agency_set_version"] == 1
    assert form["agency_answers"] == {"met_before": True, "how_heard": "web"}

    # Answers exist: removing a question is refused, retiring it is not.
    removed = await admin.put("/form-questions/needs_assessment", json={"questions": questions[:1]})
    assert removed.status_code == 409
    retired = [questions[0], {**questions[1], "retired": True}]
    assert (
        await admin.put("/form-questions/needs_assessment", json={"questions": retired})
    ).status_code == 200
