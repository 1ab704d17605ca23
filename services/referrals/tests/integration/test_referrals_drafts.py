"""Drafts of service forms on My work, from sessions' `sessions.service.drafted.v1`: the
author's own only (in the query and in row-level security), last saved first kept, a
redelivery or an older draft arriving late changing nothing, and gone once sessions
records the form, whatever order the events arrive in."""

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import text

from contracts.clients import ClientMerged, ClientProfile, Consent
from contracts.sessions import (
    DraftSaved,
    FormAmendment,
    ServiceAmended,
    ServiceFormRecord,
    ServiceRecorded,
    SessionRecord,
)
from kit.db import Database
from kit.testing import Actor, Agency

from .conftest import Events

SESSION_DATE = dt.date(2026, 11, 20)
T0 = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)


class Form:
    """One service form of one session, as sessions would publish it at each step."""

    def __init__(
        self,
        agency: Agency,
        author: Actor,
        client_ids: list[uuid.UUID],
        *,
        private: bool = False,
        session_date: dt.date = SESSION_DATE,
        form_key: str = "needs_assessment",
    ) -> None:
        self.agency = agency
        self.id = uuid.uuid4()
        self.session = SessionRecord(
            id=uuid.uuid4(),
            type="direct_service",
            date=session_date,
            start_time=dt.time(10),
            end_time=dt.time(11),
            delivery_mode="in_person",
            language_of_service="English",
            worker_id=author.id,
            program_id=agency.settle,
            client_ids=client_ids,
            created_at=T0,
        )
        self.base: dict[str, Any] = {
            "id": self.id,
            "session_id": self.session.id,
            "form_key": form_key,
            "definition_version": 1,
            "author_id": author.id,
            "private": private,
            "created_at": T0,
        }

    def _form(self, minutes: int, **fields: Any) -> ServiceFormRecord:
        at = T0 + dt.timedelta(minutes=minutes)
        return ServiceFormRecord(**(self.base | {"updated_at": at} | fields))

    def draft(self, minutes: int, **fields: Any) -> DraftSaved:
        form = self._form(minutes, status="draft", version=0, **fields)
        return DraftSaved(agency_id=self.agency.id, session=self.session, form=form)

    def recorded(self, minutes: int) -> ServiceRecorded:
        at = T0 + dt.timedelta(minutes=minutes)
        form = self._form(minutes, status="completed", version=1, completed_at=at)
        return ServiceRecorded(agency_id=self.agency.id, session=self.session, form=form)

    def amended(self, minutes: int, by: Actor) -> ServiceAmended:
        at = T0 + dt.timedelta(minutes=minutes)
        form = self._form(minutes, status="completed", version=2, completed_at=T0)
        amendment = FormAmendment(version=2, reason="typo", amended_by=by.id, amended_at=at)
        return ServiceAmended(
            agency_id=self.agency.id, session=self.session, form=form, amendment=amendment
        )


async def drafts(actor: Actor) -> list[dict[str, Any]]:
    response = await actor.get("/my-work")
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["drafts_to_complete"]
    return items


async def ids(actor: Actor) -> list[str]:
    return [d["form_id"] for d in await drafts(actor)]


async def test_a_draft_is_on_its_authors_my_work_until_recorded(
    agency: Agency, events: Events
) -> None:
    amal = agency.worker()
    client_id = await events.client(agency, amal, given_name="Omar")
    form = Form(agency, amal, [client_id])
    assert await events.deliver(form.draft(0))

    [listed] = await drafts(amal)
    assert listed == {
        "form_id": str(form.id),
        "session_id": str(form.session.id),
        "form_key": "needs_assessment",
        "session_type": "direct_service",
        "session_date": "2026-11-20",
        "clients": [{"client_id": str(client_id), "client_name": "Omar Haddad"}],
        "private": False,
        "saved_at": "2026-11-20T15:00:00Z",
    }

    # Saved again: last saved moves on; the same event again changes nothing.
    later = form.draft(5)
    assert await events.deliver(later)
    assert not await events.deliver(later)
    assert [d["saved_at"] for d in await drafts(amal)] == ["2026-11-20T15:05:00Z"]
    # An older save arriving late does not take its place.
    assert await events.deliver(form.draft(2, private=True))
    [held] = await drafts(amal)
    assert (held["saved_at"], held["private"]) == ("2026-11-20T15:05:00Z", False)

    assert await events.deliver(form.recorded(9))
    assert await ids(amal) == []
    # A draft event of before the completion, redelivered or late, does not bring it back.
    assert not await events.deliver(later)
    assert await events.deliver(form.draft(8))
    assert await ids(amal) == []


