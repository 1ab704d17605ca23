"""Events published by icare."""

import uuid
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.base import IntegrationEvent


class ExportFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    # The workbook's name inside the export's zip (sorted names are the upload order).
    name: str
    # The iCARE template (`reference.icare` name, e.g. "client_profile").
    template: str
    rows: int


class ExportCompleted(IntegrationEvent):
    """A bulk-upload export of one agency, funding agreement and month is ready to
    download (or found nothing new to send: `record_count` 0 and no files). Staff are
    told by whoever consumes this; the files stay in icare."""

    routing_key: ClassVar[str] = "icare.export.completed.v1"

    export_id: uuid.UUID
    funding_agreement_id: uuid.UUID
    # YYYY-MM
    period: str
    trigger: Literal["manual", "scheduled"]
    requested_by: uuid.UUID | None = None
    # Records in the files: new ones and updates of records sent before.
    record_count: int
    update_count: int = 0
    # Records not sent because iCARE would reject them (see the readiness report).
    held_back_count: int = 0
    files: list[ExportFile] = Field(default_factory=list)
