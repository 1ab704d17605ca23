"""The month's iCARE bulk upload through the gateway.

A month of activity (clients registered, sessions and forms recorded by two workers)
gives a readiness report naming exactly the defective records and who entered them;
an export (queued by the request, built by the stack's icare worker) gives one zip
with the workbooks in upload order (re-read with openpyxl); a second export of the
month sends nothing new; an amended form goes out as an update of iCARE's record;
IRCC's filled samples, returned as rejected-records files, link back to the records
they came from; the scheduled run queues a month once, the worker builds it and the
agency's administrators are mailed.

The tests of this module run in order and share the month they build.
"""

import email
import io
import subprocess
import time
import uuid
import warnings
import zipfile
from collections.abc import Callable
from email.message import Message
from pathlib import Path
from typing import Any, TypeVar

import httpx
import openpyxl
import pytest

from reference.icare.keys import question_key
from scripts import stack as process_stack
from scripts.services import by_name
from scripts.stack import StackInfo
from sessions.forms import catalog
from tests.conftest import test_profile as slot_profile
from tests.e2e.demo import AGENCY_ADMIN
from tests.e2e.gateway_client import GatewayClient
from tests.e2e.journeys import SESSIONS, record_session, register, signed_in, uci
from tests.e2e.test_sessions_forms_catalog import fill

pytestmark = pytest.mark.e2e

ICARE = "/api/icare"
COURSES = "/api/sessions/courses"
UCI_TYPE = "FOSS/GCMS Client ID"
MONTH = "2026-06"
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "icare" / "reference" / "samples"

T = TypeVar("T")


def eventually(check: Callable[[], T | None], within: float = 30.0, every: float = 0.3) -> T:
    """The first truthy result of `check()`; fails after `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, "icare did not catch up in time"
        time.sleep(every)


@pytest.fixture(scope="module")
def admin_client(stack: StackInfo) -> Any:
    client = signed_in(stack, AGENCY_ADMIN)
    yield client
    client.close()


@pytest.fixture(scope="module")
def agreement(admin_client: GatewayClient) -> dict[str, Any]:
    listed = admin_client.get("/api/identity/funding-agreements")
    assert listed.status_code == 200, listed.text
    (seeded,) = [a for a in listed.json()["items"] if a["agreement_number"] == "IRCC-MAPLE-2026"]
    return dict(seeded)


def readiness(who: GatewayClient, agreement_id: str, period: str) -> httpx.Response:
    return who.get(
        f"{ICARE}/readiness", params={"funding_agreement_id": agreement_id, "period": period}
    )


def export(who: GatewayClient, agreement_id: str, period: str) -> dict[str, Any]:
    """Ask for an export (queued at once: 202 and its Location), then poll it until the
    stack's icare worker has built it."""
    response = who.post(
        f"{ICARE}/exports", json={"funding_agreement_id": agreement_id, "period": period}
    )
    assert response.status_code == 202, response.text
    queued = response.json()
    assert queued["status"] in ("queued", "running", "completed")
    assert response.headers["location"] == f"exports/{queued['id']}"

    def built() -> dict[str, Any] | None:
        seen = who.get(f"{ICARE}/exports/{queued['id']}")
        assert seen.status_code == 200, seen.text
        body = dict(seen.json())
        assert body["status"] != "failed", body.get("failure")
        return body if body["status"] == "completed" else None

    return eventually(built, within=60.0)


def download(who: GatewayClient, export_id: str) -> bytes:
    link = who.get(f"{ICARE}/exports/{export_id}/download")
    assert link.status_code == 200, link.text
    got = httpx.get(link.json()["url"], timeout=15.0)
    assert got.status_code == 200, got.text
    return got.content


def sheet(archive: bytes, name: str) -> list[dict[str, Any]]:
    """The records of one workbook of an export, by field id (row 2), from row 4."""
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        book = openpyxl.load_workbook(io.BytesIO(z.read(name)))
    ws = book.worksheets[0]
    ids = [c.value for c in ws[2]]
    return [
        {i: v for i, v in zip(ids, row, strict=False) if v not in (None, "")}
        for row in ws.iter_rows(min_row=4, values_only=True)
        if any(v not in (None, "") for v in row)
    ]


