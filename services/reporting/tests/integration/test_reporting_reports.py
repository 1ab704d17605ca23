"""Every report of the catalog over a small agency whose numbers are known exactly:
totals, breakdowns, the criteria and additional options, refusals naming the field,
who may run them, exports (CSV, XLSX) and the audit trail; another agency sees none of
it."""

import csv
import datetime as dt
import io
import json
import uuid
from dataclasses import dataclass
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import openpyxl
import pytest

from contracts.referrals import ReferralUpdated
from contracts.sessions import (
    LanguagePair,
    NewcomerChildCare,
    SessionFunder,
    SupportServicesRecord,
    SupportServicesRecorded,
)
from kit.auth import Principal, Role
from kit.clock import utcnow
from kit.testing import Actor, Agency
from reporting.reports.registry import REPORTS

from .conftest import YEAR, Feed, run, table

SYRIA = "Syrian Arab Republic"


@dataclass
class Maple:
    """The agency of these tests: who works there and what they recorded."""

    feed: Feed
    manager: Actor
    admin: Actor
    amal: Actor
    bao: Actor
    agreement: uuid.UUID
    funder: uuid.UUID
    clients: dict[str, uuid.UUID]


@pytest.fixture
async def maple(feed: Feed) -> Maple:
    agency = feed.agency
    amal, bao = agency.worker("settle"), agency.worker("employ")
    manager, admin = agency.manager(amal, bao), agency.admin()
    await feed.staff(amal, "Amal", "Haddad")
    await feed.staff(bao, "Bao", "Nguyen")
    funder = uuid.uuid4()
    agreement = await feed.agreement(funder, [agency.settle])
    c = {
        "rania": await feed.client(gender="Female", birth_date=dt.date(1990, 3, 1),
                                   immigration_status="Permanent Resident",
                                   country_of_birth=SYRIA, official_language="English",
                                   other_languages=["Arabic"], target_groups=["Refugees"]),
        "omar": await feed.client(gender="Male", birth_date=dt.date(1960, 1, 1),
                                  immigration_status="Convention Refugee",
                                  country_of_birth=SYRIA, other_languages=["Arabic"]),
        "lina": await feed.client(gender="Female", birth_date=dt.date(2015, 6, 1),
                                  immigration_status="Permanent Resident",
                                  country_of_birth="Afghanistan",
                                  other_languages=["Dari"]),
        "anon": await feed.client(kind="anonymous", age_range="25-34", gender="Male"),
    }  # fmt: skip
    settle, employ = agency.settle, agency.employ
    # Services: amal 3 in May (settle), 1 in June; bao 1 in June (employ); one outside.
    await feed.service(amal, settle, [c["rania"], c["omar"]], date=dt.date(2026, 5, 4))
    await feed.service(amal, settle, [c["rania"]], date=dt.date(2026, 5, 11),
                       form_key="information_orientation", delivery_mode="phone")  # fmt: skip
    await feed.service(amal, settle, [c["lina"]], date=dt.date(2026, 5, 20))
    await feed.service(amal, settle, [c["anon"]], date=dt.date(2026, 6, 2),
                       funders=[SessionFunder(id=funder, name="Another name")])  # fmt: skip
    await feed.service(bao, employ, [c["omar"]], date=dt.date(2026, 6, 15), form_key="employment",
                       type="direct_service", funders=[])  # fmt: skip
    await feed.service(amal, settle, [c["rania"]], date=dt.date(2026, 3, 31))  # before the year
    # A group: rania (attended), lina (did not), 5 anonymous.
    await feed.group(amal, settle, {c["rania"]: True, c["lina"]: False}, anonymous=5,
                     date=dt.date(2026, 6, 20))  # fmt: skip
    return Maple(feed, manager, admin, amal, bao, agreement, funder, c)