async def test_a_recorded_form_arriving_before_its_drafts_never_lists_them(
    agency: Agency, events: Events, database: Database
) -> None:
    amal = agency.worker()
    client_id = await events.client(agency, amal)
    form = Form(agency, amal, [client_id])
    assert await events.deliver(form.recorded(10))
    assert await events.deliver(form.draft(1))
    assert await events.deliver(form.draft(3))
    assert await ids(amal) == []

    # An amendment is no draft either, even arriving first.
    amended = Form(agency, amal, [client_id])
    assert await events.deliver(amended.amended(20, amal))
    assert await events.deliver(amended.draft(2))
    assert await events.deliver(amended.recorded(10))
    assert await ids(amal) == []
    async with database.transaction(agency_id=agency.id) as db:
        statuses = await db.scalars(
            text("SELECT status FROM referral_form_drafts WHERE id = ANY(:ids)"),
            {"ids": [form.id, amended.id]},
        )
        assert list(statuses) == ["completed", "completed"]


async def test_only_the_author_sees_their_drafts(
    agency: Agency, events: Events, database: Database
) -> None:
    amal = agency.worker()
    colleague = agency.worker()  # same program
    manager = agency.manager(amal)
    admin = agency.admin()
    client_id = await events.client(agency, amal)
    shared = Form(agency, amal, [client_id])
    private = Form(
        agency, amal, [client_id], private=True, session_date=SESSION_DATE.replace(day=1)
    )
    theirs = Form(agency, colleague, [client_id])
    for event in (shared.draft(0), private.draft(1), theirs.draft(2)):
        assert await events.deliver(event)

    # Oldest session first; the private one is its author's like any other.
    assert await ids(amal) == [str(private.id), str(shared.id)]
    assert (await drafts(amal))[0]["private"] is True
    assert await ids(colleague) == [str(theirs.id)]
    assert await ids(manager) == []
    assert await ids(admin) == []
    other_agency = Agency(agency.http).worker()
    assert await ids(other_agency) == []

    # Row-level security backs it: a user reads their own drafts and nobody else's.
    async def seen_by(actor: Actor) -> set[uuid.UUID]:
        async with database.transaction(actor.principal) as db:
            return set(await db.scalars(text("SELECT id FROM referral_form_drafts")))

    mine = {shared.id, private.id}
    assert mine <= await seen_by(amal)
    assert not (await seen_by(amal)) & {theirs.id}
    for actor in (colleague, manager, admin):
        assert not (await seen_by(actor)) & mine, actor
    assert await seen_by(other_agency) == set()
    async with database.transaction() as db:  # no context: nothing
        assert await db.scalar(text("SELECT count(*) FROM referral_form_drafts")) == 0


async def test_a_group_drafts_clients_and_a_merged_one(agency: Agency, events: Events) -> None:
    amal = agency.worker()
    first = await events.client(agency, amal, given_name="Lina")
    second = await events.client(agency, amal, given_name="Rami")
    survivor = await events.client(agency, amal, given_name="Sara")
    form = Form(agency, amal, [first, second], form_key="io_group")
    assert await events.deliver(form.draft(0))
    [listed] = await drafts(amal)
    assert [(c["client_id"], c["client_name"]) for c in listed["clients"]] == [
        (str(first), "Lina Haddad"),
        (str(second), "Rami Haddad"),
    ]

    now = dt.datetime.now(dt.UTC)
    profile = ClientProfile(
        id=survivor, kind="named", restricted=False, consent=Consent(status="given"),
        given_name="Sara", family_name="Haddad", registered_at=now, registered_by=amal.id,
        updated_at=now, version=2,
    )  # fmt: skip
    merged = ClientMerged(
        agency_id=agency.id, merge_id=uuid.uuid4(), absorbed_id=second, survivor=profile
    )
    assert await events.deliver(merged)
    [listed] = await drafts(amal)
    assert [(c["client_id"], c["client_name"]) for c in listed["clients"]] == [
        (str(first), "Lina Haddad"),
        (str(survivor), "Sara Haddad"),
    ]