def client(worker: GatewayClient, **fields: Any) -> dict[str, Any]:
    profile = {
        "given_name": "Lina",
        "family_name": f"Test{uuid.uuid4().hex[:5]}",
        "identifier_type": UCI_TYPE,
        "identifier_value": uci(),
        "birth_date": "1988-03-14",
        "address": {"city": "Toronto", "province": "Ontario", "postal_code": "M5V2T6"},
        "official_language": "English",
        "research_consent": "Yes",
        **fields,
    }
    return register(worker, **profile)


def service(
    worker: GatewayClient,
    program: str,
    client_id: str,
    form_key: str,
    date: str,
    **session: Any,
) -> dict[str, Any]:
    body = {
        "type": "direct_service", "date": date, "start_time": "10:00", "end_time": "11:00",
        "postal_code": "M5V 2T6", "delivery_mode": "in_person", "language_of_service": "English",
        "program_id": program, "funders": [{"name": "IRCC"}], "client_ids": [client_id],
        **session,
    }  # fmt: skip
    recorded = record_session(worker, body)
    assert recorded.status_code == 201, recorded.text
    answers = fill(catalog.definition(form_key), {})
    form = worker.post(
        f"{SESSIONS}/{recorded.json()['id']}/forms", json={"form_key": form_key, "answers": answers}
    )
    assert form.status_code == 201, form.text
    return dict(form.json())


def program_of(worker: GatewayClient) -> str:
    programs: list[str] = worker.get("/api/identity/me").json()["program_ids"]
    return programs[0]


def name_of(worker: GatewayClient) -> str:
    me = worker.get("/api/identity/me").json()
    return f"{me['given_name']} {me['family_name']}"


@pytest.fixture(scope="module")
def month(
    amal: GatewayClient, bao: GatewayClient, manager: GatewayClient, agreement: dict[str, Any]
) -> dict[str, Any]:
    """A month of activity: what was recorded, and which records are defective."""
    settle, employ = program_of(amal), program_of(bao)
    good = [client(amal), client(amal), client(bao)]
    no_postal = client(amal, address={"city": "Toronto"})
    no_language = client(bao, official_language=None)
    d = f"{MONTH}-1"
    ok = [
        service(amal, settle, good[0]["id"], "needs_assessment", f"{d}0"),
        service(amal, settle, good[1]["id"], "needs_assessment", f"{d}1"),
        service(amal, settle, good[0]["id"], "information_orientation", f"{d}2"),
    ]
    defective_services = {
        # The client's profile lacks its postal code: iCARE rejects the client first.
        "of_no_postal": service(amal, settle, no_postal["id"], "needs_assessment", f"{d}3"),
        # A language of service iCARE does not list.
        "elvish": service(
            bao, employ, good[2]["id"], "employment", f"{d}4", language_of_service="Elvish"
        ),
        # No postal code where the service was received.
        "no_place": service(
            amal, settle, good[1]["id"], "information_orientation", f"{d}5", postal_code=None
        ),
        "of_no_language": service(bao, employ, no_language["id"], "employment", f"{d}6"),
    }
    # A group activity: two named attendees, one without their own form yet.
    group = record_session(
        amal,
        {"type": "io_group_activity", "date": f"{d}7", "start_time": "18:00", "end_time": "20:00",
         "postal_code": "M6G 3A4", "delivery_mode": "in_person", "language_of_service": "English",
         "program_id": settle, "funders": [{"name": "IRCC"}], "client_ids": []},
    )  # fmt: skip
    assert group.status_code == 201, group.text
    attendees = f"{SESSIONS}/{group.json()['id']}/attendees"
    added = amal.post(attendees, json={"client_ids": [good[0]["id"], good[1]["id"]]})
    assert added.status_code == 201, added.text
    attendee_form = {"attended": True, "evaluation_returned": True, "support_received_ind": "no"}
    saved = amal.put(f"{attendees}/{good[0]['id']}/form", json={"answers": attendee_form})
    assert saved.status_code == 200, saved.text
    group_answers = {**fill(catalog.definition("io_group"), {}), "end_dttm": f"{d}7"}
    group_form = amal.post(
        f"{SESSIONS}/{group.json()['id']}/forms",
        json={"form_key": "io_group", "answers": group_answers},
    )
    assert group_form.status_code == 201, group_form.text
    recorded = len(ok) + len(defective_services) + 2

    def caught_up() -> dict[str, Any] | None:
        response = readiness(manager, agreement["id"], MONTH)
        if response.status_code != 200:
            return None  # icare has not heard of the agreement yet
        body: dict[str, Any] = response.json()
        services = sum(t["records"] for t in body["templates"][1:])
        # The attendee's own form travels in a later event than the attendance itself.
        with_form = [
            r
            for r in body["records"]
            if r["record_kind"] == "group_attendee" and r["client_id"] == good[0]["id"]
        ]
        return body if services == recorded and with_form and with_form[0]["ready"] else None

    return {
        "report": eventually(caught_up),
        "good": good,
        "no_postal": no_postal,
        "no_language": no_language,
        "ok": ok,
        "defective": defective_services,
        "group": group.json(),
    }