async def test_the_catalog_lists_each_report_with_its_criteria(maple: Maple) -> None:
    response = await maple.manager.get("/reports")
    assert response.status_code == 200, response.text
    catalog = response.json()
    assert [r["key"] for r in catalog["reports"]] == [r.key for r in REPORTS]
    assert len(catalog["reports"]) == 14
    served = next(r for r in catalog["reports"] if r["key"] == "clients_served")
    assert served["title"] == {"en": "Clients served", "fr": "Clients servis"}
    assert {"date_from", "program_id", "agreement_id", "funder_id", "worker_id", "gender",
            "age_group", "target_group"} <= set(served["criteria"])  # fmt: skip
    groups = next(r for r in catalog["reports"] if r["key"] == "group_activities")
    assert "gender" not in groups["criteria"]
    gender = next(c for c in catalog["criteria"] if c["name"] == "gender")
    assert "Female" in gender["values"]


async def test_caseworkers_and_the_platform_admin_are_refused(maple: Maple) -> None:
    agency = maple.feed.agency
    platform = Actor(
        agency.http,
        Principal(user_id=uuid.uuid4(), agency_id=agency.id, role=Role.PLATFORM_ADMIN),
    )
    for actor in (maple.amal, platform):
        assert (await actor.get("/reports")).status_code == 403
        refused = await actor.post("/reports/clients_served/run", json=YEAR)
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "role_required"
    assert (await maple.admin.post("/reports/clients_served/run", json=YEAR)).status_code == 200


async def test_clients_served_by_program_month_and_type(maple: Maple) -> None:
    result = await run(maple.manager, "clients_served")
    # 4 clients over 5 services and a group (3 May + 1 June amal, 1 bao, 2 group contacts).
    assert result["totals"] == {"clients": 4, "contacts": 8}
    assert table(result, "program", "clients") == {
        "Settlement Services": 4, "Employment Services": 1,
    }  # fmt: skip
    assert table(result, "month", "clients") == {"2026-05": 3, "2026-06": 4}
    assert [r["key"] for r in result["tables"][1]["rows"]] == ["2026-05", "2026-06"]
    assert table(result, "session_type", "contacts") == {
        "Direct Service": 6, "Information & Orientation Group Activity": 2,
    }  # fmt: skip
    # Criteria: program, worker, dates.
    settle = await run(maple.manager, "clients_served", program_id=str(maple.feed.agency.employ))
    assert settle["totals"] == {"clients": 1, "contacts": 1}
    bao = await run(maple.manager, "clients_served", worker_id=str(maple.bao.id))
    assert bao["totals"] == {"clients": 1, "contacts": 1}
    may = await run(maple.manager, "clients_served", date_from="2026-05-01", date_to="2026-05-31")
    assert may["totals"] == {"clients": 3, "contacts": 4}


async def test_additional_options_filter_on_the_client_profile(maple: Maple) -> None:
    women = await run(maple.manager, "clients_served", gender=["Female"])
    assert women["totals"]["clients"] == 2
    status = await run(maple.manager, "clients_served", immigration_status=["Convention Refugee"])
    assert status["totals"] == {"clients": 1, "contacts": 2}
    children = await run(maple.manager, "clients_served", age_group=["0-14"])
    assert children["totals"]["clients"] == 1
    anonymous_band = await run(maple.manager, "clients_served", age_group=["25-34"])
    assert anonymous_band["totals"]["clients"] == 1
    arabic = await run(maple.manager, "clients_served", language=["Arabic"])
    assert arabic["totals"]["clients"] == 2
    syria = await run(maple.manager, "clients_served", country_of_birth=[SYRIA, "Canada"])
    assert syria["totals"]["clients"] == 2
    refugees = await run(maple.manager, "clients_served", target_group=["Refugees"])
    assert refugees["totals"]["clients"] == 1
    both = await run(
        maple.manager, "clients_served", gender=["Female"],
        immigration_status=["Permanent Resident"], age_group=["25-34", "35-44"],
    )  # fmt: skip
    assert both["totals"]["clients"] == 1


