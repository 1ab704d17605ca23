"""Reports through the gateway, from what caseworkers record to what a manager reads.

Caseworkers register clients and record services and a group activity through the
gateway; reporting learns of them from the events (its read model is eventually
consistent, so the test polls the report until it shows them); the manager then reads
exact counts and breakdowns, filters by gender and immigration status, exports CSV and
XLSX. A caseworker is refused, and another agency sees none of it. A task created
through referrals with a past due date shows in the manager's overdue tasks for its
assignee, and leaves them once done.

Everything here is dated in February 2025, a month no other journey records in, so the
counts are exact even when the whole e2e suite shares the stack. Tasks are the
exception (a task belongs to the period by being open in it, and is created today): the
tasks journey counts against what the report showed for its assignee just before.
"""

import csv
import datetime as dt
import io
import time
import uuid
from typing import Any

import openpyxl
import pytest

from scripts.stack import StackInfo
from tests.e2e.gateway_client import GatewayClient
from tests.e2e.journeys import new_agency_admin, record_session, register

pytestmark = pytest.mark.e2e

REPORTS = "/api/reporting/reports"
SESSIONS = "/api/sessions/sessions"
TASKS = "/api/referrals/tasks"
FEBRUARY = {"date_from": "2025-02-01", "date_to": "2025-02-28"}

NEEDS_ASSESSMENT = {
    "preferred_official_language_id": "english",
    "institution_type_id": "settlement_service_provider",
    "assessment_referral_id": "family_friends",
    "intention_canadian_citizen_ind": "yes",
    "support_required_services_required": "no",
    "non_cic_program_needs_services_required": "no",
    "support_received_ind": "no",
    "settlement_plan_ind": "no",
}
ATTENDEE = {"attended": True, "evaluation_returned": True, "support_received_ind": "no"}


def _program(worker: GatewayClient) -> str:
    me = worker.get("/api/identity/me")
    assert me.status_code == 200, me.text
    programs: list[str] = me.json()["program_ids"]
    return programs[0]


def _service(worker: GatewayClient, program: str, day: str, clients: list[str]) -> str:
    """A direct service on `day` with a completed needs assessment: the form id."""
    session = record_session(
        worker,
        {"type": "direct_service", "date": day, "start_time": "10:00", "end_time": "11:00",
         "delivery_mode": "in_person", "language_of_service": "English", "program_id": program,
         "funders": [{"name": "IRCC"}], "client_ids": clients},
    )  # fmt: skip
    assert session.status_code == 201, session.text
    form = worker.post(
        f"{SESSIONS}/{session.json()['id']}/forms",
        json={"form_key": "needs_assessment",
              "answers": {**NEEDS_ASSESSMENT, "assessment_completed_dt": day}},
    )  # fmt: skip
    assert form.status_code == 201, form.text
    form_id: str = form.json()["id"]
    return form_id


def _run(who: GatewayClient, key: str, **criteria: Any) -> dict[str, Any]:
    response = who.post(f"{REPORTS}/{key}/run", json={**FEBRUARY, **criteria})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _table(result: dict[str, Any], key: str, measure: str) -> dict[str | None, Any]:
    rows = next(t for t in result["tables"] if t["key"] == key)["rows"]
    return {row["label"]: row[measure] for row in rows}


def _once(
    who: GatewayClient,
    key: str,
    expected: dict[str, Any],
    within: float = 45.0,
    criteria: dict[str, Any] | None = None,
) -> Any:
    """Run the report (with `criteria`) until its totals show `expected` (those keys;
    the read model catches up with the events); the last result."""
    deadline = time.monotonic() + within
    while True:
        result = _run(who, key, **(criteria or {}))
        shown = {k: result["totals"].get(k) for k in expected}
        if shown == expected or time.monotonic() > deadline:
            assert shown == expected, result["totals"]
            return result
        time.sleep(0.3)