def test_readiness_names_exactly_the_defective_records_and_their_workers(
    month: dict[str, Any], amal: GatewayClient, bao: GatewayClient, agreement: dict[str, Any]
) -> None:
    report = month["report"]
    defective = {r["record_id"]: r for r in report["records"] if not r["ready"]}
    expected = {month["no_postal"]["id"], month["no_language"]["id"]} | {
        f["id"] for f in month["defective"].values()
    }
    # The group activity's attendee without their own form yet.
    (attendee,) = [
        r
        for r in report["records"]
        if r["record_kind"] == "group_attendee" and r["client_id"] == month["good"][1]["id"]
    ]
    assert attendee["session_id"] == month["group"]["id"]
    assert attendee["service_date"] == f"{MONTH}-17"
    assert set(defective) == expected | {attendee["record_id"]}
    counts = {t["template"]: (t["records"], t["defective"]) for t in report["templates"]}
    assert counts["client_profile"] == (5, 2)
    assert counts["needs_assessment_referrals"] == (3, 1)
    assert counts["information_orientation"] == (4, 2)
    assert counts["employment"] == (2, 2)

    def problems(record_id: str) -> list[tuple[str | None, str]]:
        found = defective[record_id]["problems"]
        return [(p["field_id"], p["code"]) for p in found if p["severity"] == "error"]

    assert problems(month["no_postal"]["id"]) == [("postal_txt", "missing")]
    assert problems(month["no_language"]["id"]) == [("official_language_id", "missing")]
    assert problems(month["defective"]["elvish"]["id"]) == [
        ("session_service_lang_id", "not_in_list")
    ]
    assert problems(month["defective"]["no_place"]["id"]) == [("postal_cd", "missing")]
    assert problems(month["defective"]["of_no_postal"]["id"]) == [(None, "client_not_ready")]
    assert problems(month["defective"]["of_no_language"]["id"]) == [(None, "client_not_ready")]
    amal_name, bao_name = name_of(amal), name_of(bao)
    assert problems(attendee["record_id"]) == [("support_received_ind", "missing")]
    workers = {r: defective[r]["worker_name"] for r in defective}
    assert workers == {
        attendee["record_id"]: amal_name,
        month["no_postal"]["id"]: amal_name,
        month["no_language"]["id"]: bao_name,
        month["defective"]["elvish"]["id"]: bao_name,
        month["defective"]["no_place"]["id"]: amal_name,
        month["defective"]["of_no_postal"]["id"]: amal_name,
        month["defective"]["of_no_language"]["id"]: bao_name,
    }
    elvish = defective[month["defective"]["elvish"]["id"]]
    assert elvish["service_date"] == f"{MONTH}-14"
    assert elvish["client_id"] == month["good"][2]["id"]
    assert elvish["problems"][0]["label"] == "Language of Service"
    # What iCARE's conditional rules expect (not a rejection): a warning.
    assert ("intervention_type_id", "missing", "warning") in [
        (p["field_id"], p["code"], p["severity"]) for p in elvish["problems"]
    ]

    # A caseworker sees the problems of their own records only.
    mine = readiness(bao, agreement["id"], MONTH)
    assert mine.status_code == 200
    assert {r["worker_name"] for r in mine.json()["records"]} == {bao_name}


