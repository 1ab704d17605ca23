"""Which ledger entry a row of iCARE's returned rejected-records file is about: pure
choices among the entries the repository found for the row's key cells.

A row names its record by the cells iCARE identifies it with: the client (identifier
type and value, date of birth) on every client template, the course code on LT Course
Setup. A client may have several records of one template (two enrolments, two
employment services): the one whose cells the row repeats most is the record. On the
course templates the course code says which course, so an enrolment or exit in the
course the row names is preferred over one in another course, whatever else matches.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from icare.exports.models import LedgerEntry
from icare.workbooks import RejectedRow
from reference.icare.checks import UPLOAD_FIELDS

__all__ = ["COURSE_CODE", "KEY_FIELDS", "best_entry", "key_cells", "score"]

COURSE_CODE = "course_cd"

# The cells that say which client (or course) a returned row is about, tried in order.
KEY_FIELDS: tuple[tuple[str, ...], ...] = (
    ("client_validation_type_id", "client_validation_id", "client_birth_dt"),
    (COURSE_CODE,),
)
_NOT_CONTENT = frozenset({"processing_details", *UPLOAD_FIELDS})


def norm(value: object) -> str:
    return str(value).strip() if value is not None else ""


def key_cells(row: RejectedRow) -> dict[str, str] | None:
    """The key cells of the row's template (the client's where the template has them,
    else the course code), or None when the row leaves one of them empty: an enrolment
    row without its client's date of birth names no one, whatever its course."""
    for keys in KEY_FIELDS:
        if all(k in row.cells for k in keys):
            found = {k: norm(row.cells.get(k)) for k in keys}
            return found if all(found.values()) else None
    return None


def score(row: RejectedRow, cells: Mapping[str, object]) -> int:
    """How many of the row's content cells the uploaded row had the same."""
    return sum(
        1
        for field_id, value in row.cells.items()
        if field_id not in _NOT_CONTENT and norm(value) and norm(value) == norm(cells.get(field_id))
    )


def _same_course(row: RejectedRow, cells: Mapping[str, object]) -> bool:
    # Course codes are unique in an agency whatever their case (sessions).
    code = norm(row.cells.get(COURSE_CODE)).casefold()
    return bool(code) and code == norm(cells.get(COURSE_CODE)).casefold()


def best_entry(row: RejectedRow, candidates: Sequence[LedgerEntry]) -> LedgerEntry | None:
    """The candidate the row is about: in the course it names if any, then the one
    whose cells it repeats most, then the latest sent."""
    if not candidates:
        return None
    return max(
        candidates,
        key=lambda e: (_same_course(row, e.cells), score(row, e.cells), e.created_at),
    )
