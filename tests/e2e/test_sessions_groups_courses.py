"""Group activities and language courses through the gateway, as the browser makes them.

- a group activity with named attendees (registered clients), anonymous attendees, each
  named attendee's own form and the group's own form;
- a language course from setup through enrolment of a class of 20, attendance for the
  whole class per class date, exits, the roster and the attendance rate;
- refused inputs name the field; another program is told 403/404, another agency 404.

Sessions learns of a client registered a moment ago from clients' event (its local
copy); until then it refuses the id (422 naming it), so the first use of fresh clients
retries for a little while.
"""

import asyncio
import time
import uuid
from typing import Any

import asyncpg
import httpx
import pytest

from scripts.stack import StackInfo
from tests.e2e.gateway_client import GatewayClient
from tests.e2e.journeys import new_agency_admin, register

pytestmark = pytest.mark.e2e

SESSIONS = "/api/sessions/sessions"
COURSES = "/api/sessions/courses"
START, END = "2026-09-07", "2026-12-18"


def _program(worker: GatewayClient) -> str:
    me = worker.get("/api/identity/me")
    assert me.status_code == 200, me.text
    programs: list[str] = me.json()["program_ids"]
    assert len(programs) == 1
    return programs[0]


def _fields(response: httpx.Response) -> list[str]:
    return [f["field"] for f in response.json()["error"].get("fields", [])]


def _published(stack: StackInfo, routing_key: str, where: str, value: str) -> bool:
    """Whether the relay published (broker confirmed) an event whose payload `where`
    (a JSON path in SQL) equals `value`, within 20 seconds."""

    async def check() -> bool:
        url = stack.db_urls["sessions"]["owner"].replace("postgresql+asyncpg://", "postgresql://")
        conn = await asyncpg.connect(url)
        try:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                found = await conn.fetchval(
                    f"SELECT count(*) FROM outbox WHERE routing_key = $1 AND {where} = $2"
                    " AND published_at IS NOT NULL",
                    routing_key,
                    value,
                )
                if found:
                    return True
                await asyncio.sleep(0.2)
            return False
        finally:
            await conn.close()

    return asyncio.run(check())


# --- group activities -------------------------------------------------------------------


GROUP_ATTENDEE = {"attended": True, "evaluation_returned": True, "support_received_ind": "no"}
IO_GROUP = {
    "service_official_language_id": "english",
    "institution_type_id": "settlement_service_provider",
    "service_referred_by_id": "family_friends",
    "orientation_service_id": "group_orientation",
    "training_received_service_ind": "no",
    "skill_received_service_ind": "no",
    "end_dttm": "2026-11-20",
    "presenter_name": "Dr. Adaeze Okafor",
    "evaluations_distributed": 8,
    "evaluations_returned": 7,
    "service_rating": "5",
}