async def test_client_profiles_breakdowns(maple: Maple) -> None:
    result = await run(maple.manager, "client_profiles")
    assert table(result, "gender", "clients") == {"Female": 2, "Male": 2}
    ages = table(result, "age_group", "clients")
    assert ages == {"0-14": 1, "25-34": 1, "35-44": 1, "65+": 1}
    assert [r["key"] for r in next(t for t in result["tables"] if t["key"] == "age_group")["rows"]
            ] == ["0-14", "25-34", "35-44", "65+"]  # fmt: skip
    assert table(result, "immigration_status", "clients") == {
        "Permanent Resident": 2, "Convention Refugee": 1, None: 1,
    }  # fmt: skip
    assert table(result, "country_of_birth", "clients") == {
        SYRIA: 2,
        "Afghanistan": 1,
        None: 1,
    }


async def test_services_by_type_and_by_worker(maple: Maple) -> None:
    result = await run(maple.manager, "services_by_type")
    assert result["totals"] == {"services": 5, "clients": 4}
    assert table(result, "form_key", "services") == {
        "Needs Assessment": 3, "Information & Orientation": 1, "Employment": 1,
    }  # fmt: skip
    assert table(result, "delivery_mode", "services") == {"In person": 4, "Phone": 1}
    assert table(result, "month", "services") == {"2026-05": 3, "2026-06": 2}
    women = await run(maple.manager, "services_by_type", gender=["Female"])
    assert women["totals"] == {"services": 3, "clients": 2}

    workers = await run(maple.manager, "services_by_worker")
    assert table(workers, "worker", "services") == {"Amal Haddad": 4, "Bao Nguyen": 1}
    assert table(workers, "worker", "clients") == {"Amal Haddad": 4, "Bao Nguyen": 1}
    assert table(workers, "program", "services") == {
        "Settlement Services": 4, "Employment Services": 1,
    }  # fmt: skip


async def test_group_activities_named_and_anonymous(maple: Maple) -> None:
    feed = maple.feed
    await feed.group(maple.bao, feed.agency.employ, {maple.clients["omar"]: True}, anonymous=0,
                     type="employment_group_activity", date=dt.date(2026, 7, 3))  # fmt: skip
    result = await run(maple.manager, "group_activities")
    assert result["totals"] == {
        "activities": 2, "named": 3, "anonymous": 5, "attendance": 8, "attended": 2,
    }  # fmt: skip
    assert table(result, "session_type", "attendance") == {
        "Information & Orientation Group Activity": 7, "Employment Group Activity": 1,
    }  # fmt: skip
    refused = await maple.manager.post(
        "/reports/group_activities/run", json={**YEAR, "gender": ["Female"]}
    )
    assert refused.status_code == 422
    assert [f["field"] for f in refused.json()["error"]["fields"]] == ["gender"]


