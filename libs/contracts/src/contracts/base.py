"""What every integration event carries."""

import uuid
from datetime import UTC, datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field


def _now() -> datetime:
    return datetime.now(UTC)


class IntegrationEvent(BaseModel):
    """Base of every event. Events carry the whole new state of what changed
    ("event-carried state"), so a consumer upserts and never calls back.

    `routing_key` is `<service>.<entity>.<past_verb>.v<N>`; a breaking change is a new
    class with the next version, published beside the old one.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    routing_key: ClassVar[str]

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    occurred_at: datetime = Field(default_factory=_now)
    agency_id: uuid.UUID
    correlation_id: str | None = None
