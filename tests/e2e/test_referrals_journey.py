"""Tasks, referrals and reminders through the gateway: lifecycles, an external referral
through its whole status loop, a reminder sent exactly once across worker restarts (read
back from the SMTP sink's maildir), no email for a client without one, French for a
French-preferring client, a duplicated sessions follow-up event creating one referral,
a draft service form on its author's My work until completed, and another agency
seeing none of it."""

import asyncio
import datetime as dt
import email
import json
import time
import uuid
from collections.abc import Callable, Iterator
from email.message import Message
from typing import Any

import aio_pika
import asyncpg
import pytest

from scripts import stack as process_stack
from scripts.stack import StackInfo
from sessions.forms import catalog
from tests.e2e.gateway_client import GatewayClient
from tests.e2e.journeys import SESSIONS, new_agency_admin, record_session, register
from tests.e2e.test_sessions_forms_catalog import fill

pytestmark = pytest.mark.e2e

API = "/api/referrals"
WORKER = "referrals-worker"
FAST_TICK = {
    "OCMS_NOTIFICATION_TICK_SECONDS": "0.5",
    # A client registered a moment ago may not have reached referrals yet.
    "OCMS_NOTIFICATION_UNKNOWN_CLIENT_GRACE_SECONDS": "120",
}


def _worker_proc(profile: process_stack.Profile) -> process_stack.Proc:
    [proc] = [p for p in process_stack.service_procs(profile) if p.name == WORKER]
    proc.env = proc.env | FAST_TICK
    return proc


def restart_worker(stack: StackInfo, *, start: bool = True) -> None:
    """Stop the slot's referrals worker (SIGTERM, as a deploy does) and start it again
    with a fast scheduler tick."""
    profile = process_stack.profile_of(stack.profile)
    process_stack.stop(profile, WORKER)
    if start:
        start_worker(stack)


def start_worker(stack: StackInfo) -> None:
    profile = process_stack.profile_of(stack.profile)
    proc = _worker_proc(profile)
    process_stack.start(profile, proc)
    process_stack.wait_ready(profile, [proc], timeout=60)


@pytest.fixture(scope="module", autouse=True)
def fast_scheduler(stack: StackInfo) -> Iterator[None]:
    restart_worker(stack)
    yield
    if process_stack.running_pid(process_stack.profile_of(stack.profile), WORKER) is None:
        start_worker(stack)


