"""The read model from contract events: upserts on ids, newest state kept whatever the
order of delivery, redelivery harmless, restricted profiles without identifying
fields, merged clients counted once (and twice again after an unmerge), row-level
security on every table."""

import datetime as dt
import uuid

import asyncpg  # type: ignore[import-untyped, unused-ignore]
from sqlalchemy import text

from contracts.clients import ClientMerged, ClientUnmerged, ClientUpdated
from contracts.referrals import ReferralUpdated, TaskCreated, TaskUpdated
from contracts.sessions import DraftSaved, FormAmendment, ServiceAmended, ServiceRecorded
from kit.clock import utcnow
from kit.db import Database
from reporting.readmodel.models import TENANT_TABLES

from .conftest import Feed, at, deliver, run, table


async def test_client_versions_never_go_back_and_restricted_keeps_no_birth_date(
    feed: Feed, admin_db: asyncpg.Connection
) -> None:
    client_id = await feed.client(gender="Female", birth_date=dt.date(1990, 5, 1))
    newer = ClientUpdated(
        agency_id=feed.id,
        **feed.profile(client_id, version=3, restricted=True, gender="Female").model_dump(),
    )
    older = ClientUpdated(
        agency_id=feed.id,
        **feed.profile(client_id, version=2, gender="Male", birth_date=dt.date(1990, 5, 1))
        .model_dump(),
    )  # fmt: skip
    await feed.send(newer)
    await feed.send(older)
    row = await admin_db.fetchrow("SELECT * FROM rpt_clients WHERE id = $1", client_id)
    assert (row["version"], row["restricted"], row["gender"]) == (3, True, "Female")
    assert row["birth_date"] is None
    columns = {r["column_name"] for r in await admin_db.fetch(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'rpt_clients'"
    )}  # fmt: skip
    # Nothing that names or reaches a person is ever kept.
    for identifying in ("given_name", "family_name", "email", "phones", "identifier_value",
                        "address", "postal_code"):  # fmt: skip
        assert identifying not in columns


async def test_redelivery_changes_nothing(feed: Feed, database: Database) -> None:
    manager = feed.agency.manager()
    amal = feed.agency.worker()
    client_id = await feed.client()
    event = await feed.service(amal, feed.agency.settle, [client_id])
    assert await deliver(database, event) is False
    result = await run(manager, "services_by_type")
    assert result["totals"] == {"services": 1, "clients": 1}


async def test_an_amendment_delivered_before_the_record_is_kept(
    feed: Feed, admin_db: asyncpg.Connection
) -> None:
    manager = feed.agency.manager()
    amal = feed.agency.worker()
    first, second = await feed.client(), await feed.client()
    session = feed.session(amal, feed.agency.settle, client_ids=[first])
    form = feed.form(session, amal)
    recorded_form = form
    amended_session = session.model_copy(update={"client_ids": [first, second]})
    amended_form = form.model_copy(update={"version": 2, "form_key": "needs_assessment"})
    amendment = FormAmendment(
        version=2, reason="second client", amended_by=amal.id, amended_at=utcnow()
    )
    amended = ServiceAmended(
        agency_id=feed.id, session=amended_session, form=amended_form, amendment=amendment
    )
    recorded = ServiceRecorded(agency_id=feed.id, session=session, form=recorded_form)
    await feed.send(amended)
    await feed.send(recorded)  # older, late: ignored
    row = await admin_db.fetchrow("SELECT version, client_count FROM rpt_services WHERE id = $1",
                                  form.id)  # fmt: skip
    assert (row["version"], row["client_count"]) == (2, 2)
    result = await run(manager, "clients_served")
    assert result["totals"] == {"clients": 2, "contacts": 2}


async def test_a_referral_keeps_its_newest_version(feed: Feed) -> None:
    manager = feed.agency.manager()
    amal = feed.agency.worker()
    client_id = await feed.client()
    referral = feed.referral(amal, client_id)
    completed = referral.model_copy(
        update={"status": "completed", "outcome": "Received food hamper", "version": 3}
    )
    accepted = referral.model_copy(update={"status": "accepted", "version": 2})
    await feed.send(ReferralUpdated(agency_id=feed.id, referral=completed))
    await feed.send(ReferralUpdated(agency_id=feed.id, referral=accepted))
    result = await run(manager, "referrals")
    assert table(result, "status", "referrals") == {"Completed": 1}
    assert table(result, "outcome", "referrals") == {"Received food hamper": 1}


