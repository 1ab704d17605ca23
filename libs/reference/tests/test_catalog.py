"""The catalog API and the description files themselves (no reference workbooks needed)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

from reference.icare import Condition, UnknownFieldError, UnknownTemplateError, catalog

TEMPLATE_NAMES = [
    "client_profile",
    "needs_assessment_referrals",
    "information_orientation",
    "community_connections",
    "employment",
    "lt_course_setup",
    "lt_client_enrolment",
    "lt_client_exit",
]
DATA = Path(str(resources.files("reference.icare").joinpath("templates")))


def _clear() -> None:
    for fn in (catalog._index, catalog._lists, catalog._load):
        fn.cache_clear()


@pytest.fixture
def two_versions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A catalog with 2018 and a 2024 that revises only the Needs Assessment."""
    root = tmp_path / "templates"
    shutil.copytree(DATA / "2018", root / "2018")
    new = root / "2024"
    new.mkdir()
    shutil.copy(DATA / "2018" / "lists.json", new / "lists.json")
    doc = json.loads((DATA / "2018" / "needs_assessment_referrals.json").read_text("utf-8"))
    doc["version"] = "2024"
    doc["title"] = "Needs and Assets Assessment and Referral Services"
    (new / "needs_assessment_referrals.json").write_text(json.dumps(doc), "utf-8")
    (new / "index.json").write_text(
        json.dumps({"version": "2024", "templates": ["needs_assessment_referrals"]}), "utf-8"
    )
    monkeypatch.setattr(catalog, "_root", lambda: root)
    _clear()
    yield root
    _clear()


def test_template_by_name_and_version() -> None:
    tpl = catalog.template("client_profile")
    assert (tpl.name, tpl.version, tpl.title) == ("client_profile", "2018", "Client Profile")
    assert catalog.template("client_profile", version="2018") is tpl
    assert catalog.versions() == ["2018"]
    assert catalog.names() == TEMPLATE_NAMES


def test_latest_version_by_default(two_versions: Path) -> None:
    assert catalog.versions() == ["2018", "2024"]
    latest = catalog.template("needs_assessment_referrals")
    assert (latest.version, latest.title) == (
        "2024",
        "Needs and Assets Assessment and Referral Services",
    )
    assert catalog.template("needs_assessment_referrals", "2018").version == "2018"
    # A version folder holds only what changed; the rest stays at its latest version.
    assert catalog.template("client_profile").version == "2018"
    assert {t.name: t.version for t in catalog.templates()}["needs_assessment_referrals"] == "2024"
    assert [t.name for t in catalog.templates("2024")] == ["needs_assessment_referrals"]
    with pytest.raises(UnknownTemplateError, match="version 2024 has no template 'client_profile'"):
        catalog.template("client_profile", "2024")


def test_unknown_template_and_version() -> None:
    with pytest.raises(UnknownTemplateError, match="no iCARE template 'client_profil'") as err:
        catalog.template("client_profil")
    assert isinstance(err.value, KeyError)
    assert "client_profile" in str(err.value)  # lists what exists
    with pytest.raises(KeyError, match="no iCARE template version '1999'"):
        catalog.template("client_profile", version="1999")
    with pytest.raises(KeyError):
        catalog.templates(version="1999")


def test_unknown_field() -> None:
    tpl = catalog.template("client_profile")
    with pytest.raises(KeyError) as err:
        tpl.field("Unique Identifier")  # a label, not an id
    assert isinstance(err.value, UnknownFieldError)
    assert str(err.value).startswith(
        "iCARE template 'client_profile' (version 2018) has no field 'Unique Identifier'"
    )
    assert not tpl.has_field("nope")


def test_field_api() -> None:
    tpl = catalog.template("client_profile")
    ident = tpl.field("client_validation_type_id")
    assert (ident.label, ident.column, ident.required, ident.kind) == (
        "Unique Identifier",
        2,
        True,
        "choice",
    )
    assert ident.values == (
        "FOSS/GCMS Client ID",
        "Temporary Resident or Minister\u2019s Permit Number",
        "IMM5292, IMM5509, IMM1000 Number",
    )
    assert ident.value_ids == (1, 2, 3)
    assert ident.allows("Temporary Resident or Minister\u2019s Permit Number")
    assert not ident.allows("Temporary Resident or Minister's Permit Number")  # straight quote
    assert ident.value_id("IMM5292, IMM5509, IMM1000 Number") == 3
    dob = tpl.field("client_birth_dt")
    assert (dob.kind, dob.values, dob.value_ids) == ("date", None, None)
    assert dob.allows("anything")  # free text: the list check does not apply
    consent = tpl.field("consent_ind")
    assert consent.kind == "yes_no" and consent.values == ("Yes", "No")
    assert consent.value_id("No") == 0
    assert tpl.field("postal_txt").kind == "postal_code"
    assert tpl.field("phone_no").kind == "phone"
    assert [f.id for f in tpl.required_fields] == [
        "client_validation_type_id",
        "client_validation_id",
        "client_birth_dt",
        "postal_txt",
        "official_language_id",
        "consent_ind",
    ]


