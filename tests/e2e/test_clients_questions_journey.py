"""Agency-specific questions on the client profile, through the gateway: the agency
admin defines them, a caseworker answers them on a profile (a draft first), a question
is retired without losing its answers, and another agency sees none of it."""

import asyncio
import json
import re
import time
import uuid
from typing import Any

import asyncpg
import pytest

from scripts.stack import StackInfo
from tests.e2e.gateway_client import GatewayClient
from tests.e2e.journeys import CLIENTS, CONSENT, new_agency_admin

pytestmark = pytest.mark.e2e

QUESTIONS = "/api/clients/questions/client-profile"
# Keys an earlier run of this journey on the same stack added: retired on the way in.
EARLIER_RUN = re.compile(
    r"^(source|source_other|household|first_visit|interpreter|interests)_[0-9a-f]{8}$"
)


def _questions(tag: str) -> list[dict[str, Any]]:
    """One question of each type, keyed with `tag` so reruns on one stack add their own."""

    def q(key: str, type_: str, order: int, **extra: Any) -> dict[str, Any]:
        label = {"en": f"{key} ({tag})", "fr": f"{key} ({tag}) FR"}
        return {"key": f"{key}_{tag}", "type": type_, "label": label, "order": order, **extra}

    def options(*keys: str) -> list[dict[str, Any]]:
        return [{"key": k, "label": {"en": k.title()}} for k in keys]

    return [
        q("source", "single_choice", 101, required=True, choices=options("friend", "web", "other"),
          help={"en": "How did the client hear about the agency?"}),
        q("source_other", "text", 102, required=True,
          visible_when={"question": f"source_{tag}", "equals": "other"}),
        q("household", "number", 103, integer=True, min_value=1, max_value=20),
        q("first_visit", "date", 104),
        q("interpreter", "yes_no", 105, required=True),
        q("interests", "multiple_choice", 106, choices=options("sports", "arts", "cooking")),
    ]  # fmt: skip


def _updated_event(
    stack: StackInfo, client_id: str, key: str, value: object, within: float = 20.0
) -> dict[str, Any]:
    """The client's `clients.client.updated.v1` carrying answer `key` = `value`, once
    the relay published it."""

    async def fetch() -> dict[str, Any]:
        url = stack.db_urls["clients"]["owner"].replace("postgresql+asyncpg://", "postgresql://")
        conn = await asyncpg.connect(url)
        try:
            deadline = time.monotonic() + within
            while time.monotonic() < deadline:
                payload = await conn.fetchval(
                    "SELECT payload FROM outbox WHERE routing_key = 'clients.client.updated.v1'"
                    " AND payload->>'id' = $1 AND published_at IS NOT NULL"
                    " AND payload->'answers'->'values'->$2::text = $3::jsonb"
                    " ORDER BY seq DESC LIMIT 1",
                    client_id,
                    key,
                    json.dumps(value),
                )
                if payload is not None:
                    body: dict[str, Any] = (
                        json.loads(payload) if isinstance(payload, str) else payload
                    )
                    return body
                await asyncio.sleep(0.2)
            raise AssertionError("the update was not published in time")
        finally:
            await conn.close()

    return asyncio.run(fetch())