async def test_a_task_keeps_its_newest_version_whatever_the_order(
    feed: Feed, admin_db: asyncpg.Connection
) -> None:
    manager = feed.agency.manager()
    amal = feed.agency.worker()
    created = feed.task(amal, due_date=dt.date(2026, 6, 1))
    done = created.model_copy(
        update={"status": "done", "completed_at": at("2026-07-02"), "version": 3}
    )
    started = created.model_copy(update={"status": "in_progress", "version": 2})
    # The newest first, then the older states late: they change nothing.
    await feed.send(TaskUpdated(agency_id=feed.id, task=done, changed_fields=["status"]))
    await feed.send(TaskUpdated(agency_id=feed.id, task=started, changed_fields=["status"]))
    await feed.send(TaskCreated(agency_id=feed.id, task=created))
    row = await admin_db.fetchrow("SELECT * FROM rpt_tasks WHERE id = $1", created.id)
    assert (row["version"], row["status"]) == (3, "done")
    assert (row["created_on"], row["closed_on"]) == (dt.date(2026, 5, 1), dt.date(2026, 7, 2))
    result = await run(manager, "tasks_overdue")
    assert result["totals"] == {"overdue": 0, "open": 0, "done": 1, "oldest_overdue_days": 0}
    # Reopened: open again, closed on no day.
    reopened = done.model_copy(update={"status": "open", "completed_at": None, "version": 4})
    await feed.send(TaskUpdated(agency_id=feed.id, task=reopened, changed_fields=["status"]))
    row = await admin_db.fetchrow("SELECT * FROM rpt_tasks WHERE id = $1", created.id)
    assert (row["status"], row["closed_on"]) == ("open", None)
    result = await run(manager, "tasks_overdue")
    assert result["totals"]["overdue"] == 1
    columns = {r["column_name"] for r in await admin_db.fetch(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'rpt_tasks'"
    )}  # fmt: skip
    assert not {"title", "description", "comments"} & columns


async def test_merged_clients_count_once_until_unmerged(feed: Feed) -> None:
    manager = feed.agency.manager()
    amal = feed.agency.worker()
    survivor = await feed.client(gender="Female")
    absorbed = await feed.client(gender="Male")
    await feed.service(amal, feed.agency.settle, [survivor])
    await feed.service(amal, feed.agency.settle, [absorbed])
    assert (await run(manager, "clients_served"))["totals"]["clients"] == 2

    merge_id = uuid.uuid4()
    await feed.send(
        ClientMerged(
            agency_id=feed.id, merge_id=merge_id, absorbed_id=absorbed,
            survivor=feed.profile(survivor, version=2, gender="Female"),
        )
    )  # fmt: skip
    merged = await run(manager, "clients_served")
    assert merged["totals"] == {"clients": 1, "contacts": 2}
    # The survivor's profile is the one counted: both services are a woman's now.
    profiles = await run(manager, "client_profiles")
    assert table(profiles, "gender", "clients") == {"Female": 1}
    # A merged profile is not a second registration.
    assert (await run(manager, "new_registrations"))["totals"]["clients"] == 1

    # A chain: the survivor merged again into a third profile.
    third = await feed.client(gender="Female")
    second_merge = uuid.uuid4()
    await feed.send(
        ClientMerged(
            agency_id=feed.id, merge_id=second_merge, absorbed_id=survivor,
            survivor=feed.profile(third, version=2, gender="Female"),
        )
    )  # fmt: skip
    assert (await run(manager, "clients_served"))["totals"]["clients"] == 1

    await feed.send(
        ClientUnmerged(
            agency_id=feed.id, merge_id=merge_id,
            survivor=feed.profile(survivor, version=3, gender="Female"),
            restored=feed.profile(absorbed, version=2, gender="Male"),
        )
    )  # fmt: skip
    after = await run(manager, "clients_served")
    assert after["totals"]["clients"] == 2
    assert table(await run(manager, "client_profiles"), "gender", "clients") == {
        "Female": 1,
        "Male": 1,
    }


async def test_a_merge_delivered_before_the_absorbed_registration(feed: Feed) -> None:
    manager = feed.agency.manager()
    amal = feed.agency.worker()
    survivor = await feed.client()
    absorbed = uuid.uuid4()
    await feed.send(
        ClientMerged(
            agency_id=feed.id, merge_id=uuid.uuid4(), absorbed_id=absorbed,
            survivor=feed.profile(survivor, version=2),
        )
    )  # fmt: skip
    await feed.client(id=absorbed)  # its registration, late
    await feed.service(amal, feed.agency.settle, [survivor, absorbed])
    assert (await run(manager, "clients_served"))["totals"] == {"clients": 1, "contacts": 2}


