"""My work: the signed-in worker's tasks due and overdue, referrals awaiting follow-up
and recent client interactions, in one request."""

import datetime as dt
import uuid

from contracts.sessions import ServiceFormRecord, ServiceRecorded, SessionRecord
from kit.testing import Agency

from .conftest import Events


async def test_my_work(agency: Agency, events: Events) -> None:
    amal = agency.worker()
    colleague = agency.worker()
    today = dt.date.today()
    client_id = await events.client(agency, amal, given_name="Omar")

    async def task(title: str, due: dt.date | None, assignee: str | None = None) -> str:
        body = {"client_id": str(client_id), "title": title}
        if due:
            body["due_date"] = due.isoformat()
        if assignee:
            body["assignee_id"] = assignee
        response = await amal.post("/tasks", json=body)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    overdue = await task("Overdue", today - dt.timedelta(days=2))
    soon = await task("Soon", today + dt.timedelta(days=3))
    await task("Later", today + dt.timedelta(days=30))
    await task("Undated", None)
    done = await task("Done", today)
    await amal.patch(f"/tasks/{done}", json={"status": "done"})
    await events.staff(agency, colleague)
    await task("Colleague's", today, assignee=str(colleague.id))

    partner = await agency.manager().post(
        "/partners", json={"name": f"Food bank {uuid.uuid4().hex[:6]}"}
    )
    referral = await amal.post(
        "/referrals",
        json={
            "client_id": str(client_id),
            "kind": "external",
            "partner_id": partner.json()["id"],
            "need": "Food security",
            "follow_up_on": today.isoformat(),
        },
    )
    assert referral.status_code == 201

    now = dt.datetime.now(dt.UTC)
    await events.deliver(
        ServiceRecorded(
            agency_id=agency.id,
            session=SessionRecord(
                id=uuid.uuid4(),
                type="direct_service",
                date=today,
                start_time=dt.time(10),
                end_time=dt.time(11),
                delivery_mode="in_person",
                language_of_service="English",
                worker_id=amal.id,
                program_id=agency.settle,
                client_ids=[client_id],
                created_at=now,
            ),
            form=ServiceFormRecord(
                id=uuid.uuid4(),
                session_id=uuid.uuid4(),
                form_key="needs_assessment",
                definition_version=1,
                status="completed",
                author_id=amal.id,
                created_at=now,
                completed_at=now,
            ),
        )
    )

    response = await amal.get("/my-work")
    assert response.status_code == 200, response.text
    work = response.json()
    assert [t["id"] for t in work["overdue_tasks"]] == [overdue]
    assert work["overdue_tasks"][0]["overdue"] is True
    assert [t["id"] for t in work["tasks_due_soon"]] == [soon]
    assert [r["id"] for r in work["referrals_awaiting_follow_up"]] == [referral.json()["id"]]
    assert work["referrals_awaiting_follow_up"][0]["follow_up_due"] is True
    kinds = [(i["kind"], i["client_name"], i["detail"]) for i in work["recent_interactions"]]
    assert ("service_recorded", "Omar Haddad", "needs_assessment") in kinds
    assert ("client_registered", "Omar Haddad", None) in kinds

    other = await colleague.get("/my-work")
    assert [t["title"] for t in other.json()["tasks_due_soon"]] == ["Colleague's"]
    assert other.json()["recent_interactions"] == []
