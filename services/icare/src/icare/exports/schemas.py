import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Period = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}$")]
IcareId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9-]{1,64}$")]


class ExportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    funding_agreement_id: uuid.UUID
    period: Period


class ExportFileOut(BaseModel):
    name: str
    template: str
    part: int
    parts: int
    rows: int


class ExportOut(BaseModel):
    id: uuid.UUID
    funding_agreement_id: uuid.UUID
    period: str
    trigger: str
    # queued -> running -> completed | failed (then `failure` says why)
    status: Literal["queued", "running", "completed", "failed"]
    requested_by: uuid.UUID | None
    created_at: dt.datetime
    completed_at: dt.datetime | None
    record_count: int
    size_bytes: int | None
    # In upload order: Client Profile first.
    files: list[ExportFileOut]
    # Per template: new, updates, unchanged, held_back {reason: count}.
    summary: dict[str, Any]
    failure: str | None = None


class ExportPage(BaseModel):
    items: list[ExportOut]
    next_offset: int | None


class DownloadOut(BaseModel):
    url: str
    file_name: str
    expires_in_seconds: int


class LedgerEntryOut(BaseModel):
    id: uuid.UUID
    export_id: uuid.UUID
    funding_agreement_id: uuid.UUID
    period: str
    template: str
    record_kind: str
    record_id: uuid.UUID
    record_version: int
    client_id: uuid.UUID | None
    worker_id: uuid.UUID | None
    file_name: str
    row_number: int
    action: str
    update_reason: str | None
    icare_record_id: str | None
    status: str
    message: str | None
    status_at: dt.datetime
    created_at: dt.datetime


class LedgerPage(BaseModel):
    items: list[LedgerEntryOut]
    next_offset: int | None


class LedgerUpdate(BaseModel):
    """iCARE's id of the record (iCARE gives one to accepted records only), and/or its
    outcome as read in iCARE."""

    model_config = ConfigDict(extra="forbid")

    icare_record_id: IcareId | None = None
    status: Literal["accepted", "rejected"] | None = None
    message: Annotated[str, StringConstraints(max_length=2000)] | None = None


class LinkedRow(BaseModel):
    row_number: int
    entry_id: uuid.UUID
    record_kind: str
    record_id: uuid.UUID
    client_id: uuid.UUID | None
    worker_id: uuid.UUID | None
    # How the row was recognised: update_record_id | record_id (RID) | cells.
    matched_by: str
    messages: list[str]


class UnlinkedRow(BaseModel):
    row_number: int
    messages: list[str]
    reason: str


class RejectedImportOut(BaseModel):
    template: str
    rows: int
    linked: list[LinkedRow] = Field(default_factory=list)
    unlinked: list[UnlinkedRow] = Field(default_factory=list)
    # Rows of the export's files of this template iCARE did not return (export_id given).
    accepted: int = 0