def test_group_activity_with_named_and_anonymous_attendees(
    amal: GatewayClient, bao: GatewayClient, manager: GatewayClient, stack: StackInfo
) -> None:
    program = _program(amal)
    people = [
        register(amal, given_name=given, family_name="Haddad")
        for given in ("Rania", "Omar", "Lina")
    ]
    ids = [p["id"] for p in people]
    created = amal.post(
        SESSIONS,
        json={"type": "io_group_activity", "date": "2026-11-20", "start_time": "13:00",
              "end_time": "15:30", "location": "Maple community room", "postal_code": "M5V 2T6",
              "delivery_mode": "in_person", "language_of_service": "English",
              "program_id": program, "funders": [{"name": "IRCC"}], "client_ids": []},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    group = created.json()
    attendees = f"{SESSIONS}/{group['id']}/attendees"

    added = amal.post(attendees, json={"client_ids": ids})
    assert added.status_code == 201, added.text
    assert [a["client_id"] for a in added.json()["attendees"]] == ids
    assert added.json()["attendee_form_key"] == "group_attendee"
    again = amal.post(attendees, json={"client_ids": [ids[0]]})
    assert again.status_code == 409 and _fields(again) == ["client_ids"]
    stranger = amal.post(attendees, json={"client_ids": [str(uuid.uuid4())]})
    assert stranger.status_code == 422 and _fields(stranger) == ["client_ids"]

    anonymous = amal.put(f"{attendees}/anonymous", json={"count": 5})
    assert anonymous.status_code == 200, anonymous.text
    assert (anonymous.json()["named_count"], anonymous.json()["anonymous_count"]) == (3, 5)
    assert anonymous.json()["total_count"] == 8
    refused = amal.put(f"{attendees}/anonymous", json={"count": "many"})
    assert refused.status_code == 422 and _fields(refused) == ["count"]

    # Each named attendee's own form.
    for client_id in ids:
        saved = amal.put(f"{attendees}/{client_id}/form", json={"answers": GROUP_ATTENDEE})
        assert saved.status_code == 200, saved.text
        assert saved.json()["form"]["status"] == "completed"
    missing = {"support_received_ind": "no"}
    refused = amal.put(f"{attendees}/{ids[0]}/form", json={"answers": missing, "reason": "x"})
    assert refused.status_code == 422 and _fields(refused) == ["answers.attended"]
    outside = {**GROUP_ATTENDEE, "support_received_ind": "sometimes"}
    refused = amal.put(f"{attendees}/{ids[0]}/form", json={"answers": outside, "reason": "x"})
    assert refused.status_code == 422 and _fields(refused) == ["answers.support_received_ind"]
    amended = amal.put(
        f"{attendees}/{ids[2]}/form",
        json={"answers": {**GROUP_ATTENDEE, "attended": False, "evaluation_returned": None},
              "reason": "left before the session began"},
    )  # fmt: skip
    assert amended.status_code == 200, amended.text
    assert [v["version"] for v in amended.json()["form"]["versions"]] == [1, 2]

    # The group's own form: presenter, evaluations, service rating.
    group_form = amal.post(
        f"{SESSIONS}/{group['id']}/forms", json={"form_key": "io_group", "answers": IO_GROUP}
    )
    assert group_form.status_code == 201, group_form.text

    removed = amal.request("DELETE", f"{attendees}/{ids[2]}")
    assert removed.status_code == 204
    state = amal.get(attendees).json()
    assert [a["client_id"] for a in state["attendees"]] == ids[:2]
    assert all(a["form"]["answers"]["attended"] is True for a in state["attendees"])
    assert (state["named_count"], state["anonymous_count"], state["total_count"]) == (2, 5, 7)
    # The session's clients follow its named attendees: the group is in a client's history.
    assert amal.get(f"{SESSIONS}/{group['id']}").json()["client_ids"] == ids[:2]
    history = amal.get(SESSIONS, params={"client_id": ids[1]}).json()["items"]
    assert group["id"] in [s["id"] for s in history]

    # The manager sees it; another program's worker and another agency are told nothing.
    assert manager.get(attendees).status_code == 200
    assert bao.get(attendees).status_code == 404
    assert bao.post(attendees, json={"client_ids": [ids[2]]}).status_code == 404
    other = new_agency_admin(stack, "Lakeside Welcome")
    try:
        assert other.get(attendees).status_code == 404
        assert other.get(f"{attendees}/{ids[0]}").status_code == 404
    finally:
        other.close()

    assert _published(
        stack, "sessions.group_attendance.updated.v1", "payload->'session'->>'id'", group["id"]
    )


# --- language courses --------------------------------------------------------------------


def _course_answers(code: str, spots: int) -> dict[str, Any]:
    """A Course Open form: teacher, enrolment and class details, location, CLB levels
    offered, schedule, spots."""
    return {
        "course_cd": code,
        "teacher_name": "Marie Tremblay",
        "held_on_ongoing_basis_ind": "no",
        "official_language_id": "english",
        "training_format_id": "classroom",
        "training_location_id": "community_organization",
        "total_spots_num": str(spots),
        "total_cic_funded_spots_num": str(spots),
        "course_enrolment_id": "only_at_beginning_of_session",
        "support_available_ind": "yes",
        "available_childminding_ind": "yes",
        "available_transportation_ind": "no",
        "available_support_disability_ind": "yes",
        "start_dt": START,
        "end_dt": END,
        "course_schedule_morning": "yes",
        "instructional_hours_per_class": "3",
        "classes_per_week": "3",
        "weeks_of_instruction": "15",
        "course_dominant_focus_id": "daily_life_basic_needs",
        "target_group_ind": "no",
        "course_material_ind": "yes",
        "course_material_pbla_language_companion": "yes",
        "street_no": "100",
        "street_nme": "Queen",
        "street_type_id": "street",
        "province_id": "ontario",
        "city_id": "Toronto",
        "postal_cd": "M5H2N2",
        "phone_no": "416-555-0134",
        "email_txt": "linc@maple.example.org",
        "language_clb_skill_listening_1": "4",
        "language_clb_skill_speaking_1": "4",
        "language_clb_skill_reading_1": "3",
        "language_clb_skill_writing_1": "3",
    }


ENROLMENT = {
    "first_class_dt": START,
    "preferred_official_lang_id": "english",
    "support_received_ind": "yes",
    "childminding_ind": "no",
    "transportation_ind": "yes",
}
COMPLETED = {
    "training_status_id": "completed_the_course",
    "exit_course_dt": END,
    "listening_clb_level_id": "5",
    "speaking_clb_level_id": "5",
    "reading_clb_level_id": "4",
    "writing_clb_level_id": "4",
    "certificate_issued_ind": "yes",
    "certificate_listening_level_id": "5",
    "certificate_speaking_level_id": "5",
    "support_received_ind": "no",
}
LEFT_EARLY = {
    "training_status_id": "exited_the_course_before_completing",
    "exit_course_reason_id": "found_employment",
    "exit_course_dt": "2026-09-09",
    "certificate_issued_ind": "no",
    "support_received_ind": "no",
}


def test_language_course_for_a_class_of_20(
    amal: GatewayClient, bao: GatewayClient, manager: GatewayClient, stack: StackInfo
) -> None:
    program = _program(amal)
    code = f"LINC-{uuid.uuid4().hex[:6].upper()}"
    answers = _course_answers(code, spots=20)

    # Setup: the Course Open form, checked field by field.
    for missing in ("start_dt", "teacher_name", "total_spots_num"):
        without = {k: v for k, v in answers.items() if k != missing}
        refused = amal.post(COURSES, json={"program_id": program, "answers": without})
        assert refused.status_code == 422, refused.text
        assert _fields(refused) == [f"answers.{missing}"]
    backwards = amal.post(
        COURSES, json={"program_id": program, "answers": {**answers, "end_dt": "2026-09-01"}}
    )
    assert backwards.status_code == 422 and _fields(backwards) == ["answers.end_dt"]
    not_mine = bao.post(COURSES, json={"program_id": program, "answers": answers})
    assert not_mine.status_code == 403

    created = amal.post(COURSES, json={"program_id": program, "answers": answers})
    assert created.status_code == 201, created.text
    course = created.json()
    assert (course["code"], course["capacity"], course["spots_left"]) == (code, 20, 20)
    assert course["answers"]["language_clb_skill_listening_1"] == "4"
    taken = amal.post(
        COURSES, json={"program_id": program, "answers": {**answers, "course_cd": code.lower()}}
    )
    assert taken.status_code == 409 and _fields(taken) == ["answers.course_cd"]
    base = f"{COURSES}/{course['id']}"

    # Enrolment: 20 registered clients fill the class; the 21st and a second enrolment
    # of the same client are refused.
    class_ = [
        register(amal, given_name=f"Student{n:02d}", family_name="Nguyen")["id"] for n in range(21)
    ]
    extra = class_.pop()
    for client_id in class_:
        enrolled = amal.post(
            f"{base}/enrolments", json={"client_id": client_id, "answers": ENROLMENT}
        )
        assert enrolled.status_code == 201, enrolled.text
        assert enrolled.json()["form"]["answers"]["course_cd"] == code
    full = amal.post(f"{base}/enrolments", json={"client_id": extra, "answers": ENROLMENT})
    assert full.status_code == 409 and full.json()["error"]["code"] == "course_full"
    twice = amal.post(f"{base}/enrolments", json={"client_id": class_[0], "answers": ENROLMENT})
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "already_enrolled"

    # Attendance: the whole class at once, per class date.
    present, absent = class_[:18], class_[18:]
    first = amal.put(f"{base}/attendance/2026-09-07", json={"present": present, "absent": absent})
    assert first.status_code == 200, first.text
    assert (first.json()["present"], first.json()["absent"]) == (18, 2)
    assert first.json()["attendance_rate"] == 0.9
    assert amal.put(f"{base}/attendance/2026-09-08", json={"present": class_}).status_code == 200
    # The third class with the hours each attended (the late ones less).
    hours = dict.fromkeys(class_[:15], 3) | dict.fromkeys(class_[15:18], 2.25)
    third = amal.put(
        f"{base}/attendance/2026-09-09",
        json={
            "present": class_[:15],
            "late": class_[15:18],
            "excused": class_[18:],
            "hours": hours,
        },
    )
    assert third.status_code == 200, third.text
    # Refused, by name: someone left out, a stranger, a date outside the course.
    incomplete = amal.put(f"{base}/attendance/2026-09-10", json={"present": class_[:19]})
    assert incomplete.status_code == 422 and _fields(incomplete) == ["absent"]
    outsider = amal.put(f"{base}/attendance/2026-09-10", json={"present": [*class_, extra]})
    assert outsider.status_code == 422 and _fields(outsider) == ["present.20"]
    outside = amal.put(f"{base}/attendance/2027-02-01", json={"present": class_})
    assert outside.status_code == 422 and _fields(outside) == ["class_date"]
    excused_hours = amal.put(
        f"{base}/attendance/2026-09-10",
        json={"present": class_[:19], "excused": class_[19:], "hours": {class_[19]: 1}},
    )
    assert excused_hours.status_code == 422 and _fields(excused_hours) == [f"hours.{class_[19]}"]
    sheet = amal.get(f"{base}/attendance/2026-09-09").json()
    assert (sheet["present"], sheet["late"], sheet["excused"]) == (15, 3, 2)
    assert {m["client_id"]: m["hours_attended"] for m in sheet["marks"]} == {
        c: hours.get(c) for c in class_
    }

    # Exit: one left early, one completed with a certificate.
    left = amal.put(f"{base}/enrolments/{class_[19]}/exit", json={"answers": LEFT_EARLY})
    assert left.status_code == 200, left.text
    assert left.json()["exit"]["training_status"] == "exited_the_course_before_completing"
    no_reason = {k: v for k, v in LEFT_EARLY.items() if k != "exit_course_reason_id"}
    other_exit = amal.put(
        f"{base}/enrolments/{class_[0]}/exit",
        json={"answers": {**no_reason, "exit_course_reason_id": "daydreaming"}},
    )
    assert other_exit.status_code == 422
    assert _fields(other_exit) == ["answers.exit_course_reason_id"]
    done = amal.put(f"{base}/enrolments/{class_[0]}/exit", json={"answers": COMPLETED})
    assert done.status_code == 200, done.text
    assert done.json()["exit"]["answers"]["certificate_listening_level_id"] == "5"
    # The freed spot goes to the 21st client.
    late_comer = {**ENROLMENT, "first_class_dt": "2026-09-14"}
    wrong = {**late_comer, "preferred_official_lang_id": "klingon"}
    refused = amal.post(f"{base}/enrolments", json={"client_id": extra, "answers": wrong})
    assert refused.status_code == 422
    assert _fields(refused) == ["answers.preferred_official_lang_id"]
    joined = amal.post(f"{base}/enrolments", json={"client_id": extra, "answers": late_comer})
    assert joined.status_code == 201, joined.text

    # Roster and attendance rate, per client and overall.
    roster = amal.get(f"{base}/roster")
    assert roster.status_code == 200, roster.text
    body = roster.json()
    assert (body["enrolled_count"], body["exited_count"], body["spots_left"]) == (19, 2, 1)
    assert body["classes_recorded"] == 3
    # 18 + 20 + (15 present + 3 late) attended of 60 marks.
    assert body["attendance_rate"] == round(56 / 60, 4)
    rates = {e["client_id"]: e["attendance_rate"] for e in body["clients"]}
    given = {e["client_id"]: e["hours_attended"] for e in body["clients"]}
    assert (given[class_[0]], given[class_[16]], given[class_[19]]) == (3.0, 2.25, 0.0)
    assert rates[class_[0]] == 1.0
    assert rates[class_[18]] == round(1 / 3, 4)
    assert rates[extra] is None
    statuses = {e["client_id"]: e["status"] for e in body["clients"]}
    assert (statuses[class_[0]], statuses[class_[19]], statuses[extra]) == (
        "exited",
        "exited",
        "enrolled",
    )
    summary = amal.get(f"{base}/attendance").json()
    assert [c["attendance_rate"] for c in summary["classes"]] == [0.9, 1.0, 0.9]

    # The program's manager sees it; the other program and another agency do not.
    assert manager.get(f"{base}/roster").status_code == 200
    for outsider_client in (bao,):
        assert outsider_client.get(base).status_code == 404
        assert outsider_client.get(f"{base}/roster").status_code == 404
        assert (
            outsider_client.put(f"{base}/attendance/2026-09-10", json={"present": class_})
        ).status_code == 404
    other = new_agency_admin(stack, "Riverside Newcomers")
    try:
        assert other.get(base).status_code == 404
        assert other.get(f"{base}/enrolments/{class_[1]}").status_code == 404
        assert code not in [c["code"] for c in other.get(COURSES).json()["items"]]
    finally:
        other.close()

    assert _published(stack, "sessions.course.opened.v1", "payload->'course'->>'id'", course["id"])
    assert _published(
        stack, "sessions.course_attendance.recorded.v1", "payload->>'course_id'", course["id"]
    )
    assert _published(
        stack, "sessions.course_enrolment.exited.v1", "payload->'enrolment'->>'course_id'",
        course["id"],
    )  # fmt: skip
