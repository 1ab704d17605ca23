"""Language courses through the API against a migrated scratch database: setup with a
code unique in the agency, enrolment within the spots, attendance for a whole class at
once, exit, roster and attendance rate; visibility, row-level security, audit and the
events."""

import json
import uuid
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]

from kit.testing import Actor, Agency, ScratchDatabase
from sessions.forms import catalog

from .conftest import SessionsAgency

START, END = "2026-09-07", "2026-12-18"


def answers_for(form_key: str) -> dict[str, Any]:
    """An answer to every required question asked unconditionally: its first choice."""
    answers: dict[str, Any] = {}
    for q in catalog.definition(form_key).questions:
        if not q.required or q.visible_when is not None:
            continue
        if q.choices:
            answers[q.key] = q.choices[0].key
        elif q.type.value == "date":
            answers[q.key] = START
        elif q.type.value == "number":
            answers[q.key] = 1
        elif q.type.value == "yes_no":
            answers[q.key] = True
        else:
            answers[q.key] = "x"
    return answers


def course_answers(code: str | None = None, spots: int = 3, **overrides: Any) -> dict[str, Any]:
    return {
        **answers_for("lt_course_open"),
        "course_cd": code or f"LINC-{uuid.uuid4().hex[:6]}",
        "teacher_name": "Marie Tremblay",
        "total_spots_num": str(spots),
        "total_cic_funded_spots_num": str(spots),
        "start_dt": START,
        "end_dt": END,
        "postal_cd": "K1A0B1",
        "language_clb_skill_listening_1": "4",
        "course_schedule_morning": "yes",
        **overrides,
    }


def enrolment_answers(**overrides: Any) -> dict[str, Any]:
    answers = {**answers_for("lt_enrolment"), "support_received_ind": "no", **overrides}
    del answers["course_cd"]  # filled in from the course
    return answers


def exit_answers(**overrides: Any) -> dict[str, Any]:
    answers = {
        **answers_for("lt_exit"),
        "training_status_id": "completed_the_course",
        "certificate_issued_ind": "yes",
        "certificate_listening_level_id": "5",
        "listening_clb_level_id": "5",
        "support_received_ind": "no",
        **overrides,
    }
    del answers["course_cd"]
    return answers


async def clients(agency: Agency, n: int) -> list[str]:
    assert isinstance(agency, SessionsAgency)
    return [str(await agency.client()) for _ in range(n)]