@pytest.fixture(scope="module")
def february(amal: GatewayClient, bao: GatewayClient) -> dict[str, str]:
    """What the caseworkers record: three clients, four services (a direct service has
    one client), one group activity."""
    rania = register(amal, given_name="Rania", family_name="Haddad", gender="Female",
                     birth_date="1990-03-01", immigration_status="Permanent Resident",
                     country_of_birth="Syrian Arab Republic")["id"]  # fmt: skip
    omar = register(amal, given_name="Omar", family_name="Haddad", gender="Male",
                    birth_date="1958-07-15", immigration_status="Convention Refugee",
                    country_of_birth="Syrian Arab Republic")["id"]  # fmt: skip
    lina = register(amal, given_name="Lina", family_name="Haddad", gender="Female",
                    birth_date="2012-05-20", immigration_status="Refugee Claimant",
                    country_of_birth="Afghanistan")["id"]  # fmt: skip
    settle, employ = _program(amal), _program(bao)
    _service(amal, settle, "2025-02-03", [rania])
    _service(amal, settle, "2025-02-03", [omar])
    _service(amal, settle, "2025-02-10", [rania])
    _service(bao, employ, "2025-02-12", [omar])
    # A form saved as a draft only: not a service (yet), one of amal's forms to complete.
    pending = record_session(
        amal,
        {"type": "direct_service", "date": "2025-02-25", "start_time": "09:00",
         "end_time": "09:30", "delivery_mode": "phone", "language_of_service": "English",
         "program_id": settle, "client_ids": [lina]},
    )  # fmt: skip
    assert pending.status_code == 201, pending.text
    draft = amal.post(
        f"{SESSIONS}/{pending.json()['id']}/forms",
        json={"form_key": "needs_assessment", "answers": {}, "draft": True},
    )
    assert draft.status_code == 201, draft.text

    group = amal.post(
        SESSIONS,
        json={"type": "io_group_activity", "date": "2025-02-20", "start_time": "13:00",
              "end_time": "15:00", "delivery_mode": "in_person",
              "language_of_service": "English", "program_id": settle,
              "funders": [{"name": "IRCC"}], "client_ids": []},
    )  # fmt: skip
    assert group.status_code == 201, group.text
    attendees = f"{SESSIONS}/{group.json()['id']}/attendees"
    added = amal.post(attendees, json={"client_ids": [rania, lina]})
    assert added.status_code == 201, added.text
    assert amal.put(f"{attendees}/anonymous", json={"count": 4}).status_code == 200
    went = amal.put(f"{attendees}/{rania}/form", json={"answers": ATTENDEE})
    assert went.status_code == 200, went.text
    missed = amal.put(
        f"{attendees}/{lina}/form",
        json={"answers": {**ATTENDEE, "attended": False, "evaluation_returned": None}},
    )
    assert missed.status_code == 200, missed.text
    return {"rania": rania, "omar": omar, "lina": lina, "settle": settle, "employ": employ}


def test_the_manager_reads_what_caseworkers_recorded(
    manager: GatewayClient, february: dict[str, str]
) -> None:
    catalog = manager.get(REPORTS)
    assert catalog.status_code == 200, catalog.text
    assert len(catalog.json()["reports"]) == 14

    # 3 clients: 4 service contacts and 2 named group attendees.
    served = _once(manager, "clients_served", {"clients": 3, "contacts": 6})
    assert _table(served, "program", "clients") == {
        "Settlement Services": 3, "Employment Services": 1,
    }  # fmt: skip
    assert _table(served, "session_type", "contacts") == {
        "Direct Service": 4, "Information & Orientation Group Activity": 2,
    }  # fmt: skip

    services = _once(manager, "services_by_type", {"services": 4, "clients": 2})
    assert _table(services, "form_key", "services") == {"Needs Assessment": 4}
    workers = _run(manager, "services_by_worker")
    assert _table(workers, "worker", "services") == {"Amal Haddad": 3, "Bao Nguyen": 1}

    drafts = _once(manager, "open_drafts", {"drafts": 1})
    assert _table(drafts, "worker", "drafts") == {"Amal Haddad": 1}

    groups = _once(
        manager,
        "group_activities",
        {"activities": 1, "named": 2, "anonymous": 4, "attendance": 6, "attended": 1},
    )
    assert _table(groups, "session_type", "attendance") == {
        "Information & Orientation Group Activity": 6
    }

    profiles = _run(manager, "client_profiles")
    assert _table(profiles, "gender", "clients") == {"Female": 2, "Male": 1}
    assert _table(profiles, "age_group", "clients") == {"0-14": 1, "25-34": 1, "65+": 1}
    assert _table(profiles, "country_of_birth", "clients") == {
        "Syrian Arab Republic": 2, "Afghanistan": 1,
    }  # fmt: skip


def test_filters_on_gender_and_immigration_status(
    manager: GatewayClient, admin: GatewayClient, february: dict[str, str]
) -> None:
    _once(manager, "clients_served", {"clients": 3, "contacts": 6})
    women = _run(manager, "clients_served", gender=["Female"])
    assert women["totals"] == {"clients": 2, "contacts": 4}
    refugees = _run(admin, "services_by_type", immigration_status=["Convention Refugee"])
    assert refugees["totals"] == {"services": 2, "clients": 1}
    employ = _run(manager, "clients_served", program_id=february["employ"])
    assert employ["totals"] == {"clients": 1, "contacts": 1}

    refused = manager.post(f"{REPORTS}/clients_served/run", json={**FEBRUARY, "gender": ["F"]})
    assert refused.status_code == 422
    assert [f["field"] for f in refused.json()["error"]["fields"]] == ["gender"]
    backwards = manager.post(
        f"{REPORTS}/clients_served/run", json={"date_from": "2025-03-01", "date_to": "2025-02-01"}
    )
    assert backwards.status_code == 422
    assert [f["field"] for f in backwards.json()["error"]["fields"]] == ["date_to"]