def test_export_zip_in_upload_order_and_nothing_twice(
    month: dict[str, Any], manager: GatewayClient, agreement: dict[str, Any]
) -> None:
    done = export(manager, agreement["id"], MONTH)
    names = [f["name"] for f in done["files"]]
    assert [n.removeprefix(f"MAPLE_{MONTH}_") for n in names] == [
        "1-client_profile.xlsx",
        "2-needs_assessment_referrals.xlsx",
        "3-information_orientation.xlsx",
    ]
    assert done["record_count"] == 3 + 2 + 2
    archive = download(manager, done["id"])
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        assert z.namelist() == [*names, "manifest.json"]
    profiles = sheet(archive, names[0])
    assert sorted(r["client_validation_id"] for r in profiles) == sorted(
        c["identifier_value"] for c in month["good"]
    )
    assert {r["postal_txt"] for r in profiles} == {"M5V2T6"}
    needs = sheet(archive, names[1])
    assert sorted(r["assessment_start_dt"] for r in needs) == [f"{MONTH}-10", f"{MONTH}-11"]
    assert {r["postal_cd"] for r in needs} == {"M5V2T6"}
    orientation = sheet(archive, names[2])
    assert sorted(r["start_dttm"] for r in orientation) == [f"{MONTH}-12", f"{MONTH}-17"]
    # The group attendee's row: the group's place, and the attendee's own answers.
    (in_group,) = [r for r in orientation if r["start_dttm"] == f"{MONTH}-17"]
    assert in_group["postal_cd"] == "M6G3A4" and in_group["support_received_ind"] == "No"

    ledger = manager.get(f"{ICARE}/ledger", params={"export_id": done["id"]}).json()["items"]
    assert len(ledger) == 7 and {e["status"] for e in ledger} == {"sent"}

    again = export(manager, agreement["id"], MONTH)
    assert again["record_count"] == 0 and again["files"] == []


def test_an_amended_form_goes_out_as_an_update(
    month: dict[str, Any], amal: GatewayClient, manager: GatewayClient, agreement: dict[str, Any]
) -> None:
    form = month["ok"][0]
    (entry,) = manager.get(f"{ICARE}/ledger", params={"record_id": form["id"]}).json()["items"]
    recorded = manager.put(f"{ICARE}/ledger/{entry['id']}", json={"icare_record_id": "20261001"})
    assert recorded.status_code == 200 and recorded.json()["status"] == "accepted"

    key = "institution_type_id"
    question = catalog.definition("needs_assessment").question(key)
    assert question is not None
    choices = [c.key for c in question.choices or ()]
    other = next(c for c in choices if c != form["answers"][key])
    amended = amal.post(
        f"{SESSIONS}/{form['session_id']}/forms/{form['id']}/amendments",
        json={"reason": "Wrong institution", "answers": {key: other}},
    )
    assert amended.status_code in (200, 201), amended.text

    def update_sent() -> dict[str, Any] | None:
        done = export(manager, agreement["id"], MONTH)
        return done if done["record_count"] else None

    update = eventually(update_sent)
    assert update["record_count"] == 1
    (file,) = update["files"]
    (row,) = sheet(download(manager, update["id"]), file["name"])
    assert row["update_record_id"] == "20261001"
    assert row["assessment_update_reason_id"] == "Amend record"
    assert export(manager, agreement["id"], MONTH)["record_count"] == 0


def _sample_rows(name: str) -> list[dict[str, Any]]:
    # openpyxl warns that it drops Excel's validation extension (IRCC's dropdowns).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        book = openpyxl.load_workbook(SAMPLES / f"{name}.xlsx")
    ws = book.worksheets[-1]
    ids = [c.value for c in ws[2]]
    return [
        {i: v for i, v in zip(ids, row, strict=False) if v not in (None, "")}
        for row in ws.iter_rows(min_row=4, values_only=True)
        if any(v not in (None, "") for v in row)
    ]


# Cells of a sample row that are no form's answers: iCARE's and the upload's own, and
# the client's (the profile holds them).
_NOT_ANSWERS = frozenset(
    {"processing_details", "update_record_id", "assessment_update_reason_id",
     "client_validation_type_id", "client_validation_id", "client_birth_dt"}
)  # fmt: skip


