import datetime as dt
import uuid

from pydantic import BaseModel, Field


class ProblemOut(BaseModel):
    field_id: str | None
    label: str | None
    code: str
    message: str
    severity: str


class RecordReadiness(BaseModel):
    """One record iCARE would reject (or whose conditional fields look incomplete)."""

    template: str
    template_title: str
    record_kind: str  # client | form | ...
    record_id: uuid.UUID
    client_id: uuid.UUID | None
    # The session (one-on-one) or group activity the record belongs to.
    session_id: uuid.UUID | None
    service_date: dt.date | None
    worker_id: uuid.UUID | None
    worker_name: str | None
    ready: bool  # no errors: iCARE would take it
    problems: list[ProblemOut]


class TemplateCounts(BaseModel):
    template: str
    title: str
    records: int
    ready: int
    defective: int
    with_warnings: int


class ReadinessReport(BaseModel):
    funding_agreement_id: uuid.UUID
    period: str
    templates: list[TemplateCounts]
    # Records with problems (errors first), in upload order.
    records: list[RecordReadiness]


class CheckIn(BaseModel):
    """One row to check: the template's name and its cells by field id."""

    template: str = Field(min_length=1, max_length=64)
    cells: dict[str, str | None] = Field(max_length=200)


class CheckOut(BaseModel):
    template: str
    ready: bool
    problems: list[ProblemOut]