def wait_for(check: Callable[[], Any], *, within: float = 30.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + within
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not met within {within}s")
        time.sleep(0.25)


def me(worker: GatewayClient) -> dict[str, Any]:
    response = worker.get("/api/identity/me")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def mails(stack: StackInfo, message_id: str) -> list[Message]:
    """Every message in the sink's maildir with this Message-ID."""
    found = []
    for folder in ("new", "cur"):
        directory = stack.mail_dir / folder
        if not directory.is_dir():
            continue
        for path in directory.iterdir():
            message = email.message_from_bytes(path.read_bytes())
            if message["Message-ID"] == message_id:
                found.append(message)
    return found


def body_of(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(message.get_content_charset() or "utf-8")


def remind(worker: GatewayClient, **body: Any) -> dict[str, Any]:
    response = worker.post(f"{API}/reminders", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def tab(worker: GatewayClient, client_id: str) -> list[dict[str, Any]]:
    response = worker.get(f"{API}/clients/{client_id}/notifications")
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def settled(worker: GatewayClient, client_id: str, notification_id: str) -> Callable[[], Any]:
    def check() -> dict[str, Any] | None:
        for row in tab(worker, client_id):
            if row["id"] == notification_id and row["state"] in ("sent", "not_sent", "failed"):
                return row
        return None

    return check


def at(seconds: float) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)).isoformat()


def test_a_task_lifecycle(amal: GatewayClient, bao: GatewayClient, manager: GatewayClient) -> None:
    client = register(amal, given_name="Yusuf", family_name="Demir")
    due = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    created = amal.post(
        f"{API}/tasks",
        json={"client_id": client["id"], "title": "Book a LINC assessment", "due_date": due},
    )
    assert created.status_code == 201, created.text
    task = created.json()
    path = f"{API}/tasks/{task['id']}"
    assert task["overdue"] is True

    assert bao.get(path).status_code == 404  # another program, not theirs
    assert manager.get(path).status_code == 200  # amal's manager
    work = amal.get(f"{API}/my-work").json()
    assert task["id"] in [t["id"] for t in work["overdue_tasks"]]

    assert amal.patch(path, json={"status": "in_progress"}).status_code == 200
    assert amal.post(f"{path}/comments", json={"body": "Assessment booked"}).status_code == 201
    assert amal.patch(path, json={"status": "done"}).json()["status"] == "done"
    refused = amal.patch(path, json={"status": "in_progress"})
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == "the task is done; it cannot become in_progress"
    final = amal.get(path).json()
    assert [c["body"] for c in final["comments"]] == ["Assessment booked"]
    assert task["id"] not in [t["id"] for t in amal.get(f"{API}/my-work").json()["overdue_tasks"]]


def test_an_external_referral_through_the_whole_loop(
    amal: GatewayClient, manager: GatewayClient
) -> None:
    partner = manager.post(
        f"{API}/partners",
        json={
            "name": f"Lakeshore Legal Clinic {uuid.uuid4().hex[:6]}",
            "services_offered": ["Immigration legal advice"],
            "contact_name": "Joan Pratt",
            "email": "intake@lakeshore.example.org",
            "languages": ["English", "French"],
            "eligibility": "Low income",
        },
    )
    assert partner.status_code == 201, partner.text
    assert amal.post(f"{API}/partners", json={"name": "Not allowed"}).status_code == 403
    found = amal.get(f"{API}/partners", params={"service_offered": "legal", "language": "french"})
    assert partner.json()["id"] in [p["id"] for p in found.json()["items"]]

    client = register(amal, given_name="Mariam", family_name="Okafor")
    created = amal.post(
        f"{API}/referrals",
        json={
            "client_id": client["id"],
            "kind": "external",
            "partner_id": partner.json()["id"],
            "need": "Sponsorship legal advice",
            "follow_up_on": dt.date.today().isoformat(),
        },
    )
    assert created.status_code == 201, created.text
    referral = created.json()
    path = f"{API}/referrals/{referral['id']}"
    work = amal.get(f"{API}/my-work").json()
    assert referral["id"] in [r["id"] for r in work["referrals_awaiting_follow_up"]]

    early = amal.post(f"{path}/status", json={"status": "completed", "outcome": "x"})
    assert early.status_code == 409
    assert early.json()["error"]["message"] == "the referral is sent; it cannot become completed"
    later = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    steps: list[dict[str, Any]] = [
        {"status": "accepted", "follow_up_on": later},
        {"status": "service_started"},
        {"status": "completed", "outcome": "Sponsorship application filed"},
    ]
    for step in steps:
        moved = amal.post(f"{path}/status", json=step)
        assert moved.status_code == 200, moved.text
        assert moved.json()["status"] == step["status"]
    mine = amal.get(f"{API}/referrals", params={"client_id": client["id"]}).json()["items"]
    assert [(r["id"], r["status"], r["outcome"]) for r in mine] == [
        (referral["id"], "completed", "Sponsorship application filed")
    ]
    history = amal.get(path).json()["history"]
    assert [h["to_status"] for h in history] == [
        "sent",
        "accepted",
        "service_started",
        "completed",
    ]


def test_a_reminder_due_at_t_is_sent_exactly_once_across_worker_restarts(
    amal: GatewayClient, stack: StackInfo
) -> None:
    address = f"nadia.{uuid.uuid4().hex[:8]}@example.org"
    client = register(amal, given_name="Nadia", family_name="Haddad", has_email=True, email=address)
    reminder = remind(
        amal, kind="appointment", client_id=client["id"], at=at(6), lead_minutes=0,
        note="Bring your PR card",
    )  # fmt: skip
    message_id = f"<{reminder['id']}@ocms.example.org>"
    # The worker goes away before T and comes back after it.
    restart_worker(stack, start=False)
    time.sleep(7)
    assert mails(stack, message_id) == []
    start_worker(stack)
    row = wait_for(settled(amal, client["id"], reminder["id"]), what="the reminder sent")
    assert (row["state"], row["sent"]) == ("sent", True)
    assert row["sent_at"] is not None
    [mail] = wait_for(lambda: mails(stack, message_id), what="the email in the sink")
    assert mail["To"] == address
    assert mail["Subject"] == "Reminder: your appointment"
    assert "Bring your PR card" in body_of(mail)

    # Restarts after it was sent send nothing more.
    restart_worker(stack)
    time.sleep(2)
    assert len(mails(stack, message_id)) == 1
    assert tab(amal, client["id"])[0]["attempts"] == 1


def test_a_claim_left_by_a_dead_worker_is_sent_once(amal: GatewayClient, stack: StackInfo) -> None:
    """A worker claimed the reminder and died before sending: the claim goes stale and
    the restarted worker sends it, once."""
    address = f"li.{uuid.uuid4().hex[:8]}@example.org"
    client = register(amal, given_name="Li", family_name="Wei", has_email=True, email=address)
    restart_worker(stack, start=False)
    reminder = remind(amal, kind="follow_up", client_id=client["id"], at=at(0), lead_minutes=0)

    async def claim_as_a_dead_worker() -> None:
        url = stack.db_urls["referrals"]["owner"].replace("postgresql+asyncpg://", "postgresql://")
        conn = await asyncpg.connect(url)
        try:
            async with conn.transaction():
                await conn.execute("SELECT set_config('app.scope', 'platform', true)")
                updated = await conn.execute(
                    "UPDATE notifications SET state = 'sending', attempts = 1,"
                    " claimed_at = now() - interval '1 hour' WHERE id = $1",
                    uuid.UUID(reminder["id"]),
                )
                assert updated == "UPDATE 1"
        finally:
            await conn.close()

    asyncio.run(claim_as_a_dead_worker())
    start_worker(stack)
    message_id = f"<{reminder['id']}@ocms.example.org>"
    row = wait_for(settled(amal, client["id"], reminder["id"]), what="the reminder sent")
    assert row["state"] == "sent"
    time.sleep(1.5)
    assert len(mails(stack, message_id)) == 1


def test_a_client_without_email_gets_nothing_and_the_tab_says_why(
    amal: GatewayClient, stack: StackInfo
) -> None:
    client = register(amal, given_name="Tomas", family_name="Reyes", has_email=False)
    reminder = remind(amal, kind="appointment", client_id=client["id"], at=at(0), lead_minutes=0)
    row = wait_for(settled(amal, client["id"], reminder["id"]), what="the reminder settled")
    assert (row["state"], row["sent"], row["sent_at"]) == ("not_sent", False, None)
    assert row["reason"] == "no_email"
    assert row["reason_text"] == "The client's profile has no email address."
    assert row["channel"] == "email"
    assert mails(stack, f"<{reminder['id']}@ocms.example.org>") == []


def test_a_french_preferring_client_gets_the_french_template(
    amal: GatewayClient, stack: StackInfo
) -> None:
    address = f"amelie.{uuid.uuid4().hex[:8]}@example.org"
    client = register(
        amal, given_name="Amélie", family_name="Tremblay", has_email=True, email=address,
        official_language="French",
    )  # fmt: skip
    reminder = remind(amal, kind="appointment", client_id=client["id"], at=at(0), lead_minutes=0)
    row = wait_for(settled(amal, client["id"], reminder["id"]), what="the reminder sent")
    assert (row["state"], row["language"]) == ("sent", "fr")
    [mail] = wait_for(lambda: mails(stack, f"<{reminder['id']}@ocms.example.org>"))
    assert mail["Subject"] == "Rappel : votre rendez-vous"
    assert mail["Content-Language"] == "fr"
    text = body_of(mail)
    assert text.startswith("Bonjour Amélie,")
    assert "Nous vous rappelons votre rendez-vous le " in text


def test_a_duplicated_follow_up_event_creates_one_referral(
    amal: GatewayClient, stack: StackInfo
) -> None:
    worker = me(amal)
    client = register(amal, given_name="Samir", family_name="Nasser")
    request_id = str(uuid.uuid4())
    payload = {
        "event_id": str(uuid.uuid4()),
        "occurred_at": dt.datetime.now(dt.UTC).isoformat(),
        "agency_id": worker["agency_id"],
        "request_id": request_id,
        "kind": "referral",
        "session_id": str(uuid.uuid4()),
        "form_id": str(uuid.uuid4()),
        "form_key": "needs_assessment",
        "client_id": client["id"],
        "program_id": worker["program_ids"][0],
        "requested_by": worker["id"],
        "need": "Affordable housing search",
        "referral_kind": "external",
        "partner_name": "Housing Help Centre",
    }
    again = payload | {"event_id": str(uuid.uuid4())}

    async def publish() -> None:
        connection = await aio_pika.connect(stack.amqp_url)
        try:
            channel = await connection.channel(publisher_confirms=True)
            exchange = await channel.get_exchange("ocms.events")
            for body in (payload, payload, again):
                await exchange.publish(
                    aio_pika.Message(
                        json.dumps(body).encode(),
                        content_type="application/json",
                        message_id=str(body["event_id"]),
                        type="sessions.follow_up.requested.v1",
                        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                    ),
                    "sessions.follow_up.requested.v1",
                )
        finally:
            await connection.close()

    asyncio.run(publish())

    def listed() -> list[dict[str, Any]]:
        response = amal.get(f"{API}/referrals", params={"client_id": client["id"]})
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    [referral] = wait_for(listed, what="the requested referral")
    time.sleep(2)  # the duplicates had every chance to land
    assert [r["id"] for r in listed()] == [referral["id"]]
    assert referral["request_id"] == request_id
    assert referral["partner_name"] == "Housing Help Centre"
    assert referral["referred_by"] == worker["id"]


def test_a_service_form_asks_for_referrals_and_a_task(
    amal: GatewayClient, bao: GatewayClient, manager: GatewayClient
) -> None:
    """Through sessions: completing a form with follow-ups creates them here, once."""
    partner = manager.post(
        f"{API}/partners", json={"name": f"Newcomer Women's Centre {uuid.uuid4().hex[:6]}"}
    ).json()
    worker, employment = me(amal), me(bao)["program_ids"][0]
    client = register(amal, given_name="Leila", family_name="Karimi")
    session = record_session(
        amal,
        {
            "type": "direct_service", "date": dt.date.today().isoformat(),
            "start_time": "09:00", "end_time": "10:00", "delivery_mode": "in_person",
            "language_of_service": "English", "program_id": worker["program_ids"][0],
            "funders": [{"name": "IRCC"}], "client_ids": [client["id"]],
        },
    )  # fmt: skip
    assert session.status_code == 201, session.text
    due = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    form = amal.post(
        f"{SESSIONS}/{session.json()['id']}/forms",
        json={
            "form_key": "needs_assessment",
            "answers": fill(catalog.definition("needs_assessment"), {}),
            "follow_ups": [
                {"kind": "referral", "need": "Peer support group", "referral_kind": "external",
                 "partner_id": partner["id"], "due_date": due},
                {"kind": "referral", "need": "Resume clinic", "referral_kind": "internal",
                 "to_program_id": employment},
                {"kind": "task", "need": "Send the clinic's address", "due_date": due},
            ],
        },
    )  # fmt: skip
    assert form.status_code == 201, form.text
    requested = {f["need"]: f["id"] for f in form.json()["follow_ups"]}

    def referrals() -> list[dict[str, Any]]:
        items = amal.get(f"{API}/referrals", params={"client_id": client["id"]}).json()["items"]
        return list(items) if len(items) == 2 else []

    by_need = {r["need"]: r for r in wait_for(referrals, what="the requested referrals")}
    external, internal = by_need["Peer support group"], by_need["Resume clinic"]
    assert (external["kind"], external["partner_id"], external["partner_name"]) == (
        "external", partner["id"], partner["name"],
    )  # fmt: skip
    assert external["follow_up_on"] == due
    assert external["request_id"] == requested["Peer support group"]
    assert external["form_id"] == form.json()["id"]
    assert (internal["kind"], internal["to_program_id"]) == ("internal", employment)
    # The receiving program sees the internal referral and answers it.
    accepted = bao.post(f"{API}/referrals/{internal['id']}/status", json={"status": "accepted"})
    assert accepted.status_code == 200, accepted.text

    def tasks() -> list[dict[str, Any]]:
        items = amal.get(f"{API}/tasks", params={"client_id": client["id"]}).json()["items"]
        return list(items)

    [task] = wait_for(tasks, what="the requested task")
    assert (task["title"], task["assignee_id"], task["due_date"]) == (
        "Send the clinic's address", worker["id"], due,
    )  # fmt: skip
    work = amal.get(f"{API}/my-work").json()
    assert task["id"] in [t["id"] for t in work["tasks_due_soon"]]
    assert external["id"] in [r["id"] for r in work["referrals_awaiting_follow_up"]]
    interactions = wait_for(
        lambda: [
            i
            for i in amal.get(f"{API}/my-work").json()["recent_interactions"]
            if i["client_id"] == client["id"] and i["kind"] == "service_recorded"
        ],
        what="the service in recent interactions",
    )
    assert interactions[0]["detail"] == "needs_assessment"
    assert interactions[0]["client_name"] == "Leila Karimi"


def test_a_draft_form_is_on_its_authors_my_work_until_completed(
    amal: GatewayClient, manager: GatewayClient
) -> None:
    """Saved as a draft through the gateway: sessions publishes it, referrals lists it
    on the author's My work (nobody else's, not their manager's), with each save, and
    drops it once the form is completed."""
    worker = me(amal)
    client = register(amal, given_name="Hana", family_name="Sato")
    day = dt.date.today() - dt.timedelta(days=1)
    session = record_session(
        amal,
        {
            "type": "direct_service", "date": day.isoformat(),
            "start_time": "14:00", "end_time": "15:00", "delivery_mode": "phone",
            "language_of_service": "English", "program_id": worker["program_ids"][0],
            "client_ids": [client["id"]],
        },
    )  # fmt: skip
    assert session.status_code == 201, session.text
    forms = f"{SESSIONS}/{session.json()['id']}/forms"
    answers = fill(catalog.definition("needs_assessment"), {})
    first = dict(list(answers.items())[:1])
    created = amal.post(
        forms, json={"form_key": "needs_assessment", "answers": first, "draft": True}
    )
    assert created.status_code == 201, created.text
    draft = created.json()
    path = f"{forms}/{draft['id']}"

    def on_my_work(who: GatewayClient) -> list[dict[str, Any]]:
        """The draft among the worker's drafts: My work shows the oldest 50 (an earlier
        journey may have left more), `/my-work/drafts` pages through all of them."""
        home = who.get(f"{API}/my-work")
        assert home.status_code == 200, home.text
        found: list[dict[str, Any]] = []
        offset: int | None = 0
        total = 0
        while offset is not None:
            page = who.get(f"{API}/my-work/drafts", params={"limit": 100, "offset": offset})
            assert page.status_code == 200, page.text
            body = page.json()
            found += [d for d in body["items"] if d["form_id"] == draft["id"]]
            offset, total = body["next_offset"], int(body["total"])
        # Each answer is consistent in itself (drafts keep arriving between the two).
        assert len(home.json()["drafts_to_complete"]) == min(home.json()["drafts_total"], 50)
        assert total >= len(found)
        return found

    [listed] = wait_for(lambda: on_my_work(amal), what="the draft on the author's My work")
    assert (listed["form_key"], listed["session_id"], listed["session_date"]) == (
        "needs_assessment", session.json()["id"], day.isoformat(),
    )  # fmt: skip
    assert listed["clients"] == [{"client_id": client["id"], "client_name": "Hana Sato"}]
    assert dt.datetime.fromisoformat(listed["saved_at"]) == dt.datetime.fromisoformat(
        draft["updated_at"]
    )
    assert on_my_work(manager) == []  # amal's manager: a draft is its author's

    saved = amal.patch(path, json={"answers": dict(list(answers.items())[1:2])})
    assert saved.status_code == 200, saved.text
    wait_for(
        lambda: [
            d for d in on_my_work(amal)
            if dt.datetime.fromisoformat(d["saved_at"])
            == dt.datetime.fromisoformat(saved.json()["updated_at"])
        ],
        what="the draft's last save on My work",
    )  # fmt: skip

    done = amal.patch(path, json={"answers": answers, "draft": False})
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "completed"
    wait_for(lambda: on_my_work(amal) == [], what="the completed form gone from My work")
    interactions = wait_for(
        lambda: [
            i
            for i in amal.get(f"{API}/my-work").json()["recent_interactions"]
            if i["client_id"] == client["id"] and i["kind"] == "service_recorded"
        ],
        what="the completed service in recent interactions",
    )
    assert interactions[0]["detail"] == "needs_assessment"


def test_another_agency_sees_none_of_it(amal: GatewayClient, stack: StackInfo) -> None:
    client = register(amal, given_name="Ana", family_name="Lopes")
    task = amal.post(f"{API}/tasks", json={"client_id": client["id"], "title": "Call back"})
    assert task.status_code == 201
    reminder = remind(amal, kind="appointment", client_id=client["id"], at=at(3600))
    assert amal.get(f"{API}/tasks/{task.json()['id']}").status_code == 200

    other = new_agency_admin(stack)
    try:
        assert other.get(f"{API}/tasks/{task.json()['id']}").status_code == 404
        assert other.get(f"{API}/tasks").json()["items"] == []
        assert other.get(f"{API}/referrals").json()["items"] == []
        assert other.get(f"{API}/partners").json()["items"] == []
        assert tab(other, client["id"]) == []
        assert other.post(f"{API}/notifications/{reminder['id']}/cancel").status_code == 404
        work = other.get(f"{API}/my-work").json()
        assert work["overdue_tasks"] == work["recent_interactions"] == []
        assert work["drafts_to_complete"] == []
    finally:
        other.close()


def test_a_form_referral_to_a_partner_not_in_the_directory_becomes_a_task(
    amal: GatewayClient,
) -> None:
    """Nothing the worker asked for is lost: a partner id the directory does not hold
    (sessions cannot check it) comes back as the worker's task to send it by hand."""
    worker = me(amal)
    client = register(amal, given_name="Samir", family_name="Haddad")
    session = record_session(
        amal,
        {
            "type": "direct_service", "date": dt.date.today().isoformat(),
            "start_time": "09:00", "end_time": "10:00", "delivery_mode": "in_person",
            "language_of_service": "English", "program_id": worker["program_ids"][0],
            "client_ids": [client["id"]],
        },
    )  # fmt: skip
    assert session.status_code == 201, session.text
    unknown = str(uuid.uuid4())
    form = amal.post(
        f"{SESSIONS}/{session.json()['id']}/forms",
        json={
            "form_key": "needs_assessment",
            "answers": fill(catalog.definition("needs_assessment"), {}),
            "follow_ups": [{"kind": "referral", "need": "Legal clinic",
                            "referral_kind": "external", "partner_id": unknown}],
        },
    )  # fmt: skip
    assert form.status_code == 201, form.text

    def tasks() -> list[dict[str, Any]]:
        items = amal.get(f"{API}/tasks", params={"client_id": client["id"]}).json()["items"]
        return list(items)

    [task] = wait_for(tasks, what="the task standing for the referral")
    assert (task["title"], task["assignee_id"]) == ("Send a referral: Legal clinic", worker["id"])
    assert unknown in task["description"]
    referrals = amal.get(f"{API}/referrals", params={"client_id": client["id"]}).json()
    assert referrals["items"] == []