async def test_language_courses_enrolment_attendance_and_exits(maple: Maple) -> None:
    feed, amal, c = maple.feed, maple.amal, maple.clients
    course = await feed.course(amal, feed.agency.settle, "LINC-3")
    enrolled = [await feed.enrol(course, amal, c[name]) for name in ("rania", "omar", "lina")]
    day1, day2 = dt.date(2026, 9, 7), dt.date(2026, 9, 8)
    first = {c["rania"]: "present", c["omar"]: "late", c["lina"]: "absent"}
    second = {c["rania"]: "present", c["omar"]: "excused", c["lina"]: "present"}
    await feed.attendance(course, amal, day1, first, hours={c["rania"]: 3, c["omar"]: 2.5})
    await feed.attendance(course, amal, day2, second, hours={c["rania"]: 3})
    await feed.exit(enrolled[0], amal, "completed_the_course", listening_clb_level_id="5",
                    speaking_clb_level_id="5", reading_clb_level_id="4",
                    writing_clb_level_id="4", certificate_issued_ind="yes")  # fmt: skip
    await feed.exit(enrolled[1], amal, "exited_the_course_before_completing",
                    exit_course_reason_id="found_employment", listening_clb_level_id="4",
                    certificate_issued_ind="no")  # fmt: skip

    enrolments = await run(maple.manager, "course_enrolments")
    assert enrolments["totals"] == {"enrolments": 3, "clients": 3, "exited": 2}
    assert table(enrolments, "status", "enrolments") == {"Exited": 2, "Enrolled": 1}
    assert table(enrolments, "course", "enrolments") == {"LINC-3": 3}

    attendance = await run(maple.manager, "course_attendance")
    assert attendance["totals"] == {
        "marks": 6, "present": 3, "late": 1, "absent": 1, "excused": 1, "attendance_rate": 0.667,
        "hours": 8.5,
    }  # fmt: skip
    women = await run(maple.manager, "course_attendance", gender=["Female"])
    assert women["totals"]["marks"] == 4 and women["totals"]["attendance_rate"] == 0.75

    exits = await run(maple.manager, "course_exits")
    assert exits["totals"] == {"exits": 2, "completed": 1, "certificates": 1}
    assert table(exits, "listening_clb", "exits") == {"4": 1, "5": 1}
    assert table(exits, "speaking_clb", "exits") == {"5": 1, None: 1}
    assert table(exits, "exit_reason", "exits") == {"Found employment": 1, None: 1}
    assert table(exits, "training_status", "completed") == {
        "Completed the course": 1, "Exited the course before completing": 0,
    }  # fmt: skip


async def test_referrals_by_status_partner_need_and_outcome(maple: Maple) -> None:
    feed, amal, c = maple.feed, maple.amal, maple.clients
    food = await feed.refer(amal, c["rania"])
    await feed.refer(amal, c["omar"], partner_name="Legal Clinic", need="Legal advice",
                     status="declined")  # fmt: skip
    await feed.refer(amal, c["rania"], kind="internal", partner_name=None,
                     to_program_id=feed.agency.employ, need="Employment")  # fmt: skip
    done = food.model_copy(update={"status": "completed", "outcome": "Hamper received",
                                   "version": 2, "updated_at": utcnow()})  # fmt: skip
    await feed.send(ReferralUpdated(agency_id=feed.id, referral=done, previous_status="sent"))

    result = await run(maple.manager, "referrals")
    assert result["totals"] == {
        "referrals": 3, "clients": 2, "open": 1, "completed": 1, "declined": 1,
    }  # fmt: skip
    assert table(result, "status", "referrals") == {"Completed": 1, "Declined": 1, "Sent": 1}
    french = await maple.manager.post("/reports/referrals/run", params={"lang": "fr"}, json=YEAR)
    assert table(french.json(), "status", "referrals") == {
        "Terminée": 1,
        "Refusée": 1,
        "Envoyée": 1,
    }
    assert table(french.json(), "kind", "referrals") == {"Externe": 2, "Interne": 1}
    assert table(result, "partner", "referrals") == {"Food Bank": 1, "Legal Clinic": 1, None: 1}
    assert table(result, "to_program", "referrals") == {"Employment Services": 1, None: 2}
    assert table(result, "need", "referrals") == {
        "Food security": 1, "Legal advice": 1, "Employment": 1,
    }  # fmt: skip
    assert table(result, "outcome", "referrals") == {"Hamper received": 1, None: 2}