def _answers_of(form_key: str, row: dict[str, Any], **forced: Any) -> dict[str, Any]:
    """The form's answers a sample row gives (each list value's choice key by its exact
    label), `forced` over them, and an answer to every other required question."""
    definition = catalog.definition(form_key)
    answers: dict[str, Any] = {}
    for field_id, value in row.items():
        question = definition.question(question_key(field_id))
        if question is None or field_id in _NOT_ANSWERS:
            continue
        text = str(value)
        if question.choices:
            (key,) = [c.key for c in question.choices if c.label.en == text]
            answers[question.key] = key
        else:
            answers[question.key] = text
    answers.update(forced)
    return fill(definition, answers)


def test_filled_samples_import_as_rejected_files_and_link_to_records(
    amal: GatewayClient,
    bao: GatewayClient,
    manager: GatewayClient,
    admin_client: GatewayClient,
    agreement: dict[str, Any],
) -> None:
    # The samples are of 2018: an agreement of that year, for both programs.
    funders = admin_client.get("/api/identity/funders").json()["items"]
    ircc = next(f for f in funders if f["code"] == "IRCC")
    created = admin_client.post(
        "/api/identity/funding-agreements",
        json={"funder_id": ircc["id"], "agreement_number": f"IRCC-2018-{uuid.uuid4().hex[:4]}",
              "title": "Settlement 2018-2019", "program_ids": agreement["program_ids"],
              "starts_on": "2018-04-01", "ends_on": "2019-03-31"},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    old = created.json()["id"]
    settle, employ = program_of(amal), program_of(bao)

    # What identifies a sample row: identifier type and value, and date of birth. One
    # client per Client Profile sample row, each served in May 2018.
    by_identity: dict[tuple[str, str, str], str] = {}
    for row in _sample_rows("client_profile"):
        registered = client(
            amal,
            identifier_type=row["client_validation_type_id"],
            identifier_value=row["client_validation_id"],
            birth_date=row["client_birth_dt"],
        )
        key = (
            row["client_validation_type_id"],
            row["client_validation_id"],
            row["client_birth_dt"],
        )
        by_identity[key] = registered["id"]
        service(amal, settle, registered["id"], "needs_assessment", "2018-05-20")
    # The service samples of the first sample client (FOSS/GCMS 12345678, 1978-05-20).
    first = next(iter(by_identity.values()))
    orientation = service(amal, settle, first, "information_orientation", "2018-05-20")
    connection = service(amal, settle, first, "community_connection", "2018-05-20")
    employment = service(bao, employ, first, "employment", "2018-05-20")

    # The language course the LT Course Setup sample describes (its code, dates, place,
    # schedule, levels), the first sample client enrolled in it as the Enrolment sample
    # says, and exited as the Exit sample says (on the course's last day, in July).
    setup = _sample_rows("lt_course_setup")[0]
    code = setup["course_cd"]
    opened = amal.post(
        COURSES,
        json={"program_id": settle,
              "answers": _answers_of("lt_course_open", setup, teacher_name=setup["contact_nme"],
                                     city_id="Toronto")},
    )  # fmt: skip
    assert opened.status_code == 201, opened.text
    course = opened.json()
    assert (course["code"], course["start_date"], course["end_date"]) == (
        code, setup["start_dt"], setup["end_dt"]
    )  # fmt: skip
    enrolment_sample = _sample_rows("lt_client_enrolment")[0]
    exit_sample = _sample_rows("lt_client_exit")[0]
    for sample in (enrolment_sample, exit_sample):
        named = (
            sample["client_validation_type_id"],
            sample["client_validation_id"],
            sample["client_birth_dt"],
        )
        assert by_identity[named] == first
    # The samples' own course codes are typos of the setup's (L-CCSNAR18008,
    # L-CCSMARS18008): an enrolment carries its course's code, whatever the form says.
    base = f"{COURSES}/{course['id']}/enrolments"
    enrolled = amal.post(
        base,
        json={"client_id": first,
              "answers": _answers_of("lt_enrolment", enrolment_sample, course_cd=code)},
    )  # fmt: skip
    assert enrolled.status_code == 201, enrolled.text
    enrolment = enrolled.json()
    assert enrolment["first_class_date"] == enrolment_sample["first_class_dt"]
    # "Completed the course" with a reason for leaving: the form does not ask the reason
    # of a client who completed it.
    exit_answers = _answers_of("lt_exit", exit_sample, course_cd=code)
    exit_answers.pop("exit_course_reason_id", None)
    exited = amal.put(f"{base}/{first}/exit", json={"answers": exit_answers})
    assert exited.status_code == 200, exited.text
    assert exited.json()["exit"]["exit_date"] == exit_sample["exit_course_dt"] == "2018-07-20"

    def all_copied() -> dict[str, Any] | None:
        response = readiness(manager, old, "2018-05")
        if response.status_code != 200:
            return None
        body: dict[str, Any] = response.json()
        counts = {t["template"]: t["records"] for t in body["templates"]}
        return body if sum(counts.values()) - counts["client_profile"] == 12 else None

    report = eventually(all_copied)
    assert [r for r in report["records"] if not r["ready"]] == []
    counts = {t["template"]: t["records"] for t in report["templates"]}
    assert (counts["employment"], counts["lt_course_setup"], counts["lt_client_enrolment"]) == (
        1, 1, 1
    )  # fmt: skip

    def exit_copied() -> dict[str, Any] | None:
        response = readiness(manager, old, "2018-07")
        body: dict[str, Any] = response.json() if response.status_code == 200 else {}
        counts = {t["template"]: t["records"] for t in body.get("templates", [])}
        return body if counts.get("lt_client_exit") == 1 else None

    eventually(exit_copied)
    done = export(manager, old, "2018-05")
    assert done["record_count"] == 7 + 12
    assert [f["template"] for f in done["files"]][-3:] == [
        "employment", "lt_course_setup", "lt_client_enrolment"
    ]  # fmt: skip
    # July: the exit only (its client and course went in May).
    july = export(manager, old, "2018-07")
    assert july["record_count"] == 1 and [f["template"] for f in july["files"]] == [
        "lt_client_exit"
    ]

    def send_back(name: str, export_id: str | None = None) -> dict[str, Any]:
        params = {"export_id": export_id} if export_id else {}
        response = manager.post(
            f"{ICARE}/ledger/rejected",
            params=params,
            files={"file": (f"{name}.xlsx", (SAMPLES / f"{name}.xlsx").read_bytes())},
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    profiles = send_back("client_profile", done["id"])
    assert sorted(r["record_id"] for r in profiles["linked"]) == sorted(by_identity.values())
    assert {r["matched_by"] for r in profiles["linked"]} == {"cells"}
    assert profiles["unlinked"] == [] and profiles["accepted"] == 0
    assert "Unable to validate against database" in profiles["linked"][0]["messages"][0]

    io_back = send_back("information_orientation")
    assert [r["record_id"] for r in io_back["linked"]] == [orientation["id"]]
    cc_back = send_back("community_connections")
    assert [r["record_id"] for r in cc_back["linked"]] == [connection["id"]]
    # The other two rows name clients this agency never sent.
    assert len(cc_back["unlinked"]) == 2

    # Employment: the first row is the first sample client's service; the second names
    # FOSS/GCMS 99999999 born 1987-09-19, a client this agency never sent.
    employment_back = send_back("employment")
    assert [
        (r["row_number"], r["record_id"], r["matched_by"]) for r in employment_back["linked"]
    ] == [(4, employment["id"], "cells")]
    assert [(r["row_number"], r["reason"]) for r in employment_back["unlinked"]] == [
        (5, "no record sent with this identifier and date of birth")
    ]

    # The Needs Assessment sample names a date of birth no client has here: it links
    # once staff record iCARE's id of the record it returns (its Update Record ID).
    needs_sample = _sample_rows("needs_assessment_referrals")[0]
    assert send_back("needs_assessment_referrals")["linked"] == []
    entries = manager.get(f"{ICARE}/ledger", params={"export_id": done["id"]}).json()["items"]
    target = next(
        e
        for e in entries
        if e["template"] == "needs_assessment_referrals" and e["client_id"] == first
    )
    manager.put(
        f"{ICARE}/ledger/{target['id']}", json={"icare_record_id": needs_sample["update_record_id"]}
    )
    linked = send_back("needs_assessment_referrals")["linked"]
    assert [(r["entry_id"], r["matched_by"]) for r in linked] == [
        (target["id"], "update_record_id")
    ]

    # The course templates: the setup by its course code; the enrolment and the exit by
    # their client (their course codes name no course), each the record it describes.
    course_back = send_back("lt_course_setup")
    assert [(r["record_kind"], r["record_id"], r["matched_by"]) for r in course_back["linked"]] == [
        ("course", course["id"], "cells")
    ]
    enrolment_back = send_back("lt_client_enrolment")
    assert [
        (r["record_kind"], r["record_id"], r["client_id"], r["matched_by"])
        for r in enrolment_back["linked"]
    ] == [("enrolment", enrolment["id"], first, "cells")]
    (exit_entry,) = manager.get(f"{ICARE}/ledger", params={"export_id": july["id"]}).json()["items"]
    exit_back = send_back("lt_client_exit")
    assert [
        (r["entry_id"], r["record_kind"], r["client_id"], r["matched_by"])
        for r in exit_back["linked"]
    ] == [(exit_entry["id"], "exit", first, "cells")]
    for back in (course_back, enrolment_back, exit_back):
        assert back["unlinked"] == [] and back["rows"] == 1
        assert "Unable to validate against database" in back["linked"][0]["messages"][0]

    rejected = manager.get(
        f"{ICARE}/ledger", params={"export_id": done["id"], "status": "rejected"}
    ).json()["items"]
    # 7 profiles; Needs Assessment, Information and Orientation, Community Connections,
    # Employment, the course and the enrolment of the first sample client.
    assert len(rejected) == 7 + 6
    in_july = manager.get(f"{ICARE}/ledger", params={"export_id": july["id"]}).json()["items"]
    assert [(e["id"], e["status"]) for e in in_july] == [(exit_entry["id"], "rejected")]


def test_the_scheduled_run_exports_a_month_once(
    stack: StackInfo, admin_client: GatewayClient, manager: GatewayClient, agreement: dict[str, Any]
) -> None:
    assert admin_client.put(f"{ICARE}/schedule", json={"day": 1}).status_code == 200
    profile = process_stack.profile_of(slot_profile())
    env = process_stack.process_env(process_stack.service_env(profile, by_name("icare")))
    for _ in range(2):  # the CronJob's command, twice: the second run finds it done
        ran = subprocess.run(
            [str(process_stack.PYTHON), "-m", "icare.scheduled_export"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert ran.returncode == 0, ran.stderr[-2000:]
    today = time.gmtime()
    year, month = (today.tm_year, today.tm_mon - 1) if today.tm_mon > 1 else (today.tm_year - 1, 12)
    period = f"{year:04d}-{month:02d}"
    listed = manager.get(
        f"{ICARE}/exports", params={"funding_agreement_id": agreement["id"], "period": period}
    ).json()["items"]
    (scheduled,) = [e for e in listed if e["trigger"] == "scheduled"]

    def built() -> dict[str, Any] | None:
        body = dict(manager.get(f"{ICARE}/exports/{scheduled['id']}").json())
        assert body["status"] != "failed", body.get("failure")
        return body if body["status"] == "completed" else None

    eventually(built, within=60.0)

    # The agency's administrators are told the files are ready (once).
    def ready_mails() -> list[Message] | None:
        found = [
            m
            for folder in ("new", "cur")
            if (stack.mail_dir / folder).is_dir()
            for path in (stack.mail_dir / folder).iterdir()
            if (m := email.message_from_bytes(path.read_bytes()))["Subject"]
            == f"iCARE export {period} ready"
            and scheduled["id"] in _text(m)
        ]
        return found or None

    (mailed,) = eventually(ready_mails)
    assert mailed["To"] == AGENCY_ADMIN
    assert f"{period} has run" in _text(mailed)


def _text(message: Message) -> str:
    body = message.get_payload(decode=True)
    return body.decode(message.get_content_charset() or "utf-8") if isinstance(body, bytes) else ""
