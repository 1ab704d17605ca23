"""Hostile input through the gateway is a 4xx naming the field, never a 500.

Each case here was once answered "internal_error": a time of day with a UTC offset (or a
number, which pydantic reads as seconds since midnight UTC) compared with a plain one; a
date at the ends of the calendar, which asyncpg stores as ±infinity; a reminder whose lead
taken from year 1 overflows; an iCARE month whose following month cannot be represented;
a report whose end is 9999-12-31.
"""

import datetime as dt
import time
import uuid
from typing import Any

import pytest

from tests.e2e.gateway_client import GatewayClient

pytestmark = pytest.mark.e2e

SESSION = {
    "type": "direct_service",
    "date": "2026-11-20",
    "start_time": "10:00",
    "end_time": "11:00",
    "delivery_mode": "in_person",
    "language_of_service": "English",
    "funders": [{"name": "IRCC"}],
}


def _refused(response: Any, field: str) -> None:
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert field in [f["field"] for f in error.get("fields", [])], error


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start_time", 123),
        ("end_time", 123),
        ("start_time", "10:00+02:00"),
        ("date", "9999-12-31"),
        ("date", "0001-01-01"),
        ("date", "2026-02-30"),
    ],
)
def test_a_session_field_out_of_range(amal: GatewayClient, field: str, value: Any) -> None:
    program = amal.get("/api/identity/me").json()["program_ids"][0]
    body = {**SESSION, "program_id": program, "client_ids": [str(uuid.uuid4())], field: value}
    _refused(amal.post("/api/sessions/sessions", json=body), field)


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2026-02-30"])
def test_a_task_due_at_the_ends_of_the_calendar(amal: GatewayClient, day: str) -> None:
    body = {"client_id": str(uuid.uuid4()), "title": "Call back", "due_date": day}
    _refused(amal.post("/api/referrals/tasks", json=body), "due_date")


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_referral_followed_up_at_the_ends_of_the_calendar(amal: GatewayClient, day: str) -> None:
    body = {
        "client_id": str(uuid.uuid4()),
        "kind": "external",
        "need": "Legal advice",
        "follow_up_on": day,
    }
    _refused(amal.post("/api/referrals/referrals", json=body), "follow_up_on")


@pytest.mark.parametrize("lead_minutes", [0, 24 * 60])
@pytest.mark.parametrize("at", ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00-12:00"])
def test_a_reminder_at_the_start_of_the_calendar(
    amal: GatewayClient, at: str, lead_minutes: int
) -> None:
    """Its lead would overflow (a 500); with no lead it was kept, and the delivery job then
    failed on it every round, converting year 1 to the agency's time zone."""
    body = {"kind": "appointment", "client_id": str(uuid.uuid4()), "at": at,
            "lead_minutes": lead_minutes}  # fmt: skip
    _refused(amal.post("/api/referrals/reminders", json=body), "at")


@pytest.mark.parametrize("period", ["9999-12", "3000-01", "2026-13"])
def test_an_icare_month_out_of_range(manager: GatewayClient, period: str) -> None:
    params = {"funding_agreement_id": str(uuid.uuid4()), "period": period}
    _refused(manager.get("/api/icare/readiness", params=params), "period")
    _refused(manager.post("/api/icare/exports", json=params), "period")


def test_overdue_tasks_to_the_end_of_the_calendar(
    amal: GatewayClient, manager: GatewayClient
) -> None:
    client = amal.post(
        "/api/clients/clients",
        json={"consent": {"statement_version": "2026-01", "language": "English"},
              "given_name": "Hostile", "family_name": "Input"},
    )  # fmt: skip
    assert client.status_code == 201, client.text
    task = amal.post(
        "/api/referrals/tasks",
        json={"client_id": client.json()["id"], "title": "Overdue", "due_date": "2026-01-05"},
    )
    assert task.status_code == 201, task.text
    # Reporting learns of the task from its event: wait until it counts it overdue.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        today = manager.post(
            "/api/reporting/reports/tasks_overdue/run",
            json={"date_from": "2026-01-01", "date_to": dt.date.today().isoformat()},
        )
        assert today.status_code == 200, today.text
        if today.json()["totals"]["overdue"]:
            break
        time.sleep(0.5)
    assert today.json()["totals"]["overdue"], "reporting never counted the overdue task"
    report = manager.post(
        "/api/reporting/reports/tasks_overdue/run",
        json={"date_from": "9999-01-01", "date_to": "9999-12-31"},
    )
    assert report.status_code == 200, report.text
