"""Describe IRCC's iCARE bulk-upload templates as OCMS's own data files.

Run once per IRCC template generation, from the repository root:

    .venv/bin/python -m scripts.extract_icare_templates \
        --reference ../shared/icare/reference --version 2018

It reads the reference workbooks (never copied into the repository) and writes
`libs/reference/src/reference/icare/templates/<version>/`:

- `<template>.json`: title, sheet names, rows, and every field (id, label, column,
  required flag, kind, value list name, conditional rule), in column order;
- `lists.json`: the value lists the fields name (exact labels, iCARE numeric ids
  where known, where each list came from);
- `NOTES.md`: every inconsistency found between the reference workbooks.

Where the values come from, in order of trust:
1. `with-lov/information_orientation.xlsx`: its hidden `LOV` / `LOVIds` sheets, read
   through the template's own list validations. Exact labels and ids.
2. `samples/*.xlsx`: the hand-typed `Options Sheet` (one column per field label, the
   same in all 8 samples). A field takes the Options range its sample's list
   validation points at; failing that, the Options column whose header equals its
   label. A list that is the same concept as an information_orientation LOV list
   (same Options column, or same set of labels) is replaced by the LOV list:
   with-lov wins, and the difference is written to NOTES.md.

The script is deterministic: running it again on the same reference writes the same
files. A new IRCC generation is a new `--version` folder; no code changes.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
from openpyxl.utils import column_index_from_string, get_column_letter

ROOT = Path(__file__).resolve().parents[1]
OUT_BASE = ROOT / "libs" / "reference" / "src" / "reference" / "icare" / "templates"

TEMPLATES = (
    "client_profile",
    "needs_assessment_referrals",
    "information_orientation",
    "community_connections",
    "employment",
    "lt_course_setup",
    "lt_client_enrolment",
    "lt_client_exit",
)
WITH_LOV = "information_orientation"
ORANGE = "FFA500"
FIRST_DATA_ROW = 4
MAX_ROWS = 2500
ORIGINAL_SHEETS = {"template": "iCARE Template", "lov": "LOV", "lov_ids": "LOVIds"}

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
NS_XM = "http://schemas.microsoft.com/office/excel/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# Readable names for the value lists, keyed by the first field (in template order)
# that uses the list. Lists not named here are named after that field.
LIST_NAMES = {
    "client_validation_type_id": "identifier_type",
    "email_txt_ind": "yes_no",
    "street_type_id": "street_type",
    "street_direction_id": "street_direction",
    "province_id": "province",
    "official_language_id": "official_language",
    "assessment_language_id": "language",
    "institution_type_id": "institution_type",
    "assessment_referral_id": "referred_by",
    "language_skills_needs_reason_id": "skills_needs_reason",
    "find_employment_period_id": "find_employment_timeframe",
    "canadian_employment_experience_id": "work_experience",
    "intended_work_noc_group_id": "noc_skill_level",
    "intention_credentials_licence_ind": "yes_no_unknown",
    "childminding_NewcomerChildren[1]childminding_age_id": "child_age",
    "childminding_NewcomerChildren[1]childminding_type_id": "child_care_type",
    "assessment_update_reason_id": "update_reason",
    "orientation_service_id": "orientation_service",
    "orientation_length_id": "orientation_length",
    "orientation_length_hours_no": "hours_0_500",
    "orientation_length_minutes_no": "minutes_0_55",
    "group_clients_no_id": "group_size",
    "community_activity_id": "community_activity",
    "events_type_attended_id": "community_event_type",
    "service_type_id": "community_service_type",
    "topics_service_id": "community_topic",
    "community_service_id": "community_service",
    "service_status_id": "community_service_status",
    "community_leave_reason_id": "community_leave_reason",
    "session_referral_id": "employment_referral_to",
    "session_employment_status_id": "employment_status",
    "session_education_status_id": "education_status",
    "session_current_occupation_id": "noc_occupation_group",
    "intervention_type_id": "intervention_type",
    "intervention_received_id": "long_term_intervention",
    "intervention_status_id": "intervention_status",
    "intervention_leave_reason_id": "intervention_leave_reason",
    "employer_size_id": "employer_size",
    "placement_type_id": "placement_type",
    "working_hours_id": "working_hours",
    "mentoring_location_id": "mentoring_location",
    "mentoring_hours_id": "mentoring_hours",
    "intervention_profession_id": "regulated_profession_trade",
    "short_term_service[1]service_received_id": "short_term_intervention",
    "training_format_id": "training_format",
    "training_location_id": "training_location",
    "total_spots_num": "spots_1_50",
    "course_enrolment_id": "course_enrolment",
    "instructional_hours_per_class": "class_hours",
    "classes_per_week": "classes_per_week",
    "weeks_of_instruction": "weeks_1_52",
    "course_dominant_focus_id": "course_focus",
    "language_CLB_skill_listening_1": "clb_skill_level",
    "language_CLB_skill_reading_1": "clb_literacy_skill_level",
    "training_status_id": "training_status",
    "exit_course_reason_id": "exit_course_reason",
    "listening_CLB_level_id": "clb_level",
    "reading_CLB_level_id": "clb_literacy_level",
}

JUDGEMENT_NOTES = [
    "Choice: lt_course_setup.official_language_id ('Official Language of Course') has no "
    "list of its own in the references; its sample list validation points at 'Official "
    "Language of Preference', so it takes that list (including 'Unknown/No preference').",
    "Choice: lt_course_setup.city_id is free text: no reference holds a city list.",
    "Choice: lt_course_setup 'Instructional Hours Per Class' is stored as numbers in the "
    "Options Sheet (0.25 ... 10); labels are their text ('0.25', '1', '10'), as in a "
    "text-formatted cell.",
    "Choice: 'Course Directed at a Specific Target Group' is listed No/Yes in the Options "
    "Sheet; it uses the yes_no list (Yes/No, ids 1/0) like every other yes/no column.",
    "Choice: conditional rules come from agencies' practice (README), not from the "
    "workbooks: target groups, child care details, language pairs, support services, "
    "training/life-skills details, course materials, email address, update reason, "
    "needs-assessment details, reasons for leaving/exiting early, long-term/short-term "
    "intervention blocks (by 'Intervention Type') and certificate levels.",
    "Sheet names: the blank reference copies are renamed (e.g. 'Client Profile'); the "
    "with-lov original is 'iCARE Template' with hidden 'LOV' and 'LOVIds'. sheet_name "
    "records the original, reference_sheet_name the blank copy's.",
    "Template number: only information_orientation's LOV row 1 gives one (lov_info). The "
    "samples' broken validations name their source files, e.g. 'Client+Profile_Bulk+"
    "Upload+Template_2018-07-16_VER_794', which suggests IRCC's file versions.",
]

# --------------------------------------------------------------------------------------
# Conditional rules (iCARE practice, README "Rules known from agencies' practice").
# A field whose rule is set is only filled when the rule holds; "required" stays as the
# workbook says. Rules are data: {"when": <field id>, "equals": <label>} or
# {"when": <field id>, "present": true}.
# --------------------------------------------------------------------------------------
YES = "Yes"


def _conditional_rules(ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    present = set(ids)
    rules: dict[str, dict[str, Any]] = {}

    def when(target: str, source: str, value: Any = YES) -> None:
        if target in present and source in present and target != source:
            rules.setdefault(target, {"when": source, "equals": value})

    for fid in ids:
        # Target groups: only when the record/course is directed at a target group.
        if fid.startswith("target_group_") and fid not in (
            "target_group_specific_ind",
            "target_group_ind",
        ):
            when(fid, "target_group_specific_ind")
            when(fid, "target_group_ind")
        # Care for newcomer children: child age / type only when care was given.
        if fid.startswith("childminding_NewcomerChildren["):
            when(fid, "childminding_ind")
        # Language pairs only when translation / interpretation was given.
        if fid.startswith("translation_language_"):
            when(fid, "translation_ind")
        if fid.startswith("interpretation_language_"):
            when(fid, "interpretation_ind")
        # Support services received / required / available.
        if fid in (
            "childminding_ind",
            "transportation_ind",
            "support_disability_ind",
            "translation_ind",
            "interpretation_ind",
            "counselling_ind",
        ):
            when(fid, "support_received_ind")
        if fid.endswith("_required_ind"):
            when(fid, "support_required_services_required")
        if fid.startswith("available_"):
            when(fid, "support_available_ind")
        # Essential skills training, life skills / citizenship information, materials.
        if fid.startswith("training_received_") and fid != "training_received_service_ind":
            when(fid, "training_received_service_ind")
        if fid.startswith("essential_skill_"):
            when(fid, "skill_received_service_ind")
        if fid.startswith("course_material_") and fid != "course_material_ind":
            when(fid, "course_material_ind")
        # Email address only when the client has one.
        if fid == "email_txt":
            when(fid, "email_txt_ind")
        # Reason for update only on an update.
        if fid == "assessment_update_reason_id" and "update_record_id" in present:
            rules[fid] = {"when": "update_record_id", "present": True}
    # Needs assessment: details of a need only when the need is identified.
    for fid in ("language_skills_needs_reason_id",):
        when(fid, "language_skills_needs_ind")
    when("other_skills_needs_reason_id", "other_skills_needs_ind")
    for fid in (
        "find_employment_period_id",
        "canadian_employment_experience_id",
        "intended_work_noc_group_id",
        "intention_credentials_licence_ind",
    ):
        when(fid, "find_employment_needs_ind")
    non_ircc = (
        [
            f
            for f in ids
            if ids.index(f) > ids.index("non_cic_program_needs_services_required")
            and ids.index(f) < ids.index("support_received_ind")
        ]
        if "non_cic_program_needs_services_required" in present
        else []
    )
    for fid in non_ircc:
        when(fid, "non_cic_program_needs_services_required")
    # Community connections: reason for leaving only when the service ended early.
    when(
        "community_leave_reason_id",
        "service_status_id",
        "Service ended early (i.e. client ended participation)",
    )
    # Employment: intervention details by intervention type.
    when("intervention_type_id", "session_result_intn_ind")
    for fid in ids:
        if fid in (
            "intervention_received_id",
            "intervention_status_id",
            "intervention_start_dt",
            "intervention_end_dt",
            "employer_size_id",
            "placement_type_id",
            "working_hours_id",
            "mentoring_location_id",
            "mentoring_hours_id",
            "intervention_profession_id",
        ):
            when(fid, "intervention_type_id", "Long Term")
        if fid.startswith("short_term_service["):
            when(fid, "intervention_type_id", "Short Term")
    rules["intervention_leave_reason_id"] = (
        {
            "when": "intervention_status_id",
            "equals": "Intervention ended early (i.e. client ended participation)",
        }
        if "intervention_leave_reason_id" in present
        else {}
    )
    # Language training exit: exit reason only when the client exited early;
    # certificate levels only when a certificate was issued.
    when("exit_course_reason_id", "training_status_id", "Exited the course before completing")
    for fid in ("certificate_listening_level_id", "certificate_speaking_level_id"):
        when(fid, "certificate_issued_ind")
    return {k: v for k, v in rules.items() if v}


# --------------------------------------------------------------------------------------
# Workbook reading
# --------------------------------------------------------------------------------------


def _load(path: Path, read_only: bool = False) -> Any:
    with warnings.catch_warnings():
        # openpyxl drops x14 (cross-sheet) list validations; read_list_validations reads them.
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(path, read_only=read_only)


def _text(value: Any) -> str:
    """A cell value as the label iCARE expects (the workbooks are text-formatted)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class ListValidation:
    sheet: str  # the sheet the list points into
    column: int  # column of that sheet
    first_row: int
    last_row: int
    targets: list[tuple[int, int, int, int]]  # (min_col, min_row, max_col, max_row)


