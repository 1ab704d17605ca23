"""Reminders: scheduled by staff, sent by the scheduler once, in the client's language,
never to a client without email or consent, retried on a passing SMTP failure, and the
client's Notifications tab."""

import asyncio
import datetime as dt
import uuid
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]

from kit.db import Database
from kit.testing import Actor, Agency
from referrals.notifications.delivery import deliver_due
from referrals.settings import ReferralsSettings

from .conftest import Events, Inbox


def _soon(minutes: int = 0) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes)).isoformat()


async def _remind(worker: Actor, **body: Any) -> dict[str, Any]:
    response = await worker.post("/reminders", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def _tab(worker: Actor, client_id: uuid.UUID) -> list[dict[str, Any]]:
    response = await worker.get(f"/clients/{client_id}/notifications")
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_a_client_reminder_is_sent_once_in_english(
    agency: Agency,
    events: Events,
    database: Database,
    settings: ReferralsSettings,
    inbox: Inbox,
    admin_db: asyncpg.Connection,
) -> None:
    worker = agency.worker()
    address = f"{uuid.uuid4().hex[:10]}@example.org"
    client_id = await events.client(agency, worker, email=address)
    reminder = await _remind(
        worker,
        kind="appointment",
        client_id=str(client_id),
        at=_soon(30),
        lead_minutes=60,
        note="Bring your PR card",
    )
    assert reminder["state"] == "pending"

    assert await deliver_due(database, settings) >= 1
    await deliver_due(database, settings)  # nothing more for this one
    mails = inbox.to(address)
    assert len(mails) == 1
    assert mails[0]["Subject"] == "Reminder: your appointment"
    assert mails[0]["Message-ID"] == f"<{reminder['id']}@ocms.example.org>"
    assert mails[0]["Content-Language"] == "en"
    body = mails[0].get_payload(decode=True)
    assert isinstance(body, bytes)
    assert "Hello Nadia," in body.decode()
    assert "Bring your PR card" in body.decode()

    [row] = await _tab(worker, client_id)
    assert row["sent"] is True
    assert row["state"] == "sent"
    assert row["sent_at"] is not None
    assert row["channel"] == "email"
    assert row["language"] == "en"
    audited = await admin_db.fetch(
        "SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY at", reminder["id"]
    )
    assert [r["action"] for r in audited] == ["notification.scheduled", "notification.sent"]


async def test_a_french_preferring_client_gets_french(
    agency: Agency, events: Events, database: Database, settings: ReferralsSettings, inbox: Inbox
) -> None:
    worker = agency.worker()
    address = f"{uuid.uuid4().hex[:10]}@example.org"
    client_id = await events.client(
        agency, worker, email=address, language="French", given_name="Amélie"
    )
    await _remind(worker, kind="follow_up", client_id=str(client_id), at=_soon(), lead_minutes=0)
    await deliver_due(database, settings)
    [mail] = inbox.to(address)
    assert mail["Subject"] == "Rappel : votre suivi"
    body = mail.get_payload(decode=True)
    assert isinstance(body, bytes)
    assert body.decode().startswith("Bonjour Amélie,")
    assert (await _tab(worker, client_id))[0]["language"] == "fr"


async def test_no_email_no_consent_nothing_sent_and_the_tab_says_why(
    agency: Agency, events: Events, database: Database, settings: ReferralsSettings, inbox: Inbox
) -> None:
    worker = agency.worker()
    before = len(inbox.messages)
    without_email = await events.client(agency, worker, email=None)
    without_consent = await events.client(
        agency, worker, email=f"{uuid.uuid4().hex[:8]}@example.org", consent="none"
    )
    for client_id in (without_email, without_consent):
        await _remind(
            worker, kind="appointment", client_id=str(client_id), at=_soon(), lead_minutes=0
        )
    await deliver_due(database, settings)
    assert len(inbox.messages) == before
    [no_email] = await _tab(worker, without_email)
    assert (no_email["state"], no_email["sent"], no_email["reason"]) == (
        "not_sent",
        False,
        "no_email",
    )
    assert no_email["reason_text"] == "The client's profile has no email address."
    [no_consent] = await _tab(worker, without_consent)
    assert no_consent["reason"] == "no_consent"


async def test_a_passing_smtp_failure_is_retried(
    agency: Agency, events: Events, database: Database, settings: ReferralsSettings, inbox: Inbox
) -> None:
    worker = agency.worker()
    address = f"{uuid.uuid4().hex[:10]}@example.org"
    client_id = await events.client(agency, worker, email=address)
    await _remind(worker, kind="appointment", client_id=str(client_id), at=_soon(), lead_minutes=0)
    inbox.refuse_next = 1
    await deliver_due(database, settings)
    [row] = await _tab(worker, client_id)
    assert (row["state"], row["reason"], row["attempts"]) == ("pending", "retrying", 1)
    assert not inbox.to(address)
    await asyncio.sleep(0.3)  # retry base 0.1 s in these settings
    await deliver_due(database, settings)
    assert len(inbox.to(address)) == 1
    [row] = await _tab(worker, client_id)
    assert (row["state"], row["attempts"], row["reason"]) == ("sent", 2, None)


async def test_a_claim_left_by_a_dead_worker_is_sent_once(
    agency: Agency,
    events: Events,
    database: Database,
    settings: ReferralsSettings,
    inbox: Inbox,
    admin_db: asyncpg.Connection,
) -> None:
    worker = agency.worker()
    address = f"{uuid.uuid4().hex[:10]}@example.org"
    client_id = await events.client(agency, worker, email=address)
    reminder = await _remind(
        worker, kind="appointment", client_id=str(client_id), at=_soon(), lead_minutes=0
    )
    # A worker claimed it, then died before sending: a fresh claim is left alone...
    await admin_db.execute(
        "UPDATE notifications SET state = 'sending', claimed_at = now(), attempts = 1"
        " WHERE id = $1",
        uuid.UUID(reminder["id"]),
    )
    await deliver_due(database, settings)
    assert not inbox.to(address)
    # ...and once the claim is older than the timeout, it is sent, once.
    await admin_db.execute(
        "UPDATE notifications SET claimed_at = now() - interval '1 hour' WHERE id = $1",
        uuid.UUID(reminder["id"]),
    )
    await deliver_due(database, settings)
    await deliver_due(database, settings)
    assert len(inbox.to(address)) == 1


async def test_a_staff_reminder_before_a_task_is_due(
    agency: Agency,
    events: Events,
    database: Database,
    settings: ReferralsSettings,
    inbox: Inbox,
    admin_db: asyncpg.Connection,
) -> None:
    worker = agency.worker()
    address = f"{uuid.uuid4().hex[:10]}@staff.example.org"
    await events.staff(agency, worker, email=address)
    today = dt.date.today()
    task = (
        await worker.post(
            "/tasks",
            json={
                "client_id": str(uuid.uuid4()),
                "title": "Renew the housing form",
                "due_date": today.isoformat(),
            },
        )
    ).json()
    # Due today at 09:00 UTC; three days ahead is already past: it goes now.
    reminder = await _remind(worker, kind="task_due", task_id=task["id"], lead_minutes=3 * 24 * 60)
    assert reminder["recipient"] == "staff"
    assert reminder["staff_id"] == str(worker.id)
    await deliver_due(database, settings)
    [mail] = inbox.to(address)
    assert mail["Subject"] == "Task due: Renew the housing form"

    closed = (
        await worker.post(
            "/tasks",
            json={"client_id": str(uuid.uuid4()), "title": "Y", "due_date": today.isoformat()},
        )
    ).json()
    late = await _remind(worker, kind="task_due", task_id=closed["id"], lead_minutes=3 * 24 * 60)
    await worker.patch(f"/tasks/{closed['id']}", json={"status": "cancelled"})
    await deliver_due(database, settings)
    assert len(inbox.to(address)) == 1
    row = await admin_db.fetchrow(
        "SELECT state, reason FROM notifications WHERE id = $1", uuid.UUID(late["id"])
    )
    assert (row["state"], row["reason"]) == ("not_sent", "task_closed")


async def test_another_agency_sees_no_notification(agency: Agency, events: Events) -> None:
    worker = agency.worker()
    client_id = await events.client(agency, worker)
    await _remind(worker, kind="appointment", client_id=str(client_id), at=_soon(60))
    other = Agency(agency.http).worker()
    assert await _tab(other, client_id) == []


async def test_a_reminder_at_the_ends_of_the_calendar_is_refused_by_name(
    agency: Agency, events: Events
) -> None:
    """Its lead taken from 0001-01-01 would overflow: `at` is named, not a 500."""
    worker = agency.worker()
    client_id = await events.client(agency, worker)
    for at in ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00-12:00", "9999-12-31T23:59:59Z"):
        response = await worker.post(
            "/reminders", json={"kind": "appointment", "client_id": str(client_id), "at": at}
        )
        assert response.status_code == 422, (at, response.text)
        assert [f["field"] for f in response.json()["error"]["fields"]] == ["at"]
