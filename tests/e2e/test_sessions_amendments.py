"""A completed service form through the gateway: amended with a reason, every version
kept; a private form seen by its author and the author's manager only; a form asking
for a referral and a task sends them to referrals (the event, seen on the broker);
support services and the agency's own questions on a form; unknown clients refused."""

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import aio_pika
import pytest

from scripts.stack import StackInfo
from sessions.forms import catalog
from tests.e2e.demo import AGENCY_ADMIN
from tests.e2e.gateway_client import GatewayClient
from tests.e2e.journeys import SESSIONS, record_session, register, signed_in
from tests.e2e.test_sessions_forms_catalog import fill

pytestmark = pytest.mark.e2e

FOLLOW_UP = "sessions.follow_up.requested.v1"
AMENDED = "sessions.service.amended.v1"


@pytest.fixture(scope="module")
def program(amal: GatewayClient) -> str:
    programs: list[str] = amal.get("/api/identity/me").json()["program_ids"]
    return programs[0]


@pytest.fixture(scope="module")
def colleague(stack: StackInfo, program: str) -> GatewayClient:
    """A second caseworker in amal's program (not managed by amal's manager)."""
    admin = signed_in(stack, AGENCY_ADMIN)
    email = f"colleague.{uuid.uuid4().hex[:8]}@maple.example.org"
    password = "Colleague-Secret-2026"
    created = admin.post(
        "/api/identity/users",
        json={"email": email, "given_name": "Kofi", "family_name": "Mensah",
              "role": "caseworker", "program_ids": [program], "initial_password": password},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    admin.close()
    return signed_in(stack, email, password)


def new_session(worker: GatewayClient, program: str, **overrides: Any) -> dict[str, Any]:
    client = register(worker, given_name="Samir", family_name="Nasser")
    body = {
        "type": "direct_service", "date": "2026-11-20", "start_time": "13:00",
        "end_time": "14:00", "delivery_mode": "in_person", "language_of_service": "English",
        "program_id": program, "funders": [{"name": "IRCC"}], "client_ids": [client["id"]],
        **overrides,
    }  # fmt: skip
    response = record_session(worker, body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def answers(form_key: str = "needs_assessment") -> dict[str, Any]:
    return fill(catalog.definition(form_key), {})


def add_form(worker: GatewayClient, session: dict[str, Any], **body: Any) -> dict[str, Any]:
    response = worker.post(f"{SESSIONS}/{session['id']}/forms", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def observed(
    stack: StackInfo, routing_key: str, action: Callable[[], Any], count: int, within: float = 20.0
) -> tuple[Any, list[dict[str, Any]]]:
    """Run `action` with a temporary queue bound to `routing_key` on the stack's vhost:
    its result and the first `count` events published meanwhile."""

    async def watch() -> tuple[Any, list[dict[str, Any]]]:
        connection = await aio_pika.connect(stack.amqp_url)
        try:
            channel = await connection.channel()
            exchange = await channel.get_exchange("ocms.events")
            queue = await channel.declare_queue("", exclusive=True, auto_delete=True)
            await queue.bind(exchange, routing_key)
            result = await asyncio.to_thread(action)
            events: list[dict[str, Any]] = []
            deadline = time.monotonic() + within
            while len(events) < count and time.monotonic() < deadline:
                message = await queue.get(no_ack=True, fail=False)
                if message is None:
                    await asyncio.sleep(0.1)
                    continue
                events.append(json.loads(message.body))
            return result, events
        finally:
            await connection.close()

    return asyncio.run(watch())


def test_amendments_keep_every_version(
    amal: GatewayClient, manager: GatewayClient, bao: GatewayClient, stack: StackInfo,
    program: str,
) -> None:  # fmt: skip
    session = new_session(amal, program)
    completed = answers()
    form = add_form(amal, session, form_key="needs_assessment", answers=completed)
    path = f"{SESSIONS}/{session['id']}/forms/{form['id']}"
    assert form["version"] == 1

    # A completed form is not edited in place.
    assert amal.patch(path, json={"answers": {}}).status_code == 409
    no_reason = amal.post(f"{path}/amendments", json={"answers": {}})
    assert no_reason.status_code == 422
    assert [f["field"] for f in no_reason.json()["error"]["fields"]] == ["reason"]

    key = "institution_type_id"
    question = catalog.definition("needs_assessment").question(key)
    assert question is not None and question.choices
    other = next(c.key for c in question.choices if c.key != completed[key])

    def amend() -> Any:
        return manager.post(
            f"{path}/amendments", json={"reason": "Wrong institution", "answers": {key: other}}
        )

    response, events = observed(stack, AMENDED, amend, count=1)
    assert response.status_code == 201, response.text
    assert response.json()["version"] == 2
    again = amal.post(
        f"{path}/amendments", json={"reason": "Back after all", "answers": {key: completed[key]}}
    )
    assert again.status_code == 201, again.text

    history = amal.get(f"{path}/versions")
    assert history.status_code == 200, history.text
    items = history.json()["items"]
    assert [(i["version"], i["change"], i["reason"]) for i in items] == [
        (1, "completed", None),
        (2, "amended", "Wrong institution"),
        (3, "amended", "Back after all"),
    ]
    assert [i["answers"][key] for i in items] == [completed[key], other, completed[key]]
    me = {
        who: c.get("/api/identity/me").json()["id"]
        for who, c in (("amal", amal), ("manager", manager))
    }
    assert [i["changed_by"] for i in items] == [me["amal"], me["manager"], me["amal"]]

    [event] = [e for e in events if e["form"]["id"] == form["id"]]
    assert event["amendment"]["reason"] == "Wrong institution"
    assert event["amendment"]["changed_fields"] == [f"answers.{key}"]
    assert event["form"]["answers"][key] == other
    assert event["session"]["id"] == session["id"]

    # Another program's worker sees neither the form nor its history.
    assert bao.get(f"{path}/versions").status_code == 404


def test_private_form_visibility(
    amal: GatewayClient, manager: GatewayClient, colleague: GatewayClient, bao: GatewayClient,
    program: str,
) -> None:  # fmt: skip
    session = new_session(amal, program)
    private = add_form(amal, session, form_key="needs_assessment", answers=answers(), private=True)
    shared = add_form(
        amal,
        session,
        form_key="information_orientation",
        answers=answers("information_orientation"),
    )
    forms = f"{SESSIONS}/{session['id']}/forms"
    assert private["private"] is True and shared["private"] is False

    def listed(who: GatewayClient) -> set[str]:
        response = who.get(forms)
        assert response.status_code == 200, response.text
        return {f["id"] for f in response.json()["items"]}

    # The author and the author's manager.
    for who in (amal, manager):
        assert who.get(f"{forms}/{private['id']}").status_code == 200
        assert who.get(f"{forms}/{private['id']}/versions").status_code == 200
        assert listed(who) == {private["id"], shared["id"]}
    # A colleague of the same program sees the session and its shared form only.
    assert colleague.get(f"{SESSIONS}/{session['id']}").status_code == 200
    assert colleague.get(f"{forms}/{private['id']}").status_code == 404
    assert colleague.get(f"{forms}/{private['id']}/versions").status_code == 404
    assert listed(colleague) == {shared["id"]}
    amend = colleague.post(f"{forms}/{private['id']}/amendments", json={"reason": "x"})
    assert amend.status_code == 404
    # Another program: not even the session.
    assert bao.get(f"{SESSIONS}/{session['id']}").status_code == 404
    assert bao.get(f"{forms}/{private['id']}").status_code == 404
    assert bao.get(forms).status_code == 404


def test_a_form_requesting_a_referral_sends_it(
    amal: GatewayClient, bao: GatewayClient, stack: StackInfo, program: str
) -> None:
    session = new_session(amal, program)
    employment_program = bao.get("/api/identity/me").json()["program_ids"][0]
    bad = amal.post(
        f"{SESSIONS}/{session['id']}/forms",
        json={"form_key": "needs_assessment", "answers": answers(),
              "follow_ups": [{"kind": "referral", "need": " "}]},
    )  # fmt: skip
    assert bad.status_code == 422
    assert [f["field"] for f in bad.json()["error"]["fields"]] == ["follow_ups.0.need"]

    follow_ups = [
        {"kind": "referral", "need": "Job search workshop", "referral_kind": "internal",
         "to_program_id": employment_program, "due_date": "2026-12-15"},
        {"kind": "referral", "need": "Tenant rights", "referral_kind": "external",
         "partner_name": "Community Legal Clinic", "note": "Prefers Arabic"},
        {"kind": "task", "need": "Call back about the assessment"},
    ]  # fmt: skip
    draft = add_form(
        amal, session, form_key="needs_assessment", answers={}, draft=True, follow_ups=follow_ups
    )

    def complete() -> Any:
        return amal.patch(
            f"{SESSIONS}/{session['id']}/forms/{draft['id']}",
            json={"answers": answers(), "draft": False},
        )

    response, events = observed(stack, FOLLOW_UP, complete, count=3)
    assert response.status_code == 200, response.text
    requested = response.json()["follow_ups"]
    mine = [e for e in events if e["form_id"] == draft["id"]]
    assert [(e["kind"], e["need"]) for e in mine] == [(f["kind"], f["need"]) for f in follow_ups]
    assert [e["request_id"] for e in mine] == [r["id"] for r in requested]
    internal, external, task = mine
    assert internal["referral_kind"] == "internal"
    assert internal["to_program_id"] == employment_program
    assert internal["due_date"] == "2026-12-15"
    assert external["partner_name"] == "Community Legal Clinic"
    assert task["referral_kind"] is None
    for event in mine:
        assert event["client_id"] == session["client_ids"][0]
        assert event["program_id"] == program
        assert event["session_id"] == session["id"]
        assert event["form_key"] == "needs_assessment"
        assert event["requested_by"] == amal.get("/api/identity/me").json()["id"]


def test_support_services_and_agency_questions(
    amal: GatewayClient, admin: GatewayClient, program: str
) -> None:
    session = new_session(amal, program)
    client_id = session["client_ids"][0]
    support = amal.put(
        f"{SESSIONS}/{session['id']}/support/{client_id}",
        json={"childminding": [{"age_group": "Toddler (19-35 months)", "care_type": "Long term"}],
              "interpretation": {"from_language": "Tigrigna", "to_language": "English"},
              "transportation": True},
    )  # fmt: skip
    assert support.status_code == 200, support.text
    assert support.json()["received"] is True
    wrong = amal.put(
        f"{SESSIONS}/{session['id']}/support/{client_id}",
        json={"childminding": [{"age_group": "Teenager", "care_type": "Long term"}]},
    )
    assert wrong.status_code == 422
    assert [f["field"] for f in wrong.json()["error"]["fields"]] == ["childminding.0.age_group"]

    # The agency's own question on a form (optional: the demo agency's other journeys
    # fill the same form without it).
    form_key = "community_connection"
    key = f"q{uuid.uuid4().hex[:8]}"
    current = admin.get(f"/api/sessions/form-questions/{form_key}").json()
    defined = admin.put(
        f"/api/sessions/form-questions/{form_key}",
        json={"base_version": current["version"], "questions": [
            *current["questions"],
            {"key": key, "type": "single_choice", "label": {"en": "How did they hear of us?"},
             "choices": [{"key": "friend", "label": {"en": "A friend"}},
                         {"key": "poster", "label": {"en": "A poster"}}]},
        ]},
    )  # fmt: skip
    assert defined.status_code == 200, defined.text
    refused = amal.put(f"/api/sessions/form-questions/{form_key}", json={"questions": []})
    assert refused.status_code == 403

    base = answers(form_key)
    wrong_answer = amal.post(
        f"{SESSIONS}/{session['id']}/forms",
        json={"form_key": form_key, "answers": base, "agency_answers": {key: "radio"}},
    )
    assert wrong_answer.status_code == 422
    assert [f["field"] for f in wrong_answer.json()["error"]["fields"]] == [f"agency_answers.{key}"]
    form = add_form(amal, session, form_key=form_key, answers=base, agency_answers={key: "friend"})
    assert form["agency_answers"] == {key: "friend"}
    assert form["agency_set_version"] == defined.json()["version"]


def test_an_unknown_client_is_refused(amal: GatewayClient, program: str) -> None:
    response = amal.post(
        SESSIONS,
        json={"type": "direct_service", "date": "2026-11-20", "start_time": "13:00",
              "end_time": "14:00", "delivery_mode": "phone", "language_of_service": "English",
              "program_id": program, "client_ids": [str(uuid.uuid4())]},
    )  # fmt: skip
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["error"]["fields"]] == ["client_ids"]
