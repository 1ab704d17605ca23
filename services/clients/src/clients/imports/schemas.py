import uuid
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel


class Mode(StrEnum):
    # Check every row, import nothing.
    VALIDATE = "validate"
    # Import every row, or nothing at all if any row is rejected (409 with the report).
    ALL_OR_NOTHING = "all_or_nothing"
    # Import the rows that pass; report the others.
    VALID_ONLY = "valid_only"


class TemplateFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


class RowError(BaseModel):
    field: str  # the column key
    message: str


class PossibleDuplicate(BaseModel):
    """Same name and date of birth: a client of the agency, or another row of the file."""

    client_id: uuid.UUID | None = None
    row: int | None = None


class RowReport(BaseModel):
    row: int  # as the spreadsheet numbers it (the header is row 1)
    # valid: imports; duplicate: imports too, but looks like someone already known;
    # rejected: never imports (see `errors`).
    status: Literal["valid", "rejected", "duplicate"]
    errors: list[RowError] = []
    possible_duplicates: list[PossibleDuplicate] = []
    client_id: uuid.UUID | None = None  # the client registered from this row


class ImportReport(BaseModel):
    mode: Mode
    format: Literal["csv", "xlsx"]
    rows: int
    valid: int
    rejected: int
    duplicates: int
    imported: int
    items: list[RowReport]