async def test_tasks_overdue_by_worker_as_of_the_end_of_the_period(maple: Maple) -> None:
    feed, amal, bao = maple.feed, maple.amal, maple.bao
    employ = feed.agency.employ
    june = dt.date(2026, 6, 1)
    await feed.assign(amal, due_date=june)  # overdue at the end of the year
    await feed.assign(amal, due_date=dt.date(2027, 6, 1), status="in_progress")  # not yet due
    await feed.assign(amal, due_date=june, done="2026-07-01")  # done in the year
    await feed.assign(amal, created="2026-01-05", cancelled="2026-02-01")  # closed before
    await feed.assign(amal, created="2027-05-01", due_date=june)  # created after
    await feed.assign(bao, created="2026-04-10", due_date=dt.date(2026, 4, 20),
                      program_id=employ, priority="urgent")  # fmt: skip
    await feed.assign(bao, created="2026-04-10", program_id=employ)  # no due date
    # Done after the year: at its end it was still open, and overdue.
    await feed.assign(bao, created="2026-06-01", due_date=dt.date(2026, 8, 1),
                      program_id=employ, done="2027-05-01")  # fmt: skip

    result = await run(maple.manager, "tasks_overdue")
    # The oldest: due 2026-04-20, overdue 345 days on 2027-03-31.
    assert result["totals"] == {"overdue": 3, "open": 5, "done": 1, "oldest_overdue_days": 345}
    assert table(result, "worker", "overdue") == {"Bao Nguyen": 2, "Amal Haddad": 1}
    assert table(result, "worker", "open") == {"Bao Nguyen": 3, "Amal Haddad": 2}
    assert table(result, "worker", "done") == {"Bao Nguyen": 0, "Amal Haddad": 1}
    # The most overdue first.
    assert list(table(result, "worker", "overdue")) == ["Bao Nguyen", "Amal Haddad"]
    assert table(result, "program", "overdue") == {
        "Employment Services": 2,
        "Settlement Services": 1,
    }
    assert table(result, "priority", "overdue") == {"Urgent": 1, "Normal": 2}

    # As of the end of May: the June tasks are not due yet, the July one not done yet.
    may = await run(maple.manager, "tasks_overdue", date_to="2026-05-31")
    assert may["totals"] == {"overdue": 1, "open": 5, "done": 0, "oldest_overdue_days": 41}
    only_bao = await run(maple.manager, "tasks_overdue", worker_id=str(bao.id))
    assert only_bao["totals"]["overdue"] == 2 and only_bao["totals"]["open"] == 3
    settle = await run(maple.manager, "tasks_overdue", program_id=str(feed.agency.settle))
    assert settle["totals"] == {"overdue": 1, "open": 2, "done": 1, "oldest_overdue_days": 303}

    # To the end of the calendar (asyncpg sends 9999-12-31 as infinity, which PostgreSQL
    # cannot subtract a due date from): the tasks are counted, their age is not.
    endless = await run(
        maple.manager, "tasks_overdue", date_from="9999-01-01", date_to="9999-12-31"
    )
    assert endless["totals"]["overdue"] == 4 and endless["totals"]["oldest_overdue_days"] == 0
    for refused in ({"agreement_id": str(maple.agreement)}, {"funder_id": str(maple.funder)},
                    {"gender": ["Female"]}):  # fmt: skip
        response = await maple.manager.post("/reports/tasks_overdue/run", json={**YEAR, **refused})
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] == "criterion_not_accepted"


async def test_support_services_received(maple: Maple) -> None:
    feed, amal, c = maple.feed, maple.amal, maple.clients
    session = feed.session(amal, feed.agency.settle, date=dt.date(2026, 6, 2),
                           client_ids=[c["rania"], c["omar"], c["lina"]])  # fmt: skip
    english_arabic = LanguagePair(from_language="English", to_language="Arabic")
    kids = [NewcomerChildCare(age_group="18-35 months", care_type="On-site")] * 2
    for client_id, fields in (
        (c["rania"], {"childminding": kids, "transportation": True}),
        (c["omar"], {"interpretation": english_arabic, "transportation": True}),
        (c["lina"], {}),  # recorded: nothing received
    ):
        support = SupportServicesRecord(
            session_id=session.id, client_id=client_id, recorded_by=amal.id,
            updated_at=utcnow(), **fields,
        )  # fmt: skip
        await feed.send(SupportServicesRecorded(agency_id=feed.id, session=session,
                                                support=support))  # fmt: skip
    result = await run(maple.manager, "support_services")
    assert result["totals"] == {
        "clients": 2, "childminding": 2, "transportation": 2, "disability_support": 0,
        "translation": 0, "interpretation": 1, "crisis_counselling": 0,
    }  # fmt: skip


