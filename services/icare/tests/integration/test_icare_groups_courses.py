"""Group activities and language courses as iCARE records: one row per named attendee
(the group form's answers with the attendee's own), and the course setup, enrolment
and exit rows, a course uploaded before its enrolments."""

import datetime as dt
import io
import uuid
import zipfile
from typing import Any

import openpyxl

from contracts.sessions import (
    CourseEnrolmentExited,
    CourseEnrolmentRecorded,
    CourseOpened,
    GroupAttendanceUpdated,
    ServiceRecorded,
)
from icare.storage import MemoryStore
from kit.auth import Role

from .conftest import World, export_now, feed, valid_answers

SUPPORT = frozenset({"support_received_ind"})


def rows(
    store: MemoryStore, world: World, export: dict[str, Any], template: str
) -> list[dict[str, Any]]:
    (file,) = [f for f in export["files"] if f["template"] == template]
    archive = store.objects[f"icare/{world.id}/{export['id']}.zip"]
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        sheet = openpyxl.load_workbook(io.BytesIO(z.read(file["name"]))).worksheets[0]
    ids = [c.value for c in sheet[2]]
    return [
        {i: v for i, v in zip(ids, r, strict=False) if v not in (None, "")}
        for r in sheet.iter_rows(min_row=4, values_only=True)
        if any(v not in (None, "") for v in r)
    ]


async def export(world: World) -> dict[str, Any]:
    return await export_now(world)


async def test_group_attendees_are_records_of_the_group_template(
    world: World, store: MemoryStore
) -> None:
    amal = await world.worker("Amal", "Haddad")
    with_form, without_form = await world.client(amal), await world.client(amal)
    at = world.tick()
    session = {
        "id": uuid.uuid4(), "type": "io_group_activity", "date": dt.date(2026, 10, 15),
        "start_time": dt.time(18), "end_time": dt.time(20), "postal_code": "M6G3A4",
        "delivery_mode": "in_person", "language_of_service": "French", "worker_id": amal,
        "program_id": world.program, "client_ids": [with_form, without_form], "created_at": at,
    }  # fmt: skip
    group_answers = {
        k: v
        for k, v in valid_answers("information_orientation").items()
        if k != "support_received_ind"
    }
    attendee_form = {
        "form_key": "group_attendee", "definition_version": 1, "status": "completed",
        "answers": valid_answers("information_orientation", only=SUPPORT), "author_id": amal,
        "updated_by": amal, "updated_at": at, "completed_at": at,
    }  # fmt: skip
    await feed(
        world.database,
        GroupAttendanceUpdated(
            agency_id=world.id,
            session=session,
            attendee_form_key="group_attendee",
            attendees=[
                {"client_id": with_form, "added_by": amal, "added_at": at, "form": attendee_form},
                {"client_id": without_form, "added_by": amal, "added_at": at},
            ],
            anonymous_count=7,
        ),
    )
    manager = world.actor(Role.MANAGER)
    params = {"funding_agreement_id": str(world.agreement), "period": "2026-10"}
    before = (await manager.get("/readiness", params=params)).json()
    assert {p["code"] for r in before["records"] for p in r["problems"]} >= {"group_form_missing"}

    await feed(
        world.database,
        ServiceRecorded(
            agency_id=world.id,
            session=session,
            form={
                "id": uuid.uuid4(),
                "session_id": session["id"],
                "form_key": "io_group",
                "definition_version": 1,
                "status": "completed",
                "answers": group_answers,
                "author_id": amal,
                "created_at": at,
                "completed_at": at,
                "version": 1,
            },
        ),
    )
    report = (await manager.get("/readiness", params=params)).json()
    counts = {t["template"]: t for t in report["templates"]}
    assert counts["information_orientation"]["records"] == 2
    assert counts["information_orientation"]["ready"] == 1
    (defective,) = [r for r in report["records"] if not r["ready"]]
    assert defective["client_id"] == str(without_form)
    assert defective["record_kind"] == "group_attendee"
    assert defective["session_id"] == str(session["id"])  # the group activity
    errors = [p for p in defective["problems"] if p["severity"] == "error"]
    assert [(p["field_id"], p["code"]) for p in errors] == [("support_received_ind", "missing")]

    done = await export(world)
    (row,) = rows(store, world, done, "information_orientation")
    assert row["start_dttm"] == "2026-10-15" and row["postal_cd"] == "M6G3A4"
    assert row["service_language_id"] == "French" and row["support_received_ind"] == "Yes"
    assert done["summary"]["information_orientation"]["held_back"] == {"not_ready": 1}

    # The second attendee dropped from the group: no record of it any more.
    await feed(
        world.database,
        GroupAttendanceUpdated(
            agency_id=world.id,
            session={**session, "client_ids": [with_form]},
            attendee_form_key="group_attendee",
            attendees=[
                {"client_id": with_form, "added_by": amal, "added_at": at, "form": attendee_form}
            ],
        ),
    )
    after = (await manager.get("/readiness", params=params)).json()
    assert {t["template"]: t["records"] for t in after["templates"]}["information_orientation"] == 1


