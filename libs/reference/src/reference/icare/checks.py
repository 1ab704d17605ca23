"""The readiness check of one iCARE row: what iCARE would reject, field by field.

`check_record(template, cells)` is pure (a template description and the row's cells,
field id -> text), so the same checks run wherever a row exists: icare's readiness
report and export (a record with errors is held back, never uploaded to be rejected)
and sessions, on the part of the row a form holds, as warnings when it is saved.

Errors are what iCARE rejects: a required field empty, a value outside the field's
list, a malformed date, identifier, postal code, phone, email or number, dates out of
order or in the future. Warnings are what its conditional rules expect but do not
enforce (a target group left empty when the activity was directed at target groups).
"""

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Literal

from reference.icare.model import Field, Template

Severity = Literal["error", "warning"]

# The identifier type whose identifier is a UCI (8 or 10 digits).
UCI_TYPE = "FOSS/GCMS Client ID"
# Written by the upload itself (iCARE's processing details, an update's record id and
# reason), never expected of a record.
UPLOAD_FIELDS = frozenset({"processing_details", "update_record_id", "assessment_update_reason_id"})


@dataclass(frozen=True)
class Problem:
    field_id: str | None
    label: str | None
    code: str
    message: str
    severity: Severity = "error"

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_POSTAL = re.compile(r"^[A-Z]\d[A-Z]\d[A-Z]\d$")
_PHONE = re.compile(r"^\d{3}-\d{3}-\d{4}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_INTEGER = re.compile(r"^\d+$")
_UCI = re.compile(r"^(\d{8}|\d{10})$")
_OTHER_IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,24}$")

BIRTH_DATE = "client_birth_dt"
IDENTIFIER_TYPE = "client_validation_type_id"
IDENTIFIER = "client_validation_id"
# Dates of something that already happened: never after today.
PAST_DATES = frozenset(
    {
        BIRTH_DATE,
        "assessment_start_dt",
        "assessment_completed_dt",
        "start_dttm",
        "end_dttm",
        "service_start_dt",
        "service_end_dt",
        "first_class_dt",
        "exit_course_dt",
        "session_referral_dt",
    }
)
# (earlier, later): the second may not come before the first.
DATE_ORDER = (
    ("assessment_start_dt", "assessment_completed_dt"),
    ("start_dttm", "end_dttm"),
    ("service_start_dt", "service_end_dt"),
    ("service_start_dt", "service_projected_end_dt"),
    ("intervention_start_dt", "intervention_end_dt"),
    ("start_dt", "end_dt"),
)


def _filled(value: str | None) -> bool:
    return value is not None and value.strip() != ""


def _problem(f: Field, code: str, message: str, severity: Severity = "error") -> Problem:
    return Problem(f.id, f.label.strip(), code, message, severity)


def _date(value: str) -> dt.date | None:
    if not _DATE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _format_problem(f: Field, value: str, cells: Mapping[str, str | None]) -> Problem | None:
    if f.values is not None:
        if not f.allows(value):
            return _problem(f, "not_in_list", "is not one of iCARE's values for this field")
        return None
    if f.kind == "date":
        if _date(value) is None:
            return _problem(f, "invalid_date", "is not a date written YYYY-MM-DD")
    elif f.kind == "postal_code":
        if not _POSTAL.match(value):
            return _problem(f, "invalid_postal_code", "is not a postal code A#A#A# (no space)")
    elif f.kind == "phone":
        if not _PHONE.match(value):
            return _problem(f, "invalid_phone", "is not a phone number ###-###-####")
    elif f.kind == "email":
        if not _EMAIL.match(value):
            return _problem(f, "invalid_email", "is not an email address")
    elif f.kind == "integer":
        if not _INTEGER.match(value):
            return _problem(f, "invalid_number", "is not a whole number")
        if "percentage" in f.id and int(value) > 100:
            return _problem(f, "invalid_number", "is a percentage above 100")
    if f.id == IDENTIFIER:
        pattern = _UCI if cells.get(IDENTIFIER_TYPE) == UCI_TYPE else _OTHER_IDENTIFIER
        if not pattern.match(value):
            expected = "a UCI of 8 or 10 digits" if pattern is _UCI else "letters and digits"
            return _problem(f, "invalid_identifier", f"is not {expected}")
    return None


def _date_rules(
    template: Template, cells: Mapping[str, str | None], today: dt.date
) -> list[Problem]:
    dates = {
        f.id: d
        for f in template.fields
        if f.kind == "date" and _filled(cells.get(f.id)) and (d := _date(str(cells[f.id])))
    }
    problems = []
    for field_id, value in dates.items():
        f = template.field(field_id)
        if field_id in PAST_DATES and value > today:
            problems.append(_problem(f, "date_in_future", "is in the future"))
        if field_id == BIRTH_DATE and value.year < 1900:
            problems.append(_problem(f, "invalid_date", "is before 1900"))
    birth = dates.get(BIRTH_DATE)
    if birth is not None:
        for field_id, value in dates.items():
            if field_id != BIRTH_DATE and value < birth:
                f = template.field(field_id)
                problems.append(_problem(f, "date_order", "is before the client's date of birth"))
    for earlier, later in DATE_ORDER:
        if earlier in dates and later in dates and dates[later] < dates[earlier]:
            f, before = template.field(later), template.field(earlier)
            problems.append(_problem(f, "date_order", f"is before {before.label.strip()!r}"))
    return problems


def check_record(
    template: Template, cells: Mapping[str, str | None], *, today: dt.date | None = None
) -> list[Problem]:
    """Every problem of one row (field id -> cell text) against its template."""
    today = today or dt.date.today()
    problems: list[Problem] = []
    for f in template.fields:
        if f.id == "processing_details":
            continue
        value = cells.get(f.id)
        applies = f.conditional is None or f.conditional.holds(cells)
        if not _filled(value):
            if f.required:
                problems.append(_problem(f, "missing", "is required by iCARE"))
            elif f.conditional is not None and applies and f.id not in UPLOAD_FIELDS:
                problems.append(
                    _problem(f, "missing", "is expected by iCARE's rules here", "warning")
                )
            continue
        assert value is not None
        if not applies:
            problems.append(
                _problem(f, "not_applicable", "is filled although its condition does not hold")
            )
            continue
        found = _format_problem(f, value, cells)
        if found is not None:
            problems.append(found)
    problems += _date_rules(template, cells, today)
    return problems


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]
