"""Agency-specific questions on the client profile: defined by the agency admin,
answered on the profile (drafts allowed), retired without losing answers, isolated
per agency."""

import json
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import pytest

from kit.testing import Actor, Agency

from .conftest import CONSENT

pytestmark = pytest.mark.integration

QUESTIONS = "/questions/client-profile"


def question(key: str, type_: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "type": type_, "label": {"en": key.replace("_", " ").title()}, **extra}


def choices(*keys: str) -> list[dict[str, Any]]:
    return [{"key": k, "label": {"en": k.title(), "fr": k.title()}} for k in keys]


# Every type, required or not, help text, an order that differs from the list's, and a
# question shown only given an earlier answer.
SET = [
    question("referral_source", "single_choice", required=True, order=1,
             choices=choices("friend", "web", "other"),
             help={"en": "How did the client hear about us?", "fr": "Comment ?"}),
    question("referral_other", "text", order=2, required=True, max_length=40,
             visible_when={"question": "referral_source", "equals": "other"}),
    question("household_size", "number", order=3, integer=True, min_value=1, max_value=20),
    question("first_visit", "date", order=4, min_date="2000-01-01"),
    question("needs_interpreter", "yes_no", order=5, required=True),
    question("interests", "multiple_choice", order=6, max_selections=2,
             choices=choices("sports", "arts", "cooking")),
    question("heard_on_radio", "yes_no", order=0),
]  # fmt: skip


async def define(admin: Actor, questions: list[dict[str, Any]], **extra: Any) -> Any:
    return await admin.request("PUT", QUESTIONS, json={"questions": questions, **extra})


