"""The pure parts of kit.messaging: naming, backoff, routing keys."""

import uuid
from typing import ClassVar

import pytest
from pydantic import BaseModel

from kit.messaging import Consumer, Subscription, routing_key_of
from kit.messaging.backoff import Backoff
from kit.messaging.topology import ServiceQueues, retry_delays_ms


class Good(BaseModel):
    routing_key: ClassVar[str] = "clients.client.registered.v1"
    event_id: uuid.UUID
    agency_id: uuid.UUID
    correlation_id: str | None = None


class NoKey(BaseModel):
    event_id: uuid.UUID
    agency_id: uuid.UUID
    correlation_id: str | None = None


class BadKey(NoKey):
    routing_key: ClassVar[str] = "Clients.Registered"


def test_queue_names_of_a_service() -> None:
    names = ServiceQueues("reporting")
    assert (names.main, names.dead, names.retry(250)) == (
        "reporting.events",
        "reporting.events.dead",
        "reporting.events.retry.250ms",
    )


def test_retry_delays_double_and_stop_before_the_last_attempt() -> None:
    assert retry_delays_ms(5, 1.0) == [1000, 2000, 4000, 8000]
    assert retry_delays_ms(1, 1.0) == []
    assert retry_delays_ms(3, 0.0001) == [1, 1]  # never a zero TTL


def test_backoff_grows_to_its_cap_with_jitter_and_resets() -> None:
    backoff = Backoff(initial=1.0, maximum=4.0)
    delays = [backoff.next_delay() for _ in range(5)]
    for delay, ceiling in zip(delays, [1, 2, 4, 4, 4], strict=True):
        assert ceiling / 2 <= delay <= ceiling
    backoff.reset()
    assert backoff.next_delay() <= 1.0


def test_routing_keys_are_checked() -> None:
    assert routing_key_of(Good) == "clients.client.registered.v1"
    for bad in (NoKey, BadKey):
        with pytest.raises(TypeError, match="routing_key"):
            routing_key_of(bad)  # type: ignore[arg-type]


async def test_a_consumer_refuses_two_handlers_for_one_event() -> None:
    async def handler(db: object, event: Good) -> None:
        return None

    subscription = Subscription(Good, handler)
    with pytest.raises(ValueError, match="two subscriptions"):
        Consumer("svc", None, "amqp://", [subscription, subscription])  # type: ignore[arg-type]