async def new_course(actor: Actor, agency: Agency, **overrides: Any) -> dict[str, Any]:
    program = overrides.pop("program_id", str(agency.settle))
    response = await actor.post(
        "/courses", json={"program_id": program, "answers": course_answers(**overrides)}
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def enrol(actor: Actor, course: dict[str, Any], client: str, **kw: Any) -> Any:
    return await actor.post(
        f"/courses/{course['id']}/enrolments",
        json={"client_id": client, "answers": enrolment_answers(), **kw},
    )


def fields(response: Any) -> list[str]:
    return [f["field"] for f in response.json()["error"].get("fields", [])]


async def test_a_course_from_setup_to_exit(agency: Agency, admin_db: asyncpg.Connection) -> None:
    amal = agency.worker()
    course = await new_course(amal, agency, code="LINC-4A", spots=3)
    assert (course["code"], course["teacher"]) == ("LINC-4A", "Marie Tremblay")
    assert course["capacity"] == 3
    assert (course["start_date"], course["end_date"], course["spots_left"]) == (START, END, 3)
    assert course["answers"]["language_clb_skill_listening_1"] == "4"
    assert [v["version"] for v in course["versions"]] == [1]
    base = f"/courses/{course['id']}"

    a, b, c, d = await clients(agency, 4)
    for client in (a, b, c):
        response = await enrol(amal, course, client)
        assert response.status_code == 201, response.text
    enrolment = response.json()
    assert enrolment["status"] == "enrolled" and enrolment["form"]["status"] == "completed"
    assert enrolment["form"]["answers"]["course_cd"] == "LINC-4A"
    assert enrolment["first_class_date"] == START

    full = await enrol(amal, course, d)
    assert full.status_code == 409 and full.json()["error"]["code"] == "course_full"
    twice = await enrol(amal, course, a)
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "already_enrolled"
    assert fields(twice) == ["client_id"]
    assert (await amal.get(base)).json()["spots_left"] == 0

    # Class 1: the whole class at once.
    sheet = await amal.put(f"{base}/attendance/2026-09-07", json={"present": [a, b], "absent": [c]})
    assert sheet.status_code == 200, sheet.text
    assert (sheet.json()["present"], sheet.json()["absent"]) == (2, 1)
    assert sheet.json()["attendance_rate"] == 0.6667
    # Taken again: replaced.
    again = await amal.put(f"{base}/attendance/2026-09-07", json={"present": [a], "absent": [b, c]})
    assert (again.json()["present"], again.json()["absent"]) == (1, 2)
    await amal.put(f"{base}/attendance/2026-09-07", json={"present": [a, b], "absent": [c]})
    # Class 2: late counts as attended, excused does not; hours attended as the form asks.
    await amal.put(
        f"{base}/attendance/2026-09-08",
        json={"present": [a], "late": [b], "excused": [c], "hours": {a: 3, b: 1.5}},
    )
    fetched = await amal.get(f"{base}/attendance/2026-09-08")
    assert {
        m["client_id"]: (m["status"], m["hours_attended"]) for m in fetched.json()["marks"]
    } == {
        a: ("present", 3.0),
        b: ("late", 1.5),
        c: ("excused", None),
    }
    assert (await amal.get(f"{base}/attendance/2026-09-09")).status_code == 404

    roster = (await amal.get(f"{base}/roster")).json()
    rates = {
        e["client_id"]: (e["classes_marked"], e["attendance_rate"], e["hours_attended"])
        for e in roster["clients"]
    }
    assert rates == {a: (2, 1.0, 3.0), b: (2, 1.0, 1.5), c: (2, 0.0, 0.0)}
    assert (roster["classes_recorded"], roster["attendance_rate"]) == (2, 0.6667)
    summary = (await amal.get(f"{base}/attendance")).json()
    assert [(k["class_date"], k["attendance_rate"]) for k in summary["classes"]] == [
        ("2026-09-07", 0.6667),
        ("2026-09-08", 0.6667),
    ]
    assert (summary["marks"], summary["attended"]) == (6, 4)

    # c exits before completing: a spot is free, d takes it.
    exited = await amal.put(
        f"{base}/enrolments/{c}/exit",
        json={
            "answers": exit_answers(
                training_status_id="exited_the_course_before_completing",
                exit_course_reason_id="found_employment",
                exit_course_dt="2026-09-08",
                certificate_issued_ind="no",
                certificate_listening_level_id=None,
            )
        },
    )
    assert exited.status_code == 200, exited.text
    assert exited.json()["status"] == "exited"
    assert exited.json()["exit"]["training_status"] == "exited_the_course_before_completing"
    assert exited.json()["exit"]["exit_date"] == "2026-09-08"
    no_reason = await amal.put(f"{base}/enrolments/{c}/exit", json={"answers": exit_answers()})
    assert no_reason.status_code == 422 and fields(no_reason) == ["reason"]
    assert (await enrol(amal, course, d)).status_code == 201

    # After the exit, c is not on the class list; d is.
    late_class = f"{base}/attendance/2026-09-10"
    stale = await amal.put(late_class, json={"present": [a, b, c, d]})
    assert stale.status_code == 422 and fields(stale) == ["present.2"]
    incomplete = await amal.put(late_class, json={"present": [a, b]})
    assert incomplete.status_code == 422 and fields(incomplete) == ["absent"]
    assert d in incomplete.json()["error"]["fields"][0]["message"]
    assert (await amal.put(late_class, json={"present": [a, b, d]})).status_code == 200

    # a completes the course with a certificate.
    done = await amal.put(
        f"{base}/enrolments/{a}/exit", json={"answers": exit_answers(exit_course_dt=END)}
    )
    assert done.status_code == 200, done.text
    assert done.json()["exit"]["answers"]["certificate_listening_level_id"] == "5"
    roster = (await amal.get(f"{base}/roster")).json()
    assert (roster["enrolled_count"], roster["exited_count"], roster["spots_left"]) == (2, 2, 1)

    routing = [
        r["routing_key"]
        for r in await admin_db.fetch(
            "SELECT routing_key FROM outbox WHERE routing_key LIKE 'sessions.course%'"
            " AND (payload->'course'->>'id' = $1 OR payload->'enrolment'->>'course_id' = $1"
            " OR payload->>'course_id' = $1) ORDER BY seq",
            course["id"],
        )
    ]
    assert routing == [
        "sessions.course.opened.v1",
        *["sessions.course_enrolment.recorded.v1"] * 3,
        *["sessions.course_attendance.recorded.v1"] * 4,
        "sessions.course_enrolment.exited.v1",
        "sessions.course_enrolment.recorded.v1",
        "sessions.course_attendance.recorded.v1",
        "sessions.course_enrolment.exited.v1",
    ]
    payload = json.loads(
        await admin_db.fetchval(
            "SELECT payload FROM outbox"
            " WHERE routing_key = 'sessions.course_attendance.recorded.v1'"
            " AND payload->>'course_id' = $1 AND payload->>'class_date' = '2026-09-08'"
            " ORDER BY seq DESC LIMIT 1",
            course["id"],
        )
    )
    assert payload["course_code"] == "LINC-4A"
    assert {m["client_id"]: m["status"] for m in payload["marks"]} == {
        a: "present",
        b: "late",
        c: "excused",
    }
    actions = {
        r["action"]
        for r in await admin_db.fetch(
            "SELECT action FROM audit_log WHERE entity_type = 'course' AND entity_id = $1",
            course["id"],
        )
    }
    assert {
        "course.opened",
        "course.client.enrolled",
        "course.attendance.recorded",
        "course.attendance.viewed",
        "course.roster.viewed",
        "course.client.exited",
        "course.viewed",
    } <= actions


async def test_course_setup_is_checked(agency: Agency) -> None:
    amal = agency.worker()
    course = await new_course(amal, agency, code="CLIC-2B")
    cases: list[tuple[dict[str, Any], str]] = [
        ({"start_dt": None}, "answers.start_dt"),
        ({"end_dt": "2026-09-01"}, "answers.end_dt"),
        ({"total_spots_num": "0"}, "answers.total_spots_num"),
        ({"total_cic_funded_spots_num": "4"}, "answers.total_cic_funded_spots_num"),
        ({"teacher_name": None}, "answers.teacher_name"),
    ]  # fmt: skip
    for override, field in cases:
        body = {"program_id": str(agency.settle), "answers": course_answers(**override)}
        response = await amal.post("/courses", json=body)
        assert response.status_code == 422, (override, response.text)
        assert fields(response) == [field], override
    # The code is the agency's, whatever the case and the program.
    eve = agency.worker("employ")
    taken = await eve.post(
        "/courses", json={"program_id": str(agency.employ), "answers": course_answers("clic-2b")}
    )
    assert taken.status_code == 409 and fields(taken) == ["answers.course_cd"]
    # Another agency may use it.
    other = Agency(amal.http, settle=agency.settle).worker()
    assert (
        await other.post(
            "/courses",
            json={"program_id": str(agency.settle), "answers": course_answers("CLIC-2B")},
        )
    ).status_code == 201

    # Amended with a reason; every version kept; spots never below the enrolled.
    [client, second] = await clients(agency, 2)
    assert (await enrol(amal, course, client)).status_code == 201
    assert (await enrol(amal, course, second)).status_code == 201
    base = f"/courses/{course['id']}"
    too_few = await amal.put(
        base, json={"answers": course_answers("CLIC-2B", spots=1), "reason": "room change"}
    )
    assert too_few.status_code == 409 and fields(too_few) == ["answers.total_spots_num"]
    no_reason = await amal.put(base, json={"answers": course_answers("CLIC-2B", spots=5)})
    assert no_reason.status_code == 422 and fields(no_reason) == ["reason"]
    updated = await amal.put(
        base,
        json={
            "answers": course_answers("CLIC-2B", spots=5, teacher_name="Ana Lima"),
            "reason": "bigger room",
        },
    )
    assert updated.status_code == 200, updated.text
    assert (updated.json()["capacity"], updated.json()["teacher"]) == (5, "Ana Lima")
    assert [(v["version"], v["reason"]) for v in updated.json()["versions"]] == [
        (1, None),
        (2, "bigger room"),
    ]
    listed = await amal.get("/courses", params={"code": "clic-2b"})
    assert [c["id"] for c in listed.json()["items"]] == [course["id"]]
    assert listed.json()["items"][0]["enrolled_count"] == 2


async def test_enrolment_and_attendance_are_checked(agency: Agency) -> None:
    amal = agency.worker()
    course = await new_course(amal, agency)
    base = f"/courses/{course['id']}"
    [a, b] = await clients(agency, 2)

    unknown = await enrol(amal, course, str(uuid.uuid4()))
    assert unknown.status_code == 422 and fields(unknown) == ["client_id"]
    wrong_code = await amal.post(
        f"{base}/enrolments",
        json={"client_id": a, "answers": {**enrolment_answers(), "course_cd": "OTHER"}},
    )
    assert wrong_code.status_code == 422 and fields(wrong_code) == ["answers.course_cd"]
    too_early = await amal.post(
        f"{base}/enrolments",
        json={"client_id": a, "answers": enrolment_answers(first_class_dt="2026-01-05")},
    )
    assert too_early.status_code == 422 and fields(too_early) == ["answers.first_class_dt"]
    missing = {k: v for k, v in enrolment_answers().items() if k != "preferred_official_lang_id"}
    refused = await amal.post(f"{base}/enrolments", json={"client_id": a, "answers": missing})
    assert refused.status_code == 422 and fields(refused) == ["answers.preferred_official_lang_id"]

    # A draft enrolment takes a spot and is completed later.
    draft = await amal.post(
        f"{base}/enrolments", json={"client_id": a, "answers": missing, "draft": True}
    )
    assert draft.status_code == 201 and draft.json()["form"]["status"] == "draft"
    completed = await amal.put(f"{base}/enrolments/{a}", json={"answers": enrolment_answers()})
    assert completed.status_code == 200 and completed.json()["form"]["status"] == "completed"
    # b's first class is later: not on the first class's list.
    assert (
        await enrol(amal, course, b, answers=enrolment_answers(first_class_dt="2026-09-14"))
    ).status_code == 201

    day = f"{base}/attendance/2026-09-07"
    for body, field in [
        ({"present": [a], "absent": [b]}, "absent.0"),
        ({"present": [a, a]}, "present.1"),
        ({"present": [a], "late": [str(uuid.uuid4())]}, "late.0"),
        ({}, "present"),
        # Hours attended: a client of the list, present or late, within the form's bounds.
        ({"present": [a], "hours": {b: 2}}, f"hours.{b}"),
        ({"present": [a], "hours": {a: 25}}, f"hours.{a}"),
        ({"present": [a], "hours": {a: -1}}, f"hours.{a}"),
        ({"present": [a], "hours": {a: "nan"}}, f"hours.{a}"),
        ({"present": [a], "hours": {a: "lots"}}, f"hours.{a}"),
    ]:
        response = await amal.put(day, json=body)
        assert response.status_code == 422, (body, response.text)
        assert fields(response) == [field], body
    outside = await amal.put(f"{base}/attendance/2027-01-04", json={"present": [a]})
    assert outside.status_code == 422 and fields(outside) == ["class_date"]
    bad_date = await amal.put(f"{base}/attendance/someday", json={"present": [a]})
    assert bad_date.status_code == 422 and fields(bad_date) == ["class_date"]
    assert (await amal.put(day, json={"present": [a]})).status_code == 200
    # An absent client attended no hours.
    course_b = await new_course(amal, agency, code="HOURS-1")
    assert (await enrol(amal, course_b, a)).status_code == 201
    absent = await amal.put(
        f"/courses/{course_b['id']}/attendance/2026-09-07",
        json={"absent": [a], "hours": {a: 2}},
    )
    assert absent.status_code == 422 and fields(absent) == [f"hours.{a}"]

    # An exit dated before a class the client attended contradicts it.
    contradicting = await amal.put(
        f"{base}/enrolments/{a}/exit",
        json={"answers": exit_answers(exit_course_dt="2026-09-06")},
    )
    assert contradicting.status_code == 422
    assert fields(contradicting) == ["answers.exit_course_dt"]
    assert (await amal.put(f"{base}/enrolments/{uuid.uuid4()}/exit", json={})).status_code == 404


async def test_who_sees_and_changes_a_course(agency: Agency) -> None:
    amal = agency.worker("settle")
    colleague = agency.worker("settle")
    eve = agency.worker("employ")
    manager = agency.manager()
    refused = await amal.post(
        "/courses", json={"program_id": str(agency.employ), "answers": course_answers()}
    )
    assert refused.status_code == 403

    course = await new_course(amal, agency)
    base = f"/courses/{course['id']}"
    [client] = await clients(agency, 1)
    assert (await enrol(colleague, course, client)).status_code == 201
    for actor in (amal, colleague, manager):
        assert (await actor.get(base)).status_code == 200
        assert (await actor.get(f"{base}/roster")).status_code == 200
    stranger = Agency(amal.http, settle=agency.settle).worker()
    for actor in (eve, stranger):
        assert (await actor.get(base)).status_code == 404
        assert (await actor.get(f"{base}/roster")).status_code == 404
        assert (await actor.get(f"{base}/enrolments/{client}")).status_code == 404
        assert (await enrol(actor, course, client)).status_code == 404
        assert (
            await actor.put(f"{base}/attendance/2026-09-07", json={"present": [client]})
        ).status_code == 404
        listed = await actor.get("/courses")
        assert course["id"] not in [c["id"] for c in listed.json()["items"]]


async def test_row_level_security_backs_the_course_rules(
    agency: Agency, scratch: ScratchDatabase
) -> None:
    amal = agency.worker("settle")
    eve = agency.worker("employ")
    course = await new_course(amal, agency)
    [client] = await clients(agency, 1)
    await enrol(amal, course, client)
    await amal.put(f"/courses/{course['id']}/attendance/2026-09-07", json={"present": [client]})
    conn = await asyncpg.connect(scratch.app_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        for user, programs, expected in ((eve, agency.employ, 0), (amal, agency.settle, 1)):
            async with conn.transaction():
                await conn.execute(
                    "SELECT set_config('app.agency_id', $1, true),"
                    " set_config('app.user_id', $2, true),"
                    " set_config('app.role', 'caseworker', true),"
                    " set_config('app.programs', $3, true)",
                    str(agency.id),
                    str(user.id),
                    str(programs),
                )
                for table, column in (
                    ("language_courses", "id"),
                    ("course_enrolments", "course_id"),
                    ("course_attendance", "course_id"),
                ):
                    seen = await conn.fetchval(
                        f"SELECT count(*) FROM {table} WHERE {column} = $1", uuid.UUID(course["id"])
                    )
                    assert seen == expected, (table, user)
        async with conn.transaction():
            for table in ("language_courses", "course_enrolments", "course_attendance"):
                assert await conn.fetchval(f"SELECT count(*) FROM {table}") == 0
    finally:
        await conn.close()