async def test_group_attendance_and_class_attendance_are_replaced_whole(feed: Feed) -> None:
    manager = feed.agency.manager()
    amal = feed.agency.worker()
    a, b, c = [await feed.client() for _ in range(3)]
    group = await feed.group(amal, feed.agency.settle, {a: True, b: True, c: False}, anonymous=4)
    later = group.model_copy(
        update={
            "event_id": uuid.uuid4(),
            "occurred_at": group.occurred_at + dt.timedelta(seconds=5),
            "attendees": group.attendees[:2],
            "anonymous_count": 6,
        }
    )
    await feed.send(later)
    await feed.send(group)  # the older state, redelivered late with a new id
    result = await run(manager, "group_activities")
    assert result["totals"] == {
        "activities": 1, "named": 2, "anonymous": 6, "attendance": 8, "attended": 2,
    }  # fmt: skip
    served = await run(manager, "clients_served")
    assert served["totals"]["clients"] == 2

    course = await feed.course(amal, feed.agency.settle, "LINC-A")
    day = dt.date(2026, 9, 7)
    taken = await feed.attendance(course, amal, day, {a: "present", b: "absent", c: "late"})
    retaken = await feed.attendance(
        course, amal, day, {a: "present", b: "present"},
        recorded_at=taken.recorded_at + dt.timedelta(minutes=1),
    )  # fmt: skip
    await feed.send(taken.model_copy(update={"event_id": uuid.uuid4()}))  # stale retake
    attendance = await run(manager, "course_attendance")
    assert attendance["totals"]["marks"] == 2 and attendance["totals"]["present"] == 2
    assert retaken.marks[0].status == "present"


async def test_row_level_security_on_every_table(
    feed: Feed, database: Database, admin_db: asyncpg.Connection
) -> None:
    amal = feed.agency.worker()
    client_id = await feed.client()
    await feed.service(amal, feed.agency.settle, [client_id])
    policies = {
        r["tablename"]
        for r in await admin_db.fetch(
            "SELECT tablename FROM pg_policies WHERE policyname = 'tenant_isolation'"
        )
    }
    forced = {
        r["relname"]
        for r in await admin_db.fetch(
            "SELECT relname FROM pg_class WHERE relrowsecurity AND relforcerowsecurity"
        )
    }
    for name in TENANT_TABLES:
        assert name in policies and name in forced, name
    # Another agency, and a transaction with no agency at all, see none of its rows.
    for agency_id in (uuid.uuid4(), None):
        async with database.transaction(agency_id=agency_id) as db:
            for name in ("rpt_clients", "rpt_services", "rpt_contacts", "rpt_programs"):
                seen = await db.scalar(
                    text(f"SELECT count(*) FROM {name} WHERE agency_id = :a"), {"a": feed.id}
                )
                assert seen == 0, name
    async with database.transaction(agency_id=feed.id) as db:
        assert await db.scalar(text("SELECT count(*) FROM rpt_services")) == 1


async def test_a_draft_is_open_until_completed_whatever_the_order(feed: Feed) -> None:
    manager = feed.agency.manager()
    amal = feed.agency.worker()
    await feed.staff(amal, "Amal", "Haddad")
    client_id = await feed.client()
    session = feed.session(amal, feed.agency.settle, client_ids=[client_id])
    draft = feed.form(session, amal, status="draft", version=0, updated_at=utcnow())
    saved = DraftSaved(agency_id=feed.id, session=session, form=draft)
    await feed.send(saved)
    drafts = await run(manager, "open_drafts")
    assert drafts["totals"]["drafts"] == 1
    assert table(drafts, "worker", "drafts") == {"Amal Haddad": 1}
    # A draft is not a service and serves no client yet.
    assert (await run(manager, "services_by_type"))["totals"] == {"services": 0, "clients": 0}
    assert (await run(manager, "clients_served"))["totals"]["clients"] == 0

    completed = draft.model_copy(update={"status": "completed", "version": 1})
    await feed.send(ServiceRecorded(agency_id=feed.id, session=session, form=completed))
    later = draft.model_copy(update={"updated_at": utcnow() + dt.timedelta(minutes=5)})
    await feed.send(DraftSaved(agency_id=feed.id, session=session, form=later))  # late
    assert (await run(manager, "open_drafts"))["totals"]["drafts"] == 0
    assert (await run(manager, "services_by_type"))["totals"] == {"services": 1, "clients": 1}