_REF = re.compile(
    r"^'?(?P<sheet>[^'!]+)'?!\$(?P<c1>[A-Z]+)\$(?P<r1>\d+):\$(?P<c2>[A-Z]+)\$(?P<r2>\d+)$"
)
_RANGE = re.compile(r"^(?P<c1>[A-Z]+)(?P<r1>\d+)(?::(?P<c2>[A-Z]+)(?P<r2>\d+))?$")


def read_list_validations(path: Path, sheet_name: str) -> list[ListValidation]:
    """The x14 list validations (pointing into another sheet) of one sheet."""
    with zipfile.ZipFile(path) as z:
        workbook = ElementTree.fromstring(z.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target", "") for r in rels}
        rid = next(
            s.get(f"{{{NS_REL}}}id")
            for s in workbook.iter(f"{{{NS_MAIN}}}sheet")
            if s.get("name") == sheet_name
        )
        target = targets[rid].lstrip("/")
        part = target if target.startswith("xl/") else f"xl/{target}"
        sheet = ElementTree.fromstring(z.read(part))
    found: list[ListValidation] = []
    for dv in sheet.iter(f"{{{NS_X14}}}dataValidation"):
        if dv.get("type") != "list":
            continue
        formula = dv.findtext(f"{{{NS_X14}}}formula1/{{{NS_XM}}}f") or ""
        sqref = dv.findtext(f"{{{NS_XM}}}sqref") or ""
        m = _REF.match(formula.strip())
        if not m or m["c1"] != m["c2"]:
            continue  # broken (#REF!) or not a single column
        cells = []
        for part_ref in sqref.split():
            r = _RANGE.match(part_ref)
            if not r:
                continue
            c1, r1 = column_index_from_string(r["c1"]), int(r["r1"])
            c2 = column_index_from_string(r["c2"]) if r["c2"] else c1
            r2 = int(r["r2"]) if r["r2"] else r1
            cells.append((c1, r1, c2, r2))
        found.append(
            ListValidation(
                m["sheet"], column_index_from_string(m["c1"]), int(m["r1"]), int(m["r2"]), cells
            )
        )
    return found


@dataclass
class BlankTemplate:
    name: str
    sheet_name: str
    title_cell: str
    ids: list[str]
    labels: list[str]
    required: list[bool]
    notes: list[str] = field(default_factory=list)


def read_blank(path: Path, name: str) -> BlankTemplate:
    wb = _load(path)
    ws = wb.worksheets[0]
    notes: list[str] = []
    ncols = ws.max_column
    ids = [ws.cell(2, c).value for c in range(1, ncols + 1)]
    labels = [ws.cell(3, c).value for c in range(1, ncols + 1)]
    if any(not isinstance(v, str) or not v for v in ids + labels):
        raise SystemExit(f"{path}: empty field id or label in rows 2-3")
    required = []
    for c in range(1, ncols + 1):
        color = ws.cell(3, c).font.color
        rgb = (color.rgb if color is not None else "") or ""
        if not isinstance(rgb, str) or rgb[-6:].upper() not in (ORANGE, "FFFFFF"):
            raise SystemExit(f"{path}: unexpected label colour {rgb!r} in column {c}")
        required.append(rgb[-6:].upper() == ORANGE)
    if not ws.row_dimensions[2].hidden:
        notes.append("row 2 (field ids) is not hidden")
    merged = [str(r) for r in ws.merged_cells.ranges if str(r).startswith("A1:")]
    if merged != [f"A1:{get_column_letter(ncols)}1"]:
        notes.append(f"title cell merge is {merged}, expected A1:{get_column_letter(ncols)}1")
    for dv in ws.data_validations.dataValidation:
        if dv.type == "list":
            notes.append(
                f"stray list validation on {dv.sqref} pointing at {dv.formula1} in the "
                "template sheet itself (empty cells); ignored"
            )
    if len(set(ids)) != len(ids):
        raise SystemExit(f"{path}: duplicate field ids")
    return BlankTemplate(name, ws.title, str(ws["A1"].value), ids, labels, required, notes)


@dataclass
class ValueList:
    values: list[str]
    ids: list[str] | None
    source: str


def read_lov(path: Path, blank: BlankTemplate, notes: list[str]) -> dict[int, ValueList]:
    """Per column of the with-lov template: its list (from the template's list validations)."""
    wb = _load(path)
    ws, lov, lov_ids = (wb[ORIGINAL_SHEETS[k]] for k in ("template", "lov", "lov_ids"))
    ncols = ws.max_column
    ids = [ws.cell(2, c).value for c in range(1, ncols + 1)]
    labels = [ws.cell(3, c).value for c in range(1, ncols + 1)]
    if ids != blank.ids:
        notes.append("with-lov field ids differ from the blank template")
    if labels != blank.labels:
        diffs = [
            f"column {i + 1}: blank {a!r} / with-lov {b!r}"
            for i, (a, b) in enumerate(zip(blank.labels, labels, strict=False))
            if a != b
        ]
        notes.append("with-lov labels differ from the blank template: " + "; ".join(diffs))
    info = [lov.cell(1, c).value for c in range(1, 5)]
    if info[0] != "info" or info[1] != ncols:
        notes.append(
            f"LOV row 1 is {info}, expected ['info', {ncols}, <template number>, <locale>]"
        )
    for c in range(1, ncols + 1):
        flag = lov.cell(2, c).value
        mandatory = flag == "Mandatory=true;"
        if flag not in ("Mandatory=true;", "Mandatory=false;"):
            notes.append(f"LOV {get_column_letter(c)}2 is {flag!r}")
        elif mandatory != blank.required[c - 1]:
            notes.append(
                f"column {c} ({blank.ids[c - 1]}): LOV says Mandatory={mandatory}, "
                f"header colour says required={blank.required[c - 1]}"
            )
    result: dict[int, ValueList] = {}
    for dv in read_list_validations(path, ORIGINAL_SHEETS["template"]):
        if dv.sheet != ORIGINAL_SHEETS["lov"]:
            notes.append(f"with-lov list validation into {dv.sheet!r} ignored")
            continue
        for c1, r1, c2, r2 in dv.targets:
            for col in range(c1, c2 + 1):
                if (r1, r2) != (FIRST_DATA_ROW, FIRST_DATA_ROW + MAX_ROWS - 1):
                    notes.append(f"with-lov list on column {col} covers rows {r1}-{r2}")
                if col != dv.column:
                    notes.append(f"with-lov column {col} lists LOV column {dv.column}")
                rows = range(dv.first_row, dv.last_row + 1)
                values = [lov.cell(r, dv.column).value for r in rows]
                value_ids = [lov_ids.cell(r, dv.column).value for r in rows]
                if any(v is None for v in values) or any(v is None for v in value_ids):
                    raise SystemExit(f"with-lov LOV column {dv.column}: gap in list")
                tail = lov.cell(dv.last_row + 1, dv.column).value
                if tail is not None:
                    notes.append(
                        f"LOV column {get_column_letter(dv.column)} continues past its "
                        f"validation range (row {dv.last_row + 1}: {tail!r})"
                    )
                result[col] = ValueList(
                    [_text(v) for v in values],
                    [_text(v) for v in value_ids],
                    f"with-lov/information_orientation.xlsx LOV!"
                    f"{get_column_letter(dv.column)}{dv.first_row}:"
                    f"{get_column_letter(dv.column)}{dv.last_row} (ids: LOVIds)",
                )
    # Columns holding values in LOV without a validation would be a silent loss.
    for c in range(1, ncols + 1):
        has_values = any(lov.cell(r, c).value is not None for r in range(3, lov.max_row + 1))
        if has_values and c not in result and c > 4:
            notes.append(f"LOV column {get_column_letter(c)} has values but no list validation")
    return result


@dataclass
class Options:
    headers: dict[int, str]
    cells: dict[int, dict[int, Any]]  # column -> row -> value

    def values(self, column: int, first: int | None = None, last: int | None = None) -> list[str]:
        col = self.cells.get(column, {})
        rows = sorted(
            r for r in col if (first is None or r >= first) and (last is None or r <= last)
        )
        return [_text(col[r]) for r in rows]

    def ref(self, column: int, first: int | None = None, last: int | None = None) -> str:
        col = self.cells.get(column, {})
        rows = [r for r in col if (first is None or r >= first) and (last is None or r <= last)]
        letter = get_column_letter(column)
        return f"'Options Sheet'!{letter}{min(rows)}:{letter}{max(rows)}"


def read_options(path: Path) -> Options:
    wb = _load(path, read_only=True)
    ws = wb["Options Sheet"]
    rows = list(ws.iter_rows(values_only=True))
    headers = {c + 1: v for c, v in enumerate(rows[1]) if isinstance(v, str)}
    cells: dict[int, dict[int, Any]] = {}
    for r, row in enumerate(rows[2:], start=3):
        for c, v in enumerate(row, start=1):
            if v is not None and c in headers and c != 2:  # B: an example Processing Details
                cells.setdefault(c, {})[r] = v
    return Options(headers, cells)


# --------------------------------------------------------------------------------------
# Resolution
# --------------------------------------------------------------------------------------


def _norm(label: str) -> str:
    return re.sub(r"\s+", " ", label).strip().casefold()


def options_for_fields(
    blank: BlankTemplate, sample: Path, options: Options, notes: list[str]
) -> dict[int, tuple[int, int | None, int | None, str]]:
    """Per template column: (options column, first row, last row, how it was found)."""
    by_dv: dict[int, tuple[int, int, int]] = {}
    sheet_name = _load(sample, read_only=True).sheetnames[-1]  # the template sheet
    for dv in read_list_validations(sample, sheet_name):
        if dv.sheet != "Options Sheet":
            continue
        for c1, _r1, c2, _r2 in dv.targets:
            for col in range(c1, c2 + 1):
                by_dv.setdefault(col, (dv.column, dv.first_row, dv.last_row))
    by_label: dict[str, list[int]] = {}
    for c, h in options.headers.items():
        if c in options.cells:
            by_label.setdefault(_norm(h), []).append(c)
    result: dict[int, tuple[int, int | None, int | None, str]] = {}
    for i, label in enumerate(blank.labels, start=1):
        candidates = by_label.get(_norm(label), [])
        distinct = {tuple(options.values(c)) for c in candidates}
        label_col = candidates[0] if candidates and len(distinct) == 1 else None
        if candidates and len(distinct) > 1:
            notes.append(
                f"{blank.name} column {i} ({blank.ids[i - 1]}): label {label!r} heads "
                f"{len(candidates)} different Options columns"
            )
        if i in by_dv:
            col, first, last = by_dv[i]
            if not options.values(col, first, last):
                notes.append(
                    f"{blank.name} column {i} ({blank.ids[i - 1]}): sample list validation "
                    f"points at an empty Options range; ignored"
                )
            else:
                dv_values = options.values(col, first, last)
                if label_col is not None and set(options.values(label_col)) != set(dv_values):
                    notes.append(
                        f"{blank.name} column {i} ({blank.ids[i - 1]}): the sample's list "
                        f"validation ({options.ref(col, first, last)}) and the Options column "
                        f"headed by its label ({options.ref(label_col)}) differ; the list "
                        f"validation is used"
                    )
                if col in options.cells and len(options.values(col)) > len(dv_values):
                    pass  # a sub-range (e.g. 'Service Received' holds two templates' lists)
                result[i] = (col, first, last, "sample list validation")
                continue
        if label_col is not None:
            result[i] = (label_col, None, None, "Options column with the same label")
    return result


@dataclass
class ResolvedField:
    values: list[str] | None
    ids: list[str] | None
    source: str
    options_key: tuple[int, int | None, int | None] | None


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--reference", type=Path, default=ROOT.parent / "shared" / "icare" / "reference"
    )
    parser.add_argument("--version", default="2018")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(list(argv) if argv is not None else None)
    # Read-only workbooks parse lazily, after _load's warning filter is gone.
    warnings.filterwarnings("ignore", message="Data Validation extension is not supported")
    ref: Path = args.reference
    out: Path = args.out or OUT_BASE / args.version
    for sub in ("blank", "with-lov", "samples"):
        if not (ref / sub).is_dir():
            raise SystemExit(f"reference folder missing: {ref / sub}")

    notes: list[str] = []
    blanks = {n: read_blank(ref / "blank" / f"{n}.xlsx", n) for n in TEMPLATES}
    for b in blanks.values():
        notes += [f"{b.name}: {n}" for n in b.notes]

    lov = read_lov(ref / "with-lov" / f"{WITH_LOV}.xlsx", blanks[WITH_LOV], notes)

    # The Options Sheet must be the same in every sample.
    options_by_sample = {n: read_options(ref / "samples" / f"{n}.xlsx") for n in TEMPLATES}
    options = options_by_sample[TEMPLATES[0]]
    for n, o in options_by_sample.items():
        if o.cells != options.cells or o.headers != options.headers:
            notes.append(f"samples/{n}.xlsx: its Options Sheet differs from the others")

    # The samples' template sheets: same ids and labels as the blank templates?
    for n in TEMPLATES:
        wb = _load(ref / "samples" / f"{n}.xlsx", read_only=True)
        ws = wb.worksheets[-1]
        rows = list(ws.iter_rows(min_row=2, max_row=3, values_only=True))
        if list(rows[0][: len(blanks[n].ids)]) != blanks[n].ids:
            notes.append(f"samples/{n}.xlsx: field ids differ from the blank template")
        if list(rows[1][: len(blanks[n].labels)]) != blanks[n].labels:
            notes.append(f"samples/{n}.xlsx: labels differ from the blank template")
        if ws.title != blanks[n].sheet_name:
            notes.append(
                f"samples/{n}.xlsx: sheet {ws.title!r}, blank has {blanks[n].sheet_name!r}"
            )

    mapping = {
        n: options_for_fields(blanks[n], ref / "samples" / f"{n}.xlsx", options, notes)
        for n in TEMPLATES
    }

    # with-lov vs the hand-typed Options for the same information_orientation fields.
    lov_by_options: dict[tuple[int, int | None, int | None], ValueList] = {}
    lov_by_typed: dict[tuple[str, ...], ValueList] = {}
    lov_lists: list[ValueList] = []
    io = blanks[WITH_LOV]
    for col, vl in sorted(lov.items()):
        lov_lists.append(vl)
        if col not in mapping[WITH_LOV]:
            notes.append(f"{WITH_LOV} column {col} ({io.ids[col - 1]}): no Options column")
            continue
        ocol, first, last, _how = mapping[WITH_LOV][col]
        typed = options.values(ocol, first, last)
        seen = (ocol, first, last) in lov_by_options
        lov_by_options.setdefault((ocol, first, last), vl)
        lov_by_typed.setdefault(tuple(typed), vl)
        if typed != vl.values and not seen:
            missing = [v for v in vl.values if v not in typed]
            extra = [v for v in typed if v not in vl.values]
            what = []
            if missing:
                what.append(f"LOV labels not in Options: {missing}")
            if extra:
                what.append(f"Options labels not in LOV: {extra}")
            if not missing and not extra:
                what.append("same labels, different order")
            notes.append(
                f"with-lov vs samples, {WITH_LOV}.{io.ids[col - 1]} "
                f"({options.ref(ocol, first, last)}): " + "; ".join(what) + " (with-lov wins)"
            )

    lov_by_id = {io.ids[col - 1]: vl for col, vl in lov.items()}
    # Resolve every field's list.
    resolved: dict[str, list[ResolvedField]] = {}
    for n in TEMPLATES:
        b = blanks[n]
        fields: list[ResolvedField] = []
        for col in range(1, len(b.ids) + 1):
            if n == WITH_LOV and col in lov:
                vl = lov[col]
                fields.append(ResolvedField(vl.values, vl.ids, vl.source, None))
                continue
            fid = b.ids[col - 1]
            by_id = lov_by_id.get(fid)
            if col not in mapping[n]:
                if by_id is not None:
                    # No Options range for it, but the same field id has a LOV list.
                    notes.append(
                        f"{n}.{fid} ({b.labels[col - 1]!r}): no list in the samples; takes the "
                        f"with-lov list of the same field id"
                    )
                    fields.append(ResolvedField(by_id.values, by_id.ids, by_id.source, None))
                else:
                    fields.append(ResolvedField(None, None, "", None))
                continue
            ocol, first, last, how = mapping[n][col]
            typed = options.values(ocol, first, last)
            key = (ocol, first, last)
            same_concept = (
                lov_by_options.get(key)
                or lov_by_options.get((ocol, None, None))
                or lov_by_typed.get(tuple(typed))  # e.g. 'Between' / 'And': the language list
            )
            same_set = next((vl for vl in lov_lists if set(vl.values) == set(typed)), None)
            chosen = same_concept or same_set
            if by_id is not None and (chosen is None or chosen.values != by_id.values):
                notes.append(
                    f"{n}.{fid}: samples list {options.ref(*key)} differs from the with-lov "
                    f"list of the same field id; with-lov wins"
                )
                chosen = by_id
            if chosen is not None:
                if chosen.values != typed and set(chosen.values) != set(typed):
                    pass  # noted above, once per Options column
                fields.append(ResolvedField(chosen.values, chosen.ids, chosen.source, key))
            else:
                fields.append(
                    ResolvedField(
                        typed, None, f"samples Options Sheet {options.ref(*key)} ({how})", key
                    )
                )
        resolved[n] = fields

    # Options columns nobody uses (neither by a list validation nor by label).
    labels = {_norm(label) for b in blanks.values() for label in b.labels}
    used = {c for m in mapping.values() for (c, _f, _l, _h) in m.values()}
    used |= {c for c, h in options.headers.items() if _norm(h) in labels}
    for c in sorted(options.cells):
        if c not in used and c != 1:
            notes.append(
                f"Options column {get_column_letter(c)} ({options.headers[c]!r}) matches no field"
            )

    # Name the lists.
    lists: dict[str, dict[str, Any]] = {}
    names_by_content: dict[tuple[tuple[str, ...], tuple[str, ...] | None], str] = {}
    field_lists: dict[str, list[str | None]] = {}
    for n in TEMPLATES:
        names: list[str | None] = []
        for fid, rf in zip(blanks[n].ids, resolved[n], strict=True):
            if rf.values is None:
                names.append(None)
                continue
            content = (tuple(rf.values), tuple(rf.ids) if rf.ids else None)
            known = names_by_content.get(content)
            if known is not None:
                names.append(known)
                continue
            base = LIST_NAMES.get(fid) or re.sub(r"(_id|_ind|_no)$", "", fid)
            name = base
            k = 2
            while name in lists:
                name = f"{base}_{k}"
                k += 1
            names_by_content[content] = name
            lists[name] = {"values": rf.values, "ids": rf.ids, "source": rf.source}
            names.append(name)
        field_lists[n] = names

    for lname, lst in sorted(lists.items()):
        spaced = [v for v in lst["values"] if v != v.strip()]
        if spaced:
            notes.append(f"list {lname}: labels with leading/trailing spaces kept as is: {spaced}")
    notes += JUDGEMENT_NOTES
    # Write.
    out.mkdir(parents=True, exist_ok=True)
    for n in TEMPLATES:
        b = blanks[n]
        rules = _conditional_rules(b.ids)
        lines = b.title_cell.split("\n")
        title_lines = [ln for ln in lines if ln]
        fields_json = []
        for i, (fid, label, req, list_name) in enumerate(
            zip(b.ids, b.labels, b.required, field_lists[n], strict=True), start=1
        ):
            values = lists[list_name]["values"] if list_name else None
            fields_json.append(
                {
                    "id": fid,
                    "label": label,
                    "column": i,
                    "required": req,
                    "kind": _kind(fid, label, values),
                    "list": list_name,
                    "conditional": rules.get(fid),
                }
            )
        doc = {
            "name": n,
            "version": args.version,
            "title": title_lines[-1],
            "title_cell": b.title_cell,
            "sheet_name": ORIGINAL_SHEETS["template"],
            "lov_sheet_name": ORIGINAL_SHEETS["lov"],
            "lov_ids_sheet_name": ORIGINAL_SHEETS["lov_ids"],
            "reference_sheet_name": b.sheet_name,
            "id_row": 2,
            "label_row": 3,
            "first_data_row": FIRST_DATA_ROW,
            "max_rows": MAX_ROWS,
            "fields": fields_json,
        }
        if n == WITH_LOV:
            wb = _load(ref / "with-lov" / f"{WITH_LOV}.xlsx", read_only=True)
            info = next(wb[ORIGINAL_SHEETS["lov"]].iter_rows(max_row=1, values_only=True))
            doc["lov_info"] = {"template_number": info[2], "locale": info[3]}
        _write_json(out / f"{n}.json", doc)
    _write_json(out / "lists.json", dict(sorted(lists.items())))
    _write_json(
        out / "index.json",
        {
            "version": args.version,
            "templates": list(TEMPLATES),
            "lists": "lists.json",
            "notes": "NOTES.md",
        },
    )
    (out / "NOTES.md").write_text(_notes_md(args.version, notes), encoding="utf-8")
    total = sum(p.stat().st_size for p in out.iterdir())
    print(f"wrote {out} ({total // 1024} KB, {len(lists)} lists, {len(notes)} notes)")
    return 0