async def test_new_registrations(maple: Maple) -> None:
    result = await run(maple.manager, "new_registrations", date_from="2026-01-01",
                       date_to="2027-12-31")  # fmt: skip
    assert result["totals"] == {"clients": 4, "named": 3, "anonymous": 1}
    assert table(result, "gender", "clients") == {"Female": 2, "Male": 2}
    old = await run(maple.manager, "new_registrations", date_from="2020-01-01",
                    date_to="2020-12-31")  # fmt: skip
    assert old["totals"] == {"clients": 0, "named": 0, "anonymous": 0}


async def test_funder_summary_and_the_funding_criteria(maple: Maple) -> None:
    result = await run(maple.manager, "funder_summary")
    # The agreement covers settle from April: the 4 settle services naming IRCC (3 by
    # name, 1 by the funder's id under another name); not bao's (employ, no funder).
    assert result["totals"] == {"services": 4, "clients": 4}
    assert table(result, "agreement", "services") == {"IRCC-2026 — Settlement 2026-2027": 4}
    by_agreement = await run(maple.manager, "services_by_type",
                             agreement_id=str(maple.agreement))  # fmt: skip
    assert by_agreement["totals"]["services"] == 4
    by_funder = await run(maple.manager, "clients_served", funder_id=str(maple.funder))
    # Contacts naming the funder: 4 services (5 contacts) and the group (2), all IRCC.
    assert by_funder["totals"] == {"clients": 4, "contacts": 7}


@pytest.mark.parametrize(
    ("criteria", "field"),
    [
        ({"date_from": "2026-05-01", "date_to": "2026-04-01"}, "date_to"),
        ({"date_from": "2020-01-01", "date_to": "2026-04-01"}, "date_to"),
        ({"date_to": "2026-04-01"}, "date_from"),
        ({**YEAR, "gender": ["Woman"]}, "gender"),
        ({**YEAR, "age_group": ["12-13"]}, "age_group"),
        ({**YEAR, "program_id": str(uuid.uuid4())}, "program_id"),
        ({**YEAR, "agreement_id": str(uuid.uuid4())}, "agreement_id"),
        ({**YEAR, "funder_id": str(uuid.uuid4())}, "funder_id"),
        ({**YEAR, "worker_id": str(uuid.uuid4())}, "worker_id"),
        ({**YEAR, "colour": "blue"}, "colour"),
    ],
)
async def test_refused_criteria_name_the_field(
    maple: Maple, criteria: dict[str, Any], field: str
) -> None:
    response = await maple.manager.post("/reports/clients_served/run", json=criteria)
    assert response.status_code == 422, response.text
    assert [f["field"] for f in response.json()["error"]["fields"]] == [field]


async def test_unknown_report(maple: Maple) -> None:
    response = await maple.manager.post("/reports/nope/run", json=YEAR)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "report_not_found"


async def test_exports_as_csv_and_xlsx(maple: Maple) -> None:
    query = {**YEAR, "gender": ["Female", "Male"], "format": "csv"}
    response = await maple.manager.get("/reports/services_by_worker/export", params=query)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "services_by_worker_2026-04-01_2027-03-31.csv" in response.headers[
        "content-disposition"]  # fmt: skip
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Services by worker"]
    assert ["gender", "Female, Male"] in rows
    assert ["Services", "5"] in rows and ["Clients (unique)", "4"] in rows
    header = rows.index(["Worker", "Services", "Clients (unique)"])
    assert rows[header + 1 : header + 3] == [["Amal Haddad", "4", "4"], ["Bao Nguyen", "1", "1"]]

    french = await maple.manager.get(
        "/reports/services_by_worker/export", params={**YEAR, "format": "xlsx", "lang": "fr"}
    )
    assert french.status_code == 200, french.text
    book = openpyxl.load_workbook(io.BytesIO(french.content))
    assert book.sheetnames == ["Sommaire", "Intervenant", "Programme"]
    sheet = book["Intervenant"]
    assert [c.value for c in sheet[1]] == ["Intervenant", "Services", "Clients (uniques)"]
    assert [c.value for c in sheet[2]] == ["Amal Haddad", 4, 4]
    assert book["Sommaire"]["A1"].value == "Services par intervenant"

    posted = await maple.manager.post(
        "/reports/course_attendance/run", params={"format": "xlsx"}, json=YEAR
    )
    assert posted.status_code == 200
    assert posted.headers["content-type"].startswith("application/vnd.openxmlformats")

    bad = await maple.manager.get("/reports/clients_served/export",
                                  params={**YEAR, "gender": "Woman"})  # fmt: skip
    assert bad.status_code == 422
    assert [f["field"] for f in bad.json()["error"]["fields"]] == ["gender"]
    refused = await maple.amal.get("/reports/clients_served/export", params=YEAR)
    assert refused.status_code == 403