async def named(worker: Actor, **fields: Any) -> str:
    created = await worker.post(
        "/clients", json={"consent": CONSENT, "given_name": "Ana", **fields}
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def answer(
    worker: Actor, client_id: str, values: dict[str, Any], draft: bool | None = None
) -> Any:
    body: dict[str, Any] = {"values": values}
    if draft is not None:
        body["draft"] = draft
    return await worker.patch(f"/clients/{client_id}", json={"answers": body})


def fields(response: Any) -> list[str]:
    return sorted(f["field"] for f in response.json()["error"]["fields"])


async def test_admin_defines_the_questions_and_every_staff_member_reads_them(
    agency: Agency,
) -> None:
    admin, worker = agency.admin(), agency.worker()
    empty = await worker.get(QUESTIONS)
    assert empty.status_code == 200, empty.text
    assert empty.json()["version"] == 0 and empty.json()["spec"]["questions"] == []

    refused = await define(worker, SET)
    assert refused.status_code == 403
    assert (await define(agency.manager(), SET)).status_code == 403

    defined = await define(admin, SET, base_version=0)
    assert defined.status_code == 200, defined.text
    assert defined.json()["version"] == 1

    read = (await worker.get(QUESTIONS)).json()
    assert read["version"] == 1 and read["answers_exist"] is False
    spec = read["spec"]
    assert [q["key"] for q in spec["questions"]] == [
        "heard_on_radio", "referral_source", "referral_other", "household_size",
        "first_visit", "needs_interpreter", "interests",
    ]  # fmt: skip
    source = spec["questions"][1]
    assert source["required"] is True and source["help"]["en"].startswith("How did")
    assert [c["key"] for c in source["choices"]] == ["friend", "web", "other"]
    assert spec["questions"][2]["visible_when"] == {
        "question": "referral_source",
        "equals": "other",
    }
    assert spec["questions"][2]["max_length"] == 40
    # The definition as stored: what the next edit starts from.
    assert [q["key"] for q in read["questions"]] == [q["key"] for q in SET]

    # The same definition again is no new version.
    assert (await define(admin, read["questions"])).json()["version"] == 1
    stale = await define(admin, SET[:3], base_version=0)
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "question_set_changed"
    assert (await define(admin, SET[:3], base_version=1)).json()["version"] == 2
    versions = (await worker.get(f"{QUESTIONS}/versions")).json()["items"]
    assert [(v["version"], v["questions"]) for v in versions] == [(2, 3), (1, 7)]
    old = await worker.get(f"{QUESTIONS}/versions/1")
    assert old.status_code == 200 and len(old.json()["spec"]["questions"]) == 7
    assert (await worker.get(f"{QUESTIONS}/versions/9")).status_code == 404


@pytest.mark.parametrize(
    ("questions", "expected"),
    [
        ([question("colour", "single_choice")], ["questions[0].choices"]),
        ([question("a", "text"), question("a", "number")], ["questions[1].key"]),
        ([question("Bad Key", "text")], ["questions[0].key"]),
        ([question("n", "number", min_value=5, max_value=1)], ["questions[0].max_value"]),
        ([question("t", "text", choices=choices("x"))], ["questions[0].choices"]),
        (
            [question("b", "text", visible_when={"question": "a", "equals": "x"}),
             question("a", "text")],
            ["questions[0].visible_when.question"],
        ),
        ([question("d", "colour")], ["questions[0].type"]),
    ],
)  # fmt: skip
async def test_a_definition_that_does_not_hold_together_is_refused_with_its_paths(
    agency: Agency, questions: list[dict[str, Any]], expected: list[str]
) -> None:
    refused = await define(agency.admin(), questions)
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == "invalid_definition"
    assert fields(refused) == expected
    assert (await agency.worker().get(QUESTIONS)).json()["version"] == 0


@pytest.mark.parametrize(
    ("values", "field", "type_"),
    [
        ({"household_size": 2.5}, "answers.household_size", "not_integer"),
        ({"household_size": 40}, "answers.household_size", "out_of_range"),
        ({"household_size": "many"}, "answers.household_size", "invalid_type"),
        ({"first_visit": "2024-02-30"}, "answers.first_visit", "invalid_date"),
        ({"first_visit": "1999-12-31"}, "answers.first_visit", "out_of_range"),
        ({"needs_interpreter": "yes"}, "answers.needs_interpreter", "invalid_type"),
        ({"referral_source": "tv"}, "answers.referral_source", "invalid_choice"),
        ({"interests": ["sports", "arts", "cooking"]}, "answers.interests", "selection_count"),
        ({"interests": "sports"}, "answers.interests", "invalid_type"),
        ({"referral_source": "web", "referral_other": "x"}, "answers.referral_other", "not_asked"),
        ({"unknown": "x"}, "answers.unknown", "unknown_question"),
        ({"referral_other": "a" * 41, "referral_source": "other"}, "answers.referral_other",
         "too_long"),
    ],
)  # fmt: skip
async def test_each_answer_is_checked_against_its_question(
    agency: Agency, values: dict[str, Any], field: str, type_: str
) -> None:
    assert (await define(agency.admin(), SET)).status_code == 200
    worker = agency.worker()
    client_id = await named(worker)
    refused = await answer(worker, client_id, values)
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["code"] == "invalid_answers"
    assert [(f["field"], f["type"]) for f in error["fields"]] == [(field, type_)]
    read = (await worker.get(f"/clients/{client_id}")).json()
    assert read["answers"]["values"] == {}


async def test_answers_are_saved_as_drafts_then_completed(
    agency: Agency, admin_db: asyncpg.Connection
) -> None:
    assert (await define(agency.admin(), SET)).status_code == 200
    worker = agency.worker()
    client_id = await named(worker)
    fresh = (await worker.get(f"/clients/{client_id}")).json()["answers"]
    assert fresh == {"version": None, "values": {}, "draft": True, "missing": []}

    draft = await answer(
        worker, client_id, {"household_size": "3", "interests": ["arts", "sports"]}
    )
    assert draft.status_code == 200, draft.text
    saved = draft.json()["answers"]
    assert saved["values"] == {"household_size": 3, "interests": ["sports", "arts"]}
    assert saved["draft"] is True and saved["version"] == 1
    assert saved["missing"] == ["referral_source", "needs_interpreter"]

    # Not a draft: required questions (and one a rule makes required) must be answered.
    incomplete = await answer(worker, client_id, {"referral_source": "other"}, draft=False)
    assert incomplete.status_code == 422
    assert fields(incomplete) == ["answers.needs_interpreter", "answers.referral_other"]
    assert {f["type"] for f in incomplete.json()["error"]["fields"]} == {"missing"}

    complete = await answer(
        worker, client_id,
        {"referral_source": "other", "referral_other": " Library flyer ",
         "needs_interpreter": False, "first_visit": "2025-03-04", "household_size": None},
        draft=False,
    )  # fmt: skip
    assert complete.status_code == 200, complete.text
    body = complete.json()
    assert body["answers"]["values"] == {
        "interests": ["sports", "arts"], "referral_source": "other",
        "referral_other": "Library flyer", "needs_interpreter": False,
        "first_visit": "2025-03-04",
    }  # fmt: skip
    assert body["answers"]["draft"] is False and body["answers"]["missing"] == []
    # Profile fields and answers in one save; the rest untouched.
    both = await worker.patch(
        f"/clients/{client_id}",
        json={"preferred_name": "Annie", "answers": {"values": {"heard_on_radio": True}}},
    )
    assert both.status_code == 200, both.text
    assert both.json()["preferred_name"] == "Annie"
    assert both.json()["answers"]["values"]["heard_on_radio"] is True
    assert both.json()["answers"]["values"]["referral_source"] == "other"

    history = (await worker.get(f"/clients/{client_id}/history")).json()["items"]
    # Left out, `draft` stays as it was: a completed set is checked as complete.
    assert both.json()["answers"]["draft"] is False
    assert history[0]["fields"] == ["answers.heard_on_radio", "preferred_name"]
    assert "answers.referral_other" in history[1]["fields"]
    event = await admin_db.fetchrow(
        "SELECT payload FROM outbox WHERE routing_key = 'clients.client.updated.v1'"
        " AND payload->>'id' = $1 ORDER BY seq DESC LIMIT 1",
        client_id,
    )
    payload = (
        json.loads(event["payload"]) if isinstance(event["payload"], str) else event["payload"]
    )
    assert payload["answers"]["values"]["referral_other"] == "Library flyer"
    assert payload["answers"]["version"] == 1 and payload["answers"]["draft"] is False
    assert "answers.heard_on_radio" in payload["changed_fields"]

    # A completed set stays complete: clearing a required answer needs a draft.
    cleared = await answer(worker, client_id, {"needs_interpreter": None})
    assert cleared.status_code == 422 and fields(cleared) == ["answers.needs_interpreter"]
    back_to_draft = await answer(worker, client_id, {"needs_interpreter": None}, draft=True)
    assert back_to_draft.status_code == 200, back_to_draft.text
    assert back_to_draft.json()["answers"]["missing"] == ["needs_interpreter"]
    assert (await answer(worker, client_id, {"needs_interpreter": False}, draft=False)).is_success


async def test_a_retired_question_keeps_its_answers_and_breaking_changes_are_refused(
    agency: Agency,
) -> None:
    admin, worker = agency.admin(), agency.worker()
    assert (await define(admin, SET)).status_code == 200
    # No answer yet: anything may change.
    assert (
        await define(admin, [q for q in SET if q["key"] != "heard_on_radio"])
    ).status_code == 200
    assert (await define(admin, SET)).json()["version"] == 3
    client_id = await named(worker)
    saved = await answer(
        worker, client_id,
        {"household_size": 4, "interests": ["cooking"], "referral_source": "friend"},
    )  # fmt: skip
    assert saved.status_code == 200, saved.text
    assert (await worker.get(QUESTIONS)).json()["answers_exist"] is True

    removed = await define(admin, [q for q in SET if q["key"] != "household_size"])
    assert removed.status_code == 409, removed.text
    error = removed.json()["error"]
    assert error["code"] == "incompatible_change"
    assert [f["message"] for f in error["fields"]] == [
        "question 'household_size' was removed: retire it instead"
    ]
    retyped = [
        question("household_size", "text") if q["key"] == "household_size" else q for q in SET
    ]
    fewer_choices = [
        {**q, "choices": choices("sports", "arts")} if q["key"] == "interests" else q for q in SET
    ]
    for change in (retyped, fewer_choices):
        refused = await define(admin, change)
        assert refused.status_code == 409, refused.text
    assert (await worker.get(QUESTIONS)).json()["version"] == 3

    retired = [
        {**q, "retired": True} if q["key"] == "household_size" else
        {**q, "choices": [{**c, "retired": c["key"] == "cooking"} for c in q["choices"]]}
        if q["key"] == "interests" else q
        for q in SET
    ]  # fmt: skip
    now = await define(admin, retired)
    assert now.status_code == 200, now.text
    assert now.json()["version"] == 4
    assert "household_size" not in [q["key"] for q in now.json()["spec"]["questions"]]
    with_retired = (await worker.get(QUESTIONS, params={"include_retired": "true"})).json()
    assert "household_size" in [q["key"] for q in with_retired["spec"]["questions"]]

    # The retired answers stay, and ride along other saves untouched.
    kept = await answer(worker, client_id, {"needs_interpreter": True})
    assert kept.status_code == 200, kept.text
    values = kept.json()["answers"]["values"]
    assert values["household_size"] == 4 and values["interests"] == ["cooking"]
    assert kept.json()["answers"]["version"] == 4
    # Echoing them back as read is fine; changing or clearing them is not.
    echo = await answer(worker, client_id, values)
    assert echo.status_code == 200, echo.text
    for size in (5, None):
        refused = await answer(worker, client_id, {"household_size": size})
        assert refused.status_code == 422
        assert [(f["field"], f["type"]) for f in refused.json()["error"]["fields"]] == [
            ("answers.household_size", "retired_question")
        ]
    # A retired choice is not offered to others.
    other = await named(worker)
    refused = await answer(worker, other, {"interests": ["cooking"]})
    assert [f["type"] for f in refused.json()["error"]["fields"]] == ["retired_choice"]
    assert (await worker.get(f"/clients/{client_id}")).json()["answers"]["values"] == values


async def test_another_agencys_questions_and_answers_are_invisible(
    agency: Agency, http: Any
) -> None:
    assert (await define(agency.admin(), SET)).status_code == 200
    worker = agency.worker()
    client_id = await named(worker)
    assert (await answer(worker, client_id, {"household_size": 2})).status_code == 200

    other = Agency(http)
    theirs = (await other.worker().get(QUESTIONS)).json()
    assert theirs["version"] == 0 and theirs["answers_exist"] is False
    assert (await other.worker().get(f"{QUESTIONS}/versions")).json()["items"] == []
    assert (await other.worker().get(f"{QUESTIONS}/versions/1")).status_code == 404
    assert (await answer(other.worker(), client_id, {"household_size": 3})).status_code == 404
    # Their own definition is free of ours (our answers do not hold them back).
    assert (await define(other.admin(), SET[:1])).json()["version"] == 1
    assert (await define(other.admin(), SET[2:3])).json()["version"] == 2
    assert (await worker.get(QUESTIONS)).json()["version"] == 1


async def test_withdrawn_consent_hides_and_freezes_answers_and_anonymous_holds_none(
    agency: Agency,
) -> None:
    assert (await define(agency.admin(), SET)).status_code == 200
    worker = agency.worker()
    client_id = await named(worker)
    assert (await answer(worker, client_id, {"household_size": 2})).status_code == 200
    assert (await worker.delete(f"/clients/{client_id}/consent")).status_code == 200
    read = (await worker.get(f"/clients/{client_id}")).json()
    assert read["answers"]["values"] == {} and "answers" in read["hidden_fields"]
    frozen = await answer(worker, client_id, {"household_size": 3})
    assert frozen.status_code == 409 and frozen.json()["error"]["code"] == "consent_withdrawn"
    revealed = await agency.admin().get(
        f"/clients/{client_id}", params={"reveal": "true", "reason": "audit request"}
    )
    assert revealed.json()["answers"]["values"] == {"household_size": 2}

    anonymous = await worker.post("/clients/anonymous", json={"age_range": "25-34"})
    refused = await answer(worker, anonymous.json()["id"], {"household_size": 2})
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "anonymous_profile"
