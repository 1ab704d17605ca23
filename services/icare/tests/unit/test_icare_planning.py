"""What an export sends, decided from built records and the ledger's last word."""

import uuid
from typing import Any

from icare.exports.planning import Plan, Previous, plan_export
from icare.exports.service import by_template, file_parts
from icare.records.building import BuiltRecord
from reference.icare.checks import Problem

NEEDS = "needs_assessment_referrals"


def client(cells: dict[str, str | None] | None = None) -> BuiltRecord:
    record_id = uuid.uuid4()
    return BuiltRecord(
        "client_profile", "client", record_id, record_id, None, None, None, 1,
        cells or {"client_validation_id": str(record_id)[:8]},
    )  # fmt: skip


def service(of: BuiltRecord, cells: dict[str, str | None] | None = None) -> BuiltRecord:
    return BuiltRecord(
        NEEDS, "form", uuid.uuid4(), of.record_id, None, None, None, 1,
        cells or {"settlement_plan_ind": "No"},
        requires=[("client_profile", of.record_id)],
    )  # fmt: skip


def sent(record: BuiltRecord, status: str = "sent", icare_id: str | None = None) -> Previous:
    return Previous(record.content_hash, status, icare_id)


def summary(plan: Plan) -> dict[str, Any]:
    return {name: t.as_dict() for name, t in plan.templates.items()}


def test_new_records_go_once_clients_first() -> None:
    ana = client()
    form = service(ana)
    plan = plan_export([ana, form], {})
    assert [(p.record.template, p.action) for p in plan.send] == [
        ("client_profile", "new"),
        (NEEDS, "new"),
    ]
    again = plan_export([ana, form], {(r.template, r.record_id): sent(r) for r in (ana, form)})
    assert again.send == [] and summary(again)[NEEDS]["unchanged"] == 1


def test_a_service_waits_for_its_client() -> None:
    ana = client()
    ana.problems.append(Problem("postal_txt", "Postal Code", "missing", "is required"))
    form = service(ana)
    plan = plan_export([ana, form], {})
    assert plan.send == []
    assert summary(plan)[NEEDS]["held_back"] == {"client_not_sent": 1}
    # A client iCARE rejected: its services wait too.
    ok = client()
    theirs = service(ok)
    waiting = plan_export([theirs], {("client_profile", ok.record_id): sent(ok, "rejected")})
    assert summary(waiting)[NEEDS]["held_back"] == {"client_not_sent": 1}


def test_changed_records_go_as_updates_once_icare_numbered_them() -> None:
    ana = client()
    form = service(ana)
    before = {(r.template, r.record_id): sent(r) for r in (ana, form)}
    changed = service(ana, {"settlement_plan_ind": "Yes"})
    changed.record_id = form.record_id
    held = plan_export([ana, changed], before)
    assert held.send == [] and summary(held)[NEEDS]["held_back"] == {"icare_id_missing": 1}

    numbered = {**before, (NEEDS, form.record_id): sent(form, "accepted", "10387104")}
    (update,) = plan_export([ana, changed], numbered).send
    assert update.action == "update"
    assert update.row()["update_record_id"] == "10387104"
    assert update.row()["assessment_update_reason_id"] == "Amend record"


def test_rejected_records_go_again_once_fixed() -> None:
    ana = client()
    form = service(ana)
    rejected = {(ana.template, ana.record_id): sent(ana, "rejected")}
    still = plan_export([ana], rejected)
    assert summary(still)["client_profile"]["held_back"] == {"still_rejected": 1}
    fixed = client({"client_validation_id": "87654321"})
    fixed.record_id = ana.record_id
    assert [p.action for p in plan_export([fixed], rejected).send] == ["new"]

    # A rejected update is corrected.
    before = {
        (ana.template, ana.record_id): sent(ana, "accepted"),
        (NEEDS, form.record_id): Previous("old", "rejected", "10387104"),
    }
    (update,) = plan_export([ana, form], before).send
    assert update.update_reason == "Correct error"


def test_a_changed_client_profile_is_not_sent_again() -> None:
    ana = client()
    changed = client({"client_validation_id": "99999999"})
    changed.record_id = ana.record_id
    plan = plan_export([changed], {(ana.template, ana.record_id): sent(ana, "accepted")})
    assert plan.send == [] and summary(plan)["client_profile"]["held_back"] == {
        "profile_changed": 1
    }


def test_a_template_over_2500_records_is_split_and_each_row_placed() -> None:
    ana = client()
    records = [service(ana) for _ in range(2501)]
    plan = plan_export(records, {("client_profile", ana.record_id): sent(ana)})
    parts = list(file_parts(by_template(plan), "MAPLE", "2026-10"))
    described = [p.described() for p in parts]
    assert [d["name"] for d in described] == [
        "MAPLE_2026-10_2-needs_assessment_referrals_part1of2.xlsx",
        "MAPLE_2026-10_2-needs_assessment_referrals_part2of2.xlsx",
    ]
    assert [(d["part"], d["parts"], d["rows"]) for d in described] == [(1, 2, 2500), (2, 2, 1)]
    assert parts[0].planned[0].record is records[0]
    assert parts[0].planned[2499].record is records[2499]
    assert parts[1].planned[0].record is records[2500]
