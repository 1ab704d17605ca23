"""A draft service form is published as it is saved (`sessions.service.drafted.v1`), in
the transaction that saves it: added as a draft, each change, never once completed;
a refused change publishes nothing."""

import json
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]

from contracts.sessions import DraftSaved
from kit.testing import Agency

from .test_sessions_records import complete_answers, fields, new_session

DRAFTED = "sessions.service.drafted.v1"
RECORDED = "sessions.service.recorded.v1"


async def events_of(admin_db: asyncpg.Connection, form_id: str) -> list[tuple[str, Any]]:
    """(routing key, payload) of every event naming the form, in outbox order."""
    rows = await admin_db.fetch(
        "SELECT routing_key, payload FROM outbox WHERE payload->'form'->>'id' = $1 ORDER BY seq",
        form_id,
    )
    return [
        (r["routing_key"], json.loads(r["payload"]) if isinstance(r["payload"], str)
         else r["payload"])
        for r in rows
    ]  # fmt: skip


async def test_a_draft_is_published_as_saved_then_recorded_once_completed(
    agency: Agency, admin_db: asyncpg.Connection
) -> None:
    amal = agency.worker()
    colleague = agency.worker()  # same program: may change amal's draft
    session = await new_session(amal, agency)
    answers = complete_answers("needs_assessment")
    first = dict(list(answers.items())[:2])
    added = await amal.post(
        f"/sessions/{session['id']}/forms",
        json={"form_key": "needs_assessment", "answers": first, "draft": True},
    )
    assert added.status_code == 201, added.text
    draft = added.json()
    path = f"/sessions/{session['id']}/forms/{draft['id']}"

    [(key, payload)] = await events_of(admin_db, draft["id"])
    assert key == DRAFTED
    event = DraftSaved.model_validate(payload)  # the contract reads it back
    assert event.agency_id == agency.id
    assert str(event.session.id) == session["id"]
    assert [str(c) for c in event.session.client_ids] == session["client_ids"]
    assert str(event.session.program_id) == str(agency.settle)
    assert (event.form.status, event.form.version, event.form.completed_at) == ("draft", 0, None)
    assert event.form.answers == first
    assert event.form.author_id == amal.id
    assert event.form.private is False
    assert event.form.updated_at is not None

    # A change by a colleague of the program: the draft as it now stands, still amal's.
    changed = await colleague.patch(path, json={"answers": dict(list(answers.items())[2:3])})
    assert changed.status_code == 200, changed.text
    # The author marks it private: published too (consumers keep it private).
    private = await amal.patch(path, json={"private": True})
    assert private.status_code == 200, private.text
    # Refused changes publish nothing.
    assert (await amal.patch(path, json={"answers": {"nope": "x"}})).status_code == 422
    incomplete = await amal.patch(path, json={"draft": False})
    assert incomplete.status_code == 422 and fields(incomplete)

    events = await events_of(admin_db, draft["id"])
    assert [k for k, _ in events] == [DRAFTED, DRAFTED, DRAFTED]
    saved = [DraftSaved.model_validate(p).form for _, p in events]
    assert saved[1].answers == {**first, **dict(list(answers.items())[2:3])}
    assert saved[1].author_id == amal.id
    assert saved[2].private is True
    stamps = [f.updated_at for f in saved if f.updated_at is not None]
    assert stamps == sorted(stamps) and len(set(stamps)) == 3

    done = await amal.patch(path, json={"answers": answers, "draft": False})
    assert done.status_code == 200, done.text
    events = await events_of(admin_db, draft["id"])
    # Completing publishes the recorded service only: consumers take it as "no longer
    # a draft"; its updated_at is later than every draft's.
    assert [k for k, _ in events] == [DRAFTED, DRAFTED, DRAFTED, RECORDED]
    recorded = events[-1][1]["form"]
    assert recorded["status"] == "completed" and recorded["version"] == 1
    assert recorded["updated_at"] > events[-2][1]["form"]["updated_at"]


async def test_a_form_completed_at_once_is_never_a_draft(
    agency: Agency, admin_db: asyncpg.Connection
) -> None:
    amal = agency.worker()
    session = await new_session(amal, agency)
    added = await amal.post(
        f"/sessions/{session['id']}/forms",
        json={"form_key": "needs_assessment", "answers": complete_answers("needs_assessment")},
    )
    assert added.status_code == 201, added.text
    assert [k for k, _ in await events_of(admin_db, added.json()["id"])] == [RECORDED]


async def test_a_draft_of_a_private_session_is_published_private(
    agency: Agency, admin_db: asyncpg.Connection
) -> None:
    amal = agency.worker()
    session = await new_session(amal, agency, private=True)
    added = await amal.post(
        f"/sessions/{session['id']}/forms",
        json={"form_key": "needs_assessment", "answers": {}, "draft": True},
    )
    assert added.status_code == 201, added.text
    [(key, payload)] = await events_of(admin_db, added.json()["id"])
    event = DraftSaved.model_validate(payload)
    assert key == DRAFTED
    assert event.session.private is True and event.form.private is True
