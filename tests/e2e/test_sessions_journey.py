"""A caseworker records a service through the gateway: a direct-service session, a
needs assessment saved as a draft then completed, and who may see a private one."""

import asyncio
import time
import uuid
from typing import Any

import asyncpg
import pytest

from scripts.stack import StackInfo
from tests.e2e.gateway_client import GatewayClient
from tests.e2e.journeys import record_session, register

pytestmark = pytest.mark.e2e

SESSIONS = "/api/sessions/sessions"


def _settlement_program(worker: GatewayClient) -> str:
    me = worker.get("/api/identity/me")
    assert me.status_code == 200, me.text
    programs: list[str] = me.json()["program_ids"]
    assert len(programs) == 1
    return programs[0]


def _session(worker: GatewayClient, program_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "direct_service",
        "date": "2026-11-20",
        "start_time": "10:00",
        "end_time": "11:00",
        "location": "Maple office",
        "postal_code": "M5V 2T6",
        "delivery_mode": "in_person",
        "language_of_service": "English",
        "program_id": program_id,
        "funders": [{"name": "IRCC"}],
        **overrides,
    }
    if "client_ids" not in body:
        body["client_ids"] = [register(worker, given_name="Amira", family_name="Haddad")["id"]]
    response = record_session(worker, body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


NEEDS_ASSESSMENT = {
    "preferred_official_language_id": "english",
    "institution_type_id": "settlement_service_provider",
    "assessment_referral_id": "family_friends",
    "intention_canadian_citizen_ind": "yes",
    "support_required_services_required": "no",
    "non_cic_program_needs_services_required": "no",
    "support_received_ind": "no",
    "settlement_plan_ind": "no",
    "assessment_completed_dt": "2026-11-20",
}


def _published(stack: StackInfo, form_id: str, within: float = 20.0) -> bool:
    """Whether the relay published (broker confirmed) the form's event in time."""

    async def check() -> bool:
        url = stack.db_urls["sessions"]["owner"].replace("postgresql+asyncpg://", "postgresql://")
        conn = await asyncpg.connect(url)
        try:
            deadline = time.monotonic() + within
            while time.monotonic() < deadline:
                found = await conn.fetchval(
                    "SELECT count(*) FROM outbox WHERE routing_key = $1"
                    " AND payload->'form'->>'id' = $2 AND published_at IS NOT NULL",
                    "sessions.service.recorded.v1",
                    form_id,
                )
                if found:
                    return True
                await asyncio.sleep(0.2)
            return False
        finally:
            await conn.close()

    return asyncio.run(check())


def test_caseworker_records_a_needs_assessment(amal: GatewayClient, stack: StackInfo) -> None:
    program = _settlement_program(amal)
    session = _session(amal, program)
    assert session["postal_code"] == "M5V2T6"
    forms = f"{SESSIONS}/{session['id']}/forms"

    wrong = amal.post(forms, json={"form_key": "jd_job_placement", "answers": {}})
    assert wrong.status_code == 422
    assert [f["field"] for f in wrong.json()["error"]["fields"]] == ["form_key"]

    missing = {k: v for k, v in NEEDS_ASSESSMENT.items() if k != "institution_type_id"}
    refused = amal.post(forms, json={"form_key": "needs_assessment", "answers": missing})
    assert refused.status_code == 422
    assert [f["field"] for f in refused.json()["error"]["fields"]] == [
        "answers.institution_type_id"
    ]

    draft = amal.post(
        forms, json={"form_key": "needs_assessment", "answers": missing, "draft": True}
    )
    assert draft.status_code == 201, draft.text
    assert draft.json()["status"] == "draft"

    done = amal.post(forms, json={"form_key": "needs_assessment", "answers": NEEDS_ASSESSMENT})
    assert done.status_code == 201, done.text
    form = done.json()
    assert form["status"] == "completed"
    assert amal.get(f"{forms}/{form['id']}").json() == form

    listed = amal.get(SESSIONS, params={"client_id": session["client_ids"][0]})
    assert [s["id"] for s in listed.json()["items"]] == [session["id"]]
    assert _published(stack, form["id"])


def test_program_and_private_visibility(
    amal: GatewayClient, manager: GatewayClient, bao: GatewayClient
) -> None:
    program = _settlement_program(amal)
    other_program = _settlement_program(bao)
    refused = amal.post(
        SESSIONS,
        json={
            "type": "direct_service",
            "date": "2026-11-20",
            "start_time": "10:00",
            "end_time": "11:00",
            "delivery_mode": "phone",
            "language_of_service": "English",
            "program_id": other_program,
            "client_ids": [str(uuid.uuid4())],
        },
    )
    assert refused.status_code == 403

    shared = _session(amal, program)
    private = _session(amal, program, private=True)
    # The manager (amal's, in both programs) sees both; bao (employment) neither.
    for session in (shared, private):
        assert manager.get(f"{SESSIONS}/{session['id']}").status_code == 200
        assert bao.get(f"{SESSIONS}/{session['id']}").status_code == 404
    assert amal.get(f"{SESSIONS}/{private['id']}").json()["private"] is True