def _kind(fid: str, label: str, values: list[str] | None) -> str:
    if values is not None:
        return "yes_no" if set(values) == {"Yes", "No"} else "choice"
    if "(YYYY-MM-DD)" in label or fid.endswith(("_dt", "_dttm")):
        return "date"
    if fid.startswith("postal_"):
        return "postal_code"
    if fid == "phone_no":
        return "phone"
    if fid == "email_txt":
        return "email"
    if fid.endswith(("_percentage", "_num", "_no")) and fid not in ("street_no", "phone_ext_no"):
        return "integer"
    return "text"


def _write_json(path: Path, doc: Any) -> None:
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    # One field per line keeps the files short and diffs readable.
    text = re.sub(r"\n\s+(?=[^\s{\[])", " ", text)
    text = re.sub(r"\n\s+(?=[}\]])", " ", text)
    path.write_text(text + "\n", encoding="utf-8")


def _notes_md(version: str, notes: list[str]) -> str:
    head = (
        f"# iCARE templates {version}: notes from extraction\n\n"
        "Written by `scripts/extract_icare_templates.py` from the reference workbooks\n"
        "(`../shared/icare/reference`). Each line is an inconsistency or a choice made.\n"
        "Where with-lov and the samples' hand-typed Options Sheet disagree, with-lov wins.\n\n"
    )
    return head + "".join(f"- {n}\n" for n in notes)


if __name__ == "__main__":
    sys.exit(main())