async def test_spreadsheet_formulas_in_labels_are_quoted(maple: Maple) -> None:
    await maple.feed.refer(maple.amal, maple.clients["rania"], need='=HYPERLINK("x")')
    response = await maple.manager.get("/reports/referrals/export", params=YEAR)
    assert response.status_code == 200
    assert "'=HYPERLINK" in response.content.decode("utf-8-sig")


async def test_each_run_and_export_is_audited(maple: Maple, admin_db: asyncpg.Connection) -> None:
    await run(maple.manager, "clients_served", gender=["Female"])
    await maple.manager.get("/reports/clients_served/export", params={**YEAR, "format": "xlsx"})
    rows = await admin_db.fetch(
        "SELECT action, actor_id, entity_id, detail FROM audit_log WHERE agency_id = $1"
        " ORDER BY at",
        maple.feed.id,
    )
    assert [(r["action"], r["entity_id"]) for r in rows] == [
        ("report.run", "clients_served"), ("report.exported", "clients_served"),
    ]  # fmt: skip
    assert all(r["actor_id"] == maple.manager.id for r in rows)
    detail = json.loads(rows[0]["detail"])
    assert detail["criteria"] == {**YEAR, "gender": ["Female"]}
    assert json.loads(rows[1]["detail"])["format"] == "xlsx"


async def test_another_agency_sees_none_of_it(maple: Maple) -> None:
    other = Agency(maple.feed.agency.http)
    stranger = other.admin()
    for report in REPORTS:
        response = await stranger.post(f"/reports/{report.key}/run", json=YEAR)
        assert response.status_code == 200, response.text
        body = response.json()
        assert all(not v for v in body["totals"].values()), (report.key, body["totals"])
        assert all(t["rows"] == [] for t in body["tables"]), report.key
    # Its ids are unknown there, not merely empty.
    refused = await stranger.post(
        "/reports/clients_served/run", json={**YEAR, "program_id": str(maple.feed.agency.settle)}
    )
    assert refused.status_code == 422


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({**YEAR, "format": "pdf"}, "format"),
        ({**YEAR, "lang": "de"}, "lang"),
        ({**YEAR, "colour": "blue"}, "colour"),
        ({"date_from": "not a date", "date_to": "2026-05-01"}, "date_from"),
        ({**YEAR, "program_id": "42"}, "program_id"),
        ({**YEAR, "gender": ["Female"] * 60}, "gender"),
    ],
)
async def test_odd_export_links_are_refused_by_name(
    maple: Maple, params: dict[str, Any], field: str
) -> None:
    response = await maple.manager.get("/reports/clients_served/export", params=params)
    assert response.status_code == 422, response.text
    assert field in [f["field"] for f in response.json()["error"]["fields"]]


async def test_extreme_periods_answer_without_error(maple: Maple) -> None:
    for period in (
        {"date_from": "0001-01-01", "date_to": "0001-12-31"},
        {"date_from": "9999-01-01", "date_to": "9999-12-31"},
    ):
        result = await run(maple.manager, "client_profiles", **period, age_group=["65+"])
        assert result["totals"] == {"clients": 0}
