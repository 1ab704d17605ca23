"""The report catalog and criteria, without a database: every report is well formed,
the criteria it takes follow from its fact, refusals name the field, and the export
files are what a spreadsheet expects."""

import csv
import datetime as dt
import io
from dataclasses import replace

import openpyxl
import pytest

from kit.errors import Invalid
from reporting.reports import export, labels, service
from reporting.reports.facts import AGE_GROUPS, FACTS
from reporting.reports.registry import BY_KEY, CLIENT_OPTIONS, REPORTS, check
from reporting.reports.schemas import Column, Criteria, ReportResult, Table, Title


def test_the_catalog_is_well_formed() -> None:
    check()
    assert len(REPORTS) == 14
    assert len(BY_KEY) == len(REPORTS)
    for report in REPORTS:
        assert report.title_en and report.title_fr and report.description_fr
        assert report.criteria[:2] == ("date_from", "date_to")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"fact": "nothing"}, "no fact"),
        ({"measures": ("clients", "unicorns")}, "no measure"),
        ({"breakdowns": ("rainbow",)}, "no breakdown"),
        ({"measures": ()}, "nothing to count"),
    ],
)
def test_a_malformed_report_is_refused_at_import(change: dict[str, object], message: str) -> None:
    broken = replace(BY_KEY["clients_served"], **change)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=message):
        check((broken,))
    with pytest.raises(ValueError, match="share a key"):
        check((BY_KEY["clients_served"], BY_KEY["clients_served"]))


def test_criteria_follow_from_the_fact() -> None:
    assert set(CLIENT_OPTIONS) <= set(BY_KEY["clients_served"].criteria)
    # Group activities count attendance, anonymous included: no client to filter on.
    groups = BY_KEY["group_activities"].criteria
    assert not set(CLIENT_OPTIONS) & set(groups)
    assert {"program_id", "funder_id", "worker_id"} <= set(groups)
    # Courses name no funder.
    assert "funder_id" not in BY_KEY["course_attendance"].criteria
    assert FACTS["groups"].person is None
    # Tasks: no funder, no agreement (a task is no funded service), no client options.
    assert BY_KEY["tasks_overdue"].criteria == ("date_from", "date_to", "program_id", "worker_id")


def test_criteria_refuse_values_outside_their_lists() -> None:
    ok = Criteria.model_validate(
        {"date_from": "2026-04-01", "date_to": "2027-03-31", "gender": ["Female", "Female"],
         "age_group": ["0-14", "Unknown"], "country_of_birth": ["Canada"]}
    )  # fmt: skip
    assert ok.gender == ["Female"]
    assert ok.used() == {"date_from", "date_to", "gender", "age_group", "country_of_birth"}
    for field, value in (("gender", ["Woman"]), ("language", ["Klingon"]),
                         ("target_group", ["Everyone"]), ("age_group", ["0-99"])):  # fmt: skip
        with pytest.raises(Invalid) as refused:
            service.parse_criteria({"date_from": "2026-04-01", "date_to": "2027-03-31",
                                    field: value})  # fmt: skip
        assert [f["field"] for f in refused.value.fields] == [field]
    assert AGE_GROUPS[0] == "0-14"


def test_query_strings_become_criteria() -> None:
    raw = service.criteria_from_query(
        [("date_from", "2026-04-01"), ("date_to", "2026-06-30"), ("gender", "Female"),
         ("gender", "Male"), ("program_id", "5f0c2a36-1f5c-4d0c-9a8c-7f0b8b6f3a11")]
    )  # fmt: skip
    assert raw["gender"] == ["Female", "Male"]
    criteria = service.parse_criteria(raw)
    assert criteria.date_to == dt.date(2026, 6, 30)
    with pytest.raises(Invalid) as twice:
        service.criteria_from_query([("date_from", "2026-04-01"), ("date_from", "2026-05-01")])
    assert twice.value.fields[0]["field"] == "date_from"
    with pytest.raises(Invalid) as missing:
        service.parse_criteria({"date_from": "2026-04-01"})
    assert [f["field"] for f in missing.value.fields] == ["date_to"]


def _result() -> ReportResult:
    title = Title(en="Referrals", fr="Références")
    return ReportResult(
        report="referrals",
        title=title,
        criteria={"date_from": "2026-04-01", "date_to": "2027-03-31", "gender": ["Female"]},
        generated_at=dt.datetime(2026, 11, 26, tzinfo=dt.UTC),
        measures=[Column(key="referrals", title=title)],
        totals={"referrals": 3},
        tables=[
            Table(
                key="need",
                title=Title(en="Need", fr="Besoin"),
                columns=[
                    Column(key="need", title=Title(en="Need", fr="Besoin"), kind="label"),
                    Column(key="referrals", title=title),
                ],
                rows=[
                    {"key": "=cmd()", "label": "=cmd()", "referrals": 2},
                    {"key": None, "label": None, "referrals": 1},
                ],
            )
        ],
    )


def test_csv_export_quotes_formulas_and_names_empty_values() -> None:
    rows = list(csv.reader(io.StringIO(export.to_csv(_result()).decode("utf-8-sig"))))
    assert rows[0] == ["Referrals"]
    assert ["gender", "Female"] in rows
    assert ["'=cmd()", "2"] in rows
    assert ["(none)", "1"] in rows
    assert export.file_name(_result(), "csv") == "referrals_2026-04-01_2027-03-31.csv"


def test_xlsx_export_has_a_summary_and_a_sheet_per_table() -> None:
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(_result(), "fr")))
    assert book.sheetnames == ["Sommaire", "Besoin"]
    sheet = book["Besoin"]
    assert [c.value for c in sheet[1]] == ["Besoin", "Références"]
    # Written as text, never as a formula.
    assert sheet["A2"].value == "=cmd()" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 2
    assert sheet["A3"].value == "(aucun)"


def test_coded_values_read_in_english_and_french() -> None:
    assert labels.title("session_type", "direct_service", "fr") == "Service direct"
    assert labels.title("form_key", "needs_assessment", "en") == "Needs Assessment"
    # iCARE's own labels, keyed as sessions keys its choices.
    assert labels.title("training_status", "completed_the_course", "en") == "Completed the course"
    assert labels.title("exit_reason", "found_employment", "fr") == "Found employment"
    assert labels.title("delivery_mode", "carrier_pigeon", "en") == "carrier_pigeon"
    vocabularies = labels.vocabularies()
    for fact in FACTS.values():
        for dimension in fact.dimensions.values():
            assert dimension.vocabulary is None or dimension.vocabulary in vocabularies


def test_one_handler_per_routing_key_of_a_declared_event() -> None:
    from contracts.registry import BY_ROUTING_KEY
    from kit.db import Database
    from kit.messaging.consumer import Consumer
    from reporting.readmodel.consumers import SUBSCRIPTIONS

    keys = [s.routing_key for s in SUBSCRIPTIONS]
    assert len(keys) == len(set(keys))
    assert all(key in BY_ROUTING_KEY for key in keys)
    # The worker's consumer takes them as they are (it refuses two for one key).
    database = Database("postgresql+asyncpg://unused@127.0.0.1:1/unused")
    consumer = Consumer("reporting", database, "amqp://unused", SUBSCRIPTIONS)
    assert consumer.queue_name == "reporting.events"