def test_exports_as_csv_and_xlsx(manager: GatewayClient, february: dict[str, str]) -> None:
    _once(manager, "services_by_type", {"services": 4, "clients": 2})
    response = manager.get(
        f"{REPORTS}/services_by_worker/export",
        params={**FEBRUARY, "format": "csv", "gender": ["Female", "Male"]},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Services by worker"]
    header = rows.index(["Worker", "Services", "Clients (unique)"])
    assert rows[header + 1 : header + 3] == [["Amal Haddad", "3", "2"], ["Bao Nguyen", "1", "1"]]

    workbook = manager.get(
        f"{REPORTS}/clients_served/export", params={**FEBRUARY, "format": "xlsx"}
    )
    assert workbook.status_code == 200, workbook.text
    book = openpyxl.load_workbook(io.BytesIO(workbook.content))
    assert book.sheetnames[0] == "Summary"
    months = book["Month"]
    assert [c.value for c in months[1]] == ["Month", "Clients (unique)", "Client contacts"]
    assert [c.value for c in months[2]] == ["2025-02", 3, 6]


def test_caseworkers_are_refused_and_another_agency_sees_nothing(
    amal: GatewayClient, manager: GatewayClient, stack: StackInfo, february: dict[str, str]
) -> None:
    _once(manager, "clients_served", {"clients": 3, "contacts": 6})
    assert amal.get(REPORTS).status_code == 403
    assert amal.post(f"{REPORTS}/clients_served/run", json=FEBRUARY).status_code == 403
    refused = amal.get(f"{REPORTS}/clients_served/export", params={**FEBRUARY, "format": "csv"})
    assert refused.status_code == 403

    other = new_agency_admin(stack, "Lakeside Welcome")
    try:
        for key in ("clients_served", "services_by_type", "group_activities", "client_profiles"):
            result = _run(other, key)
            assert all(not v for v in result["totals"].values()), (key, result["totals"])
            assert all(t["rows"] == [] for t in result["tables"]), key
        theirs = other.post(
            f"{REPORTS}/clients_served/run", json={**FEBRUARY, "program_id": february["settle"]}
        )
        assert theirs.status_code == 422
        unknown = other.post(f"{REPORTS}/{uuid.uuid4().hex}/run", json=FEBRUARY)
        assert unknown.status_code == 404
    finally:
        other.close()


def test_an_overdue_task_shows_for_its_assignee_until_done(
    bao: GatewayClient, manager: GatewayClient
) -> None:
    """Bao (whom no other journey gives a task) makes himself a task due ten days ago.
    The report runs over the last month, to today: as of today the task is overdue."""
    today = dt.datetime.now(dt.UTC).date()
    me = bao.get("/api/identity/me")
    assert me.status_code == 200, me.text
    bao_id = me.json()["id"]
    period = {
        "date_from": (today - dt.timedelta(days=30)).isoformat(),
        "date_to": today.isoformat(),
        "worker_id": bao_id,
    }
    before = _run(manager, "tasks_overdue", **period)["totals"]
    client = register(bao, given_name="Yusuf", family_name="Demir")
    created = bao.post(
        TASKS,
        json={"client_id": client["id"], "title": "Call about the housing application",
              "due_date": (today - dt.timedelta(days=10)).isoformat(), "priority": "high"},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    task = created.json()
    assert task["overdue"] is True and task["assignee_id"] == bao_id

    overdue = _once(
        manager,
        "tasks_overdue",
        {"overdue": before["overdue"] + 1, "open": before["open"] + 1},
        criteria=period,
    )
    assert overdue["totals"]["oldest_overdue_days"] >= 10
    workers = next(t for t in overdue["tables"] if t["key"] == "worker")["rows"]
    assert [(r["key"], r["label"]) for r in workers] == [(bao_id, "Bao Nguyen")]
    assert _table(overdue, "priority", "overdue").get("High", 0) >= 1
    # The whole agency (no worker criterion): bao's row counts it too.
    agency = _run(
        manager, "tasks_overdue", date_from=period["date_from"], date_to=today.isoformat()
    )
    assert _table(agency, "worker", "overdue")["Bao Nguyen"] == before["overdue"] + 1

    done = bao.patch(f"{TASKS}/{task['id']}", json={"status": "done"})
    assert done.status_code == 200, done.text
    _once(
        manager,
        "tasks_overdue",
        {"overdue": before["overdue"], "open": before["open"], "done": before["done"] + 1},
        criteria=period,
    )
