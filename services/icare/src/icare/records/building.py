"""Rows of iCARE templates built from the local copies: pure functions on plain data.

A row is `{field id: cell text or None}` in the template's own terms: dates
`YYYY-MM-DD`, list values as their exact labels. Fields whose condition does not hold
are left empty (iCARE expects them empty there). Nothing here checks the values; the
readiness checks (`reference.icare.checks`) do.
"""

import datetime as dt
import hashlib
import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from icare.records import mapping
from reference.icare import Template
from reference.icare.answers import cell_text, cells_from_answers
from reference.icare.checks import UPLOAD_FIELDS, Problem

Row = dict[str, str | None]
Key = tuple[str, uuid.UUID]  # (template, record id): a record in the ledger


@dataclass
class BuiltRecord:
    """One record of one template, its row, and the problems found building it."""

    template: str
    kind: str  # "client" (a Client Profile row) or the service copy's kind ("form", ...)
    record_id: uuid.UUID
    client_id: uuid.UUID | None
    session_id: uuid.UUID | None
    service_date: dt.date | None
    worker_id: uuid.UUID | None
    version: int
    cells: Row
    problems: list[Problem] = field(default_factory=list)
    # Records iCARE must have before this one (the client's profile, a course's setup).
    requires: list[Key] = field(default_factory=list)
    # From a private form: listed to its author, the author's manager and admins only.
    private: bool = False

    @property
    def content_hash(self) -> str:
        return row_hash(self.cells)


def row_hash(cells: Mapping[str, str | None]) -> str:
    """What iCARE would see of a record, as a hash: the cells without the upload's own."""
    content = {k: v for k, v in sorted(cells.items()) if k not in UPLOAD_FIELDS and v}
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


def phone_text(raw: str | None) -> str | None:
    """A North American number as iCARE writes it (###-###-####); other text as given."""
    if not raw:
        return None
    digits = re.sub(r"\D", "", raw)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) == 10:
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return raw.strip() or None


def _clear_inapplicable(template: Template, cells: Row) -> Row:
    # Two passes: a condition may hang on a field that itself was just cleared.
    for _ in range(2):
        for f in template.fields:
            if (
                f.conditional is not None
                and f.id not in UPLOAD_FIELDS
                and cells.get(f.id) is not None
                and not f.conditional.holds(cells)
            ):
                cells[f.id] = None
    return cells


def client_profile_cells(profile: Mapping[str, Any]) -> Row:
    """A Client Profile row from a client profile (`contracts.clients.ClientProfile`)."""
    address = profile.get("address") or {}
    phones = profile.get("phones") or []
    has_email = profile.get("has_email")
    cells: Row = {
        "client_validation_type_id": cell_text(profile.get("identifier_type")),
        "client_validation_id": cell_text(profile.get("identifier_value")),
        "client_birth_dt": cell_text(profile.get("birth_date")),
        "phone_no": phone_text(phones[0] if phones else None),
        "email_txt_ind": None if has_email is None else ("Yes" if has_email else "No"),
        "email_txt": cell_text(profile.get("email")),
        "street_no": cell_text(address.get("street_number")),
        "street_nme": cell_text(address.get("street_name")),
        "street_type_id": cell_text(address.get("street_type")),
        "street_direction_id": cell_text(address.get("street_direction")),
        "unit_txt": cell_text(address.get("unit")),
        "city_txt": cell_text(address.get("city")),
        "province_id": cell_text(address.get("province")),
        "postal_txt": cell_text(address.get("postal_code")),
        "official_language_id": cell_text(profile.get("official_language")),
        "consent_ind": cell_text(profile.get("research_consent")),
    }
    template = mapping.template(mapping.CLIENT_PROFILE)
    return _clear_inapplicable(template, {f.id: cells.get(f.id) for f in template.fields})


def client_problems(profile: Mapping[str, Any] | None) -> list[Problem]:
    """Why a client cannot be reported at all, before any field is looked at."""
    if profile is None:
        return [Problem(None, None, "client_unknown", "the client's profile is not known here")]
    if profile.get("kind") == "anonymous":
        return [
            Problem(
                None,
                None,
                "client_anonymous",
                "an anonymous client cannot be reported to iCARE one by one",
            )
        ]
    if profile.get("restricted"):
        return [
            Problem(None, None, "client_restricted", "the client withdrew consent: no identifiers")
        ]
    return []


def _session_language(template: str, field_id: str, language: str | None) -> str | None:
    if language is None:
        return None
    return mapping.label_lookup(template, field_id).get(language.strip().casefold(), language)


def service_cells(
    template_name: str,
    session: Mapping[str, Any],
    answers: Mapping[str, Any],
    profile: Mapping[str, Any] | None,
) -> Row:
    """A service template's row from a session, its form's answers and the client."""
    template = mapping.template(template_name)
    cells: Row = cells_from_answers(template, answers)
    for field_id, profile_field in mapping.PROFILE_FIELDS.items():
        if template.has_field(field_id):
            cells[field_id] = cell_text((profile or {}).get(profile_field))
    for f in template.fields:
        if f.id in mapping.SESSION_DATE_FIELDS:
            cells[f.id] = cell_text(session.get("date"))
        elif f.id in mapping.SESSION_LANGUAGE_FIELDS:
            cells[f.id] = _session_language(
                template_name, f.id, cell_text(session.get("language_of_service"))
            )
        elif f.id == mapping.SESSION_POSTAL_FIELD and template_name not in mapping.POSTAL_FROM_FORM:
            cells[f.id] = cell_text(session.get("postal_code"))
    return _clear_inapplicable(template, cells)