def test_labels_kept_exactly() -> None:
    exit_tpl = catalog.template("lt_client_exit")
    reading = exit_tpl.field("reading_CLB_level_id")
    assert reading.allows("Insufficient Evidence ") and not reading.allows("Insufficient Evidence")
    speaking = exit_tpl.field("speaking_CLB_level_id")
    assert speaking.allows("Insufficient Evidence")
    io = catalog.template("information_orientation")
    assert io.field("service_language_id").allows("Plautdietsch (Mennonite Low German) ")
    # Two columns with one label, told apart by id.
    nar = catalog.template("needs_assessment_referrals")
    same = [f.id for f in nar.fields if f.label == "Care for Newcomer Children"]
    assert same == ["childminding_required_ind", "childminding_ind"]


def test_conditionals_are_data_and_consistent() -> None:
    count = 0
    for tpl in catalog.templates():
        for f in tpl.fields:
            cond = f.conditional
            if cond is None:
                continue
            count += 1
            source = tpl.field(cond.when)  # names a field of the same template
            assert source.column != f.column
            if not cond.present:
                assert cond.equals is not None and source.allows(cond.equals), (tpl.name, f.id)
    assert count > 150
    io = catalog.template("information_orientation")
    rule = io.field("target_group_youth_ind").conditional
    assert rule == Condition("target_group_specific_ind", "Yes")
    assert rule.to_dict() == {"when": "target_group_specific_ind", "equals": "Yes"}
    assert json.loads(str(rule)) == rule.to_dict()
    assert rule.holds({"target_group_specific_ind": "Yes"})
    assert not rule.holds({"target_group_specific_ind": "No"})
    assert io.field("childminding_NewcomerChildren[3]childminding_age_id").conditional == Condition(
        "childminding_ind", "Yes"
    )
    assert io.field("interpretation_language_to_id").conditional == Condition(
        "interpretation_ind", "Yes"
    )
    exit_tpl = catalog.template("lt_client_exit")
    assert exit_tpl.field("exit_course_reason_id").conditional == Condition(
        "training_status_id", "Exited the course before completing"
    )
    assert exit_tpl.field("certificate_listening_level_id").conditional == Condition(
        "certificate_issued_ind", "Yes"
    )
    emp = catalog.template("employment")
    assert emp.field("employer_size_id").conditional == Condition(
        "intervention_type_id", "Long Term"
    )
    update = emp.field("assessment_update_reason_id").conditional
    assert update == Condition("update_record_id", present=True)
    assert update is not None and update.holds({"update_record_id": "10387104"})
    assert not update.holds({"update_record_id": " "})
    assert catalog.template("client_profile").field("email_txt").conditional == Condition(
        "email_txt_ind", "Yes"
    )
    # Required columns are never conditional.
    assert not [
        (t.name, f.id)
        for t in catalog.templates()
        for f in t.fields
        if f.required and f.conditional
    ]
    with pytest.raises(ValueError):
        Condition.from_dict({"when": "x"})


def test_shared_lists_carry_ids_from_with_lov() -> None:
    # Language of service in every template is the LOV list (with-lov wins over the typed
    # Options Sheet), so every template's language columns carry iCARE ids.
    io_lang = catalog.template("information_orientation").field("service_language_id")
    for tpl in catalog.templates():
        for f in tpl.fields:
            if (
                f.id.endswith(("lang_id", "language_id", "language_from_id", "language_to_id"))
                and "official" not in f.id
            ):
                assert f.values == io_lang.values, (tpl.name, f.id)
                assert f.value_ids == io_lang.value_ids, (tpl.name, f.id)
    assert io_lang.value_id("English") == 1 and len(io_lang.values or ()) == 263


def test_data_files_stay_small_and_reference_free() -> None:
    files = [p for p in DATA.rglob("*") if p.is_file()]
    assert not [p for p in files if p.suffix.lower() in (".xlsx", ".xls", ".xlsm")]
    total = sum(p.stat().st_size for p in files)
    assert total < 400_000, f"template descriptions are {total} bytes"
    lists = json.loads((DATA / "2018" / "lists.json").read_text("utf-8"))
    used = {f.list_name for t in catalog.templates() for f in t.fields if f.list_name}
    assert used == set(lists), "lists.json holds unused lists"
    assert (DATA / "2018" / "NOTES.md").is_file()
