"""The shape of an integration event as the kit sees it.

The kit knows no concrete event, and does not import `contracts` either: any pydantic
model with a `routing_key` ClassVar, an `event_id`, an `agency_id` and a
`correlation_id` can be written to the outbox and consumed. `contracts.base.
IntegrationEvent` is the one such model in this code base.
"""

import re
import uuid
from collections.abc import Mapping
from typing import Any, ClassVar, Protocol, Self, TypeVar

ROUTING_KEY_PATTERN = re.compile(r"^[a-z]+\.[a-z_]+\.[a-z_]+\.v\d+$")


class EventLike(Protocol):
    routing_key: ClassVar[str]

    @property
    def event_id(self) -> uuid.UUID: ...

    @property
    def agency_id(self) -> uuid.UUID: ...

    @property
    def correlation_id(self) -> str | None: ...

    def model_copy(
        self, *, update: Mapping[str, Any] | None = None, deep: bool = False
    ) -> Self: ...

    def model_dump(self, *, mode: str = "python") -> dict[str, Any]: ...

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray) -> Self: ...


EventT = TypeVar("EventT", bound=EventLike)


def routing_key_of(event_type: type[EventLike]) -> str:
    """The event's routing key, refusing classes that forgot to declare one."""
    key = getattr(event_type, "routing_key", None)
    if not isinstance(key, str) or not ROUTING_KEY_PATTERN.match(key):
        raise TypeError(
            f"{event_type.__name__} needs a ClassVar routing_key like"
            f" '<service>.<entity>.<past_verb>.v<N>', got {key!r}"
        )
    return key