def test_questions_defined_answered_retired_and_kept_to_the_agency(
    admin: GatewayClient, amal: GatewayClient, stack: StackInfo
) -> None:
    tag = uuid.uuid4().hex[:8]
    current = admin.get(QUESTIONS)
    assert current.status_code == 200, current.text
    before = current.json()
    ours = _questions(tag)
    keys = [q["key"] for q in ours]
    kept_before = [
        {**q, "retired": True} if EARLIER_RUN.match(q["key"]) else q for q in before["questions"]
    ]
    everything = [*kept_before, *ours]

    assert amal.put(QUESTIONS, json={"questions": everything}).status_code == 403
    broken = admin.put(QUESTIONS, json={"questions": [*kept_before, {**ours[0], "choices": []}]})
    assert broken.status_code == 422
    assert [f["field"] for f in broken.json()["error"]["fields"]] == [
        f"questions[{len(kept_before)}].choices"
    ]
    defined = admin.put(
        QUESTIONS, json={"questions": everything, "base_version": before["version"]}
    )
    assert defined.status_code == 200, defined.text
    version = defined.json()["version"]
    assert version == before["version"] + 1

    spec = amal.get(QUESTIONS).json()["spec"]
    shown = {q["key"]: q for q in spec["questions"]}
    assert [q["key"] for q in spec["questions"] if q["key"].endswith(tag)] == keys
    assert shown[keys[0]]["help"]["en"].startswith("How did")
    assert shown[keys[1]]["visible_when"] == {"question": keys[0], "equals": "other"}
    assert not [k for k in shown if EARLIER_RUN.match(k) and not k.endswith(tag)]

    created = amal.post(CLIENTS, json={"consent": CONSENT, "given_name": "Farah"})
    assert created.status_code == 201, created.text
    client_id = created.json()["id"]
    profile = f"{CLIENTS}/{client_id}"

    draft = amal.patch(profile, json={"answers": {"values": {keys[2]: 3, keys[5]: ["arts"]}}})
    assert draft.status_code == 200, draft.text
    answers = draft.json()["answers"]
    assert answers["draft"] is True and answers["version"] == version
    assert {keys[0], keys[4]} <= set(answers["missing"])

    invalid = amal.patch(
        profile, json={"answers": {"values": {keys[2]: 99, keys[3]: "2025-13-01"}}}
    )
    assert invalid.status_code == 422
    assert sorted(f["field"] for f in invalid.json()["error"]["fields"]) == sorted(
        [f"answers.{keys[2]}", f"answers.{keys[3]}"]
    )
    incomplete = amal.patch(
        profile, json={"answers": {"values": {keys[0]: "other"}, "draft": False}}
    )
    assert incomplete.status_code == 422
    assert f"answers.{keys[1]}" in [f["field"] for f in incomplete.json()["error"]["fields"]]

    final = {keys[0]: "other", keys[1]: "A poster", keys[3]: "2025-05-01", keys[4]: True}
    answered = amal.patch(profile, json={"answers": {"values": final, "draft": False}})
    assert answered.status_code == 200, answered.text
    answers = answered.json()["answers"]
    assert answers["draft"] is False
    assert {k: answers["values"][k] for k in keys} == {
        **final, keys[2]: 3, keys[5]: ["arts"]
    }  # fmt: skip
    event = _updated_event(stack, client_id, keys[1], "A poster")
    assert event["answers"]["draft"] is False and event["answers"]["values"][keys[2]] == 3

    # Once answered, a question is retired, never removed.
    removed = [q for q in everything if q["key"] != keys[2]]
    refused = admin.put(QUESTIONS, json={"questions": removed})
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "incompatible_change"
    # Retire all of this journey's questions (the demo agency is left asking nothing new).
    retired = [{**q, "retired": True} if q["key"] in keys else q for q in everything]
    assert admin.put(QUESTIONS, json={"questions": retired}).status_code == 200
    shown_now = [q["key"] for q in amal.get(QUESTIONS).json()["spec"]["questions"]]
    assert not set(keys) & set(shown_now)
    kept = amal.get(profile).json()["answers"]
    assert kept["values"][keys[2]] == 3 and kept["values"][keys[1]] == "A poster"
    assert kept["missing"] == []
    versions = admin.get(f"{QUESTIONS}/versions").json()["items"]
    assert versions[0]["version"] == version + 1 and versions[0]["retired"] >= len(keys)

    stranger = new_agency_admin(stack)
    theirs = stranger.get(QUESTIONS)
    assert theirs.status_code == 200
    assert not [q for q in theirs.json()["questions"] if q["key"].endswith(tag)]
    assert stranger.get(profile).status_code == 404
    stranger.close()