async def test_course_setup_enrolment_and_exit(world: World, store: MemoryStore) -> None:
    amal = await world.worker("Amal", "Haddad")
    learner = await world.client(amal)
    at = world.tick()
    course_id = uuid.uuid4()
    setup = valid_answers("lt_course_setup", keep=frozenset({"postal_cd"}))
    setup.update(start_dt="2026-10-05", end_dt="2026-12-18")
    course = {
        "id": course_id, "program_id": world.program, "code": "L-OCT26", "teacher": "Mme Roy",
        "capacity": 20, "start_date": dt.date(2026, 10, 5), "end_date": dt.date(2026, 12, 18),
        "definition_version": 1, "answers": {**setup, "course_cd": "L-OCT26"},
        "created_by": amal, "created_at": at, "updated_by": amal, "updated_at": at,
    }  # fmt: skip
    enrolment_answers = {**valid_answers("lt_client_enrolment"), "first_class_dt": "2026-10-06"}
    enrolment: dict[str, Any] = {
        "id": uuid.uuid4(), "course_id": course_id, "course_code": "L-OCT26",
        "program_id": world.program, "client_id": learner, "status": "enrolled",
        "enrolled_by": amal, "enrolled_at": at, "first_class_date": dt.date(2026, 10, 6),
        "form": {"definition_version": 1, "status": "completed", "answers": enrolment_answers,
                 "updated_by": amal, "updated_at": at, "completed_at": at},
    }  # fmt: skip
    # The enrolment arrives first: it waits for its course.
    await feed(world.database, CourseEnrolmentRecorded(agency_id=world.id, enrolment=enrolment))
    manager = world.actor(Role.MANAGER)
    params = {"funding_agreement_id": str(world.agreement), "period": "2026-10"}
    early = (await manager.get("/readiness", params=params)).json()
    errors = [
        (p["field_id"], p["code"])
        for r in early["records"]
        for p in r["problems"]
        if p["severity"] == "error"
    ]
    assert errors == [(None, "course_unknown"), ("postal_cd", "missing")]

    await feed(world.database, CourseOpened(agency_id=world.id, course=course))
    done = await export(world)
    assert [f["template"] for f in done["files"]] == [
        "client_profile",
        "lt_course_setup",
        "lt_client_enrolment",
    ]
    (setup_row,) = rows(store, world, done, "lt_course_setup")
    assert setup_row["course_cd"] == "L-OCT26" and setup_row["postal_cd"] == "M5V2T6"
    (enrolled,) = rows(store, world, done, "lt_client_enrolment")
    assert enrolled["course_cd"] == "L-OCT26" and enrolled["first_class_dt"] == "2026-10-06"
    assert enrolled["postal_cd"] == "M5V2T6"  # the course's

    exit_answers = valid_answers("lt_client_exit")
    await feed(
        world.database,
        CourseEnrolmentExited(
            agency_id=world.id,
            enrolment={
                **enrolment,
                "status": "exited",
                "exit": {
                    "definition_version": 1,
                    "answers": exit_answers,
                    "training_status": exit_answers["training_status_id"],
                    "exit_date": dt.date(2026, 10, 30),
                    "exited_by": amal,
                    "exited_at": world.tick(),
                },
            },
        ),
    )
    exited = await export(world)
    assert [f["template"] for f in exited["files"]] == ["lt_client_exit"]
    (exit_row,) = rows(store, world, exited, "lt_client_exit")
    assert exit_row["exit_course_dt"] == "2026-10-30" and exit_row["course_cd"] == "L-OCT26"
